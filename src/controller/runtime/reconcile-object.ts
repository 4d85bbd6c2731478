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
  const requestedAt = obj.metadata.annotations?.[Annotation.ReconcileRequestedAt];
  const handled = (s: StatusOf<O>): StatusOf<O> =>
    requestedAt === undefined ? s : { ...s, lastHandledReconcileAt: requestedAt };
  const unchanged = { events: [], error: undefined, artifactChanged: false } as const;

  if (obj.metadata.deletionTimestamp !== undefined) {
    await kind.finalize?.(obj, deps);
    return { ...unchanged, status: previous, requeueAfterMs: undefined, deleted: true };
  }
  if (obj.spec.suspend === true) {
    log.info('reconciliation is suspended for this object');
    return { ...unchanged, status: handled(previous), requeueAfterMs: undefined, deleted: false };
  }

  const generation = obj.metadata.generation;
  const now = (deps.now ?? (() => new Date()))();
  const conditions = new ConditionSet(previous.conditions, generation, now);
  const { conditions: _previousConditions, ...rest } = previous;
  const status = rest as DraftStatus<StatusOf<O>>;
  const events: ReconcileEvent[] = [];
  const eventAnnotations: Record<string, string> = {};
  const cleanups: (() => void | Promise<void>)[] = [];
  let durations: Durations | undefined;
  let error: ReconcileError | undefined;
  let requeue: Requeue | undefined;
  let artifactChanged = false;
  const fenced = new WeakSet<object>();
  try {
    durations = parseDurations(obj.spec);
    const ctx = stepContext(obj, deps, {
      kind: kind.kind,
      status,
      conditions,
      events,
      eventAnnotations,
      cleanups,
      durations,
      log,
      now,
      fenced,
    });
    const work = kind.work?.() ?? ({} as W);
    for (const step of kind.steps) {
      ctx.fence();
      const result = await step(ctx, work);
      if (result === DONE) break;
      if (isRequeue(result)) {
        requeue = result;
        break;
      }
    }
    artifactChanged = ctx.artifactChanged;
  } catch (err) {
    // Stopped, or the lease may be lost: there is no verdict to write, and no right to write it.
    if (typeof err === 'object' && err !== null && fenced.has(err)) throw err;
    error = asReconcileError(err, kind.failureReason ?? Reason.ReconciliationFailed);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'clean-up failed'));
    }
  }

  if (requeue) {
    log.info({ requeueAfterMs: requeue.requeueAfterMs }, requeue.message);
    return {
      ...unchanged,
      status: previous,
      requeueAfterMs: requeue.requeueAfterMs,
      deleted: false,
    };
  }
  const verdict = summarize({
    conditions,
    kind: kind.conditions,
    previousReady: previous.conditions?.find((c) => c.type === ConditionType.Ready),
    error,
    intervalMs: durations?.intervalMs,
    retryIntervalMs: durations?.retryIntervalMs,
  });
  if (verdict.observed && generation !== undefined) status.observedGeneration = generation;
  if (verdict.event) events.push(verdict.event);
  if (error) log.warn({ reason: error.reason, err: error.message }, 'reconciliation failed');
  return {
    status: dropUndefined(handled({ ...status, conditions: conditions.list() })),
    events:
      Object.keys(eventAnnotations).length === 0
        ? events
        : events.map((e) => ({
            ...e,
            annotations: { ...eventAnnotations, ...e.annotations },
          })),
    requeueAfterMs: verdict.requeueAfterMs,
    error,
    artifactChanged,
    deleted: false,
  };
}

interface ContextParts<S> {
  readonly kind: string;
  readonly status: DraftStatus<S>;
  readonly conditions: ConditionSet;
  readonly events: ReconcileEvent[];
  readonly eventAnnotations: Record<string, string>;
  readonly cleanups: (() => void | Promise<void>)[];
  readonly durations: Durations;
  readonly log: Logger;
  readonly now: Date;
  /** The errors fence() threw. */
  readonly fenced: WeakSet<object>;
}

function stepContext<O extends FluxObject, D extends ReconcileDeps>(
  obj: O,
  deps: D,
  parts: ContextParts<StatusOf<O>>,
): StepContext<O, D> {
  const { kind, status, conditions, events, eventAnnotations, cleanups, durations, log, now } =
    parts;
  const signal = deps.signal ?? new AbortController().signal;
  return {
    obj,
    deps,
    kind,
    status,
    conditions,
    previous: obj.status?.conditions ?? [],
    log,
    now,
    objectName: `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`,
    intervalMs: durations.intervalMs,
    timeoutMs: durations.timeoutMs,
    signal,
    artifactChanged: false,
    event: (e) => void events.push(e),
    annotateEvents: (annotations) => void Object.assign(eventAnnotations, annotations),
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
        if (typeof err === 'object' && err !== null) parts.fenced.add(err);
        throw err;
      }
    },
    defer: (cleanup) => void cleanups.push(cleanup),
  };
}
