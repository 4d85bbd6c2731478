// The HelmRepository kind (source.toolkit.fluxcd.io/v1) on the reconciler contract: its
// sub-reconcilers in Flux's order and its conditions; reconcileHelmRepository runs them on one
// object without any Kubernetes client (tests).
import type { ReconcileOutcome, ReconcilerKind } from '../runtime/kind.js';
import { reconcileObject } from '../runtime/reconcile-object.js';
import { markReconciling, reconcileStorage, removeArtifacts } from '../sources/artifact-storage.js';
import { reconcileHelmRepositoryArtifact } from './artifact.js';
import { helmRepositoryConditions } from './conditions.js';
import { reconcileHelmIndex } from './index-fetch.js';
import { checkHelmRepositorySpec } from './spec.js';
import {
  HELMREPOSITORY_API_VERSION,
  HELMREPOSITORY_KIND,
  type HelmRepository,
  type HelmRepositoryStatus,
} from './types.js';
import type { HelmRepositoryDeps, HelmRepositoryWork } from './work.js';

export const helmRepositoryKind: ReconcilerKind<
  HelmRepository,
  HelmRepositoryDeps,
  HelmRepositoryWork
> = {
  apiVersion: HELMREPOSITORY_API_VERSION,
  kind: HELMREPOSITORY_KIND,
  conditions: helmRepositoryConditions,
  failureReason: 'IndexationFailed',
  steps: [
    markReconciling,
    checkHelmRepositorySpec,
    reconcileStorage,
    reconcileHelmIndex,
    reconcileHelmRepositoryArtifact,
  ],
  finalize: removeArtifacts(HELMREPOSITORY_KIND),
};

/** Reconciles one HelmRepository: fetches index.yaml and stores it when its digest changed. */
export function reconcileHelmRepository(
  obj: HelmRepository,
  deps: HelmRepositoryDeps,
): Promise<ReconcileOutcome<HelmRepositoryStatus>> {
  return reconcileObject(helmRepositoryKind, obj, deps);
}
