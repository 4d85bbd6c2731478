// Builds the object API with its collaborators and starts the in-process controllers:
// CRD serving, garbage collection and namespace cleanup, and workload simulation.
import type { Logger } from '../core/index.js';
import type { ObjectStore } from './store.js';
import type { ResourceInfo, ResourceRegistry } from './registry.js';
import type { ObjectApi, ObjectApiDeps } from './object-api.js';
import type { IpAllocator } from './ip-allocator.js';
import type { PatchHandler } from './rest-handler.js';
import type { SchemaNode } from '../core/index.js';
import { CrdController } from './crd-controller.js';
import { GarbageCollector } from './gc.js';
import { WorkloadSimulator } from './simulation.js';
import { bootstrapNamespaces, keepSystemNamespaces } from './bootstrap.js';
import { createFieldSupport } from './field-support.js';
import { WebhookAdmission } from './admission.js';
import { NamespaceExtras } from './namespace-extras.js';
import { WorkloadControllers } from './workload-controllers.js';
import { RbacPolicyControllers } from './rbac/policy-controllers.js';
import { ServiceAccountTokens } from './sa-tokens.js';
import { ValidatingPolicyAdmission } from './validating-policy.js';

export interface ControllerDeps {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly logger: Logger;
  readonly loadBalancerIps: IpAllocator;
  readonly simulationDelayMs: number;
  readonly simulate: boolean;
  readonly namespaceDeletionDelayMs: number;
  /** The cluster CA (PEM), published in every namespace's kube-root-ca.crt ConfigMap. */
  readonly caPem: string;
  /** The key service account tokens are signed with (the serving key, PEM). */
  readonly signingKeyPem: string;
  readonly makeApi: (deps: Omit<ObjectApiDeps, 'store' | 'ips'>) => ObjectApi;
}

export interface Controllers {
  readonly api: ObjectApi;
  readonly tokens: ServiceAccountTokens;
  readonly patcher: PatchHandler | undefined;
  readonly builtinComponents: (gv: string) => Record<string, unknown> | undefined;
  readonly crdSchema: (info: ResourceInfo) => SchemaNode | undefined;
  /** Resolves when controller queues are empty (tests). */
  idle(): Promise<void>;
  /** Resolves once the bootstrap objects (RBAC policy) exist: the server listens after that. */
  ready(): Promise<void>;
  stop(): void;
}

export function startControllers(deps: ControllerDeps): Controllers {
  // controllers are built before the API they write through; they only call it later
  const ref: { api?: ObjectApi } = {};
  const getApi = (): ObjectApi => {
    if (ref.api === undefined) throw new Error('object API used before it was built');
    return ref.api;
  };
  const crds = new CrdController(deps.store, deps.registry, getApi, deps.logger);
  const fields = createFieldSupport(deps.registry, (info) => crds.schemaFor(info), getApi);
  const api = deps.makeApi({
    schemaFor: fields.schemaFor,
    fields: fields.tracker,
    typed: fields.typed,
    admission: new WebhookAdmission(
      deps.store,
      new ValidatingPolicyAdmission(deps.store, deps.registry, deps.logger),
    ),
  });
  ref.api = api;
  bootstrapNamespaces(deps.store);
  const gc = new GarbageCollector(
    deps.store,
    deps.registry,
    getApi,
    deps.logger,
    deps.namespaceDeletionDelayMs,
  );
  const sim = new WorkloadSimulator(
    deps.store,
    deps.registry,
    getApi,
    deps.loadBalancerIps,
    { delayMs: deps.simulationDelayMs },
    deps.logger,
  );
  const workloads = new WorkloadControllers(
    deps.store,
    deps.registry,
    getApi,
    { failAfterMs: deps.simulationDelayMs * 2 },
    deps.logger,
  );
  const extras = new NamespaceExtras(deps.store, deps.registry, getApi, deps.caPem, deps.logger);
  const rbac = new RbacPolicyControllers(deps.store, deps.registry, getApi, deps.logger);
  const stops = [
    crds.start(),
    rbac.start(),
    gc.start(),
    extras.start(),
    keepSystemNamespaces(deps.store),
    ...(deps.simulate ? [sim.start(), workloads.start()] : []),
  ];
  return {
    api,
    tokens: new ServiceAccountTokens(deps.signingKeyPem, deps.store),
    patcher: fields.patcher,
    builtinComponents: fields.builtinComponents,
    crdSchema: (info) => crds.schemaFor(info),
    ready: () => rbac.idle(),
    idle: async () => {
      await gc.idle();
      await workloads.idle();
      await rbac.idle();
    },
    stop: () => {
      for (const s of stops) s();
    },
  };
}
