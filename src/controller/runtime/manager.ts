// Runs controllers: one informer and one work queue per reconciled kind, triggers as Flux's
// controllers have them (a spec change, a `reconcile.fluxcd.io/requestedAt` request, deletion, or
// a change of a watched related object), per-object retries, and reconcile metrics.
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { SharedInformers, dropManagedFields, objectKey } from '../../kube/index.js';
import type { Logger, Registry } from '../../core/index.js';
import { Annotation, Counter, Histogram, errorMessage, silentLogger } from '../../core/index.js';
import { WorkQueue, type Park, type ReconcileResult } from './work-queue.js';

export interface ObjectKey {
  readonly namespace: string;
  readonly name: string;
}

export interface Watch {
  readonly apiVersion: string;
  readonly kind: string;
  /** Which reconciled objects a change of this related object concerns. */
  readonly map: (obj: KubeObject, cached: readonly KubeObject[]) => ObjectKey[];
}

export interface ControllerRegistration {
  /** Short name for logs and metrics, e.g. `kustomization`. */
  readonly name: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly reconcile: (
    key: ObjectKey,
    signal: AbortSignal,
    park?: Park,
  ) => Promise<ReconcileResult | void>;
  /** Related kinds whose changes re-trigger reconciles (e.g. a source's new artifact). */
  readonly watches?: readonly Watch[];
}

export interface ControllerManagerOptions {
  readonly client: KubeClient;
  /** Concurrent reconciles per controller. @default 4 */
  readonly concurrency?: number;
  /** Only objects matching this label selector are reconciled (Flux's sharding). */
  readonly watchLabelSelector?: string;
  /** Only objects in this namespace are reconciled. @default all namespaces */
  readonly namespace?: string;
  readonly minRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly metrics?: Registry;
  readonly logger?: Logger;
}

interface Running {
  readonly reg: ControllerRegistration;
  readonly queue: WorkQueue;
}

/** Whether an update of a reconciled object should trigger a reconcile. */
export function shouldReconcileOnUpdate(old: KubeObject | undefined, obj: KubeObject): boolean {
  if (!old) return true;
  if (old.metadata.generation !== obj.metadata.generation) return true;
  const was = old.metadata.annotations?.[Annotation.ReconcileRequestedAt];
  const now = obj.metadata.annotations?.[Annotation.ReconcileRequestedAt];
  if (was !== now && now !== undefined) return true;
  if (!old.metadata.deletionTimestamp && obj.metadata.deletionTimestamp) return true;
  return false;
}

/** The metric of this name in a registry, created once. */
function registered<M>(registry: Registry, name: string, create: (name: string) => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create(name);
}

function keyString(key: ObjectKey): string {
  return `${key.namespace}/${key.name}`;
}

function parseKey(key: string): ObjectKey {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class ControllerManager {
  readonly informers: SharedInformers;
  readonly #o: ControllerManagerOptions;
  readonly #log: Logger;
  readonly #running: Running[] = [];
  readonly #registrations: ControllerRegistration[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  readonly #abort = new AbortController();
  readonly #duration: Histogram<'kind'> | undefined;
  readonly #total: Counter<'kind' | 'result'> | undefined;
  #started = false;

  constructor(options: ControllerManagerOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger();
    // Reconcilers read objects from the API, and watch mappers look at spec and status only:
    // the caches need no managedFields, which are often half of an object.
    this.informers = new SharedInformers(options.client, this.#log, dropManagedFields);
    if (options.metrics) {
      // A process that loses and regains leadership starts a new manager on the same registry.
      this.#duration = registered(
        options.metrics,
        'flotilla_reconcile_duration_seconds',
        (name) =>
          new Histogram({
            name,
            help: 'Duration of reconciles, by kind.',
            labelNames: ['kind'],
            buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
            registers: [options.metrics as Registry],
          }),
      );
      this.#total = registered(
        options.metrics,
        'flotilla_reconcile_total',
        (name) =>
          new Counter({
            name,
            help: 'Reconciles, by kind and result (success or error).',
            labelNames: ['kind', 'result'],
            registers: [options.metrics as Registry],
          }),
      );
    }
  }

  register(reg: ControllerRegistration): void {
    if (this.#started) throw new Error('register controllers before start()');
    this.#registrations.push(reg);
  }

  /** The cached object a controller reconciles, if its informer has it. */
  cached(apiVersion: string, kind: string, key: ObjectKey): KubeObject | undefined {
    return this.#informer(apiVersion, kind).get(key.name, key.namespace);
  }

  /** Queues a reconcile of an object now (e.g. after a dependency became ready). */
  enqueue(kind: string, key: ObjectKey): void {
    this.#running.find((r) => r.reg.kind === kind)?.queue.add(keyString(key));
  }

  /** Starts informers and workers and waits until every informer has listed once. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const signal = this.#abort.signal;
    for (const reg of this.#registrations) {
      const queue = new WorkQueue(
        async (key: string, park: Park) => {
          const end = this.#duration?.startTimer({ kind: reg.kind });
          try {
            const result = await reg.reconcile(parseKey(key), signal, park);
            this.#total?.inc({ kind: reg.kind, result: result?.failed ? 'error' : 'success' });
            return result;
          } catch (err) {
            this.#total?.inc({ kind: reg.kind, result: 'error' });
            this.#log.warn(
              { controller: reg.name, key, err: errorMessage(err) },
              'reconcile failed',
            );
            throw err;
          } finally {
            end?.();
          }
        },
        {
          concurrency: this.#o.concurrency ?? 4,
          logger: this.#log,
          ...(this.#o.minRetryDelayMs !== undefined
            ? { minRetryDelayMs: this.#o.minRetryDelayMs }
            : {}),
          ...(this.#o.maxRetryDelayMs !== undefined
            ? { maxRetryDelayMs: this.#o.maxRetryDelayMs }
            : {}),
        },
      );
      this.#running.push({ reg, queue });
      const informer = this.#informer(reg.apiVersion, reg.kind, true);
      this.#unsubscribe.push(
        informer.on((type, obj, old) => {
          const key = objectKey(obj);
          if (type === 'delete') {
            queue.forget(key);
            return;
          }
          if (type === 'add' || shouldReconcileOnUpdate(old, obj)) queue.add(key);
        }),
      );
      for (const watch of reg.watches ?? []) {
        const related = this.#informer(watch.apiVersion, watch.kind);
        this.#unsubscribe.push(
          related.on((type, obj) => {
            if (type === 'add' && !informer.hasSynced) return;
            for (const k of watch.map(obj, informer.list())) queue.add(keyString(k));
          }),
        );
      }
    }
    const all = [...new Set(this.#allInformers())];
    await Promise.all(all.map((inf) => inf.start()));
    for (const r of this.#running) r.queue.start();
  }

  /** Stops workers (waiting for in-flight reconciles) and informers. */
  async stop(): Promise<void> {
    this.#abort.abort();
    for (const u of this.#unsubscribe.splice(0)) u();
    await Promise.all(this.#running.map((r) => r.queue.stop()));
    await this.informers.stopAll();
  }

  /** Resolves when no reconcile is queued or running (delayed requeues do not count). */
  async idle(): Promise<void> {
    await Promise.all(this.#running.map((r) => r.queue.idle()));
  }

  #informer(apiVersion: string, kind: string, reconciled = false) {
    return this.informers.informerFor({
      apiVersion,
      kind,
      ...(this.#o.namespace !== undefined ? { namespace: this.#o.namespace } : {}),
      ...(reconciled && this.#o.watchLabelSelector !== undefined
        ? { labelSelector: this.#o.watchLabelSelector }
        : {}),
    });
  }

  #allInformers() {
    const out = [];
    for (const reg of this.#registrations) {
      out.push(this.#informer(reg.apiVersion, reg.kind, true));
      for (const w of reg.watches ?? []) out.push(this.#informer(w.apiVersion, w.kind));
    }
    return out;
  }
}
