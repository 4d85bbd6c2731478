// Status conditions of source objects, kept and summarised into Ready the way Flux's runtime does.
import type { Condition, ConditionStatus } from './types.js';
import { rfc3339 } from '../../core/index.js';

/** Condition types of source.toolkit.fluxcd.io objects. */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  FetchFailed: 'FetchFailed',
  StorageOperationFailed: 'StorageOperationFailed',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Flux's (meta and source) reasons used by the Bucket reconciler. */
export const ConditionReason = {
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Succeeded: 'Succeeded',
  NewRevision: 'NewRevision',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  GarbageCollectionFailed: 'GarbageCollectionFailed',
} as const;

/** Flux's Bucket summary: which conditions feed Ready, in priority order. */
export const BUCKET_SUMMARY: readonly string[] = [
  ConditionType.StorageOperationFailed,
  ConditionType.FetchFailed,
  ConditionType.ArtifactOutdated,
  ConditionType.ArtifactInStorage,
  ConditionType.Stalled,
  ConditionType.Reconciling,
];
/** Conditions whose True means trouble. */
export const NEGATIVE_POLARITY: ReadonlySet<string> = new Set([
  ConditionType.StorageOperationFailed,
  ConditionType.FetchFailed,
  ConditionType.ArtifactOutdated,
  ConditionType.Stalled,
  ConditionType.Reconciling,
]);

/** A mutable list of conditions; lastTransitionTime only moves when the status changes. */
export class ConditionSet {
  readonly #items = new Map<string, Condition>();
  readonly #now: () => Date;
  readonly #generation: number | undefined;

  constructor(
    existing: readonly Condition[] | undefined,
    generation: number | undefined,
    now: () => Date,
  ) {
    for (const c of existing ?? []) this.#items.set(c.type, c);
    this.#generation = generation;
    this.#now = now;
  }

  get(type: string): Condition | undefined {
    return this.#items.get(type);
  }

  isTrue(type: string): boolean {
    return this.#items.get(type)?.status === 'True';
  }

  set(type: string, status: ConditionStatus, reason: string, message: string): void {
    const prev = this.#items.get(type);
    const lastTransitionTime =
      prev && prev.status === status ? prev.lastTransitionTime : rfc3339(this.#now());
    this.#items.set(type, {
      type,
      status,
      ...(this.#generation === undefined ? {} : { observedGeneration: this.#generation }),
      lastTransitionTime,
      reason,
      message,
    });
  }

  markTrue(type: string, reason: string, message: string): void {
    this.set(type, 'True', reason, message);
  }

  delete(type: string): void {
    this.#items.delete(type);
  }

  /**
   * Sets Ready from the summary conditions like fluxcd/pkg's `conditions.SetSummary`: the first
   * negative-polarity condition that is True makes Ready False with its reason and message;
   * otherwise the first positive one decides.
   */
  summarizeReady(summary: readonly string[]): void {
    for (const type of summary) {
      const c = this.#items.get(type);
      if (c && NEGATIVE_POLARITY.has(type) && c.status === 'True') {
        this.set(ConditionType.Ready, 'False', c.reason, c.message);
        return;
      }
    }
    for (const type of summary) {
      const c = this.#items.get(type);
      if (c && !NEGATIVE_POLARITY.has(type)) {
        this.set(ConditionType.Ready, c.status, c.reason, c.message);
        return;
      }
    }
    const ready = this.#items.get(ConditionType.Ready);
    if (!ready)
      this.set(
        ConditionType.Ready,
        'Unknown',
        ConditionReason.Progressing,
        'reconciliation in progress',
      );
  }

  /** Conditions in a stable order: Ready first, then by type (as Flux's patcher sorts them). */
  list(): Condition[] {
    const all = [...this.#items.values()];
    return all.sort((a, b) =>
      a.type === ConditionType.Ready
        ? -1
        : b.type === ConditionType.Ready
          ? 1
          : a.type < b.type
            ? -1
            : 1,
    );
  }
}
