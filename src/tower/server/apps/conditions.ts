// Reading Flux-style status conditions into Tower's words: ready, status, drift, last change.
import type { KubeObject } from '../../../kube/index.js';
import type { AppStatus, Condition, DriftState, ReadyState } from '../../api/types.js';

/** Longest condition message kept in the watch cache (messages can hold whole build logs). */
const MAX_MESSAGE = 600;

/** The condition types rows and the conditions history use. */
const KEPT = new Set(['Ready', 'Reconciling', 'Stalled', 'Healthy', 'Released', 'Remediated']);

/** A condition field as text (a field of another type is taken as missing). */
function text(v: unknown, missing: string): string {
  return typeof v === 'string' ? v : missing;
}

/** The conditions of an object, normalised (missing fields as ''). */
export function conditionsOf(obj: KubeObject): Condition[] {
  const status = obj['status'] as { conditions?: unknown } | undefined;
  const list = Array.isArray(status?.conditions) ? (status.conditions as unknown[]) : [];
  return list.flatMap((c): Condition[] => {
    if (typeof c !== 'object' || c === null) return [];
    const r = c as Record<string, unknown>;
    return [
      {
        type: text(r['type'], ''),
        status: text(r['status'], 'Unknown'),
        reason: text(r['reason'], ''),
        message: text(r['message'], ''),
        lastTransitionTime: text(r['lastTransitionTime'], ''),
      },
    ];
  });
}

/** Only the conditions Tower shows, with messages cut, for the watch cache. */
export function slimConditions(obj: KubeObject): Condition[] {
  return conditionsOf(obj)
    .filter((c) => KEPT.has(c.type))
    .map((c) =>
      c.message.length > MAX_MESSAGE ? { ...c, message: `${c.message.slice(0, MAX_MESSAGE)}…` } : c,
    );
}

export function readyOf(conditions: readonly Condition[]): ReadyState {
  const s = conditions.find((c) => c.type === 'Ready')?.status;
  return s === 'True' || s === 'False' ? s : 'Unknown';
}

/** suspended, then progressing (reconciling or waiting on dependencies), ready, failing. */
export function statusOf(conditions: readonly Condition[], suspended: boolean): AppStatus {
  if (suspended) return 'suspended';
  const ready = conditions.find((c) => c.type === 'Ready');
  const reconciling = conditions.some((c) => c.type === 'Reconciling' && c.status === 'True');
  if (!ready) return reconciling ? 'progressing' : 'unknown';
  if (reconciling || ready.status === 'Unknown') return 'progressing';
  if (ready.status === 'True') return 'ready';
  return ready.reason === 'DependencyNotReady' ? 'progressing' : 'failing';
}

/** The message users want: Reconciling's while reconciling, else Ready's. */
export function messageOf(conditions: readonly Condition[]): { message: string; reason: string } {
  const reconciling = conditions.find((c) => c.type === 'Reconciling' && c.status === 'True');
  const c = reconciling ?? conditions.find((x) => x.type === 'Ready');
  return { message: c?.message ?? '', reason: c?.reason ?? '' };
}

export function driftOf(
  applied: string,
  attempted: string,
  ready: ReadyState,
  sourceRevision: string | undefined,
): DriftState {
  if (applied === '') return attempted !== '' && ready === 'False' ? 'failing' : 'unknown';
  if (attempted !== '' && attempted !== applied && ready === 'False') return 'failing';
  if (sourceRevision === undefined || sourceRevision === '') return 'unknown';
  return sourceRevision === applied ? 'synced' : 'behind';
}

/** The latest lastTransitionTime among the conditions, '' when none has one. */
export function lastChangeOf(conditions: readonly Condition[]): string {
  let latest = '';
  for (const c of conditions) if (c.lastTransitionTime > latest) latest = c.lastTransitionTime;
  return latest;
}
