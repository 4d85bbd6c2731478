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
  /** Length of the object's JSON text: what keeping the event in the history costs. */
  readonly size: number;
}

export type StoreListener = (event: StoreEvent) => void;

export interface WatchHubOptions {
  /** How many events are kept for watches that resume from a resourceVersion. @default 20000 */
  readonly historySize?: number;
  /**
   * How many bytes of objects (as JSON) the kept events may hold; the oldest go first, so a few
   * large objects cannot pin gigabytes of old versions. @default DEFAULT_WATCH_HISTORY_BYTES
   */
  readonly historyBytes?: number;
}

/**
 * 16 MiB of objects: thousands of events of ordinary objects (minutes to hours of history at the
 * write rates a GitOps cluster sees; informers reconnect within seconds), a few hundred of 64 KiB.
 */
export const DEFAULT_WATCH_HISTORY_BYTES = 16 * 1024 * 1024;

export class WatchHub {
  /** The kept events are history[head..]; the dropped prefix is cut off now and then. */
  private history: StoreEvent[] = [];
  private head = 0;
  private bytes = 0;
  private readonly historySize: number;
  private readonly historyBytes: number;
  private readonly listeners = new Set<StoreListener>();
  /** Every event with rv > horizon is kept. */
  private horizon: number;

  /** Called when a listener throws; the other listeners still get the event. */
  onListenerError: (err: unknown) => void = () => undefined;

  constructor(startRv: number, options: WatchHubOptions = {}) {
    this.horizon = startRv;
    this.historySize = options.historySize ?? 20000;
    this.historyBytes = options.historyBytes ?? DEFAULT_WATCH_HISTORY_BYTES;
  }

  publish(event: StoreEvent): void {
    this.history.push(event);
    this.bytes += event.size;
    this.trim();
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        // one broken watcher or controller must not fail the write that already happened
        this.onListenerError(err);
      }
    }
  }

  /** Drops the oldest events past the count or byte budget (the newest one always stays). */
  private trim(): void {
    const h = this.history;
    while (
      h.length - this.head > 1 &&
      (h.length - this.head > this.historySize || this.bytes > this.historyBytes)
    ) {
      const dropped = h[this.head]!;
      this.bytes -= dropped.size;
      this.horizon = dropped.rv;
      h[this.head] = undefined as unknown as StoreEvent; // let the objects go now
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > h.length) {
      this.history = h.slice(this.head);
      this.head = 0;
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
    let lo = this.head;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }
}
