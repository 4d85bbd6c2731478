// The app provider for Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1): rows from the
// watch cache, inventory, actions as `flux reconcile/suspend/resume` do them, and the same build
// the controller runs for diffs.
import { resolve, sep } from 'node:path';
import { Annotation, FlotillaError, diskFs } from '../../../core/index.js';
import { refOf, type KubeClient, type KubeObject } from '../../../kube/index.js';
import { entryToRef, kustomizationOwnerLabels } from '../../../apply/index.js';
import {
  KUSTOMIZATION_API_VERSION,
  fluxBuild,
  kustomizationTargetClients,
  loadSubstituteFrom,
  withCommonMetadata,
  type Kustomization,
} from '../../../controller/index.js';
import type { AppRow } from '../../api/types.js';
import {
  conditionsOf,
  driftOf,
  lastChangeOf,
  messageOf,
  readyOf,
  slimConditions,
  statusOf,
} from './conditions.js';
import { appId, type AppProvider, type ManagedObject, type RowContext } from './provider.js';

/** Where the watch cache keeps the inventory size once the entries are dropped. */
const OBJECTS = 'towerObjects';

interface SlimStatus {
  conditions?: unknown[];
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  lastHandledReconcileAt?: string;
  [OBJECTS]?: number;
}

function statusOfObject(obj: KubeObject): SlimStatus {
  return (obj['status'] as SlimStatus | undefined) ?? {};
}

function specOf(obj: KubeObject): Partial<Kustomization['spec']> {
  return (obj['spec'] as Partial<Kustomization['spec']> | undefined) ?? {};
}

const targetClientsByCluster = new WeakMap<
  KubeClient,
  (ks: Kustomization) => Promise<KubeClient>
>();

export const kustomizationProvider: AppProvider = {
  kind: 'Kustomization',
  apiVersion: KUSTOMIZATION_API_VERSION,
  group: 'kustomize.toolkit.fluxcd.io',

  transform(obj) {
    const spec = specOf(obj);
    const status = statusOfObject(obj);
    const inventory = (obj['status'] as { inventory?: { entries?: unknown[] } } | undefined)
      ?.inventory;
    return {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: {
        name: obj.metadata.name ?? '',
        namespace: obj.metadata.namespace ?? 'default',
        ...(obj.metadata.uid === undefined ? {} : { uid: obj.metadata.uid }),
        ...(obj.metadata.resourceVersion === undefined
          ? {}
          : { resourceVersion: obj.metadata.resourceVersion }),
        ...(obj.metadata.generation === undefined ? {} : { generation: obj.metadata.generation }),
      },
      spec: {
        ...(spec.sourceRef ? { sourceRef: spec.sourceRef } : {}),
        ...(spec.path === undefined ? {} : { path: spec.path }),
        ...(spec.suspend ? { suspend: true } : {}),
      },
      status: {
        conditions: slimConditions(obj),
        ...(status.lastAppliedRevision ? { lastAppliedRevision: status.lastAppliedRevision } : {}),
        ...(status.lastAttemptedRevision
          ? { lastAttemptedRevision: status.lastAttemptedRevision }
          : {}),
        [OBJECTS]: inventory?.entries?.length ?? status[OBJECTS] ?? 0,
      },
    };
  },

  row(obj, ctx: RowContext): AppRow {
    const spec = specOf(obj);
    const status = statusOfObject(obj);
    const conditions = conditionsOf(obj);
    const namespace = obj.metadata.namespace ?? 'default';
    const name = obj.metadata.name ?? '';
    const ref = this.sourceOf(obj);
    const source = ref ? ctx.source(ref) : undefined;
    const revision = status.lastAppliedRevision ?? '';
    const attempted = status.lastAttemptedRevision ?? '';
    const ready = readyOf(conditions);
    const suspended = spec.suspend === true;
    const { message, reason } = messageOf(conditions);
    const behind =
      source?.revision !== undefined && revision !== ''
        ? source.revision === revision
          ? 0
          : ctx.behind(source, revision)
        : undefined;
    return {
      id: appId(ctx.cluster, 'Kustomization', namespace, name),
      cluster: ctx.cluster,
      environment: ctx.environment,
      kind: 'Kustomization',
      namespace,
      name,
      ...(source ? { source } : ref ? { source: { ...ref } } : {}),
      revision,
      attemptedRevision: attempted,
      ...(behind === undefined ? {} : { behind }),
      ready,
      status: statusOf(conditions, suspended),
      drift: driftOf(revision, attempted, ready, source?.revision),
      suspended,
      message,
      reason,
      lastChange: lastChangeOf(conditions),
      objects: status[OBJECTS] ?? 0,
    };
  },

  sourceOf(obj) {
    const ref = specOf(obj).sourceRef;
    if (!ref) return undefined;
    return {
      kind: ref.kind,
      namespace: ref.namespace ?? obj.metadata.namespace ?? 'default',
      name: ref.name,
    };
  },

  pathOf(obj) {
    return normalisePath(specOf(obj).path ?? '');
  },

  conditions: conditionsOf,

  inventory(full) {
    const ks = full as Kustomization;
    return (ks.status?.inventory?.entries ?? []).map((e): ManagedObject => {
      const m = entryToRef(e);
      return { apiVersion: m.apiVersion, kind: m.kind, name: m.name, namespace: m.namespace };
    });
  },

  specSummary(full) {
    const s = (full as Kustomization).spec;
    const summary: Record<string, unknown> = {
      sourceRef: `${s.sourceRef.kind}/${s.sourceRef.namespace ?? full.metadata.namespace ?? ''}/${s.sourceRef.name}`,
      path: s.path ?? './',
      interval: s.interval,
      prune: s.prune,
    };
    for (const key of [
      'targetNamespace',
      'dependsOn',
      'serviceAccountName',
      'timeout',
      'wait',
      'force',
      'suspend',
    ] as const) {
      if (s[key] !== undefined) summary[key] = s[key];
    }
    if (s.kubeConfig) summary['kubeConfig'] = `Secret/${s.kubeConfig.secretRef.name}`;
    return summary;
  },

  async requestReconcile(client, obj, requestedAt) {
    await client.patch(refOf(obj), 'merge', {
      metadata: { annotations: { [Annotation.ReconcileRequestedAt]: requestedAt } },
    });
  },

  async setSuspended(client, obj, suspended) {
    await client.patch(refOf(obj), 'merge', { spec: { suspend: suspended } });
  },

  targetClient(client, full) {
    let clients = targetClientsByCluster.get(client);
    if (!clients) {
      clients = kustomizationTargetClients<Kustomization>(client, undefined);
      targetClientsByCluster.set(client, clients);
    }
    return clients(full as Kustomization);
  },

  async render(client, full, root) {
    const ks = full as Kustomization;
    const dir = resolve(root, ks.spec.path ?? './');
    if (dir !== root && !dir.startsWith(root + sep)) {
      throw new FlotillaError(`spec.path '${ks.spec.path ?? ''}' points outside the source`, {
        reason: 'InvalidPath',
        object: `Kustomization/${ks.metadata.namespace ?? ''}/${ks.metadata.name}`,
        field: 'spec.path',
      });
    }
    const substituteFrom = await loadSubstituteFrom(client, ks);
    return withCommonMetadata(
      // Tower holds no keys: encrypted Secret values are masked, as `flux build` does.
      await fluxBuild({
        fs: diskFs,
        root,
        dir,
        kustomization: ks,
        substituteFrom,
        decryption: 'mask',
      }),
      ks,
    );
  },

  ownerLabels(obj) {
    return kustomizationOwnerLabels(obj.metadata.name ?? '', obj.metadata.namespace ?? 'default');
  },

  ownerOf(labels) {
    const name = labels['kustomize.toolkit.fluxcd.io/name'];
    const namespace = labels['kustomize.toolkit.fluxcd.io/namespace'];
    return name && namespace ? { namespace, name } : undefined;
  },
};

/** `./apps/staging/` → `apps/staging`; `./` → ''. */
export function normalisePath(path: string): string {
  return path
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}
