// The reconciler contract: what a kind provides (its sub-reconcilers and its conditions) and what
// each sub-reconciler gets. The runtime does the rest the same way for every kind: deletion and
// the finalizer, suspend, the requestedAt annotation, observedGeneration, the Ready summary,
// events, requeue with jitter, metrics and the leader-lease fence (see ARCHITECTURE.md).
import type { Condition, ConditionSet, Logger } from '../../core/index.js';
import type { ReconcileError } from './reconcile-error.js';
import type { Park } from './work-queue.js';

/** The metadata the runtime reads. */
export interface FluxObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly generation?: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly deletionTimestamp?: string;
}

/** The status fields every Flux kind has (fluxcd/pkg/apis/meta). */
export interface FluxStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly lastHandledReconcileAt?: string;
}

/** The spec fields the runtime reads: Go durations and the suspend switch. */
export interface FluxSpec {
  readonly interval: string;
  /** Wait after a failure. @default interval */
  readonly retryInterval?: string;
  readonly timeout?: string;
  readonly suspend?: boolean;
}

/** A reconciled object as the runtime sees it. */
export interface FluxObject<S extends FluxStatus = FluxStatus> {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: FluxObjectMeta;
  readonly spec: FluxSpec;
  readonly status?: S;
}

/** The status type of an object type. */
export type StatusOf<O extends FluxObject> = NonNullable<O['status']>;

/** A status being built: every field writable; `conditions` lives in the ConditionSet. */
export type DraftStatus<S> = { -readonly [K in keyof S]?: S[K] | undefined };

/** An Event to record on the object. */
export interface ReconcileEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What the runtime gives the steps besides the object: clock, logger, progress, fencing. */
export interface ReconcileDeps {
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Writes an intermediate status (Flux's serial patcher); the controller runtime sets it. */
  readonly patchStatus?: (status: FluxStatus) => Promise<void>;
  /** Throws when this process may no longer write (its leader lease may have expired). */
  readonly fence?: () => void;
  /** Aborts when the controller stops or loses leadership. */
  readonly signal?: AbortSignal;
  /** Frees this reconcile's worker while a wait settles (the work queue's park). @default waits holding it */
  readonly park?: Park;
}

/** The conditions a kind owns beyond Ready, Reconciling and Stalled (Flux's summarize.Conditions). */
export interface KindConditions {
  /**
   * The conditions that decide Ready, in priority order: the first negative one that is True
   * (or positive one that is False) makes Ready False with its reason and message; on success
   * the first positive one present gives Ready its status, reason and message.
   */
  readonly summary: readonly string[];
  /** Conditions whose True status means trouble (Flux's NegativePolarity). */
  readonly negative: readonly string[];
  /** Conditions that mark a failure, for "recovered" events (Flux's FailConditions). */
  readonly failures?: readonly string[];
}

/** The scratch one reconcile of a kind shares between its steps (a checkout, a resolved ref…). */
export type Work = object;

/** What a sub-reconciler gets: the object, its deps, the status being built and the tools. */
export interface StepContext<O extends FluxObject, D extends ReconcileDeps = ReconcileDeps> {
  readonly obj: O;
  readonly deps: D;
  /** The reconciled kind, e.g. `GitRepository` (objects given by tests may lack `kind`). */
  readonly kind: string;
  /** The new status (except conditions): start from the old one, set what the step decides. */
  readonly status: DraftStatus<StatusOf<O>>;
  readonly conditions: ConditionSet;
  /** The conditions the reconcile started from. */
  readonly previous: readonly Condition[];
  readonly log: Logger;
  /** The time of this reconcile (conditions and artifacts are stamped with it). */
  readonly now: Date;
  /** `namespace/name`, for messages. */
  readonly objectName: string;
  readonly intervalMs: number;
  /** spec.timeout when set; each kind has its own default. */
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal;
  /**
   * Waits for `waiting` without holding a worker, so other objects are reconciled meanwhile
   * (e.g. a health wait); the reconcile goes on once a worker is free again.
   */
  park<T>(waiting: Promise<T>): Promise<T>;
  /** Records an Event to emit once the status is written. */
  event(event: ReconcileEvent): void;
  /** Annotations every Event of this reconcile carries, failures included (e.g. the revision). */
  annotateEvents(annotations: Readonly<Record<string, string>>): void;
  /** Reconciling=True and Ready=Unknown with this message (Flux's ProgressiveStatus). */
  progressing(message: string): void;
  /** Writes the status as it is now, so users see the progress of a long phase. */
  patch(): Promise<void>;
  /**
   * Throws when this process may no longer write: call it right before every write that others
   * see (an artifact, objects applied to a cluster). Status and events are fenced by the runtime.
   */
  fence(): void;
  /** Runs after the reconcile (success or not), e.g. to remove a temporary directory. */
  defer(cleanup: () => void | Promise<void>): void;
  /** Set by a step that stored a new artifact. */
  artifactChanged: boolean;
}

/** Stop the remaining steps: the reconcile succeeded (e.g. nothing changed upstream). */
export const DONE = Symbol('done');

/**
 * Stop the remaining steps without a verdict: the status keeps its conditions as they were and
 * the object is reconciled again after the delay (Flux's ResultRequeue).
 */
export interface Requeue {
  readonly requeueAfterMs: number;
  readonly message: string;
}

export type StepResult = typeof DONE | Requeue | undefined;

/**
 * A sub-reconciler: one phase of the reconcile, a few dozen lines, setting its own conditions.
 * It throws a ReconcileError (or any error) to fail the reconcile.
 */
export type Step<O extends FluxObject, D extends ReconcileDeps, W extends Work> = (
  ctx: StepContext<O, D>,
  work: W,
) => Promise<StepResult | void>;

/** Everything the runtime needs to know about a kind. */
export interface ReconcilerKind<
  O extends FluxObject,
  D extends ReconcileDeps = ReconcileDeps,
  W extends Work = Work,
> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly conditions: KindConditions;
  /** The reason of a failure that names none (a plain Error). @default 'ReconciliationFailed' */
  readonly failureReason?: string;
  /** A fresh scratch object for one reconcile. @default () => ({}) */
  readonly work?: () => W;
  /** The sub-reconcilers, run in order. */
  readonly steps: readonly Step<O, D, W>[];
  /** Clean-up when the object is deleted, before the finalizer is removed. */
  readonly finalize?: (obj: O, deps: D) => Promise<void>;
}

/** The result of one reconcile, independent of any Kubernetes client. */
export interface ReconcileOutcome<S> {
  /** The complete new status. */
  readonly status: S;
  /** Events to record, in order. */
  readonly events: readonly ReconcileEvent[];
  /** When to reconcile again (before jitter); undefined when stalled, suspended or deleted. */
  readonly requeueAfterMs: number | undefined;
  /** The failure, when the reconcile failed. */
  readonly error: ReconcileError | undefined;
  /** True when a step stored a new artifact. */
  readonly artifactChanged: boolean;
  /** True when the object was being deleted and its clean-up is done (remove the finalizer). */
  readonly deleted: boolean;
}
