// Health statuses in Argo CD's gitops-engine order, and helpers shared by the assessors.
import type { KubeObject } from '../../kube/index.js';

export const HealthStatus = {
  Healthy: 'Healthy',
  Suspended: 'Suspended',
  Progressing: 'Progressing',
  Missing: 'Missing',
  Degraded: 'Degraded',
  Unknown: 'Unknown',
} as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

/** Best to worst, as gitops-engine's healthOrder. */
const order: readonly HealthStatus[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

/** True if `next` is worse than `current` (to aggregate many objects into one status). */
export function isWorse(current: HealthStatus, next: HealthStatus): boolean {
  return order.indexOf(next) > order.indexOf(current);
}

/** The worst of several statuses; Healthy for none. */
export function worstOf(statuses: readonly HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((w, s) => (isWorse(w, s) ? s : w), HealthStatus.Healthy);
}

export interface HealthResult {
  readonly status: HealthStatus;
  readonly message: string;
}

/** Assesses one object of the kind it is registered for. */
export type HealthAssessor = (obj: KubeObject) => HealthResult;

export interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly observedGeneration?: number;
}

type Json = Record<string, unknown>;

/** A nested field, or undefined. */
export function field(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[p];
  }
  return cur;
}

export function num(obj: unknown, ...path: string[]): number | undefined {
  const v = field(obj, ...path);
  return typeof v === 'number' ? v : undefined;
}

export function str(obj: unknown, ...path: string[]): string | undefined {
  const v = field(obj, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function conditionsOf(obj: unknown): Condition[] {
  const c = field(obj, 'status', 'conditions');
  return Array.isArray(c)
    ? (c.filter((x) => typeof x === 'object' && x !== null) as Condition[])
    : [];
}

export function conditionOf(obj: unknown, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

export const healthy = (message = ''): HealthResult => ({ status: HealthStatus.Healthy, message });
export const progressing = (message: string): HealthResult => ({
  status: HealthStatus.Progressing,
  message,
});
export const degraded = (message: string): HealthResult => ({
  status: HealthStatus.Degraded,
  message,
});
export const suspended = (message: string): HealthResult => ({
  status: HealthStatus.Suspended,
  message,
});
