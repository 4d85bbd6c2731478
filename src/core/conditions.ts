// Status conditions as Kubernetes (metav1.Condition) and Flux (fluxcd/pkg/apis/meta) write them.

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly observedGeneration?: number;
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

/** Condition types Flux objects carry (fluxcd/pkg/apis/meta). */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Healthy: 'Healthy',
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  SourceVerified: 'SourceVerified',
  FetchFailed: 'FetchFailed',
  IncludeUnavailable: 'IncludeUnavailable',
  StorageOperationFailed: 'StorageOperationFailed',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Reasons shared by Flux controllers (fluxcd/pkg/apis/meta). */
export const Reason = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  InvalidPath: 'InvalidPath',
  PruneFailed: 'PruneFailed',
  Suspended: 'Suspended',
  NewArtifact: 'NewArtifact',
  NewRevision: 'NewRevision',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  InvalidSpec: 'InvalidSpec',
} as const;

/** Options of {@link setCondition}. */
export interface SetConditionInput {
  readonly type: string;
  readonly status: Condition['status'];
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration?: number;
}

/**
 * Returns `conditions` with one condition set. `lastTransitionTime` changes only when the status
 * changes, as the Kubernetes API conventions require; the order of other conditions is kept.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  input: SetConditionInput,
  now: Date = new Date(),
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === input.type);
  const previous = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: input.type,
    status: input.status,
    ...(input.observedGeneration !== undefined
      ? { observedGeneration: input.observedGeneration }
      : {}),
    lastTransitionTime:
      previous && previous.status === input.status ? previous.lastTransitionTime : rfc3339(now),
    reason: input.reason,
    message: input.message,
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** Returns `conditions` without the condition of a type. */
export function removeCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** The condition of a type, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition of a type is present with status True. */
export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
