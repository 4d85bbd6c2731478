// Typed errors shared by every layer: each carries a reason and a category that controllers
// turn into conditions and retry decisions.

/** How a failure should be treated by whoever retries work. */
export const ErrorCategory = {
  /** Retrying cannot help until the input changes (bad YAML, invalid spec). */
  Terminal: 'Terminal',
  /** Worth retrying after the retry interval (a dependency is not ready yet). */
  RetryLater: 'RetryLater',
  /** A passing fault (network, timeout, conflict): retry soon with backoff. */
  Transient: 'Transient',
} as const;
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];

export interface FlotillaErrorOptions {
  /** A CamelCase reason, as Kubernetes conditions and events use (e.g. `BuildFailed`). */
  readonly reason: string;
  /** @default ErrorCategory.Terminal */
  readonly category?: ErrorCategory;
  readonly cause?: unknown;
  /** Where the problem is: a file path, an object reference, a field path. */
  readonly file?: string;
  readonly object?: string;
  readonly field?: string;
}

/** The base of every error Flotilla raises on purpose. Messages never contain secret values. */
export class FlotillaError extends Error {
  readonly reason: string;
  readonly category: ErrorCategory;
  readonly file: string | undefined;
  readonly object: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, options: FlotillaErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlotillaError';
    this.reason = options.reason;
    this.category = options.category ?? ErrorCategory.Terminal;
    this.file = options.file;
    this.object = options.object;
    this.field = options.field;
  }
}

/** True when an error is worth retrying without a change of input. */
export function isRetryable(err: unknown): boolean {
  return err instanceof FlotillaError && err.category !== ErrorCategory.Terminal;
}

/** The message of anything thrown, for conditions and logs. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
