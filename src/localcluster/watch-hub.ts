// Fan-out of storage changes to watchers, with a bounded history so watches can resume from a
// resourceVersion; versions older than the history answer 410 Gone like a compacted etcd.
import { gone } from './status-errors.js';
import type { KubeObject } from './object-meta.js';

export const WatchEventType = { Added: 'ADDED', Modified: 'MODIFIED', Deleted: 'DELETED' } as const;
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];

export interface StoreEvent {
  readonly rv: number;
  readonly type: WatchEventType;
  /** storage key of the group/resource ('deployments.apps') */
  readonly skey: string;
  readonly namespace: string;
  readonly name: string;
  readonly object: KubeObject;
  /** The object before this change (MODIFIED and DELETED). */
  readonly old: KubeObject | undefined;
}

export type StoreListener = (event: StoreEvent) => void;

export interface WatchHubOptions {
  /** How many events are kept for watches that resume from a resourceVersion. @default 20000 */
  readonly historySize?: number;
}

export class WatchHub {
  private readonly history: StoreEvent[] = [];
  private readonly historySize: number;
  private readonly listeners = new Set<StoreListener>();
  /** Every event with rv > horizon is in `history`. */
  private horizon: number;

  /** Called when a listener throws; the other listeners still get the event. */
  onListenerError: (err: unknown) => void = () => undefined;

  constructor(startRv: number, options: WatchHubOptions = {}) {
    this.horizon = startRv;
    this.historySize = options.historySize ?? 20000;
  }

  publish(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historySize) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      const last = dropped[dropped.length - 1];
      if (last) this.horizon = last.rv;
    }
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        // one broken watcher or controller must not fail the write that already happened
        this.onListenerError(err);
      }
    }
  }

  /** Listens to every future event; returns the function that stops listening. */
  listen(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The events after `rv`, or 410 Gone when they are no longer all kept. */
  since(rv: number, currentRv: number): StoreEvent[] {
    if (rv < this.horizon) throw gone(`too old resource version: ${rv} (${this.horizon + 1})`);
    if (rv >= currentRv) return [];
    // binary search the first event with event.rv > rv
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }
}
