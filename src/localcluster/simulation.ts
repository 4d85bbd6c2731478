// Workload simulation: gives Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs the
// status their controllers would report, LoadBalancer Services an ingress IP and PVCs Bound.
// A container image whose tag is `fail` makes the workload fail (ProgressDeadlineExceeded,
// Job Failed) so health checks can be exercised.
import { createHash } from 'node:crypto';
import type { Logger } from '../core/index.js';
import { ApiError } from './status-errors.js';
import {
  asString,
  clone,
  getPath,
  isPlainObject,
  metaOf,
  nowRfc3339,
  type KubeObject,
} from './object-meta.js';
import type { ResourceRegistry, ResourceInfo } from './registry.js';
import type { ObjectApi } from './object-api.js';
import type { ObjectStore } from './store.js';
import type { StoreEvent } from './watch-hub.js';
import type { IpAllocator } from './ip-allocator.js';
import { controllerWrite } from './internal-user.js';

const MANAGER = 'flotilla-local-simulator';
// Deployments and ReplicaSets have controllers of their own (workload-controllers.ts)
const SIMULATED: Record<string, string> = {
  'statefulsets.apps': 'StatefulSet',
  'daemonsets.apps': 'DaemonSet',
  'jobs.batch': 'Job',
  services: 'Service',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  pods: 'Pod',
};

export interface SimulationOptions {
  /** Delay before workloads turn ready (or fail). */
  readonly delayMs: number;
}

/** Whether any container of the pod template uses an image tagged `fail`. */
export function templateFails(o: KubeObject): boolean {
  const list = (p: string): unknown[] => {
    const v = getPath(o, p);
    return Array.isArray(v) ? (v as unknown[]) : [];
  };
  const containers = [
    ...list('.spec.template.spec.containers'),
    ...list('.spec.template.spec.initContainers'),
  ];
  return containers.some(
    (c) => isPlainObject(c) && typeof c.image === 'string' && /:fail(@|$)/.test(c.image),
  );
}

function templateHash(o: KubeObject): string {
  return createHash('sha256')
    .update(JSON.stringify(getPath(o, '.spec.template') ?? {}))
    .digest('hex')
    .slice(0, 10);
}

function cond(
  type: string,
  status: boolean,
  reason: string,
  message: string,
  now: string,
  prev: unknown,
): Record<string, unknown> {
  const old: unknown = Array.isArray(prev)
    ? (prev as unknown[]).find((c) => isPlainObject(c) && c.type === type)
    : undefined;
  const s = status ? 'True' : 'False';
  const since =
    isPlainObject(old) && old.status === s && typeof old.lastTransitionTime === 'string'
      ? old.lastTransitionTime
      : now;
  return { type, status: s, lastUpdateTime: now, lastTransitionTime: since, reason, message };
}

function num(v: unknown, d: number): number {
  return typeof v === 'number' ? v : d;
}

type Phase = 'progressing' | 'done';

/** The status a workload controller would write at a phase of its rollout. */
export function simulatedStatus(
  kind: string,
  o: KubeObject,
  phase: Phase,
  now: string,
): Record<string, unknown> | undefined {
  const m = metaOf(o);
  const spec = isPlainObject(o.spec) ? o.spec : {};
  const prev = isPlainObject(o.status) ? o.status : {};
  const fails = templateFails(o);
  const ready = phase === 'done' && !fails;
  const gen = m.generation ?? 1;
  const replicas = num(spec.replicas, 1);
  const rsName = `${m.name ?? ''}-${templateHash(o)}`;
  switch (kind) {
    case 'Deployment': {
      const progressing =
        phase === 'progressing'
          ? cond(
              'Progressing',
              true,
              'ReplicaSetUpdated',
              `ReplicaSet "${rsName}" is progressing.`,
              now,
              prev.conditions,
            )
          : fails
            ? cond(
                'Progressing',
                false,
                'ProgressDeadlineExceeded',
                `ReplicaSet "${rsName}" has timed out progressing.`,
                now,
                prev.conditions,
              )
            : cond(
                'Progressing',
                true,
                'NewReplicaSetAvailable',
                `ReplicaSet "${rsName}" has successfully progressed.`,
                now,
                prev.conditions,
              );
      const available =
        ready || replicas === 0
          ? cond(
              'Available',
              true,
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
              now,
              prev.conditions,
            )
          : cond(
              'Available',
              false,
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
              now,
              prev.conditions,
            );
      return {
        observedGeneration: gen,
        replicas,
        updatedReplicas: replicas,
        ...(ready
          ? { readyReplicas: replicas, availableReplicas: replicas }
          : { unavailableReplicas: replicas }),
        conditions: [available, progressing],
      };
    }
    case 'StatefulSet':
      return {
        observedGeneration: gen,
        replicas,
        ...(ready
          ? {
              readyReplicas: replicas,
              availableReplicas: replicas,
              currentReplicas: replicas,
              updatedReplicas: replicas,
            }
          : { currentReplicas: replicas, updatedReplicas: replicas, availableReplicas: 0 }),
        currentRevision: rsName,
        updateRevision: rsName,
        collisionCount: 0,
      };
    case 'ReplicaSet':
      return {
        observedGeneration: gen,
        replicas,
        fullyLabeledReplicas: replicas,
        ...(ready ? { readyReplicas: replicas, availableReplicas: replicas } : {}),
      };
    case 'DaemonSet':
      // one simulated node
      return {
        observedGeneration: gen,
        desiredNumberScheduled: 1,
        currentNumberScheduled: 1,
        updatedNumberScheduled: 1,
        numberMisscheduled: 0,
        numberReady: ready ? 1 : 0,
        ...(ready ? { numberAvailable: 1 } : { numberUnavailable: 1 }),
      };
    case 'Job': {
      const completions = num(spec.completions, 1);
      const startTime = typeof prev.startTime === 'string' ? prev.startTime : now;
      if (phase === 'progressing')
        return {
          startTime,
          active: num(spec.parallelism, 1),
          ready: 0,
          terminating: 0,
          uncountedTerminatedPods: {},
        };
      if (fails) {
        return {
          startTime,
          failed: num(spec.backoffLimit, 6) + 1,
          ready: 0,
          terminating: 0,
          uncountedTerminatedPods: {},
          conditions: [
            {
              type: 'FailureTarget',
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
            {
              type: 'Failed',
              status: 'True',
              lastProbeTime: now,
              lastTransitionTime: now,
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        };
      }
      return {
        startTime,
        completionTime: now,
        succeeded: completions,
        ready: 0,
        terminating: 0,
        uncountedTerminatedPods: {},
        conditions: [
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            lastProbeTime: now,
            lastTransitionTime: now,
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
          },
          {
            type: 'Complete',
            status: 'True',
            lastProbeTime: now,
            lastTransitionTime: now,
            reason: 'CompletionsReached',
            message: 'Reached expected number of succeeded pods',
          },
        ],
      };
    }
    default:
      return undefined;
  }
}

/** A running Pod (or one stuck pulling an image tagged `fail`), as the kubelet would report it. */
export function simulatedPodStatus(
  o: KubeObject,
  now: string,
  podIp: string,
): Record<string, unknown> {
  const list = (p: string): unknown[] => {
    const v = getPath(o, p);
    return Array.isArray(v) ? (v as unknown[]) : [];
  };
  const containers = list('.spec.containers').filter(isPlainObject);
  const fails = containers.some((c) => typeof c.image === 'string' && /:fail(@|$)/.test(c.image));
  const condition = (type: string, ok: boolean, reason?: string): Record<string, unknown> => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: now,
    ...(reason === undefined ? {} : { reason }),
  });
  return {
    phase: fails ? 'Pending' : 'Running',
    conditions: [
      condition('PodReadyToStartContainers', true),
      condition('Initialized', true),
      condition('Ready', !fails, fails ? 'ContainersNotReady' : undefined),
      condition('ContainersReady', !fails, fails ? 'ContainersNotReady' : undefined),
      condition('PodScheduled', true),
    ],
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: now,
    qosClass: 'BestEffort',
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: !fails,
      started: !fails,
      restartCount: 0,
      state: fails
        ? {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "${asString(c.image)}"`,
            },
          }
        : { running: { startedAt: now } },
    })),
  };
}

export class WorkloadSimulator {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private nextPodIp = 0;

  /** Pod IPs from 10.244.0.0/16, in order. */
  private podIp(): string {
    const n = this.nextPodIp++ % 65000;
    return `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  }
  private stopped = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly api: () => ObjectApi,
    private readonly lbIps: IpAllocator,
    private readonly options: SimulationOptions,
    private readonly logger: Logger,
  ) {}

  start(): () => void {
    const unlisten = this.store.hub.listen((ev) => this.onEvent(ev));
    for (const skey of Object.keys(SIMULATED)) {
      for (const o of this.store.list(skey)) this.consider(skey, o);
    }
    return () => {
      this.stopped = true;
      unlisten();
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
    };
  }

  private onEvent(ev: StoreEvent): void {
    if (SIMULATED[ev.skey] === undefined) return;
    const key = `${ev.skey}|${ev.namespace}|${ev.name}`;
    if (ev.type === 'DELETED') {
      const t = this.timers.get(key);
      if (t) clearTimeout(t);
      this.timers.delete(key);
      return;
    }
    this.consider(ev.skey, ev.object);
  }

  private info(skey: string): ResourceInfo | undefined {
    const kind = SIMULATED[skey];
    const group = skey.includes('.') ? skey.slice(skey.indexOf('.') + 1) : '';
    return this.registry.storedResources().find((i) => i.group === group && i.kind === kind);
  }

  private schedule(key: string, delay: number, fn: () => Promise<void>): void {
    const existing = this.timers.get(key);
    if (existing) clearTimeout(existing);
    const t = setTimeout(() => {
      this.timers.delete(key);
      if (this.stopped) return;
      fn().catch((err: unknown) => {
        if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
        this.logger.warn({ err, key }, 'simulation step failed');
      });
    }, delay);
    this.timers.set(key, t);
  }

  private consider(skey: string, o: KubeObject): void {
    const m = metaOf(o);
    if (m.deletionTimestamp !== undefined) return;
    const kind = SIMULATED[skey] ?? '';
    const key = `${skey}|${m.namespace ?? ''}|${m.name ?? ''}`;
    const status = isPlainObject(o.status) ? o.status : {};
    if (kind === 'Service') {
      const spec = isPlainObject(o.spec) ? o.spec : {};
      const ing = isPlainObject(status.loadBalancer) ? status.loadBalancer.ingress : undefined;
      if (spec.type === 'LoadBalancer' && !(Array.isArray(ing) && ing.length > 0)) {
        this.schedule(key, this.options.delayMs, () =>
          this.writeStatus(skey, o, (s) => ({
            ...s,
            loadBalancer: { ingress: [{ ip: this.lbIps.allocate(), ipMode: 'VIP' }] },
          })),
        );
      }
      return;
    }
    if (kind === 'PersistentVolumeClaim') {
      if (status.phase !== 'Bound') {
        const spec = isPlainObject(o.spec) ? o.spec : {};
        const requests =
          isPlainObject(spec.resources) && isPlainObject(spec.resources.requests)
            ? spec.resources.requests
            : {};
        this.schedule(key, this.options.delayMs, () =>
          this.writeStatus(skey, o, () => ({
            phase: 'Bound',
            accessModes: spec.accessModes ?? ['ReadWriteOnce'],
            capacity: { storage: requests.storage ?? '1Gi' },
          })),
        );
      }
      return;
    }
    if (kind === 'Pod') {
      if (status.startTime === undefined) {
        this.schedule(key, this.options.delayMs, () =>
          this.writeStatus(skey, o, (_s, live) =>
            simulatedPodStatus(live, nowRfc3339(), this.podIp()),
          ),
        );
      }
      return;
    }
    const gen = m.generation ?? 1;
    if (kind === 'Job') {
      const done =
        Array.isArray(status.conditions) &&
        status.conditions.some(
          (c) =>
            isPlainObject(c) &&
            (c.type === 'Complete' || c.type === 'Failed') &&
            c.status === 'True',
        );
      if (done) return;
      if (status.startTime === undefined)
        this.schedule(key, 0, () => this.advance(skey, o, 'progressing'));
      else this.schedule(key, this.options.delayMs, () => this.advance(skey, o, 'done'));
      return;
    }
    if (status.observedGeneration !== gen) {
      this.schedule(key, 0, () => this.advance(skey, o, 'progressing'));
      return;
    }
    const settled = this.isSettled(kind, o);
    if (!settled) this.schedule(key, this.options.delayMs, () => this.advance(skey, o, 'done'));
  }

  private isSettled(kind: string, o: KubeObject): boolean {
    const current = simulatedStatus(kind, o, 'done', 'x');
    const status = isPlainObject(o.status) ? o.status : {};
    if (current === undefined) return true;
    for (const k of [
      'readyReplicas',
      'availableReplicas',
      'numberReady',
      'replicas',
      'unavailableReplicas',
    ]) {
      if (current[k] !== status[k]) return false;
    }
    if (kind === 'Deployment') {
      const reason = (c: unknown): unknown =>
        Array.isArray(c)
          ? c
              .map((x) => (isPlainObject(x) ? `${String(x.type)}=${String(x.reason)}` : ''))
              .join(',')
          : '';
      return reason(current.conditions) === reason(status.conditions);
    }
    return true;
  }

  private async advance(skey: string, snapshot: KubeObject, phase: Phase): Promise<void> {
    const kind = SIMULATED[skey] ?? '';
    await this.writeStatus(skey, snapshot, (_s, live) =>
      simulatedStatus(kind, live, phase, nowRfc3339()),
    );
  }

  private async writeStatus(
    skey: string,
    snapshot: KubeObject,
    make: (
      status: Record<string, unknown>,
      live: KubeObject,
    ) => Record<string, unknown> | undefined,
  ): Promise<void> {
    const info = this.info(skey);
    if (info === undefined) return;
    const sm = metaOf(snapshot);
    const live = this.store.get(skey, sm.namespace ?? '', sm.name ?? '');
    if (
      live === undefined ||
      metaOf(live).uid !== sm.uid ||
      metaOf(live).deletionTimestamp !== undefined
    )
      return;
    const status = make(isPlainObject(live.status) ? clone(live.status) : {}, live);
    if (status === undefined) return;
    const next = { ...clone(live), status };
    await this.api().update(
      { info, namespace: sm.namespace ?? '', name: sm.name ?? '', subresource: 'status' },
      next,
      controllerWrite('simulator', MANAGER),
    );
  }
}
