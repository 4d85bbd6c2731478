// The sub-reconcilers every source kind (GitRepository, Bucket, later HelmChart, OCIRepository…)
// starts with, as Flux's source-controller does: mark the object reconciling, then check that the
// advertised artifact is still in storage and intact, collect old ones and refresh its URL.
import {
  ConditionType,
  EventAnnotation,
  Reason,
  errorMessage,
  type Condition,
} from '../../core/index.js';
import type { Artifact, ArtifactOwner, ArtifactStore } from '../../source/index.js';
import type { FluxObject, FluxStatus, ReconcileDeps, StepContext } from '../runtime/kind.js';
import { failedCondition, failure } from '../runtime/reconcile-error.js';

/** The status fields a source kind adds to Flux's common ones. */
export interface SourceStatus extends FluxStatus {
  readonly artifact?: Artifact;
  /** The `latest.tar.gz` URL (Bucket). */
  readonly url?: string;
}

/** What the storage sub-reconciler needs. */
export interface SourceDeps extends ReconcileDeps {
  readonly store: ArtifactStore;
}

export type SourceContext<O extends FluxObject<SourceStatus>, D extends SourceDeps> = StepContext<
  O,
  D
>;

/** The artifact owner of the object being reconciled. */
export function ownerOf(ctx: StepContext<FluxObject, ReconcileDeps>): ArtifactOwner {
  return {
    kind: ctx.kind,
    namespace: ctx.obj.metadata.namespace ?? '',
    name: ctx.obj.metadata.name,
  };
}

/** Reconciling=True from the start, saying so when the generation is new (Flux's reconcile()). */
export function markReconciling<O extends FluxObject<SourceStatus>, D extends SourceDeps>(
  ctx: SourceContext<O, D>,
): Promise<void> {
  ctx.progressing('reconciliation in progress');
  const generation = ctx.obj.metadata.generation;
  const observed = ctx.obj.status?.observedGeneration;
  if (generation !== undefined && generation !== observed)
    ctx.progressing(`processing object: new generation ${observed ?? 0} -> ${generation}`);
  return Promise.resolve();
}

/**
 * Flux's reconcileStorage: garbage-collects old artifacts, drops an advertised artifact that
 * vanished or no longer matches its digest (so it is built again), and refreshes the URLs with
 * the storage's current address.
 */
export async function reconcileStorage<O extends FluxObject<SourceStatus>, D extends SourceDeps>(
  ctx: SourceContext<O, D>,
): Promise<void> {
  const { store } = ctx.deps;
  const owner = ownerOf(ctx);
  const artifact = ctx.status.artifact;
  let missing = false;
  if (artifact) {
    ctx.fence();
    await store
      .garbageCollect(owner, artifact)
      .then((removed) => {
        if (removed.length > 0)
          ctx.log.debug({ removed }, `garbage collected ${removed.length} artifacts`);
      })
      .catch((err: unknown) =>
        ctx.log.warn({ err: errorMessage(err) }, 'garbage collection failed'),
      );
    missing = !(await store.exists(artifact)) || !(await verified(ctx, store, artifact));
  }
  if (!artifact || missing) {
    ctx.status.artifact = undefined;
    ctx.status.url = undefined;
    ctx.progressing(missing ? 'building artifact: disappeared from storage' : 'building artifact');
    ctx.conditions.delete(ConditionType.ArtifactInStorage);
    return;
  }
  ctx.status.artifact = { ...artifact, url: store.urlFor(artifact.path) };
  if (ctx.status.url !== undefined) ctx.status.url = store.urlFor(store.latestPath(owner));
}

/** Whether a stored artifact still has its digest; a corrupt one is removed, with a warning. */
async function verified<O extends FluxObject<SourceStatus>, D extends SourceDeps>(
  ctx: SourceContext<O, D>,
  store: ArtifactStore,
  artifact: Artifact,
): Promise<boolean> {
  try {
    await store.verify(artifact);
    return true;
  } catch (err) {
    ctx.event({
      type: 'Warning',
      reason: 'ArtifactVerificationFailed',
      message: `failed to verify integrity of artifact: ${errorMessage(err)}`,
    });
    ctx.fence();
    await store.remove(artifact);
    return false;
  }
}

/**
 * Stores an artifact with `write` (given the owner), fenced first: a failure marks
 * StorageOperationFailed with Flux's ArchiveOperationFailed and is thrown.
 */
export async function storeArtifact<O extends FluxObject<SourceStatus>, D extends SourceDeps>(
  ctx: SourceContext<O, D>,
  write: (owner: ArtifactOwner) => Promise<Artifact>,
): Promise<Artifact> {
  ctx.fence();
  try {
    return await write(ownerOf(ctx));
  } catch (err) {
    throw failedCondition(
      ctx.conditions,
      ConditionType.StorageOperationFailed,
      failure(
        Reason.ArchiveOperationFailed,
        `unable to archive artifact to storage: ${errorMessage(err)}`,
      ),
    );
  }
}

/**
 * The Event of a reconcile that stored an artifact (NewArtifact) or recovered from a failure
 * with the same one (Succeeded), annotated with the revision and digest (Flux's notify()).
 */
export function notifyArtifact<O extends FluxObject<SourceStatus>, D extends SourceDeps>(
  ctx: SourceContext<O, D>,
  failures: readonly string[],
  artifact: Artifact,
  message: string,
): void {
  const annotations = {
    [EventAnnotation.SourceRevision]: artifact.revision,
    [EventAnnotation.SourceDigest]: artifact.digest,
  };
  if (ctx.artifactChanged) {
    ctx.event({ type: 'Normal', reason: Reason.NewArtifact, message, annotations });
    ctx.log.info({ revision: artifact.revision }, message);
  } else if (recovered(ctx.previous, ctx, failures)) {
    ctx.event({ type: 'Normal', reason: Reason.Succeeded, message, annotations });
  }
}

/** Flux's FailureRecovery: a failure condition was there before and none is now. */
function recovered<O extends FluxObject<SourceStatus>, D extends SourceDeps>(
  before: readonly Condition[],
  ctx: SourceContext<O, D>,
  failures: readonly string[],
): boolean {
  return (
    failures.some((t) => before.some((c) => c.type === t)) &&
    !failures.some((t) => ctx.conditions.has(t))
  );
}

/** A source kind's clean-up on deletion: every stored artifact of the object is removed. */
export function removeArtifacts<O extends FluxObject<SourceStatus>>(
  kind: string,
): (obj: O, deps: SourceDeps) => Promise<void> {
  return async (obj, deps) => {
    await deps.store.removeAll({
      kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
    });
  };
}
