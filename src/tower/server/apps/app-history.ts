// What Tower remembers of each app over time: the revisions it applied and when, and the states
// its conditions went through. Fed by the watches as changes happen and by the cluster's Events
// (which reach back before Tower started, as long as the cluster keeps them); bounded per app.
import type { Condition, ConditionChange } from '../../api/types.js';

export interface AppliedRecord {
  readonly revision: string;
  /** ISO time; '' when only known to be applied before Tower started. */
  readonly appliedAt: string;
}

export interface AppHistoryOptions {
  /** Applied revisions kept per app. @default 50 */
  readonly maxRevisions?: number;
  /** Condition states kept per app. @default 50 */
  readonly maxConditions?: number;
}

export class AppHistory {
  private readonly applied = new Map<string, AppliedRecord[]>();
  private readonly conditions = new Map<string, ConditionChange[]>();
  private readonly maxRevisions: number;
  private readonly maxConditions: number;

  constructor(options: AppHistoryOptions = {}) {
    this.maxRevisions = options.maxRevisions ?? 50;
    this.maxConditions = options.maxConditions ?? 50;
  }

  /** Records that an app applied a revision at a time (kept in time order, newest last). */
  recordApplied(app: string, revision: string, appliedAt: string): void {
    if (revision === '') return;
    const list = this.applied.get(app) ?? [];
    const same = list.findIndex((r) => r.revision === revision);
    if (same >= 0) {
      const known = list[same] as AppliedRecord;
      // An earlier (or a first real) time for the same revision wins.
      if (appliedAt === '' || (known.appliedAt !== '' && known.appliedAt <= appliedAt)) return;
      list.splice(same, 1);
    }
    list.push({ revision, appliedAt });
    list.sort((a, b) => (a.appliedAt || '0').localeCompare(b.appliedAt || '0'));
    if (list.length > this.maxRevisions) list.splice(0, list.length - this.maxRevisions);
    this.applied.set(app, list);
  }

  /** Oldest first. */
  appliedOf(app: string): readonly AppliedRecord[] {
    return this.applied.get(app) ?? [];
  }

  /** Records the conditions of an app when they differ from the last recorded ones. */
  recordConditions(app: string, conditions: readonly Condition[], observedAt: string): boolean {
    const list = this.conditions.get(app) ?? [];
    let added = false;
    for (const c of conditions) {
      const last = [...list].reverse().find((x) => x.type === c.type);
      if (
        last &&
        last.status === c.status &&
        last.reason === c.reason &&
        last.message === c.message
      )
        continue;
      list.push({ ...c, observedAt: last ? observedAt : c.lastTransitionTime || observedAt });
      added = true;
    }
    if (!added) return false;
    if (list.length > this.maxConditions) list.splice(0, list.length - this.maxConditions);
    this.conditions.set(app, list);
    return true;
  }

  /** Oldest first. */
  conditionsOf(app: string): readonly ConditionChange[] {
    return this.conditions.get(app) ?? [];
  }

  forget(app: string): void {
    this.applied.delete(app);
    this.conditions.delete(app);
  }
}
