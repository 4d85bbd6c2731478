// Condition bookkeeping as Flux's runtime does it: transitions, ordering and the Ready summary.
import type { Condition } from '../../core/index.js';

/** Condition types and reasons GitRepository uses (Flux's meta and sourcev1 constants). */
export const GitRepositoryCondition = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  SourceVerified: 'SourceVerified',
  FetchFailed: 'FetchFailed',
  IncludeUnavailable: 'IncludeUnavailable',
  StorageOperationFailed: 'StorageOperationFailed',
  /** Flotilla's own: the tracked branch was force-pushed. */
  HistoryRewritten: 'HistoryRewritten',
} as const;
export type GitRepositoryCondition =
  (typeof GitRepositoryCondition)[keyof typeof GitRepositoryCondition];

/** Conditions whose True status means something is wrong, in the order Flux summarises them. */
const NEGATIVE_SUMMARY = [
  GitRepositoryCondition.StorageOperationFailed,
  GitRepositoryCondition.FetchFailed,
  GitRepositoryCondition.IncludeUnavailable,
  GitRepositoryCondition.ArtifactOutdated,
] as const;

const WEIGHTS: Record<string, number> = { Stalled: 0, Reconciling: 1, Ready: 2 };

/** Flux's order: Stalled, Reconciling, Ready, then the rest by newest generation and type. */
function less(a: Condition, b: Condition): boolean {
  const wa = WEIGHTS[a.type];
  const wb = WEIGHTS[b.type];
  if (wa !== undefined && wb !== undefined) return wa < wb;
  if (wa !== undefined || wb !== undefined) return wb === undefined;
  if ((a.observedGeneration ?? 0) === (b.observedGeneration ?? 0)) return a.type < b.type;
  return (a.observedGeneration ?? 0) > (b.observedGeneration ?? 0);
}

/** A mutable set of conditions for one reconcile. */
export class ConditionSet {
  private readonly items = new Map<string, Condition>();
  private readonly original = new Map<string, Condition>();
  constructor(
    existing: readonly Condition[] | undefined,
    private readonly generation: number,
    private readonly now: string,
  ) {
    for (const c of existing ?? []) {
      this.items.set(c.type, c);
      this.original.set(c.type, c);
    }
  }

  get(type: string): Condition | undefined {
    return this.items.get(type);
  }
  isTrue(type: string): boolean {
    return this.items.get(type)?.status === 'True';
  }
  isFalse(type: string): boolean {
    return this.items.get(type)?.status === 'False';
  }
  delete(type: string): void {
    this.items.delete(type);
  }

  /** Sets a condition; lastTransitionTime changes only when the status does. */
  set(type: string, status: Condition['status'], reason: string, message: string): void {
    const prev = this.items.get(type);
    const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : this.now;
    this.items.set(type, {
      type,
      status,
      observedGeneration: this.generation,
      lastTransitionTime,
      reason,
      message,
    });
  }
  markTrue(type: string, reason: string, message: string): void {
    this.set(type, 'True', reason, message);
  }
  markFalse(type: string, reason: string, message: string): void {
    this.set(type, 'False', reason, message);
  }

  /** Flux's ProgressiveStatus: Reconciling=True and Ready=Unknown with the same reason/message. */
  progressing(reason: string, message: string): void {
    this.markTrue(GitRepositoryCondition.Reconciling, reason, message);
    this.set(GitRepositoryCondition.Ready, 'Unknown', reason, message);
  }

  /**
   * Flux's summary of Ready: the first failing owned condition (negative ones True, or
   * SourceVerified False) makes Ready False; otherwise ArtifactInStorage's success does.
   */
  summarise(failure: { reason: string; message: string } | undefined): void {
    for (const t of NEGATIVE_SUMMARY) {
      const c = this.items.get(t);
      if (c?.status === 'True') {
        this.markFalse(GitRepositoryCondition.Ready, c.reason, c.message);
        return;
      }
    }
    const sv = this.items.get(GitRepositoryCondition.SourceVerified);
    if (sv?.status === 'False') {
      this.markFalse(GitRepositoryCondition.Ready, sv.reason, sv.message);
      return;
    }
    if (failure) {
      this.markFalse(GitRepositoryCondition.Ready, failure.reason, failure.message);
      return;
    }
    const stored = this.items.get(GitRepositoryCondition.ArtifactInStorage);
    if (stored?.status === 'True')
      this.markTrue(GitRepositoryCondition.Ready, stored.reason, stored.message);
  }

  /**
   * The final conditions. A transition is measured against the status the reconcile started
   * from, so passing through Ready=Unknown in memory does not reset lastTransitionTime.
   */
  list(): Condition[] {
    const settled = [...this.items.values()].map((c) => {
      const o = this.original.get(c.type);
      return o && o.status === c.status ? { ...c, lastTransitionTime: o.lastTransitionTime } : c;
    });
    return settled.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  }
}
