// Requesting a reconcile and waiting for its result, as `flux reconcile`, `flux create` and
// `flux resume` do — except that a failure ends the wait at once: once the controller has handled
// the request (status.lastHandledReconcileAt) or seen the object's generation, Ready=False or
// Stalled=True is the answer, printed with its message, instead of polling until the timeout.
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotation, formatDuration } from '../core/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { CliError } from './errors.js';
import type { FluxKind } from './flux-kinds.js';

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly observedGeneration?: number;
}

interface ReconcileStatus {
  readonly conditions?: readonly Condition[];
  readonly observedGeneration?: number;
  readonly lastHandledReconcileAt?: string;
}

export type Outcome =
  | { readonly state: 'pending'; readonly handled: boolean }
  | { readonly state: 'ready' }
  | { readonly state: 'failed'; readonly message: string };

const statusOf = (obj: KubeObject): ReconcileStatus =>
  (obj['status'] as ReconcileStatus | undefined) ?? {};

/** The object's condition of `type`, if any. */
export function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  return statusOf(obj).conditions?.find((c) => c.type === type);
}

/**
 * Where the reconcile the caller waits for stands: the one that handles `requestedAt` when given,
 * otherwise the one of the object's current generation. A condition whose observedGeneration
 * is older than the object's generation is from an earlier reconcile and not taken as an answer.
 */
export function reconcileOutcome(obj: KubeObject, requestedAt?: string): Outcome {
  const status = statusOf(obj);
  const generation = obj.metadata.generation ?? 0;
  if (requestedAt !== undefined && status.lastHandledReconcileAt !== requestedAt)
    return { state: 'pending', handled: false };
  const current = (c: Condition | undefined): c is Condition =>
    c !== undefined &&
    (c.observedGeneration !== undefined && c.observedGeneration !== 0
      ? c.observedGeneration === generation
      : status.observedGeneration === generation || requestedAt !== undefined);
  const ready = conditionOf(obj, 'Ready');
  const stalled = conditionOf(obj, 'Stalled');
  const reconciling = conditionOf(obj, 'Reconciling');
  if (stalled?.status === 'True' && current(stalled))
    return { state: 'failed', message: stalled.message ?? stalled.reason ?? 'stalled' };
  if (!current(ready)) return { state: 'pending', handled: requestedAt !== undefined };
  // Ready=False while Reconciling=True is a step of a reconcile still running, unless the
  // controller says it gave up this attempt and will retry (ProgressingWithRetry), as in Flux.
  if (
    ready.status === 'False' &&
    (reconciling?.status !== 'True' || reconciling.reason === 'ProgressingWithRetry')
  )
    return { state: 'failed', message: ready.message ?? ready.reason ?? 'unknown reason' };
  if (
    ready.status === 'True' &&
    reconciling?.status !== 'True' &&
    status.observedGeneration === generation
  )
    return { state: 'ready' };
  return { state: 'pending', handled: true };
}

/** The controller reported that the reconcile failed; `detail` is its message. */
export class ReconcileFailedError extends CliError {
  readonly detail: string;
  constructor(kind: string, detail: string) {
    super(`${kind} reconciliation failed: '${detail}'`, 1, 'ReconcileFailed');
    this.name = 'ReconcileFailedError';
    this.detail = detail;
  }
}

export interface WaitOptions {
  readonly timeoutMs: number;
  /** Wait for the reconcile that handles this request (the annotation's value). */
  readonly requestedAt?: string;
  /** How often to read the object. @default 250 */
  readonly pollMs?: number;
}

/** The object, or a CliError in flux's words when it does not exist. */
export async function getFluxObject(
  client: KubeClient,
  kind: FluxKind,
  namespace: string,
  name: string,
): Promise<KubeObject> {
  return client.get({ apiVersion: kind.apiVersion, kind: kind.kind, namespace, name });
}

/**
 * Polls the object until its reconcile succeeded (resolves with the object) or failed (throws
 * `<Kind> reconciliation failed: '<message>'`); silent meanwhile, as flux is.
 */
export async function waitForReconcile(
  client: KubeClient,
  kind: FluxKind,
  namespace: string,
  name: string,
  options: WaitOptions,
): Promise<KubeObject> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const obj = await getFluxObject(client, kind, namespace, name);
    const outcome = reconcileOutcome(obj, options.requestedAt);
    if (outcome.state === 'ready') return obj;
    if (outcome.state === 'failed') throw new ReconcileFailedError(kind.kind, outcome.message);
    if (Date.now() > deadline) {
      const last = conditionOf(obj, 'Ready')?.message;
      throw new CliError(
        `timed out after ${formatDuration(options.timeoutMs)} waiting for ${kind.kind} '${namespace}/${name}' ` +
          (outcome.handled
            ? 'to finish reconciling'
            : 'to be reconciled; is the controller running?') +
          (last ? ` (last status: ${last})` : ''),
      );
    }
    await sleep(options.pollMs ?? 250);
  }
}

/** Sets reconcile.fluxcd.io/requestedAt to now and returns the value written. */
export async function requestReconcile(
  client: KubeClient,
  kind: FluxKind,
  namespace: string,
  name: string,
): Promise<string> {
  // Go's time.RFC3339Nano, as flux writes it; any new value triggers a reconcile.
  const requestedAt = new Date().toISOString();
  await client.patch({ apiVersion: kind.apiVersion, kind: kind.kind, namespace, name }, 'merge', {
    metadata: { annotations: { [Annotation.ReconcileRequestedAt]: requestedAt } },
  });
  return requestedAt;
}
