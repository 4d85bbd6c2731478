// The reason a Kustomization failure is reported under: the phase's (BuildFailed,
// HealthCheckFailed…) unless the error already names a more precise one (DryRunFailed…).
import { FlotillaError, Reason, errorMessage } from '../../core/index.js';
import { failure, ReconcileError } from '../runtime/reconcile-error.js';

/** A phase's failure with the phase's reason, keeping an error's own reason in the apply phase. */
export function asReasoned(err: unknown, reason: string): ReconcileError {
  if (err instanceof ReconcileError && err.reason === reason) return err;
  if (err instanceof FlotillaError && err.reason !== 'Unknown') {
    return failure(
      err.reason === reason || reason === Reason.ReconciliationFailed ? err.reason : reason,
      err.message,
      err,
    );
  }
  return failure(reason, errorMessage(err), err);
}
