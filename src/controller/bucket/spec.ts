// Bucket sub-reconciler: the spec fields Flotilla needs and the ones it cannot serve (which stall
// the object, saying so, rather than being ignored).
import { ConditionType, FlotillaError, errorMessage } from '../../core/index.js';
import { BucketReason } from '../../source/index.js';
import { ReconcileError, failedCondition, failure, stalling } from '../runtime/reconcile-error.js';
import type { BucketContext } from './work.js';

/** Stalls on a missing bucketName/endpoint or on settings Flotilla does not implement. */
export function checkBucketSpec(ctx: BucketContext): Promise<void> {
  const { spec } = ctx.obj;
  for (const [field, value] of [
    ['spec.bucketName', spec.bucketName],
    ['spec.endpoint', spec.endpoint],
  ] as const) {
    if (typeof value !== 'string' || value === '')
      throw fetchFailed(ctx, stalling(BucketReason.InvalidSpec, `${field} is required`));
  }
  for (const [field, present] of [
    ['spec.sts', spec.sts !== undefined],
    ['spec.proxySecretRef', spec.proxySecretRef !== undefined],
    [
      'spec.serviceAccountName',
      spec.serviceAccountName !== undefined && spec.serviceAccountName !== '',
    ],
  ] as const) {
    if (present)
      throw fetchFailed(
        ctx,
        stalling(BucketReason.UnsupportedConfiguration, `${field} is not supported by Flotilla`),
      );
  }
  return Promise.resolve();
}

/**
 * FetchFailed=True for anything that went wrong before the archive (credentials, the client,
 * the bucket itself), as Flux marks it. The provider's configuration errors stall.
 */
export function fetchFailed(ctx: BucketContext, err: unknown): ReconcileError {
  return failedCondition(ctx.conditions, ConditionType.FetchFailed, asBucketFailure(err));
}

function asBucketFailure(err: unknown): ReconcileError {
  if (err instanceof ReconcileError) return err;
  if (err instanceof FlotillaError) {
    const stalls =
      err.reason === BucketReason.UnsupportedConfiguration ||
      err.reason === BucketReason.InvalidSpec;
    return (stalls ? stalling : failure)(err.reason, err.message, err);
  }
  return failure(BucketReason.BucketOperationFailed, errorMessage(err), err);
}
