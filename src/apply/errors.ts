// Errors of the apply engine: failed dry-runs (naming object, field and message) and immutables.
import { ErrorCategory, FlotillaError, errorMessage } from '../core/index.js';
import { KubeApiError } from '../kube/index.js';

/** One object whose server-side dry-run failed. */
export interface DryRunFailure {
  readonly subject: string;
  readonly field: string | undefined;
  readonly message: string;
  readonly error: unknown;
}

/** Describes an API error as `field: message` lines where the server named fields. */
export function describeApiError(err: unknown): { field: string | undefined; message: string } {
  if (err instanceof KubeApiError) {
    const causes = err.causes.filter((c) => c.field || c.message);
    const field = causes.find((c) => c.field)?.field;
    const serverMessage = err.status.message ?? errorMessage(err);
    return { field, message: serverMessage };
  }
  return { field: undefined, message: errorMessage(err) };
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
