// Serves CRD kinds as CRDs come and go: registers their resources, sets Established, and on
// deletion removes every object of the kind before releasing the CRD.
import type { Logger } from '../core/index.js';
import { ApiError } from './status-errors.js';
import { clone, jsonEqual, metaOf, nowRfc3339, type KubeObject } from './object-meta.js';
import { storageKey, type ResourceInfo, type ResourceRegistry } from './registry.js';
import { Propagation, type ObjectApi } from './object-api.js';
import type { ObjectStore } from './store.js';
import type { SchemaNode } from '../core/index.js';
import { CRD_CLEANUP_FINALIZER, CRD_SKEY, crdResources, establishedStatus } from './crd.js';
import { SerialQueue } from './event-queue.js';
import { controllerUser, controllerWrite } from './internal-user.js';

export class CrdController {
  private readonly schemas = new Map<string, SchemaNode | undefined>();
  private readonly keysByCrd = new Map<string, string[]>();
  private readonly queue: SerialQueue;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly api: () => ObjectApi,
    logger: Logger,
  ) {
    this.queue = new SerialQueue('crd', logger);
  }

  /** Schema of a CRD kind's version. */
  schemaFor(info: ResourceInfo): SchemaNode | undefined {
    return this.schemas.get(`${info.group}/${info.version}/${info.resource}`);
  }

  start(): () => void {
    for (const crd of this.store.list(CRD_SKEY)) this.serve(crd);
    const unlisten = this.store.hub.listen((ev) => {
      if (ev.skey !== CRD_SKEY) return;
      if (ev.type === 'DELETED') {
        this.unserve(ev.object);
        return;
      }
      // serve synchronously so the kinds exist as soon as the write returns
      if (metaOf(ev.object).deletionTimestamp === undefined) this.serve(ev.object);
      const name = metaOf(ev.object).name ?? '';
      this.queue.push(() => this.reconcile(name));
    });
    for (const crd of this.store.list(CRD_SKEY)) {
      const name = metaOf(crd).name ?? '';
      this.queue.push(() => this.reconcile(name));
    }
    return () => {
      unlisten();
      this.queue.stop();
    };
  }

  private serve(crd: KubeObject): void {
    const name = metaOf(crd).name ?? '';
    const resources = crdResources(crd);
    for (const key of this.keysByCrd.get(name) ?? []) this.schemas.delete(key);
    const keys: string[] = [];
    for (const r of resources) {
      const key = `${r.info.group}/${r.info.version}/${r.info.resource}`;
      keys.push(key);
      this.schemas.set(key, r.schema);
    }
    this.keysByCrd.set(name, keys);
    this.registry.replaceCrd(
      name,
      resources.map((r) => r.info),
    );
  }

  private unserve(crd: KubeObject): void {
    const name = metaOf(crd).name ?? '';
    for (const key of this.keysByCrd.get(name) ?? []) this.schemas.delete(key);
    this.keysByCrd.delete(name);
    this.registry.removeCrd(name);
  }

  private crdInfo(): ResourceInfo {
    const info = this.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    if (info === undefined) throw new Error('CustomResourceDefinition kind is not registered');
    return info;
  }

  private async reconcile(name: string): Promise<void> {
    const crd = this.store.get(CRD_SKEY, '', name);
    if (crd === undefined) return;
    const m = metaOf(crd);
    const t = { info: this.crdInfo(), namespace: '', name, subresource: 'status' };
    if (m.deletionTimestamp !== undefined) {
      await this.cleanup(crd);
      return;
    }
    const status = establishedStatus(crd, nowRfc3339());
    if (jsonEqual(status, crd.status)) return;
    try {
      await this.api().update(
        t,
        { ...clone(crd), status },
        controllerWrite('apiextensions-controller'),
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === 409) this.queue.push(() => this.reconcile(name));
      else if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /** Deletes every object of the CRD's kind, then drops the cleanup finalizer. */
  private async cleanup(crd: KubeObject): Promise<void> {
    const name = metaOf(crd).name ?? '';
    const infos = this.registry.all().filter((i) => i.crd === name);
    const info = infos.find((i) => i.version === i.storageVersion) ?? infos[0];
    if (info !== undefined) {
      for (const o of this.store.list(storageKey(info))) {
        const om = metaOf(o);
        try {
          await this.api().delete(
            { info, namespace: om.namespace ?? '', name: om.name ?? '', subresource: '' },
            {
              user: controllerUser('apiextensions-controller'),
              dryRun: false,
              propagationPolicy: Propagation.Background,
            },
          );
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        }
      }
      if (this.store.list(storageKey(info)).length > 0) {
        setTimeout(() => this.queue.push(() => this.reconcile(name)), 200);
        return;
      }
    }
    const live = this.store.get(CRD_SKEY, '', name);
    if (live === undefined) return;
    const next = clone(live);
    const nm = next.metadata as Record<string, unknown>;
    nm.finalizers = (metaOf(live).finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    await this.api().update(
      { info: this.crdInfo(), namespace: '', name, subresource: '' },
      next,
      controllerWrite('apiextensions-controller'),
    );
  }
}
