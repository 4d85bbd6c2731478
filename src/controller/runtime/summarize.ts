// The end of every reconcile, as Flux's summarize helper and ComputeReconcileResult do it:
// Reconciling and Stalled from the outcome, Ready summarised from the kind's own conditions,
// observedGeneration, the failure's Event (only when Ready changed) and when to run again.
import { ConditionType, Reason, type Condition, type ConditionSet } from '../../core/index.js';
import type { KindConditions, ReconcileEvent } from './kind.js';
import { FailureKind, type ReconcileError } from './reconcile-error.js';

export interface Verdict {
  /** Whether the reconcile's generation counts as observed. */
  readonly observed: boolean;
  readonly requeueAfterMs: number | undefined;
  /** The failure's Event, when Ready changed. */
  readonly event: ReconcileEvent | undefined;
}

export interface SummarizeInput {
  readonly conditions: ConditionSet;
  readonly kind: KindConditions;
  /** Ready as it was before the reconcile. */
  readonly previousReady: Condition | undefined;
  readonly error: ReconcileError | undefined;
  readonly intervalMs: number | undefined;
  readonly retryIntervalMs: number | undefined;
}

/** Settles the conditions of a finished reconcile and says what happens next. */
export function summarize(input: SummarizeInput): Verdict {
  const { conditions: c, error } = input;
  if (!error) {
    c.delete(ConditionType.Reconciling);
    c.delete(ConditionType.Stalled);
  } else if (error.kind === FailureKind.Stalling) {
    c.delete(ConditionType.Reconciling);
    c.markTrue(ConditionType.Stalled, error.reason, error.message);
  } else {
    c.delete(ConditionType.Stalled);
    const reconciling = c.get(ConditionType.Reconciling);
    if (reconciling)
      c.markTrue(ConditionType.Reconciling, Reason.ProgressingWithRetry, reconciling.message);
  }
  summarizeReady(c, input.kind, error);
  const ready = c.get(ConditionType.Ready);
  const changed =
    ready?.status !== input.previousReady?.status ||
    ready?.reason !== input.previousReady?.reason ||
    ready?.message !== input.previousReady?.message;
  return {
    observed: !error || error.kind === FailureKind.Stalling,
    requeueAfterMs: !error
      ? input.intervalMs
      : error.kind === FailureKind.Stalling
        ? undefined
        : error.kind === FailureKind.Waiting
          ? error.requeueAfterMs
          : input.retryIntervalMs,
    event:
      error && changed
        ? { type: error.eventType, reason: error.reason, message: error.message }
        : undefined,
  };
}

/**
 * Ready from the kind's conditions (fluxcd/pkg's conditions.SetSummary): a stall's reason; the first negative
 * condition that is True, or positive one that is False, in summary order; else the failure;
 * else the first positive condition present; else Ready as a step set it (Unknown if none did).
 */
function summarizeReady(
  c: ConditionSet,
  kind: KindConditions,
  error: ReconcileError | undefined,
): void {
  if (error?.kind === FailureKind.Stalling) {
    c.markFalse(ConditionType.Ready, error.reason, error.message);
    return;
  }
  const negative = new Set(kind.negative);
  for (const type of kind.summary) {
    const cond = c.get(type);
    if (!cond) continue;
    const bad = negative.has(type) ? cond.status === 'True' : cond.status === 'False';
    if (bad) {
      c.markFalse(ConditionType.Ready, cond.reason, cond.message);
      return;
    }
  }
  if (error) {
    c.markFalse(ConditionType.Ready, error.reason, error.message);
    return;
  }
  for (const type of kind.summary) {
    const cond = c.get(type);
    if (cond && !negative.has(type)) {
      c.set(ConditionType.Ready, cond.status, cond.reason, cond.message);
      return;
    }
  }
  if (!c.has(ConditionType.Ready))
    c.markUnknown(ConditionType.Ready, Reason.Progressing, 'reconciliation in progress');
}
