// Garbage collection by ownerReferences (background, foreground, orphan) and the namespace
// controller that empties a terminating namespace before it goes away.
import type { Logger } from '../core/index.js';
import { ApiError } from './status-errors.js';
import {
  asString,
  clone,
  isPlainObject,
  meta,
  metaOf,
  nowRfc3339,
  type KubeObject,
  type OwnerReference,
} from './object-meta.js';
import { storageKey, type ResourceInfo, type ResourceRegistry } from './registry.js';
import { Propagation, type ObjectApi } from './object-api.js';
import type { ObjectStore } from './store.js';
import type { StoreEvent } from './watch-hub.js';
import { SerialQueue } from './event-queue.js';
import { controllerUser, controllerWrite } from './internal-user.js';

const GC_USER = controllerUser('generic-garbage-collector');
const NS_USER = controllerUser('namespace-controller');

interface Located {
  info: ResourceInfo;
  obj: KubeObject;
}

export class GarbageCollector {
  private readonly queue: SerialQueue;
  private readonly retry = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly api: () => ObjectApi,
    logger: Logger,
    /** How long a terminating namespace waits before its content is deleted. */
    private readonly namespaceDelayMs = 0,
  ) {
    this.queue = new SerialQueue('garbage-collector', logger);
  }

  /** When each terminating namespace was first seen, for the namespace delay. */
  private readonly terminatingSince = new Map<string, number>();

  start(): () => void {
    const unlisten = this.store.hub.listen((ev) => this.onEvent(ev));
    // objects that were left waiting when the server stopped
    for (const { obj } of this.everything())
      if (metaOf(obj).deletionTimestamp !== undefined) this.enqueueOwner(obj);
    for (const ns of this.store.list('namespaces'))
      if (metaOf(ns).deletionTimestamp !== undefined) this.enqueueNamespace(metaOf(ns).name ?? '');
    this.timer = setInterval(() => {
      for (const k of [...this.retry]) {
        this.retry.delete(k);
        const [kind, a, b, c] = k.split('|');
        if (kind === 'ns') this.enqueueNamespace(a ?? '');
        else {
          const o = this.store.get(a ?? '', b ?? '', c ?? '');
          if (o !== undefined) this.enqueueOwner(o);
        }
      }
    }, 250);
    return () => {
      unlisten();
      this.queue.stop();
      if (this.timer) clearInterval(this.timer);
      for (const t of this.timers) clearTimeout(t);
    };
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private *everything(): Generator<Located> {
    for (const info of this.registry.storedResources())
      for (const obj of this.store.list(storageKey(info))) yield { info, obj };
  }

  private onEvent(ev: StoreEvent): void {
    const m = metaOf(ev.object);
    if (ev.type === 'DELETED') {
      const uid = m.uid;
      if (uid !== undefined) this.queue.push(() => this.collectDependents(uid));
      if (ev.skey !== 'namespaces' && m.namespace !== undefined && m.namespace !== '') {
        const ns = this.store.get('namespaces', '', m.namespace);
        if (ns !== undefined && metaOf(ns).deletionTimestamp !== undefined)
          this.enqueueNamespace(m.namespace);
      }
      return;
    }
    if (m.deletionTimestamp !== undefined) {
      if (ev.skey === 'namespaces') this.enqueueNamespace(m.name ?? '');
      else this.enqueueOwner(ev.object);
    }
  }

  private enqueueNamespace(name: string): void {
    // like the namespace controller, start a little after the deletion so that clients deleting
    // a namespace together with its objects (kubectl delete -f) still find those objects
    const now = Date.now();
    const since = this.terminatingSince.get(name) ?? now;
    this.terminatingSince.set(name, since);
    const wait = since + this.namespaceDelayMs - now;
    if (wait > 0) {
      const t = setTimeout(() => this.queue.push(() => this.drainNamespace(name)), wait);
      this.timers.add(t);
      t.unref();
      return;
    }
    this.queue.push(() => this.drainNamespace(name));
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  private enqueueOwner(obj: KubeObject): void {
    const f = metaOf(obj).finalizers ?? [];
    if (f.includes('foregroundDeletion') || f.includes('orphan'))
      this.queue.push(() => this.finishOwner(obj));
  }

  private dependentsOf(uid: string): Located[] {
    const out: Located[] = [];
    for (const l of this.everything()) {
      const refs = metaOf(l.obj).ownerReferences;
      if (Array.isArray(refs) && refs.some((r) => r.uid === uid)) out.push(l);
    }
    return out;
  }

  private ownerExists(ref: OwnerReference, namespace: string): boolean {
    for (const info of this.registry.storedResources()) {
      if (info.kind !== ref.kind) continue;
      const o = this.store.get(storageKey(info), info.namespaced ? namespace : '', ref.name);
      if (o !== undefined && metaOf(o).uid === ref.uid) return true;
    }
    return false;
  }

  private async deleteQuietly(
    info: ResourceInfo,
    obj: KubeObject,
    policy: Propagation,
    user = GC_USER,
  ): Promise<void> {
    const m = metaOf(obj);
    try {
      await this.api().delete(
        { info, namespace: m.namespace ?? '', name: m.name ?? '', subresource: '' },
        { user, dryRun: false, propagationPolicy: policy, preconditions: { uid: m.uid ?? '' } },
      );
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  /** Background deletion: dependents whose owners are all gone follow their owner. */
  private async collectDependents(uid: string): Promise<void> {
    for (const { info, obj } of this.dependentsOf(uid)) {
      const m = metaOf(obj);
      const refs = m.ownerReferences ?? [];
      const others = refs.filter((r) => r.uid !== uid && this.ownerExists(r, m.namespace ?? ''));
      if (others.length === 0) {
        await this.deleteQuietly(info, obj, Propagation.Background);
      } else {
        await this.rewrite(info, obj, (n) => {
          meta(n).ownerReferences = refs.filter((r) => r.uid !== uid);
        });
      }
    }
  }

  private async rewrite(
    info: ResourceInfo,
    obj: KubeObject,
    change: (o: KubeObject) => void,
  ): Promise<void> {
    const m = metaOf(obj);
    const n = clone(obj);
    change(n);
    try {
      await this.api().update(
        { info, namespace: m.namespace ?? '', name: m.name ?? '', subresource: '' },
        n,
        controllerWrite('generic-garbage-collector'),
      );
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      if (err.code === 409)
        this.retry.add(`obj|${storageKey(info)}|${m.namespace ?? ''}|${m.name ?? ''}`);
    }
  }

  /** Foreground: delete dependents first; orphan: detach them; then drop the owner's finalizer. */
  private async finishOwner(snapshot: KubeObject): Promise<void> {
    const sm = metaOf(snapshot);
    const info = this.findInfo(snapshot);
    if (info === undefined) return;
    const owner = this.store.get(
      storageKey(info),
      info.namespaced ? (sm.namespace ?? '') : '',
      sm.name ?? '',
    );
    if (owner === undefined || metaOf(owner).uid !== sm.uid) return;
    const om = metaOf(owner);
    const finalizers = om.finalizers ?? [];
    const uid = om.uid ?? '';
    const dependents = this.dependentsOf(uid);
    if (finalizers.includes('orphan')) {
      for (const d of dependents) {
        await this.rewrite(d.info, d.obj, (n) => {
          meta(n).ownerReferences = (metaOf(d.obj).ownerReferences ?? []).filter(
            (r) => r.uid !== uid,
          );
          if ((meta(n).ownerReferences ?? []).length === 0) delete meta(n).ownerReferences;
        });
      }
      await this.rewrite(info, owner, (n) => {
        meta(n).finalizers = finalizers.filter((f) => f !== 'orphan');
      });
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      const remaining = dependents.filter((d) => metaOf(d.obj).deletionTimestamp === undefined);
      for (const d of remaining) await this.deleteQuietly(d.info, d.obj, Propagation.Foreground);
      if (this.dependentsOf(uid).length > 0) {
        this.retry.add(`obj|${storageKey(info)}|${om.namespace ?? ''}|${om.name ?? ''}`);
        return;
      }
      await this.rewrite(info, owner, (n) => {
        meta(n).finalizers = finalizers.filter((f) => f !== 'foregroundDeletion');
      });
    }
  }

  private findInfo(o: KubeObject): ResourceInfo | undefined {
    const apiVersion = asString(o.apiVersion);
    const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
    return this.registry.storedResources().find((i) => i.group === group && i.kind === o.kind);
  }

  private remainingContent(ns: string): Located[] {
    return this.registry
      .storedResources()
      .filter((info) => info.namespaced)
      .flatMap((info) => this.store.list(storageKey(info), ns).map((obj) => ({ info, obj })));
  }

  /** The namespace controller's status: what deletion found and what still holds it. */
  private async writeNamespaceConditions(name: string, conditions: KubeObject[]): Promise<void> {
    const ns = this.store.get('namespaces', '', name);
    const info = this.registry
      .storedResources()
      .find((i) => i.group === '' && i.kind === 'Namespace');
    if (ns === undefined || info === undefined) return;
    const status = isPlainObject(ns.status) ? ns.status : {};
    const old = Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
    // a condition keeps its transition time while its status stays
    const next = conditions.map((c) => {
      const prev = old.find((o) => o.type === c.type);
      return prev !== undefined && prev.status === c.status
        ? { ...c, lastTransitionTime: prev.lastTransitionTime }
        : c;
    });
    if (JSON.stringify(next) === JSON.stringify(old)) return;
    const n = clone(ns);
    n.status = { ...status, conditions: next };
    try {
      await this.api().update(
        { info, namespace: '', name, subresource: 'status' },
        n,
        controllerWrite('namespace-controller'),
      );
    } catch (err) {
      if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
    }
  }

  /** Deletes everything in a terminating namespace, then releases the namespace. */
  private async drainNamespace(name: string): Promise<void> {
    const ns = this.store.get('namespaces', '', name);
    if (ns === undefined || metaOf(ns).deletionTimestamp === undefined) return;
    let left = 0;
    for (const info of this.registry.storedResources()) {
      if (!info.namespaced) continue;
      for (const obj of this.store.list(storageKey(info), name)) {
        left++;
        if (metaOf(obj).deletionTimestamp === undefined)
          await this.deleteQuietly(info, obj, Propagation.Background, NS_USER);
      }
    }
    if (left > 0) {
      const remaining = this.remainingContent(name);
      await this.writeNamespaceConditions(name, namespaceConditions(remaining));
      if (remaining.length > 0) {
        this.retry.add(`ns|${name}`);
        return;
      }
    }
    const spec = isPlainObject(ns.spec) ? ns.spec : {};
    const specFinalizers = Array.isArray(spec.finalizers) ? spec.finalizers.map(String) : [];
    this.terminatingSince.delete(name);
    this.api().finalizeNamespace(
      name,
      specFinalizers.filter((f) => f !== 'kubernetes'),
      false,
    );
  }
}

/**
 * The namespace controller's deletion conditions (discovery, group versions, content, what
 * remains and the finalizers holding it), worded as kube-controller-manager writes them.
 */
function namespaceConditions(remaining: readonly Located[]): KubeObject[] {
  const now = nowRfc3339();
  const cond = (type: string, status: boolean, reason: string, message: string): KubeObject => ({
    type,
    status: status ? 'True' : 'False',
    lastTransitionTime: now,
    reason,
    message,
  });
  const byResource = new Map<string, number>();
  const byFinalizer = new Map<string, number>();
  for (const { info, obj } of remaining) {
    const key = `${info.resource}.${info.group}`;
    byResource.set(key, (byResource.get(key) ?? 0) + 1);
    for (const f of metaOf(obj).finalizers ?? []) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
  }
  const resources = [...byResource].map(([r, n]) => `${r} has ${n} resource instances`).sort();
  const finalizers = [...byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).sort();
  return [
    cond(
      'NamespaceDeletionDiscoveryFailure',
      false,
      'ResourcesDiscovered',
      'All resources successfully discovered',
    ),
    cond(
      'NamespaceDeletionGroupVersionParsingFailure',
      false,
      'ParsedGroupVersions',
      'All legacy kube types successfully parsed',
    ),
    cond(
      'NamespaceDeletionContentFailure',
      false,
      'ContentDeleted',
      'All content successfully deleted, may be waiting on finalization',
    ),
    resources.length > 0
      ? cond(
          'NamespaceContentRemaining',
          true,
          'SomeResourcesRemain',
          `Some resources are remaining: ${resources.join(', ')}`,
        )
      : cond(
          'NamespaceContentRemaining',
          false,
          'ContentRemoved',
          'All content successfully removed',
        ),
    finalizers.length > 0
      ? cond(
          'NamespaceFinalizersRemaining',
          true,
          'SomeFinalizersRemain',
          `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
        )
      : cond(
          'NamespaceFinalizersRemaining',
          false,
          'ContentHasNoFinalizers',
          'All content-preserving finalizers finished',
        ),
  ];
}
