// The Kustomization reconciler: Flux's kustomize-controller phases — finalizer, suspend,
// dependencies, source, fetch, build, apply, prune, health — each leaving a clear condition, and
// status always written at the end. A failed phase never deletes or half-applies: every object is
// dry-run before anything is written, and prune only runs after a successful apply.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';
import {
  ErrorCategory,
  FlotillaError,
  Reason,
  errorMessage,
  formatDuration,
  parseDuration,
  removeCondition,
  setCondition,
  silentLogger,
  type Logger,
} from '../../core/index.js';
import {
  ResourceManager,
  entryToRef,
  inventoryOfChangeSet,
  kustomizationOwnerLabels,
  type ChangeSet,
  type Inventory,
} from '../../apply/index.js';
import { fetchArtifact } from '../../source/index.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import { jitter } from '../runtime/jitter.js';
import { replaceStatus } from '../runtime/status.js';
import { ensureFinalizer, removeFinalizer } from '../runtime/finalizers.js';
import type { ReconcileResult } from '../runtime/work-queue.js';
import { REQUESTED_AT_ANNOTATION, type ObjectKey } from '../runtime/manager.js';
import { checkDependencies } from './dependencies.js';
import { resolveSource } from './source.js';
import {
  KUSTOMIZATION_API_VERSION,
  KUSTOMIZATION_KIND,
  type Kustomization,
  type KustomizationStatus,
} from './types.js';
import { loadSubstituteFrom } from './variables.js';

/** What the build phase gets: the extracted artifact and the directory to build inside it. */
export interface BuildInput {
  /** Root of the extracted source artifact; nothing may be loaded from outside it. */
  readonly root: string;
  /** The directory of `spec.path`, inside `root`. */
  readonly dir: string;
  readonly kustomization: Kustomization;
  /** postBuild variables: substituteFrom maps in order, then spec.postBuild.substitute. */
  readonly substituteFrom: readonly Record<string, string>[];
}

/** Renders the manifests of a Kustomization (overlay, kustomize build, substitution). */
export type BuildManifests = (input: BuildInput) => Promise<KubeObject[]>;

export interface KustomizationReconcilerOptions {
  /** Client of the cluster the Kustomization object lives in. */
  readonly client: KubeClient;
  readonly build: BuildManifests;
  /** Where artifacts are extracted for a build (a fresh folder per reconcile). */
  readonly workDir: string;
  /** Client for the cluster to apply to (spec.kubeConfig, spec.serviceAccountName). @default client */
  readonly targetClient?: (ks: Kustomization) => Promise<KubeClient>;
  readonly recorder?: EventRecorder;
  /** Wait before checking unready dependencies again (Flux's --requeue-dependency). @default 30_000 */
  readonly requeueDependencyMs?: number;
  /** Interval jitter in percent. @default 5 */
  readonly jitterPercent?: number;
  /** Health-check poll interval. @default 1000 */
  readonly healthPollMs?: number;
  readonly logger?: Logger;
}

const KS_TYPE = { apiVersion: KUSTOMIZATION_API_VERSION, kind: KUSTOMIZATION_KIND } as const;

/** Builds the reconcile function of the Kustomization controller. */
export function kustomizationReconciler(
  options: KustomizationReconcilerOptions,
): (key: ObjectKey, signal: AbortSignal) => Promise<ReconcileResult> {
  const log = options.logger ?? silentLogger();
  const client = options.client;
  // One resource manager per Kustomization and target cluster, so the engine's memory of
  // objects already in sync carries over and an unchanged reconcile needs no dry-runs.
  const managers = new Map<string, { target: KubeClient; manager: ResourceManager }>();
  const managerFor = (ks: Kustomization, target: KubeClient): ResourceManager => {
    const key = `${ks.metadata.namespace ?? 'default'}/${ks.metadata.name}`;
    const cached = managers.get(key);
    if (cached?.target === target) return cached.manager;
    const manager = new ResourceManager(target, {
      ownerLabels: kustomizationOwnerLabels(ks.metadata.name, ks.metadata.namespace ?? 'default'),
      logger: log,
    });
    managers.set(key, { target, manager });
    return manager;
  };
  // The last successful build of each Kustomization, by what it was built from.
  const builds = new Map<string, { key: string; objects: KubeObject[] }>();

  return async (key) => {
    const ref: ObjectRef = { ...KS_TYPE, namespace: key.namespace, name: key.name };
    let ks = await client.getOrUndefined<Kustomization>(ref);
    if (!ks) return {};
    if (ks.metadata.deletionTimestamp) {
      await finalize(options, ks, log);
      managers.delete(`${key.namespace}/${key.name}`);
      builds.delete(`${key.namespace}/${key.name}`);
      return {};
    }
    ks = await ensureFinalizer(client, ref, ks);
    if (ks.spec.suspend) {
      log.debug({ key }, 'reconciliation is suspended');
      return {};
    }
    return reconcileActive(options, ks, log, managerFor, builds);
  };
}

async function reconcileActive(
  options: KustomizationReconcilerOptions,
  ks: Kustomization,
  log: Logger,
  managerFor: (ks: Kustomization, target: KubeClient) => ResourceManager,
  builds: Map<string, { key: string; objects: KubeObject[] }>,
): Promise<ReconcileResult> {
  const client = options.client;
  const namespace = ks.metadata.namespace ?? 'default';
  const generation = ks.metadata.generation ?? 0;
  const interval = parseDuration(ks.spec.interval, 'spec.interval');
  const retryInterval = ks.spec.retryInterval
    ? parseDuration(ks.spec.retryInterval, 'spec.retryInterval')
    : interval;
  const timeout = ks.spec.timeout ? parseDuration(ks.spec.timeout, 'spec.timeout') : interval;
  const status: KustomizationStatus = structuredClone(ks.status ?? {});
  const requestedAt = ks.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
  if (requestedAt !== undefined) status.lastHandledReconcileAt = requestedAt;

  const cond = (type: string, s: 'True' | 'False' | 'Unknown', reason: string, message: string) => {
    status.conditions = setCondition(status.conditions, {
      type,
      status: s,
      reason,
      message,
      observedGeneration: generation,
    });
  };

  // Dependencies first: nothing is fetched or applied before they are ready.
  const notReady = await checkDependencies(client, ks).catch((err: unknown) => errorMessage(err));
  if (notReady !== undefined) {
    const wait = options.requeueDependencyMs ?? 30_000;
    const message = `Dependencies do not meet ready condition (${notReady}), retrying in ${formatDuration(wait)}`;
    cond('Ready', 'False', Reason.DependencyNotReady, message);
    status.conditions = removeCondition(status.conditions, 'Reconciling');
    await writeStatus(client, ks, status);
    await options.recorder?.record(ks, {
      type: 'Normal',
      reason: Reason.DependencyNotReady,
      note: message,
    });
    return { requeueAfterMs: wait };
  }

  let revision: string | undefined;
  let work: string | undefined;
  try {
    const { artifact } = await resolveSource(client, ks.spec.sourceRef, namespace);
    revision = artifact.revision;
    status.lastAttemptedRevision = revision;
    cond(
      'Reconciling',
      'True',
      Reason.Progressing,
      `Fetching manifests for revision ${revision} with a timeout of ${formatDuration(timeout)}`,
    );
    cond('Ready', 'Unknown', Reason.Progressing, 'Reconciliation in progress');
    await writeStatus(client, ks, status);

    // The rendered objects depend only on the artifact, the spec and the substitution values:
    // when none changed since the last successful build, reuse it (no fetch, no build).
    const substituteFrom = await loadSubstituteFrom(client, ks);
    const buildKey = createHash('sha256')
      .update(JSON.stringify([artifact.digest, ks.spec, substituteFrom]))
      .digest('hex');
    const cacheKey = `${namespace}/${ks.metadata.name}`;
    let objects: KubeObject[];
    const cached = builds.get(cacheKey);
    if (cached?.key === buildKey) {
      objects = cached.objects;
    } else {
      builds.delete(cacheKey);
      await mkdir(options.workDir, { recursive: true });
      work = await mkdtemp(join(options.workDir, `${namespace}-${ks.metadata.name}-`));
      const root = join(work, 'source');
      try {
        await fetchArtifact(artifact.url, artifact.digest, root, { timeoutMs: timeout });
      } catch (err) {
        throw new FlotillaError(`failed to fetch artifact: ${errorMessage(err)}`, {
          reason: Reason.ArtifactFailed,
          category: ErrorCategory.Transient,
          cause: err,
        });
      }
      const dir = resolve(root, ks.spec.path ?? './');
      if (dir !== root && !dir.startsWith(root + sep)) {
        throw new FlotillaError(`spec.path '${ks.spec.path ?? ''}' points outside the source`, {
          reason: Reason.InvalidPath,
          field: 'spec.path',
        });
      }
      const st = await stat(dir).catch(() => undefined);
      if (!st?.isDirectory()) {
        throw new FlotillaError(
          `kustomization path not found: '${ks.spec.path ?? './'}' in revision ${revision}`,
          {
            reason: Reason.InvalidPath,
            field: 'spec.path',
          },
        );
      }
      cond(
        'Reconciling',
        'True',
        Reason.Progressing,
        `Building manifests for revision ${revision}`,
      );
      try {
        objects = await options.build({ root, dir, kustomization: ks, substituteFrom });
      } catch (err) {
        throw asReasoned(err, Reason.BuildFailed);
      }
    }
    const rendered = objects;
    objects = withCommonMetadata(objects, ks);

    const target = options.targetClient ? await options.targetClient(ks) : client;
    const manager = managerFor(ks, target);
    let changeSet: ChangeSet;
    try {
      changeSet = await manager.applyAll(objects, { force: ks.spec.force ?? false });
    } catch (err) {
      throw asReasoned(err, Reason.ReconciliationFailed);
    }
    const previous: Inventory | undefined = status.inventory;
    // From the change set: it has the namespaces the engine filled in for namespaced kinds.
    let inventory = inventoryOfChangeSet(changeSet);
    status.inventory = { entries: [...inventory.entries] };

    if (ks.spec.prune) {
      const pruned = await manager.prune(previous, inventory);
      inventory = pruned.inventory;
      status.inventory = { entries: [...inventory.entries] };
      changeSet.append(pruned.changeSet.entries);
      if (pruned.failures.length > 0) {
        throw new FlotillaError(
          `prune failed: ${pruned.failures.map((f) => `${f.subject}: ${f.message}`).join('; ')}`,
          { reason: Reason.PruneFailed, category: ErrorCategory.Transient },
        );
      }
    }

    const toCheck = healthRefs(ks, objects);
    if (toCheck.length > 0) {
      cond(
        'Reconciling',
        'True',
        Reason.Progressing,
        `Checking health of ${toCheck.length} resources`,
      );
      await writeStatus(client, ks, status);
      const started = Date.now();
      try {
        await manager.wait(toCheck, { timeout, interval: options.healthPollMs ?? 1000 });
      } catch (err) {
        cond('Healthy', 'False', Reason.HealthCheckFailed, errorMessage(err));
        throw asReasoned(err, Reason.HealthCheckFailed);
      }
      cond(
        'Healthy',
        'True',
        Reason.Succeeded,
        `Health check passed in ${formatDuration(Math.round((Date.now() - started) / 1000) * 1000)}`,
      );
    } else {
      status.conditions = removeCondition(status.conditions, 'Healthy');
    }

    builds.set(`${namespace}/${ks.metadata.name}`, { key: buildKey, objects: rendered });
    status.lastAppliedRevision = revision;
    status.conditions = removeCondition(status.conditions, 'Reconciling');
    status.conditions = removeCondition(status.conditions, 'Stalled');
    cond('Ready', 'True', Reason.ReconciliationSucceeded, `Applied revision: ${revision}`);
    status.observedGeneration = generation;
    await writeStatus(client, ks, status);
    const changed = changeSet.entries.filter(
      (e) => e.action !== 'unchanged' && e.action !== 'skipped',
    );
    if (changed.length > 0) {
      await options.recorder?.record(ks, {
        type: 'Normal',
        reason: Reason.ReconciliationSucceeded,
        note: changed.map((e) => `${e.subject} ${e.action}`).join('\n'),
        annotations: { 'kustomize.toolkit.fluxcd.io/revision': revision },
      });
    }
    log.info(
      { kustomization: `${namespace}/${ks.metadata.name}`, revision, changed: changed.length },
      'reconciled',
    );
    return { requeueAfterMs: jitter(interval, options.jitterPercent ?? 5) };
  } catch (err) {
    const reason = err instanceof FlotillaError ? err.reason : Reason.ReconciliationFailed;
    const message = errorMessage(err);
    const terminal = err instanceof FlotillaError && err.category === ErrorCategory.Terminal;
    cond('Ready', 'False', reason, message);
    status.conditions = removeCondition(status.conditions, 'Reconciling');
    if (terminal) cond('Stalled', 'True', reason, message);
    else status.conditions = removeCondition(status.conditions, 'Stalled');
    status.observedGeneration = generation;
    await writeStatus(client, ks, status);
    await options.recorder?.record(ks, {
      type: 'Warning',
      reason,
      note: message,
      ...(revision ? { annotations: { 'kustomize.toolkit.fluxcd.io/revision': revision } } : {}),
    });
    log.warn(
      { kustomization: `${namespace}/${ks.metadata.name}`, reason, err: message },
      'reconciliation failed',
    );
    return { requeueAfterMs: retryInterval };
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
}

function asReasoned(err: unknown, reason: string): FlotillaError {
  if (err instanceof FlotillaError && err.reason !== 'Unknown') {
    return err.reason === reason || reason === Reason.ReconciliationFailed
      ? err
      : new FlotillaError(err.message, { reason, category: err.category, cause: err });
  }
  return new FlotillaError(errorMessage(err), { reason, cause: err });
}

/** Adds spec.commonMetadata labels and annotations to every object, as Flux does after the build. */
export function withCommonMetadata(objects: KubeObject[], ks: Kustomization): KubeObject[] {
  const common = ks.spec.commonMetadata;
  if (!common?.labels && !common?.annotations) return objects;
  return objects.map((o) => ({
    ...o,
    metadata: {
      ...o.metadata,
      ...(common.labels ? { labels: { ...o.metadata.labels, ...common.labels } } : {}),
      ...(common.annotations
        ? { annotations: { ...o.metadata.annotations, ...common.annotations } }
        : {}),
    },
  }));
}

/** The objects to health-check: all applied ones with spec.wait, else spec.healthChecks. */
function healthRefs(ks: Kustomization, objects: readonly KubeObject[]): ObjectRef[] {
  if (ks.spec.wait) {
    return objects.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name ?? '',
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    }));
  }
  return (ks.spec.healthChecks ?? []).map((h) => ({
    apiVersion: h.apiVersion ?? 'v1',
    kind: h.kind,
    name: h.name,
    ...(h.namespace ? { namespace: h.namespace } : {}),
  }));
}

async function writeStatus(
  client: KubeClient,
  ks: Kustomization,
  status: KustomizationStatus,
): Promise<void> {
  await replaceStatus(
    client,
    { ...KS_TYPE, namespace: ks.metadata.namespace ?? 'default', name: ks.metadata.name },
    status,
  );
}

/** Deletion: prune what the inventory lists (unless orphaned by policy), then drop the finalizer. */
async function finalize(
  options: KustomizationReconcilerOptions,
  ks: Kustomization,
  log: Logger,
): Promise<void> {
  const client = options.client;
  const ref: ObjectRef = {
    ...KS_TYPE,
    namespace: ks.metadata.namespace ?? 'default',
    name: ks.metadata.name,
  };
  const policy = ks.spec.deletionPolicy ?? 'MirrorPrune';
  const prune =
    policy === 'Delete' ||
    policy === 'WaitForTermination' ||
    (policy === 'MirrorPrune' && ks.spec.prune);
  const entries = ks.status?.inventory?.entries ?? [];
  if (prune && !ks.spec.suspend && entries.length > 0) {
    const target = options.targetClient ? await options.targetClient(ks) : client;
    const manager = new ResourceManager(target, {
      ownerLabels: kustomizationOwnerLabels(ks.metadata.name, ks.metadata.namespace ?? 'default'),
      logger: log,
    });
    const refs = entries.map((e) => {
      const m = entryToRef(e);
      return {
        apiVersion: m.apiVersion,
        kind: m.kind,
        name: m.name,
        ...(m.namespace ? { namespace: m.namespace } : {}),
      };
    });
    const result = await manager.deleteAll(refs);
    if (result.failures.length > 0) {
      throw new FlotillaError(
        `finalizer: could not delete ${result.failures.map((f) => f.subject).join(', ')}`,
        { reason: Reason.PruneFailed, category: ErrorCategory.Transient },
      );
    }
    if (policy === 'WaitForTermination') {
      for (const r of refs) {
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline && (await target.getOrUndefined(r))) {
          await new Promise((res) => setTimeout(res, 500));
        }
      }
    }
  }
  await removeFinalizer(client, ref, ks);
}
