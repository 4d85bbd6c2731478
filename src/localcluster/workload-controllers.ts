// The deployment and replica set controllers of kube-controller-manager, as far as a cluster
// without nodes needs them: a Deployment owns one ReplicaSet per pod template (named by a hash of
// the template, with revision annotations for `kubectl rollout history`), scales the new one up
// and the old ones down once the new Pods are available; a ReplicaSet creates and deletes Pods to
// match its replicas. Pods turn Running in the workload simulation; statuses and conditions are
// the controllers' own, so `kubectl rollout status` and `kubectl wait` work.
import type { Logger } from '../core/index.js';
import { ApiError } from './status-errors.js';
import {
  clone,
  isPlainObject,
  jsonEqual,
  metaOf,
  nowRfc3339,
  type KubeObject,
} from './object-meta.js';
import type { ObjectApi, Target } from './object-api.js';
import { Propagation } from './object-api.js';
import type { ResourceInfo, ResourceRegistry } from './registry.js';
import type { ObjectStore } from './store.js';
import type { StoreEvent } from './watch-hub.js';
import { SerialQueue } from './event-queue.js';
import { controllerUser, controllerWrite } from './internal-user.js';
import { recordEvent } from './event-recorder.js';
import { templateFails } from './simulation.js';

const MANAGER = 'kube-controller-manager';
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const HASH_LABEL = 'pod-template-hash';
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

type Obj = Record<string, unknown>;

function objOf(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

function num(v: unknown, d = 0): number {
  return typeof v === 'number' ? v : d;
}

/** fnv-1a (32 bit) of a text, as kube hashes pod templates (the text differs: ours is JSON). */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The pod-template-hash label value: rand.SafeEncodeString of the decimal hash. */
export function podTemplateHash(template: unknown): string {
  const digits = String(fnv32a(JSON.stringify(template ?? {})));
  let out = '';
  for (const ch of digits) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

function withoutHash(template: unknown): unknown {
  const t = clone(objOf(template));
  const m = objOf(t.metadata);
  if (isPlainObject(m.labels)) {
    delete m.labels[HASH_LABEL];
    if (Object.keys(m.labels).length === 0) delete m.labels;
  }
  return t;
}

function isControlledBy(o: KubeObject, uid: string | undefined): boolean {
  return (metaOf(o).ownerReferences ?? []).some((r) => r.controller === true && r.uid === uid);
}

function revisionOf(o: KubeObject): number {
  return Number(metaOf(o).annotations?.[REVISION] ?? '0') || 0;
}

function podReady(p: KubeObject): boolean {
  const conds = objOf(p.status).conditions;
  return (
    Array.isArray(conds) &&
    conds.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True')
  );
}

function condition(
  prev: unknown,
  type: string,
  status: boolean | 'Unknown',
  reason: string,
  message: string,
  now: string,
): Obj {
  const old: unknown = (Array.isArray(prev) ? (prev as unknown[]) : []).find(
    (c) => isPlainObject(c) && c.type === type,
  );
  const s = status === 'Unknown' ? status : status ? 'True' : 'False';
  const same = isPlainObject(old) && old.status === s;
  const unchanged = same && old.reason === reason && old.message === message;
  return {
    type,
    status: s,
    lastUpdateTime: unchanged ? old.lastUpdateTime : now,
    lastTransitionTime: same ? old.lastTransitionTime : now,
    reason,
    message,
  };
}

/**
 * deploymentutil.SetDeploymentCondition: a condition whose status and reason are unchanged stays
 * where it is; any other replaces the old one at the end of the list (so the order is the
 * order of changes, as on kube-controller-manager).
 */
function setCondition(list: Obj[], c: Obj): Obj[] {
  const old = list.find((x) => x.type === c.type);
  if (old !== undefined && old.status === c.status && old.reason === c.reason) {
    if (old.message === c.message) return list;
    return list.map((x) => (x === old ? c : x));
  }
  return [...list.filter((x) => x.type !== c.type), c];
}

export interface WorkloadControllerOptions {
  /** How long a rollout whose Pods cannot start takes to exceed its progress deadline. */
  readonly failAfterMs: number;
}

export class WorkloadControllers {
  private readonly queue: SerialQueue;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly api: () => ObjectApi,
    private readonly options: WorkloadControllerOptions,
    logger: Logger,
  ) {
    this.queue = new SerialQueue('workloads', logger);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  start(): () => void {
    const unlisten = this.store.hub.listen((ev) => this.onEvent(ev));
    for (const d of this.store.list('deployments.apps')) this.enqueueDeployment(d);
    for (const rs of this.store.list('replicasets.apps')) this.enqueueReplicaSet(rs);
    return () => {
      this.stopped = true;
      unlisten();
      this.queue.stop();
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
    };
  }

  private onEvent(ev: StoreEvent): void {
    if (ev.skey === 'deployments.apps' && ev.type !== 'DELETED') this.enqueueDeployment(ev.object);
    if (ev.skey === 'replicasets.apps') {
      if (ev.type !== 'DELETED') this.enqueueReplicaSet(ev.object);
      this.enqueueOwner(ev.object, 'Deployment');
    }
    if (ev.skey === 'pods') this.enqueueOwner(ev.object, 'ReplicaSet');
  }

  private enqueueOwner(o: KubeObject, kind: string): void {
    const ref = (metaOf(o).ownerReferences ?? []).find(
      (r) => r.controller === true && r.kind === kind,
    );
    if (ref === undefined) return;
    const ns = metaOf(o).namespace ?? '';
    const owner = this.store.get(
      kind === 'Deployment' ? 'deployments.apps' : 'replicasets.apps',
      ns,
      ref.name,
    );
    if (owner === undefined || metaOf(owner).uid !== ref.uid) return;
    if (kind === 'Deployment') this.enqueueDeployment(owner);
    else this.enqueueReplicaSet(owner);
  }

  private enqueueDeployment(d: KubeObject): void {
    const m = metaOf(d);
    this.queue.push(() => this.syncDeployment(m.namespace ?? '', m.name ?? ''));
  }

  private enqueueReplicaSet(rs: KubeObject): void {
    const m = metaOf(rs);
    this.queue.push(() => this.syncReplicaSet(m.namespace ?? '', m.name ?? ''));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  private info(resource: string, group = 'apps'): ResourceInfo {
    const info = this.registry.lookup(group, 'v1', resource);
    if (info === undefined) throw new Error(`${resource} are not served`);
    return info;
  }

  private target(
    resource: string,
    ns: string,
    name: string,
    subresource = '',
    group = 'apps',
  ): Target {
    return { info: this.info(resource, group), namespace: ns, name, subresource };
  }

  /** Runs a write, ignoring the conflicts and disappearances a later sync will see. */
  private async write(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return;
      throw err;
    }
  }

  private ownedReplicaSets(d: KubeObject): KubeObject[] {
    const m = metaOf(d);
    return this.store
      .list('replicasets.apps', m.namespace ?? '')
      .filter((rs) => isControlledBy(rs, m.uid) && metaOf(rs).deletionTimestamp === undefined);
  }

  private async syncDeployment(ns: string, name: string): Promise<void> {
    const d = this.store.get('deployments.apps', ns, name);
    if (d === undefined || metaOf(d).deletionTimestamp !== undefined) return;
    const spec = objOf(d.spec);
    const owned = this.ownedReplicaSets(d);
    const template = withoutHash(spec.template);
    let newRs = owned.find((rs) => jsonEqual(withoutHash(objOf(rs.spec).template), template));
    const old = owned.filter((rs) => rs !== newRs);
    const desired = num(spec.replicas, 1);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    if (spec.paused === true) return this.writeDeploymentStatus(d, newRs, owned);
    if (newRs === undefined) {
      newRs = await this.createReplicaSet(d, maxRevision + 1, desired);
      if (newRs === undefined) return;
    } else if (revisionOf(newRs) < maxRevision || objOf(newRs.spec).replicas !== desired) {
      const revision = revisionOf(newRs) < maxRevision ? maxRevision + 1 : revisionOf(newRs);
      newRs = (await this.scaleReplicaSet(newRs, desired, revision, d)) ?? newRs;
    }
    const newAvailable = num(objOf(newRs.status).availableReplicas);
    if (newAvailable >= desired)
      for (const rs of old)
        if (num(objOf(rs.spec).replicas) !== 0) await this.scaleReplicaSet(rs, 0, undefined, d);
    await this.cleanupHistory(d, old);
    await this.writeDeploymentStatus(d, newRs, this.ownedReplicaSets(d));
  }

  private async createReplicaSet(
    d: KubeObject,
    revision: number,
    replicas: number,
  ): Promise<KubeObject | undefined> {
    const m = metaOf(d);
    const spec = objOf(d.spec);
    const hash = podTemplateHash(withoutHash(spec.template));
    const template = clone(objOf(spec.template));
    const tmeta = objOf((template.metadata ??= {}));
    tmeta.labels = { ...objOf(tmeta.labels), [HASH_LABEL]: hash };
    const selector = clone(objOf(spec.selector));
    selector.matchLabels = { ...objOf(selector.matchLabels), [HASH_LABEL]: hash };
    const rsName = `${m.name ?? ''}-${hash}`;
    const body: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        labels: { ...objOf(tmeta.labels) },
        annotations: {
          ...this.copiedAnnotations(d),
          [DESIRED]: String(replicas),
          [MAX_REPLICAS]: String(replicas + this.surge(d, replicas)),
          [REVISION]: String(revision),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: m.name,
            uid: m.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { replicas, minReadySeconds: num(spec.minReadySeconds), selector, template },
    };
    if (num(spec.minReadySeconds) === 0) delete (body.spec as Obj).minReadySeconds;
    let created: KubeObject | undefined;
    await this.write(async () => {
      created = (
        await this.api().create(
          this.target('replicasets', m.namespace ?? '', ''),
          body,
          controllerWrite(MANAGER),
        )
      ).object;
    });
    if (created !== undefined) {
      await this.event(
        d,
        'ScalingReplicaSet',
        `Scaled up replica set ${rsName} from 0 to ${replicas}`,
      );
      await this.setDeploymentRevision(d, revision);
    }
    return created;
  }

  /** The Deployment's annotations a ReplicaSet carries (kubectl's change-cause among them). */
  private copiedAnnotations(d: KubeObject): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(metaOf(d).annotations ?? {}))
      if (k !== REVISION && k !== 'kubectl.kubernetes.io/last-applied-configuration') out[k] = v;
    return out;
  }

  private surge(d: KubeObject, replicas: number): number {
    const ru = objOf(objOf(objOf(d.spec).strategy).rollingUpdate);
    const s = ru.maxSurge ?? '25%';
    if (typeof s === 'number') return s;
    const pct = typeof s === 'string' ? Number.parseInt(s, 10) || 0 : 0;
    return Math.ceil((replicas * pct) / 100);
  }

  private async scaleReplicaSet(
    rs: KubeObject,
    replicas: number,
    revision: number | undefined,
    d: KubeObject,
  ): Promise<KubeObject | undefined> {
    const m = metaOf(rs);
    const before = num(objOf(rs.spec).replicas);
    const next = clone(rs);
    (next.spec as Obj).replicas = replicas;
    const ann = objOf(((next.metadata as Obj).annotations ??= {}));
    ann[DESIRED] = String(num(objOf(d.spec).replicas, 1));
    if (revision !== undefined) ann[REVISION] = String(revision);
    let out: KubeObject | undefined;
    await this.write(async () => {
      out = (
        await this.api().update(
          this.target('replicasets', m.namespace ?? '', m.name ?? ''),
          next,
          controllerWrite(MANAGER),
        )
      ).object;
    });
    if (out !== undefined && before !== replicas)
      await this.event(
        d,
        'ScalingReplicaSet',
        `Scaled ${replicas > before ? 'up' : 'down'} replica set ${m.name ?? ''} from ${before} to ${replicas}`,
      );
    if (revision !== undefined) await this.setDeploymentRevision(d, revision);
    return out;
  }

  private async setDeploymentRevision(d: KubeObject, revision: number): Promise<void> {
    const m = metaOf(d);
    const live = this.store.get('deployments.apps', m.namespace ?? '', m.name ?? '');
    if (live === undefined || revisionOf(live) === revision) return;
    const next = clone(live);
    const meta = next.metadata as Obj;
    meta.annotations = { ...objOf(meta.annotations), [REVISION]: String(revision) };
    await this.write(() =>
      this.api().update(
        this.target('deployments', m.namespace ?? '', m.name ?? '', 'status'),
        next,
        controllerWrite(MANAGER),
      ),
    );
  }

  private async cleanupHistory(d: KubeObject, old: KubeObject[]): Promise<void> {
    const limit = num(objOf(d.spec).revisionHistoryLimit, 10);
    const idle = old
      .filter((rs) => num(objOf(rs.spec).replicas) === 0 && num(objOf(rs.status).replicas) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      const m = metaOf(rs);
      await this.write(() =>
        this.api().delete(this.target('replicasets', m.namespace ?? '', m.name ?? ''), {
          user: controllerUser('deployment-controller'),
          dryRun: false,
          propagationPolicy: Propagation.Background,
        }),
      );
    }
  }

  private async writeDeploymentStatus(
    d: KubeObject,
    newRs: KubeObject | undefined,
    all: KubeObject[],
  ): Promise<void> {
    const m = metaOf(d);
    const live = this.store.get('deployments.apps', m.namespace ?? '', m.name ?? '');
    if (live === undefined) return;
    const spec = objOf(live.spec);
    const desired = num(spec.replicas, 1);
    const sum = (k: string): number => all.reduce((n, rs) => n + num(objOf(rs.status)[k]), 0);
    const updated = newRs === undefined ? 0 : num(objOf(newRs.status).replicas);
    const available = sum('availableReplicas');
    const ready = sum('readyReplicas');
    const replicas = sum('replicas');
    const prev = objOf(live.status).conditions;
    const now = nowRfc3339();
    const rsName = metaOf(newRs ?? {}).name ?? '';
    const complete = updated === desired && replicas === desired && available >= desired;
    const failing = newRs !== undefined && templateFails(newRs) && !complete;
    const progressing =
      spec.paused === true
        ? condition(prev, 'Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now)
        : failing && this.deadlinePassed(prev)
          ? condition(
              prev,
              'Progressing',
              false,
              'ProgressDeadlineExceeded',
              `ReplicaSet "${rsName}" has timed out progressing.`,
              now,
            )
          : complete
            ? condition(
                prev,
                'Progressing',
                true,
                'NewReplicaSetAvailable',
                `ReplicaSet "${rsName}" has successfully progressed.`,
                now,
              )
            : condition(
                prev,
                'Progressing',
                true,
                updated > 0 || newRs !== undefined ? 'ReplicaSetUpdated' : 'NewReplicaSetCreated',
                `ReplicaSet "${rsName}" is progressing.`,
                now,
              );
    const availableCond =
      available >= desired - this.maxUnavailable(live, desired)
        ? condition(
            prev,
            'Available',
            true,
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
            now,
          )
        : condition(
            prev,
            'Available',
            false,
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            now,
          );
    // calculateStatus: unavailable counts the replica sets' desired replicas, not the
    // deployment's; zero counts are omitted (omitempty). A paused deployment has its Progressing
    // condition set before the status is calculated.
    const total = all.reduce((n, rs) => n + num(objOf(rs.spec).replicas), 0);
    const unavailable = Math.max(0, total - available);
    let conditions = Array.isArray(prev) ? prev.filter(isPlainObject) : [];
    for (const c of spec.paused === true
      ? [progressing, availableCond]
      : [availableCond, progressing])
      conditions = setCondition(conditions, c);
    const status: Obj = {
      observedGeneration: metaOf(live).generation ?? 1,
      ...(replicas > 0 ? { replicas } : {}),
      ...(updated > 0 ? { updatedReplicas: updated } : {}),
      ...(ready > 0 ? { readyReplicas: ready } : {}),
      ...(available > 0 ? { availableReplicas: available } : {}),
      ...(unavailable > 0 ? { unavailableReplicas: unavailable } : {}),
      terminatingReplicas: 0,
      conditions,
    };
    if (failing && !this.deadlinePassed(prev))
      this.later(this.options.failAfterMs, () => this.enqueueDeployment(live));
    if (jsonEqual(status, live.status)) return;
    const next = { ...clone(live), status };
    await this.write(() =>
      this.api().update(
        this.target('deployments', m.namespace ?? '', m.name ?? '', 'status'),
        next,
        controllerWrite(MANAGER),
      ),
    );
  }

  /** Whether a progressing condition is older than the (simulated) progress deadline. */
  private deadlinePassed(prev: unknown): boolean {
    const p: unknown = (Array.isArray(prev) ? (prev as unknown[]) : []).find(
      (c) => isPlainObject(c) && c.type === 'Progressing',
    );
    if (!isPlainObject(p)) return false;
    if (p.reason === 'ProgressDeadlineExceeded') return true;
    const since = Date.parse(typeof p.lastTransitionTime === 'string' ? p.lastTransitionTime : '');
    return Number.isFinite(since) && Date.now() - since >= this.options.failAfterMs;
  }

  private maxUnavailable(d: KubeObject, desired: number): number {
    const strategy = objOf(objOf(d.spec).strategy);
    if (strategy.type === 'Recreate') return 0;
    const v = objOf(strategy.rollingUpdate).maxUnavailable ?? '25%';
    if (typeof v === 'number') return v;
    const pct = typeof v === 'string' ? Number.parseInt(v, 10) || 0 : 0;
    return Math.floor((desired * pct) / 100);
  }

  private ownedPods(rs: KubeObject): KubeObject[] {
    const m = metaOf(rs);
    return this.store
      .list('pods', m.namespace ?? '')
      .filter((p) => isControlledBy(p, m.uid) && metaOf(p).deletionTimestamp === undefined);
  }

  private async syncReplicaSet(ns: string, name: string): Promise<void> {
    const rs = this.store.get('replicasets.apps', ns, name);
    if (rs === undefined || metaOf(rs).deletionTimestamp !== undefined) return;
    const desired = num(objOf(rs.spec).replicas, 1);
    let pods = this.ownedPods(rs);
    for (let i = pods.length; i < desired; i++) await this.createPod(rs);
    if (pods.length > desired) {
      // like the controller: pods not ready go first, then the newest
      const doomed = [...pods]
        .sort(
          (a, b) =>
            Number(podReady(a)) - Number(podReady(b)) ||
            String(metaOf(b).creationTimestamp).localeCompare(String(metaOf(a).creationTimestamp)),
        )
        .slice(0, pods.length - desired);
      for (const p of doomed) await this.deletePod(rs, p);
    }
    pods = this.ownedPods(rs);
    const live = this.store.get('replicasets.apps', ns, name);
    if (live === undefined) return;
    const ready = pods.filter(podReady).length;
    const status: Obj = {
      replicas: pods.length,
      ...(pods.length > 0 ? { fullyLabeledReplicas: pods.length } : {}),
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      terminatingReplicas: 0,
      observedGeneration: metaOf(live).generation ?? 1,
    };
    if (jsonEqual(status, live.status)) return;
    await this.write(() =>
      this.api().update(
        this.target('replicasets', ns, name, 'status'),
        { ...clone(live), status },
        controllerWrite(MANAGER),
      ),
    );
  }

  private async createPod(rs: KubeObject): Promise<void> {
    const m = metaOf(rs);
    const template = objOf(objOf(rs.spec).template);
    const tmeta = objOf(template.metadata);
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${m.name ?? ''}-`,
        ...(isPlainObject(tmeta.labels) ? { labels: clone(tmeta.labels) } : {}),
        ...(isPlainObject(tmeta.annotations) ? { annotations: clone(tmeta.annotations) } : {}),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: m.name,
            uid: m.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: clone(objOf(template.spec)),
    };
    let created: KubeObject | undefined;
    await this.write(async () => {
      created = (
        await this.api().create(
          this.target('pods', m.namespace ?? '', '', '', ''),
          body,
          controllerWrite(MANAGER),
        )
      ).object;
    });
    if (created !== undefined)
      await this.event(
        rs,
        'SuccessfulCreate',
        `Created pod: ${metaOf(created).name ?? ''}`,
        'replicaset-controller',
      );
  }

  private async deletePod(rs: KubeObject, p: KubeObject): Promise<void> {
    const pm = metaOf(p);
    await this.write(() =>
      this.api().delete(this.target('pods', pm.namespace ?? '', pm.name ?? '', '', ''), {
        user: controllerUser('replicaset-controller'),
        dryRun: false,
      }),
    );
    await this.event(
      rs,
      'SuccessfulDelete',
      `Deleted pod: ${pm.name ?? ''}`,
      'replicaset-controller',
    );
  }

  private async event(
    regarding: KubeObject,
    reason: string,
    message: string,
    component = 'deployment-controller',
  ): Promise<void> {
    await recordEvent(this.api(), this.registry, {
      regarding,
      reason,
      message,
      component,
      type: 'Normal',
    });
  }
}
