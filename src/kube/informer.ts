// List+watch informers over a shared cache: resume from resourceVersion, relist on 410 Gone.
import type { Logger } from '../core/index.js';
import { FlotillaError, silentLogger } from '../core/index.js';
import type { KubeClient, WatchEvent } from './client.js';
import { isGone } from './errors.js';
import type { KubeObject } from './types.js';

export type InformerEventType = 'add' | 'update' | 'delete';
export type InformerHandler = (type: InformerEventType, obj: KubeObject, old?: KubeObject) => void;

export interface InformerOptions {
  readonly apiVersion: string;
  readonly kind: string;
  /** Watch one namespace. @default all namespaces */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Server-side watch timeout; the informer re-watches from its last resourceVersion. @default 300 */
  readonly watchTimeoutSeconds?: number;
  /** First delay after a failed list or watch; doubles up to 30 s. @default 500 */
  readonly backoffMs?: number;
  readonly logger?: Logger;
  /**
   * Applied to every object before it is cached and handed to handlers, to keep only what the
   * consumers need (as controller-runtime's cache transforms), e.g. `dropManagedFields`.
   * @default none (objects are cached as received)
   */
  readonly transform?: (obj: KubeObject) => KubeObject;
}

/**
 * Drops `metadata.managedFields` (usually the largest part of an object's metadata, and needed
 * only by server-side apply itself); for caches whose readers never look at it.
 */
export function dropManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
  return obj;
}

/** The key of an object in an informer's cache: `namespace/name` or `name`. */
export function objectKey(obj: {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
}): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

/**
 * Keeps a cache of one kind in step with the server. Lists, then watches from the list's
 * resourceVersion; bookmarks advance the resourceVersion; a 410 Gone relists and reports
 * only the differences, so handlers never see spurious adds.
 */
export class Informer {
  private readonly store = new Map<string, KubeObject>();
  private readonly handlers = new Set<InformerHandler>();
  private resourceVersion: string | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private readonly log: Logger;
  /** How many times the informer listed (1 + relists after 410 Gone). */
  lists = 0;

  constructor(
    private readonly client: KubeClient,
    readonly options: InformerOptions,
  ) {
    this.log = options.logger ?? silentLogger();
  }

  /** Adds a handler; it is told about objects already cached as `add`. Returns a remover. */
  on(handler: InformerHandler): () => void {
    this.handlers.add(handler);
    for (const obj of this.store.values()) handler('add', obj);
    return () => this.handlers.delete(handler);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** A cached object by namespace and name. */
  get(name: string, namespace?: string): KubeObject | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Every cached object, optionally of one namespace. */
  list(namespace?: string): KubeObject[] {
    const all = [...this.store.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /**
   * Starts listing and watching; resolves once the first list is in the cache. With
   * `timeoutMs`, rejects if that takes longer (the informer keeps retrying in the background
   * until stopped).
   */
  async start(timeoutMs?: number): Promise<void> {
    if (!this.running) {
      this.abort = new AbortController();
      this.running = this.loop(this.abort.signal);
    }
    if (timeoutMs === undefined) {
      await this.waitForSync();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new FlotillaError(
            `informer for ${this.options.kind} did not sync within ${timeoutMs} ms`,
            {
              reason: 'InformerSyncTimeout',
              category: 'Transient',
            },
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([this.waitForSync(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Stops watching; the cache keeps its last state. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
  }

  private emit(type: InformerEventType, obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (err) {
        this.log.error({ err }, 'informer handler failed');
      }
    }
  }

  private async relist(): Promise<void> {
    const o = this.options;
    const list = await this.client.list(
      { apiVersion: o.apiVersion, kind: o.kind },
      {
        ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
        ...(o.labelSelector === undefined ? {} : { labelSelector: o.labelSelector }),
        ...(o.fieldSelector === undefined ? {} : { fieldSelector: o.fieldSelector }),
      },
    );
    this.lists++;
    const seen = new Set<string>();
    const transform = o.transform;
    for (const item of list.items) {
      const obj = transform ? transform(item) : item;
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store.get(key);
      this.store.set(key, obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion)
        this.emit('update', obj, old);
    }
    for (const [key, old] of [...this.store]) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.emit('delete', old);
      }
    }
    this.resourceVersion = list.metadata.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private apply(event: WatchEvent): void {
    const received = event.object;
    if (received.metadata?.resourceVersion)
      this.resourceVersion = received.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const obj = this.options.transform ? this.options.transform(received) : received;
    const key = objectKey(obj);
    const old = this.store.get(key);
    if (event.type === 'DELETED') {
      this.store.delete(key);
      this.emit('delete', obj);
      return;
    }
    this.store.set(key, obj);
    if (old) this.emit('update', obj, old);
    else this.emit('add', obj);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const o = this.options;
    let backoff = o.backoffMs ?? 500;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist();
          needList = false;
        }
        await this.client.watch(
          { apiVersion: o.apiVersion, kind: o.kind },
          {
            ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
            ...(o.labelSelector === undefined ? {} : { labelSelector: o.labelSelector }),
            ...(o.fieldSelector === undefined ? {} : { fieldSelector: o.fieldSelector }),
            ...(this.resourceVersion === undefined
              ? {}
              : { resourceVersion: this.resourceVersion }),
            timeoutSeconds: o.watchTimeoutSeconds ?? 300,
          },
          (e) => this.apply(e),
          signal,
        );
        backoff = o.backoffMs ?? 500;
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          // Our resourceVersion is too old for the server's watch cache: start over.
          this.log.debug({ kind: o.kind }, 'watch expired (410 Gone), relisting');
          needList = true;
          continue;
        }
        this.log.warn({ err, kind: o.kind }, 'list/watch failed, retrying');
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Hands out one informer per kind, namespace and selector, so callers share caches and watches. */
export class SharedInformers {
  private readonly informers = new Map<string, Informer>();

  constructor(
    private readonly client: KubeClient,
    private readonly logger?: Logger,
    /** Applied by every informer handed out (see InformerOptions.transform). */
    private readonly transform?: (obj: KubeObject) => KubeObject,
  ) {}

  /** The informer for these options, created (not started) on first use. */
  informerFor(options: InformerOptions): Informer {
    const key = [
      options.apiVersion,
      options.kind,
      options.namespace ?? '',
      options.labelSelector ?? '',
      options.fieldSelector ?? '',
    ].join('|');
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, {
        ...(this.logger === undefined ? {} : { logger: this.logger }),
        ...(this.transform === undefined ? {} : { transform: this.transform }),
        ...options,
      });
      this.informers.set(key, inf);
    }
    return inf;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
