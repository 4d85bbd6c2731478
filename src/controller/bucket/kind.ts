// The Bucket kind (source.toolkit.fluxcd.io/v1) on the reconciler contract: its sub-reconcilers
// in Flux's order and its conditions; reconcileBucket runs them on one object without any
// Kubernetes client (tests).
import {
  BUCKET_API_VERSION,
  BUCKET_KIND,
  type Bucket,
  type BucketStatus,
} from '../../source/index.js';
import type { ReconcileOutcome, ReconcilerKind } from '../runtime/kind.js';
import { reconcileObject } from '../runtime/reconcile-object.js';
import { markReconciling, reconcileStorage, removeArtifacts } from '../sources/artifact-storage.js';
import { reconcileBucketArtifact } from './artifact.js';
import { bucketConditions } from './conditions.js';
import { reconcileBucketSource } from './source.js';
import { checkBucketSpec } from './spec.js';
import type { BucketReconcileDeps, BucketWork } from './work.js';

export const bucketKind: ReconcilerKind<Bucket, BucketReconcileDeps, BucketWork> = {
  apiVersion: BUCKET_API_VERSION,
  kind: BUCKET_KIND,
  conditions: bucketConditions,
  failureReason: 'BucketOperationFailed',
  work: () => ({ fileCount: 0 }),
  steps: [
    markReconciling,
    checkBucketSpec,
    reconcileStorage,
    reconcileBucketSource,
    reconcileBucketArtifact,
  ],
  finalize: removeArtifacts(BUCKET_KIND),
};

/**
 * Reconciles one Bucket: garbage collects and verifies stored artifacts, lists the bucket,
 * and when the index digest (the revision) changed downloads the objects and stores a new
 * artifact. Returns the status as Flux's source-controller writes it, and the events.
 */
export function reconcileBucket(
  obj: Bucket,
  deps: BucketReconcileDeps,
): Promise<ReconcileOutcome<BucketStatus>> {
  return reconcileObject(bucketKind, obj, deps);
}
