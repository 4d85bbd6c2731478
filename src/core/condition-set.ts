// The conditions of one object during one reconcile, kept as Flux's runtime keeps them: set and
// deleted freely in memory, then listed in Flux's order with transition times measured against
// the conditions the reconcile started from.
import { ConditionType, rfc3339, type Condition } from './conditions.js';

/** Flux's order (fluxcd/pkg/runtime/conditions): Stalled, Reconciling, Ready, then by type. */
const WEIGHTS: Readonly<Record<string, number>> = {
  [ConditionType.Stalled]: 0,
  [ConditionType.Reconciling]: 1,
  [ConditionType.Ready]: 2,
};

function compare(a: Condition, b: Condition): number {
  const wa = WEIGHTS[a.type];
  const wb = WEIGHTS[b.type];
  if (wa !== undefined && wb !== undefined) return wa - wb;
  if (wa !== undefined) return -1;
  if (wb !== undefined) return 1;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}

/** A mutable set of conditions for one reconcile of one object. */
export class ConditionSet {
  readonly #items = new Map<string, Condition>();
  readonly #original = new Map<string, Condition>();
  readonly #generation: number | undefined;
  readonly #now: string;

  /**
   * @param existing the object's conditions when the reconcile started
   * @param generation written as each condition's observedGeneration (omitted when undefined)
   * @param now the time new transitions are stamped with
   */
  constructor(
    existing: readonly Condition[] | undefined,
    generation: number | undefined,
    now: Date,
  ) {
    for (const c of existing ?? []) {
      this.#items.set(c.type, c);
      this.#original.set(c.type, c);
    }
    this.#generation = generation;
    this.#now = rfc3339(now);
  }

  get(type: string): Condition | undefined {
    return this.#items.get(type);
  }
  has(type: string): boolean {
    return this.#items.has(type);
  }
  isTrue(type: string): boolean {
    return this.#items.get(type)?.status === 'True';
  }
  isFalse(type: string): boolean {
    return this.#items.get(type)?.status === 'False';
  }
  delete(type: string): void {
    this.#items.delete(type);
  }

  /** Sets a condition; its lastTransitionTime moves only when its status does. */
  set(type: string, status: Condition['status'], reason: string, message: string): void {
    const prev = this.#items.get(type);
    this.#items.set(type, {
      type,
      status,
      ...(this.#generation === undefined ? {} : { observedGeneration: this.#generation }),
      lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : this.#now,
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
  markUnknown(type: string, reason: string, message: string): void {
    this.set(type, 'Unknown', reason, message);
  }

  /** Flux's ProgressiveStatus: Reconciling=True and Ready=Unknown, same reason and message. */
  progressing(message: string, reason = 'Progressing'): void {
    this.markTrue(ConditionType.Reconciling, reason, message);
    this.markUnknown(ConditionType.Ready, reason, message);
  }

  /**
   * The conditions in Flux's order. A transition is measured against the status the reconcile
   * started from, so passing through Ready=Unknown in memory does not reset lastTransitionTime.
   */
  list(): Condition[] {
    const settled = [...this.#items.values()].map((c) => {
      const o = this.#original.get(c.type);
      return o && o.status === c.status && o.lastTransitionTime !== c.lastTransitionTime
        ? { ...c, lastTransitionTime: o.lastTransitionTime }
        : c;
    });
    return settled.sort(compare);
  }
}
