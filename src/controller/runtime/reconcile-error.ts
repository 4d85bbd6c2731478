// How a sub-reconciler says a reconcile failed, as Flux's source-controller does (internal/error):
// a Stalling failure cannot progress until the object changes, a Waiting one retries after a set
// delay, any other failure retries after the object's retryInterval.
import { ErrorCategory, FlotillaError, errorMessage, type ConditionSet } from '../../core/index.js';

/** What the runtime does after a failure. */
export const FailureKind = {
  /** Stalled=True, observedGeneration recorded, no requeue (Flux's serror.Stalling). */
  Stalling: 'Stalling',
  /** Requeued after `requeueAfterMs` (Flux's serror.Waiting), e.g. a dependency not ready. */
  Waiting: 'Waiting',
  /** Requeued after the object's retryInterval (Flux's serror.Generic). */
  Generic: 'Generic',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

export interface ReconcileErrorOptions {
  readonly kind?: FailureKind;
  /** With FailureKind.Waiting: when to try again. */
  readonly requeueAfterMs?: number;
  /** The type of the Event recorded for this failure. @default 'Warning' */
  readonly eventType?: 'Normal' | 'Warning';
  readonly cause?: unknown;
  readonly field?: string;
  readonly object?: string;
}

/** A reconcile failure with the reason and message that go into Ready and the event. */
export class ReconcileError extends FlotillaError {
  readonly kind: FailureKind;
  readonly requeueAfterMs: number | undefined;
  readonly eventType: 'Normal' | 'Warning';

  constructor(reason: string, message: string, options: ReconcileErrorOptions = {}) {
    const kind = options.kind ?? FailureKind.Generic;
    super(message, {
      reason,
      category:
        kind === FailureKind.Stalling
          ? ErrorCategory.Terminal
          : kind === FailureKind.Waiting
            ? ErrorCategory.RetryLater
            : ErrorCategory.Transient,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.field === undefined ? {} : { field: options.field }),
      ...(options.object === undefined ? {} : { object: options.object }),
    });
    this.name = 'ReconcileError';
    this.kind = kind;
    this.requeueAfterMs = options.requeueAfterMs;
    this.eventType = options.eventType ?? 'Warning';
  }

  get stalling(): boolean {
    return this.kind === FailureKind.Stalling;
  }
}

/** A failure retrying cannot fix until the object's spec changes. */
export function stalling(reason: string, message: string, cause?: unknown): ReconcileError {
  return new ReconcileError(reason, message, { kind: FailureKind.Stalling, cause });
}

/** A failure to retry after a set delay (something else must happen first). */
export function waiting(
  reason: string,
  message: string,
  requeueAfterMs: number,
  eventType: 'Normal' | 'Warning' = 'Warning',
): ReconcileError {
  return new ReconcileError(reason, message, {
    kind: FailureKind.Waiting,
    requeueAfterMs,
    eventType,
  });
}

/** A failure to retry after the object's retryInterval. */
export function failure(reason: string, message: string, cause?: unknown): ReconcileError {
  return new ReconcileError(reason, message, { cause });
}

/**
 * Anything a step threw, as a ReconcileError: a FlotillaError keeps its reason (a Generic
 * failure, whatever its category: the kind decides what stalls); anything else gets `reason`.
 */
export function asReconcileError(err: unknown, reason: string): ReconcileError {
  if (err instanceof ReconcileError) return err;
  if (err instanceof FlotillaError) {
    return new ReconcileError(err.reason, err.message, {
      cause: err,
      ...(err.field === undefined ? {} : { field: err.field }),
      ...(err.object === undefined ? {} : { object: err.object }),
    });
  }
  return failure(reason, errorMessage(err), err);
}

/**
 * Marks a condition with a failure's reason and message (True for a negative condition such as
 * FetchFailed, False for a positive one such as SourceVerified) and returns the failure, to throw.
 */
export function failedCondition(
  conditions: ConditionSet,
  type: string,
  err: ReconcileError,
  status: 'True' | 'False' = 'True',
): ReconcileError {
  conditions.set(type, status, err.reason, err.message);
  return err;
}
