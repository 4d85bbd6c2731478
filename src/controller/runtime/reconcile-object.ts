// One reconcile of one object, the same way for every kind and independent of any Kubernetes
// client: deletion, suspend, the spec's durations, the kind's sub-reconcilers in order, then
// the summary (conditions, observedGeneration, lastHandledReconcileAt, events, requeue).
import {
  Annotation,
  ConditionSet,
  ConditionType,
  Reason,
  errorMessage,
  parseDuration,
  silentLogger,
  type Logger,
} from '../../core/index.js';
import {
  DONE,
  type DraftStatus,
  type FluxObject,
  type FluxStatus,
  type ReconcileDeps,
  type ReconcileEvent,
  type ReconcileOutcome,
  type ReconcilerKind,
  type Requeue,
  type StatusOf,
  type StepContext,
  type Work,
} from './kind.js';
import { asReconcileError, stalling, type ReconcileError } from './reconcile-error.js';
import { summarize } from './summarize.js';

interface Durations {
  readonly intervalMs: number;
  readonly retryIntervalMs: number;
  readonly timeoutMs: number | undefined;
}

/** The spec's durations; an invalid one stalls the object (retrying cannot fix the spec). */
function parseDurations(spec: FluxObject['spec']): Durations {
  try {
    const intervalMs = parseDuration(spec.interval, 'spec.interval');
    return {
      intervalMs,
      retryIntervalMs:
        spec.retryInterval === undefined
          ? intervalMs
          : parseDuration(spec.retryInterval, 'spec.retryInterval'),
      timeoutMs:
        spec.timeout === undefined ? undefined : parseDuration(spec.timeout, 'spec.timeout'),
    };
  } catch (err) {
    throw stalling(Reason.InvalidSpec, errorMessage(err), err);
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function isRequeue(r: unknown): r is Requeue {
  return typeof r === 'object' && r !== null && 'requeueAfterMs' in r;
}

/**
 * Reconciles one object with its kind's sub-reconcilers and returns the new status, the events
 * and when to run again. Writes nothing to any cluster itself: the controller runtime does that
 * (reconciler.ts); tests and benchmarks call this directly.
 */
export async function reconcileObject<
  O extends FluxObject,
  D extends ReconcileDeps,
  W extends Work,
>(kind: ReconcilerKind<O, D, W>, obj: O, deps: D): Promise<ReconcileOutcome<StatusOf<O>>> {
  const objectName = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  const log = (deps.logger ?? silentLogger()).child({ [kind.kind.toLowerCase()]: objectName });
  const previous = (obj.status ?? {}) as StatusOf<O>;
  const unchanged = { events: [], error: undefined, artifactChanged: false } as const;
  if (obj.metadata.deletionTimestamp !== undefined) {
    await kind.finalize?.(obj, deps);
    return { ...unchanged, status: previous, requeueAfterMs: undefined, deleted: true };
  }
  if (obj.spec.suspend === true) {
    log.info('reconciliation is suspended for this object');
    return {
      ...unchanged,
      status: handled(obj, previous),
      requeueAfterMs: undefined,
      deleted: false,
    };
  }
  const run = newRun(obj, deps, log);
  await runSteps(kind, run);
  if (run.requeue) {
    log.info({ requeueAfterMs: run.requeue.requeueAfterMs }, run.requeue.message);
    return {
      ...unchanged,
      status: previous,
      requeueAfterMs: run.requeue.requeueAfterMs,
      deleted: false,
    };
  }
  return outcome(kind, run);
}

/** The status with `lastHandledReconcileAt` set from the requestedAt annotation, if any. */
function handled<O extends FluxObject>(obj: O, status: StatusOf<O>): StatusOf<O> {
  const requestedAt = obj.metadata.annotations?.[Annotation.ReconcileRequestedAt];
  return requestedAt === undefined ? status : { ...status, lastHandledReconcileAt: requestedAt };
}

/** The state of one reconcile: what the steps build and how they ended. */
interface Run<O extends FluxObject, D extends ReconcileDeps> {
  readonly obj: O;
  readonly deps: D;
  readonly log: Logger;
  readonly now: Date;
  readonly status: DraftStatus<StatusOf<O>>;
  readonly conditions: ConditionSet;
  readonly events: ReconcileEvent[];
  readonly eventAnnotations: Record<string, string>;
  readonly cleanups: (() => void | Promise<void>)[];
  /** The errors fence() threw: they end the reconcile without a verdict. */
  readonly fenced: WeakSet<object>;
  durations?: Durations;
  error?: ReconcileError;
  requeue?: Requeue;
  artifactChanged: boolean;
}

function newRun<O extends FluxObject, D extends ReconcileDeps>(
  obj: O,
  deps: D,
  log: Logger,
): Run<O, D> {
  const now = (deps.now ?? (() => new Date()))();
  const { conditions: previous, ...rest } = (obj.status ?? {}) as StatusOf<O>;
  return {
    obj,
    deps,
    log,
    now,
    status: rest as DraftStatus<StatusOf<O>>,
    conditions: new ConditionSet(previous, obj.metadata.generation, now),
    events: [],
    eventAnnotations: {},
    cleanups: [],
    fenced: new WeakSet(),
    artifactChanged: false,
  };
}

/** Runs the kind's steps in order until one fails, stops early or all are done; then clean-up. */
async function runSteps<O extends FluxObject, D extends ReconcileDeps, W extends Work>(
  kind: ReconcilerKind<O, D, W>,
  run: Run<O, D>,
): Promise<void> {
  try {
    run.durations = parseDurations(run.obj.spec);
    const ctx = stepContext(kind.kind, run, run.durations);
    const work = kind.work?.() ?? ({} as W);
    for (const step of kind.steps) {
      ctx.fence();
      const result = await step(ctx, work);
      if (result === DONE) break;
      if (isRequeue(result)) {
        run.requeue = result;
        break;
      }
    }
    run.artifactChanged = ctx.artifactChanged;
  } catch (err) {
    // Stopped, or the lease may be lost: there is no verdict to write, and no right to write it.
    if (typeof err === 'object' && err !== null && run.fenced.has(err)) throw err;
    run.error = asReconcileError(err, kind.failureReason ?? Reason.ReconciliationFailed);
  } finally {
    for (const cleanup of run.cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((err: unknown) => run.log.warn({ err: errorMessage(err) }, 'clean-up failed'));
    }
  }
}

/** The summary of a finished reconcile: conditions, observedGeneration, events, requeue. */
function outcome<O extends FluxObject, D extends ReconcileDeps>(
  kind: { readonly conditions: ReconcilerKind<O, D>['conditions'] },
  run: Run<O, D>,
): ReconcileOutcome<StatusOf<O>> {
  const { obj, error, status, conditions, eventAnnotations } = run;
  const verdict = summarize({
    conditions,
    kind: kind.conditions,
    previousReady: obj.status?.conditions?.find((c) => c.type === ConditionType.Ready),
    error,
    intervalMs: run.durations?.intervalMs,
    retryIntervalMs: run.durations?.retryIntervalMs,
  });
  const generation = obj.metadata.generation;
  if (verdict.observed && generation !== undefined) status.observedGeneration = generation;
  if (verdict.event) run.events.push(verdict.event);
  if (error) run.log.warn({ reason: error.reason, err: error.message }, 'reconciliation failed');
  const annotate = Object.keys(eventAnnotations).length > 0;
  return {
    status: dropUndefined(handled(obj, { ...status, conditions: conditions.list() })),
    events: run.events.map((e) =>
      annotate ? { ...e, annotations: { ...eventAnnotations, ...e.annotations } } : e,
    ),
    requeueAfterMs: verdict.requeueAfterMs,
    error,
    artifactChanged: run.artifactChanged,
    deleted: false,
  };
}

function stepContext<O extends FluxObject, D extends ReconcileDeps>(
  kind: string,
  run: Run<O, D>,
  durations: Durations,
): StepContext<O, D> {
  const { obj, deps, status, conditions } = run;
  const signal = deps.signal ?? new AbortController().signal;
  return {
    obj,
    deps,
    kind,
    status,
    conditions,
    previous: obj.status?.conditions ?? [],
    log: run.log,
    now: run.now,
    objectName: `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`,
    intervalMs: durations.intervalMs,
    timeoutMs: durations.timeoutMs,
    signal,
    park: deps.park ?? ((waiting) => waiting),
    artifactChanged: false,
    event: (e) => void run.events.push(e),
    annotateEvents: (annotations) => void Object.assign(run.eventAnnotations, annotations),
    progressing: (message) => conditions.progressing(message),
    patch: async () => {
      await deps.patchStatus?.(
        dropUndefined({ ...status, conditions: conditions.list() }) as FluxStatus,
      );
    },
    fence: () => {
      try {
        signal.throwIfAborted();
        deps.fence?.();
      } catch (err) {
        if (typeof err === 'object' && err !== null) run.fenced.add(err);
        throw err;
      }
    },
    defer: (cleanup) => void run.cleanups.push(cleanup),
  };
}
