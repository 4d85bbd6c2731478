// A keyed work queue for reconcilers, with client-go's guarantees: a key is never processed by
// two workers at once, adds of a queued key collapse into one, a key added while it is being
// processed runs once more afterwards, and failures are retried with per-key exponential backoff.
import type { Logger } from '../../core/index.js';
import { errorMessage, silentLogger } from '../../core/index.js';

/** What a reconcile asks of the queue when it returns normally. */
export interface ReconcileResult {
  /** Run this key again after this many milliseconds (e.g. the jittered interval). */
  readonly requeueAfterMs?: number;
  /** The reconcile failed (reported in status) but is retried on schedule, not with backoff. */
  readonly failed?: boolean;
}

/**
 * Gives up the worker while `waiting` settles (a health wait, a timer) and takes one again after:
 * the key stays in processing (no second reconcile of it starts), but other keys use the worker.
 */
export type Park = <T>(waiting: Promise<T>) => Promise<T>;

export type Reconcile<K> = (key: K, park: Park) => Promise<ReconcileResult | void>;

export interface WorkQueueOptions {
  /** Keys processed at the same time. @default 4 (Flux's `--concurrent`) */
  readonly concurrency?: number;
  /** First retry delay after a failure. @default 750 (Flux's `--min-retry-delay`) */
  readonly minRetryDelayMs?: number;
  /** Longest retry delay after repeated failures. @default 900_000 (Flux's `--max-retry-delay`) */
  readonly maxRetryDelayMs?: number;
  /** Called after a reconcile throws, before the retry is scheduled. */
  readonly onError?: (key: string, err: unknown, retryInMs: number) => void;
  /** @default silent */
  readonly logger?: Logger;
}

export class WorkQueue<K extends string = string> {
  readonly #reconcile: Reconcile<K>;
  readonly #concurrency: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #onError: WorkQueueOptions['onError'];
  readonly #logger: Logger;

  readonly #queue: K[] = [];
  readonly #queued = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #dirty = new Set<K>();
  readonly #failures = new Map<K, number>();
  readonly #timers = new Map<K, { due: number; timer: NodeJS.Timeout }>();
  readonly #inflight = new Set<Promise<void>>();
  /** Workers in use: reconciles running, not parked. */
  #active = 0;
  /** Parked reconciles whose wait is over, waiting for a worker (before new keys get one). */
  readonly #resuming: (() => void)[] = [];
  #running = false;
  #stopped = false;
  #idleWaiters: (() => void)[] = [];

  constructor(reconcile: Reconcile<K>, options: WorkQueueOptions = {}) {
    this.#reconcile = reconcile;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#minDelay = options.minRetryDelayMs ?? 750;
    this.#maxDelay = options.maxRetryDelayMs ?? 900_000;
    this.#onError = options.onError;
    this.#logger = options.logger ?? silentLogger();
  }

  /** Starts processing; keys added before start wait until then. */
  start(): void {
    if (this.#stopped) throw new Error('work queue was stopped and cannot start again');
    this.#running = true;
    this.#pump();
  }

  /** Queues a key now. A key already queued is not queued twice. */
  add(key: K): void {
    if (this.#stopped) return;
    const timer = this.#timers.get(key);
    if (timer) {
      clearTimeout(timer.timer);
      this.#timers.delete(key);
    }
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  /** Queues a key after a delay; an earlier pending schedule of the same key wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.#stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const due = Date.now() + delayMs;
    const existing = this.#timers.get(key);
    if (existing && existing.due <= due) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { due, timer });
  }

  /** Drops a key's pending delayed add and failure count (e.g. when its object is deleted). */
  forget(key: K): void {
    const timer = this.#timers.get(key);
    if (timer) clearTimeout(timer.timer);
    this.#timers.delete(key);
    this.#failures.delete(key);
  }

  /** How many times in a row a key has failed. */
  failures(key: K): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Number of keys waiting to run now (not counting delayed ones). */
  get length(): number {
    return this.#queue.length;
  }

  /** Resolves when nothing is queued or processing (delayed keys do not count). */
  async idle(): Promise<void> {
    if (this.#isIdle()) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking work, cancels delayed keys and waits for in-flight reconciles to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#running = false;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#queued.clear();
    this.#dirty.clear();
    await Promise.all([...this.#inflight]);
    this.#notifyIdle();
  }

  #backoff(failures: number): number {
    return Math.min(this.#maxDelay, this.#minDelay * 2 ** Math.max(0, failures - 1));
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#resuming.length > 0) {
      this.#active++;
      (this.#resuming.shift() as () => void)();
    }
    while (this.#running && this.#active < this.#concurrency && this.#queue.length > 0) {
      const key = this.#queue.shift() as K;
      this.#queued.delete(key);
      this.#processing.add(key);
      this.#active++;
      const p = this.#process(key).finally(() => this.#inflight.delete(p));
      this.#inflight.add(p);
    }
  }

  /** Number of reconciles parked (waiting without a worker). */
  get parked(): number {
    return this.#processing.size - this.#active;
  }

  readonly #park: Park = async <T>(waiting: Promise<T>): Promise<T> => {
    this.#active--;
    this.#pump();
    try {
      return await waiting;
    } finally {
      await new Promise<void>((resume) => {
        this.#resuming.push(resume);
        this.#pump();
      });
    }
  };

  async #process(key: K): Promise<void> {
    let requeueAfter: number | undefined;
    try {
      const result = await this.#reconcile(key, this.#park);
      this.#failures.delete(key);
      requeueAfter = result?.requeueAfterMs;
    } catch (err) {
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      requeueAfter = this.#backoff(n);
      this.#logger.debug(
        { key, err: errorMessage(err), retryInMs: requeueAfter },
        'reconcile failed',
      );
      this.#onError?.(key, err, requeueAfter);
    } finally {
      this.#processing.delete(key);
      this.#active--;
    }
    if (!this.#stopped) {
      if (this.#dirty.delete(key)) this.add(key);
      else if (requeueAfter !== undefined) this.addAfter(key, requeueAfter);
      this.#pump();
    }
    if (this.#isIdle()) this.#notifyIdle();
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#processing.size === 0;
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
