// Errors of the apply engine: failed dry-runs (naming object, field and message) and immutables.
import { ErrorCategory, FlotillaError, errorMessage } from '../core/index.js';
import { KubeApiError, formatObject, type KubeObject } from '../kube/index.js';
import { isSecret, redactSecretValues } from './mask.js';

/** One object whose server-side dry-run failed. */
export interface DryRunFailure {
  readonly subject: string;
  readonly field: string | undefined;
  readonly message: string;
  readonly error: unknown;
}

/**
 * Describes an API error as `field: message` lines where the server named fields. Given the
 * object the error is about, a Secret's values quoted in the message are masked.
 */
export function describeApiError(
  err: unknown,
  obj?: KubeObject,
): { field: string | undefined; message: string } {
  let field: string | undefined;
  let message = errorMessage(err);
  if (err instanceof KubeApiError) {
    field = err.causes.find((c) => c.field)?.field;
    message = err.status.message ?? message;
  }
  return { field, message: obj === undefined ? message : redactSecretValues(message, [obj]) };
}

/**
 * The failure of one object's dry-run. For a Secret the error itself is replaced by one with the
 * masked message, so that nothing logging the failure or its cause can print a value.
 */
export function dryRunFailure(obj: KubeObject, err: unknown, field?: string): DryRunFailure {
  const d = describeApiError(err, obj);
  const error =
    isSecret(obj) && d.message !== describeApiError(err).message
      ? new FlotillaError(d.message, {
          reason: err instanceof FlotillaError ? err.reason : 'DryRunFailed',
          category: err instanceof FlotillaError ? err.category : ErrorCategory.Terminal,
          object: formatObject(obj),
        })
      : err;
  return {
    subject: formatObject(obj),
    field: d.field ?? field ?? (err instanceof FlotillaError ? err.field : undefined),
    message: d.message,
    error,
  };
}

/** Thrown when any object fails its dry-run: nothing has been written. */
export class DryRunError extends FlotillaError {
  readonly failures: readonly DryRunFailure[];

  constructor(failures: readonly DryRunFailure[]) {
    const lines = failures.map(
      (f) => `${f.subject} dry-run failed${f.field ? ` (field ${f.field})` : ''}: ${f.message}`,
    );
    const first = failures[0];
    // Retry only if every failure is worth retrying (a missing namespace, a CRD not there yet).
    const category = failures.every(
      (f) => f.error instanceof FlotillaError && f.error.category !== ErrorCategory.Terminal,
    )
      ? ErrorCategory.RetryLater
      : ErrorCategory.Terminal;
    super(lines.join('\n'), {
      reason: 'DryRunFailed',
      category,
      ...(first ? { object: first.subject } : {}),
      ...(first?.field ? { field: first.field } : {}),
      ...(first ? { cause: first.error } : {}),
    });
    this.name = 'DryRunError';
    this.failures = failures;
  }
}

const immutablePatterns = [/is\simmutable/i, /immutable\sfield/i, /field\s+is\s+immutable/i];

/**
 * Whether an API error says an immutable field changed. Unlike Flux, a plain 422 without
 * an immutability message is not treated as immutable, so `force` never deletes an object
 * just because it is invalid.
 */
export function isImmutableError(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  if (err.code !== 422 && err.code !== 409 && err.code !== 400 && err.code !== 403) return false;
  const texts = [err.status.message ?? err.message, ...err.causes.map((c) => c.message ?? '')];
  return texts.some((t) => immutablePatterns.some((p) => p.test(t)));
}
