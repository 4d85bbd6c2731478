// Records Kubernetes Events (events.k8s.io/v1) about reconciled objects, with Flux's reasons.
// Repeats of the same event within a few minutes update one Event's series instead of creating
// new ones, as client-go's event library does.
import type { KubeClient, KubeObject } from '../../kube/index.js';
import type { Logger } from '../../core/index.js';
import { errorMessage, silentLogger } from '../../core/index.js';
import { microTime } from './micro-time.js';

export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface RecordedEvent {
  readonly type: EventType;
  /** CamelCase reason, e.g. `ReconciliationSucceeded`, `Progressing`, `HealthCheckFailed`. */
  readonly reason: string;
  /** Human message; cut to 1 kB as the API requires. */
  readonly note: string;
  /** What the controller did, e.g. `Reconcile`. @default 'Reconcile' */
  readonly action?: string;
  /** Extra annotations on the Event (Flux puts the revision there). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface EventRecorderOptions {
  readonly client: KubeClient;
  /** reportingController, e.g. `flotilla/kustomize-controller`. */
  readonly controller: string;
  /** reportingInstance, e.g. the pod or host name. */
  readonly instance: string;
  /** Repeats within this window join one series. @default 360_000 (6 minutes, as client-go) */
  readonly seriesWindowMs?: number;
  readonly logger?: Logger;
}

interface SeriesState {
  name: string;
  namespace: string;
  count: number;
  last: number;
}

const MAX_NOTE = 1024;

export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #log: Logger;
  readonly #series = new Map<string, SeriesState>();

  constructor(options: EventRecorderOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger();
  }

  /** Records an event about `regarding`. Never throws: a failed event is logged, not fatal. */
  async record(regarding: KubeObject, event: RecordedEvent): Promise<void> {
    const now = new Date();
    const namespace = regarding.metadata.namespace ?? 'default';
    const note =
      event.note.length > MAX_NOTE ? event.note.slice(0, MAX_NOTE - 3) + '...' : event.note;
    const key = [
      regarding.metadata.uid ?? regarding.metadata.name,
      event.type,
      event.reason,
      note,
    ].join('\u0000');
    const window = this.#o.seriesWindowMs ?? 360_000;
    try {
      const prior = this.#series.get(key);
      if (prior && now.getTime() - prior.last < window) {
        prior.count++;
        prior.last = now.getTime();
        await this.#o.client.patch(
          {
            apiVersion: 'events.k8s.io/v1',
            kind: 'Event',
            namespace: prior.namespace,
            name: prior.name,
          },
          'merge',
          { series: { count: prior.count, lastObservedTime: microTime(now) } },
        );
        return;
      }
      const name = `${regarding.metadata.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
      await this.#o.client.create({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: {
          name,
          namespace,
          ...(event.annotations ? { annotations: { ...event.annotations } } : {}),
        },
        eventTime: microTime(now),
        reportingController: this.#o.controller,
        reportingInstance: this.#o.instance,
        action: event.action ?? 'Reconcile',
        reason: event.reason,
        note,
        type: event.type,
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.metadata.name,
          namespace: regarding.metadata.namespace,
          uid: regarding.metadata.uid,
          resourceVersion: regarding.metadata.resourceVersion,
        },
      });
      this.#series.set(key, { name, namespace, count: 1, last: now.getTime() });
      if (this.#series.size > 4096) this.#prune(now.getTime(), window);
    } catch (err) {
      this.#log.warn({ err: errorMessage(err), reason: event.reason }, 'could not record event');
    }
  }

  #prune(now: number, window: number): void {
    for (const [k, s] of this.#series) if (now - s.last >= window) this.#series.delete(k);
  }
}
