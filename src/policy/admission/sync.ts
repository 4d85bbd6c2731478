// Keeps a ConstraintClient in step with a cluster, as Gatekeeper's template and constraint
// controllers do: installs the ConstraintTemplate CRD; for each template, compiles it, creates its
// constraint CRD and watches that kind; writes the template's and constraints' status
// (`byPod`, compile errors as `ingest_error`); watches Namespaces for namespaceSelector.
import type { Logger } from '../../core/index.js';
import {
  Informer,
  isNotFound,
  PatchType,
  dropManagedFields,
  type KubeClient,
  type KubeObject,
} from '../../kube/index.js';
import type { ConstraintClient } from '../gatekeeper/client.js';
import { CONSTRAINTS_GROUP, TEMPLATES_GROUP } from '../gatekeeper/constants.js';
import type { JsonObject } from '../gatekeeper/object-access.js';
import { constraintTemplateCrd } from './template-crd.js';
import { configCrd } from './config-sync.js';

const CRD_API = 'apiextensions.k8s.io/v1';
/** The id Flotilla reports itself under in `status.byPod`. */
export const POD_ID = 'flotilla-policy';
const OPERATIONS = ['audit', 'status', 'webhook'];

export interface PolicySyncOptions {
  readonly kube: KubeClient;
  readonly client: ConstraintClient;
  readonly logger: Logger;
  /** How long to wait for a generated CRD to be served. @default 30000 */
  readonly crdTimeoutMs?: number;
}

interface KindWatch {
  readonly informer: Informer;
  readonly kind: string;
}

/** The template and constraint controllers of the policy runtime. */
export class PolicySync {
  private readonly kinds = new Map<string, KindWatch>();
  private templates: Informer | undefined;
  private namespaces: Informer | undefined;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: PolicySyncOptions) {}

  /** Installs the template and Config CRDs and starts watching; resolves when the first lists are in. */
  async start(): Promise<void> {
    const { kube } = this.options;
    for (const crd of [constraintTemplateCrd(), configCrd()]) {
      await kube.apply(crd, { fieldManager: 'flotilla-policy', force: true });
      await this.established(crd.metadata.name ?? '');
    }
    this.namespaces = new Informer(kube, {
      apiVersion: 'v1',
      kind: 'Namespace',
      transform: dropManagedFields,
      logger: this.options.logger,
    });
    this.templates = new Informer(kube, {
      apiVersion: `${TEMPLATES_GROUP}/v1`,
      kind: 'ConstraintTemplate',
      transform: dropManagedFields,
      logger: this.options.logger,
    });
    this.templates.on((type, obj) => this.track(this.onTemplate(type, obj)));
    await Promise.all([this.namespaces.start(), this.templates.start()]);
    await this.settled();
  }

  /** A Namespace by name, from the watch cache. */
  namespace(name: string): JsonObject | undefined {
    return this.namespaces?.get(name);
  }

  /** Every watched constraint kind's informer (the audit lists constraints from them). */
  constraintKinds(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /** Resolves when every template and constraint event seen so far is handled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([
      this.templates?.stop(),
      this.namespaces?.stop(),
      ...[...this.kinds.values()].map((k) => k.informer.stop()),
    ]);
    await this.settled();
  }

  private track(p: Promise<void>): void {
    const done = p
      .catch((err: unknown) => this.options.logger.error({ err }, 'policy sync failed'))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private async onTemplate(type: string, obj: KubeObject): Promise<void> {
    const { client, logger } = this.options;
    const kind = kindOfTemplate(obj);
    if (type === 'delete') {
      client.removeTemplate(kind);
      await this.unwatch(kind);
      return;
    }
    let template;
    try {
      template = client.addTemplate(obj);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.info({ template: obj.metadata.name, error: message }, 'template rejected');
      await this.templateStatus(obj, false, [{ code: 'ingest_error', message }]);
      return;
    }
    const crd = client.crdFor(template.kind) as KubeObject;
    try {
      await this.options.kube.apply(crd, { fieldManager: 'flotilla-policy', force: true });
      await this.established(crd.metadata.name ?? '');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.templateStatus(obj, false, [{ code: 'create_error', message }]);
      return;
    }
    await this.watch(template.kind);
    await this.templateStatus(obj, true, []);
  }

  private async watch(kind: string): Promise<void> {
    const key = kind.toLowerCase();
    if (this.kinds.has(key) || this.stopped) return;
    const informer = new Informer(this.options.kube, {
      apiVersion: `${CONSTRAINTS_GROUP}/v1beta1`,
      kind,
      transform: dropManagedFields,
      logger: this.options.logger,
    });
    this.kinds.set(key, { informer, kind });
    informer.on((type, obj) => this.track(this.onConstraint(type, obj)));
    await informer.start();
  }

  private async unwatch(kind: string): Promise<void> {
    const key = kind.toLowerCase();
    const watch = this.kinds.get(key);
    if (watch === undefined) return;
    this.kinds.delete(key);
    await watch.informer.stop();
    // Gatekeeper removes the generated CRD (and so every constraint) with its template
    try {
      await this.options.kube.delete({
        apiVersion: CRD_API,
        kind: 'CustomResourceDefinition',
        name: `${key}.${CONSTRAINTS_GROUP}`,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async onConstraint(type: string, obj: KubeObject): Promise<void> {
    const { client, logger } = this.options;
    if (type === 'delete') {
      client.removeConstraint(obj.kind ?? '', obj.metadata.name ?? '');
      return;
    }
    let errors: { code: string; message: string }[] = [];
    try {
      client.addConstraint(obj);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.info({ constraint: obj.metadata.name, error: message }, 'constraint rejected');
      client.removeConstraint(obj.kind ?? '', obj.metadata.name ?? '');
      errors = [{ code: 'ingest_error', message }];
    }
    const generation = obj.metadata.generation;
    const current = byPodOf(obj);
    if (current?.observedGeneration === generation && sameErrors(current?.errors, errors)) return;
    await this.patchStatus(obj, {
      byPod: [
        {
          id: POD_ID,
          constraintUID: obj.metadata.uid,
          enforced: errors.length === 0,
          observedGeneration: generation,
          operations: OPERATIONS,
          ...(errors.length > 0 ? { errors } : {}),
        },
      ],
    });
  }

  private async templateStatus(
    obj: KubeObject,
    created: boolean,
    errors: { code: string; message: string }[],
  ): Promise<void> {
    const current = byPodOf(obj);
    const status = (obj as { status?: { created?: boolean } }).status;
    if (
      status?.created === created &&
      current?.observedGeneration === obj.metadata.generation &&
      sameErrors(current?.errors, errors)
    )
      return;
    await this.patchStatus(obj, {
      created,
      byPod: [
        {
          id: POD_ID,
          observedGeneration: obj.metadata.generation,
          operations: OPERATIONS,
          templateUID: obj.metadata.uid,
          ...(errors.length > 0 ? { errors } : {}),
        },
      ],
    });
  }

  private async patchStatus(obj: KubeObject, status: JsonObject): Promise<void> {
    try {
      await this.options.kube.patch(
        {
          apiVersion: obj.apiVersion ?? '',
          kind: obj.kind ?? '',
          name: obj.metadata.name ?? '',
        },
        PatchType.Merge,
        { status },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Waits until a CRD's Established condition is True. */
  private async established(name: string): Promise<void> {
    const deadline = Date.now() + (this.options.crdTimeoutMs ?? 30_000);
    for (;;) {
      const crd = await this.options.kube.getOrUndefined({
        apiVersion: CRD_API,
        kind: 'CustomResourceDefinition',
        name,
      });
      const conditions = (crd as { status?: { conditions?: { type: string; status: string }[] } })
        ?.status?.conditions;
      if (conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not established in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function kindOfTemplate(obj: KubeObject): string {
  const spec = (obj as { spec?: { crd?: { spec?: { names?: { kind?: string } } } } }).spec;
  return spec?.crd?.spec?.names?.kind ?? obj.metadata.name ?? '';
}

interface ByPod {
  readonly observedGeneration?: number;
  readonly errors?: { code: string; message: string }[];
}

function byPodOf(obj: KubeObject): ByPod | undefined {
  const byPod = (obj as { status?: { byPod?: (ByPod & { id?: string })[] } }).status?.byPod;
  return byPod?.find((p) => p.id === POD_ID);
}

function sameErrors(a: ByPod['errors'], b: readonly { code: string; message: string }[]): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b);
}
