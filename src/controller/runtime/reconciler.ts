// The controller runtime's side of the reconciler contract: turns a kind (its sub-reconcilers and
// conditions) into a registration the manager runs. For each key it gets the object, adds the
// finalizer, runs reconcileObject, removes the finalizer after a deletion's clean-up, writes the
// status when it changed, records the events, sets the per-object metrics and requeues after the
// interval (or retryInterval) with jitter. Every write goes through the lease fence.
import { isDeepStrictEqual } from 'node:util';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';
import { silentLogger, type Logger } from '../../core/index.js';
import type { EventRecorder } from './event-recorder.js';
import { ensureFinalizer, removeFinalizer } from './finalizers.js';
import { jitter } from './jitter.js';
import type {
  FluxObject,
  FluxStatus,
  ReconcileDeps,
  ReconcileOutcome,
  ReconcilerKind,
  Work,
} from './kind.js';
import type { ControllerRegistration, ObjectKey, Watch } from './manager.js';
import type { Park } from './work-queue.js';
import { reconcileObject } from './reconcile-object.js';
import type { ReconcileMetrics } from './reconcile-metrics.js';
import { replaceStatus } from './status.js';
import type { ReconcileResult } from './work-queue.js';

/** What the runtime gives every kind's controller (controllers.ts sets them). */
export interface RuntimeOptions {
  readonly recorder?: EventRecorder;
  readonly logger?: Logger;
  /** Throws when this process may no longer write (the leader lease's fence). */
  readonly fence?: () => void;
  readonly metrics?: ReconcileMetrics;
  /** Interval jitter in percent (Flux's --interval-jitter-percentage). @default 5 */
  readonly jitterPercent?: number;
}

export interface ReconcilerOptions<
  O extends FluxObject,
  D extends ReconcileDeps,
  W extends Work,
> extends RuntimeOptions {
  readonly kind: ReconcilerKind<O, D, W>;
  /** Client of the cluster the objects live in (guard it with the lease: KubeClient.guarded). */
  readonly client: KubeClient;
  /** What the kind's steps need (artifact store, Secret reader, …). */
  readonly deps: D;
  /** Related kinds whose changes re-trigger reconciles. */
  readonly watches?: readonly Watch[];
  /** Short name for logs. @default the kind, lower-cased */
  readonly name?: string;
}

/** The manager registration of a kind. */
export function reconcilerFor<O extends FluxObject, D extends ReconcileDeps, W extends Work>(
  options: ReconcilerOptions<O, D, W>,
): ControllerRegistration {
  const { kind, client } = options;
  const type = { apiVersion: kind.apiVersion, kind: kind.kind } as const;
  const log = options.logger ?? silentLogger();
  return {
    name: options.name ?? kind.kind.toLowerCase(),
    ...type,
    ...(options.watches ? { watches: options.watches } : {}),
    reconcile: async (
      key: ObjectKey,
      signal: AbortSignal,
      park?: Park,
    ): Promise<ReconcileResult> => {
      const ref: ObjectRef = { ...type, namespace: key.namespace, name: key.name };
      let obj = await client.getOrUndefined<KubeObject & O>(ref);
      if (!obj) return {};
      if (obj.metadata.deletionTimestamp === undefined)
        obj = await ensureFinalizer(client, ref, obj);
      // What the object's status is now: as read, then as each intermediate patch left it. The
      // final status is written when it differs from this (not from the status as read: a
      // progress message patched meanwhile must not be left behind).
      let current: unknown = obj.status ?? {};
      const outcome = await reconcileObject(kind, obj, {
        ...options.deps,
        logger: log,
        signal,
        ...(park ? { park } : {}),
        ...(options.fence ? { fence: options.fence } : {}),
        patchStatus: async (status: FluxStatus) => {
          await replaceStatus(client, ref, status);
          current = status;
        },
      });
      // Stopped (shutdown or lost leadership) mid-way: the next leader reconciles again.
      if (signal.aborted) return {};
      if (outcome.deleted) {
        await removeFinalizer(client, ref, obj);
        options.metrics?.record(kind.kind, obj, true);
        return {};
      }
      await settle(options, ref, obj, current, outcome);
      return {
        ...(outcome.requeueAfterMs === undefined
          ? {}
          : { requeueAfterMs: jitter(outcome.requeueAfterMs, options.jitterPercent ?? 5) }),
        ...(outcome.error ? { failed: true } : {}),
      };
    },
  };
}

/** Writes the status (only when it changed), then the events, then the metrics. */
async function settle<O extends FluxObject, D extends ReconcileDeps, W extends Work>(
  options: ReconcilerOptions<O, D, W>,
  ref: ObjectRef,
  obj: KubeObject & O,
  current: unknown,
  outcome: ReconcileOutcome<NonNullable<O['status']>>,
): Promise<void> {
  if (!isDeepStrictEqual(outcome.status, current))
    await replaceStatus(options.client, ref, outcome.status);
  for (const e of outcome.events) {
    await options.recorder?.record(obj, {
      type: e.type,
      reason: e.reason,
      note: e.message,
      ...(e.annotations ? { annotations: e.annotations } : {}),
    });
  }
  options.metrics?.record(options.kind.kind, { ...obj, status: outcome.status });
}
