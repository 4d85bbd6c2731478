// The GitRepository kind (source.toolkit.fluxcd.io/v1) on the reconciler contract: its
// sub-reconcilers in Flux's order and its conditions; reconcileGitRepository runs them on one
// object without any Kubernetes client (tests, benchmarks).
import type { ReconcileOutcome, ReconcilerKind } from '../runtime/kind.js';
import { reconcileObject } from '../runtime/reconcile-object.js';
import { markReconciling, reconcileStorage } from '../sources/artifact-storage.js';
import { reconcileArtifact } from './artifact.js';
import { reconcileAuth } from './auth.js';
import { gitRepositoryConditions } from './conditions.js';
import { reconcileFetch } from './fetch.js';
import { reconcileIncludes } from './include.js';
import { reconcileRemote } from './remote.js';
import {
  GITREPOSITORY_API_VERSION,
  GITREPOSITORY_KIND,
  type GitRepository,
  type GitRepositoryStatus,
} from './types.js';
import { reconcileVerification } from './verify.js';
import { newGitWork, type GitRepositoryDeps, type GitWork } from './work.js';

export const gitRepositoryKind: ReconcilerKind<GitRepository, GitRepositoryDeps, GitWork> = {
  apiVersion: GITREPOSITORY_API_VERSION,
  kind: GITREPOSITORY_KIND,
  conditions: gitRepositoryConditions,
  work: newGitWork,
  steps: [
    markReconciling,
    reconcileStorage,
    reconcileAuth,
    reconcileIncludes,
    reconcileRemote,
    reconcileFetch,
    reconcileVerification,
    reconcileArtifact,
  ],
  finalize: deleteGitRepositoryArtifacts,
};

/**
 * Reconciles a GitRepository: resolves the reference with one cheap round trip, fetches into
 * a cached mirror only when the revision changed, checks history and signatures, builds the
 * artifact, and returns the status and events exactly as Flux writes them. Running it twice
 * on the same input changes nothing the second time (no new artifact, same conditions).
 */
export function reconcileGitRepository(
  obj: GitRepository,
  deps: GitRepositoryDeps,
): Promise<ReconcileOutcome<GitRepositoryStatus>> {
  return reconcileObject(gitRepositoryKind, obj, deps);
}

/**
 * Removes every artifact of a GitRepository that is being deleted (Flux's reconcileDelete);
 * the runtime removes the finalizer afterwards. The shared git mirror is kept for other objects.
 */
export async function deleteGitRepositoryArtifacts(
  obj: GitRepository,
  deps: Pick<GitRepositoryDeps, 'store'>,
): Promise<void> {
  await deps.store.removeAll({
    kind: GITREPOSITORY_KIND,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  });
}
