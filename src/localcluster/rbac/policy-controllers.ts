// The RBAC objects every cluster has and keeps current: kube-apiserver's bootstrap policy
// (cluster-admin, admin, edit, view, system:* roles and bindings, taken from kube-apiserver v1.36
// into bootstrap-policy.json) created on start, and the ClusterRole aggregation controller that
// fills the rules of ClusterRoles with an aggregationRule from the ClusterRoles it selects.
import type { Logger } from '../../core/index.js';
import policy from './bootstrap-policy.json' with { type: 'json' };
import { ApiError } from '../status-errors.js';
import { clone, isPlainObject, jsonEqual, metaOf, type KubeObject } from '../object-meta.js';
import type { ObjectApi } from '../object-api.js';
import type { ResourceRegistry } from '../registry.js';
import type { ObjectStore } from '../store.js';
import { SerialQueue } from '../event-queue.js';
import { controllerWrite } from '../internal-user.js';
import { selectorMatches } from '../validation/meta.js';

const GROUP = 'rbac.authorization.k8s.io';
const CR = 'clusterroles.rbac.authorization.k8s.io';
const RESOURCES: Record<string, string> = {
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
};

export class RbacPolicyControllers {
  private readonly queue: SerialQueue;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly api: () => ObjectApi,
    logger: Logger,
  ) {
    this.queue = new SerialQueue('rbac', logger);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  start(): () => void {
    const unlisten = this.store.hub.listen((ev) => {
      if (ev.skey === CR) this.queue.push(() => this.aggregateAll());
    });
    this.queue.push(() => this.bootstrap());
    this.queue.push(() => this.aggregateAll());
    return () => {
      unlisten();
      this.queue.stop();
    };
  }

  /** Creates the bootstrap objects that are missing (a deleted one comes back on restart, as upstream). */
  private async bootstrap(): Promise<void> {
    for (const o of policy.objects as KubeObject[]) {
      const m = metaOf(o);
      const resource = RESOURCES[String(o.kind)];
      const info = resource === undefined ? undefined : this.registry.lookup(GROUP, 'v1', resource);
      if (info === undefined) continue;
      const ns = m.namespace ?? '';
      if (this.store.get(`${resource}.${GROUP}`, ns, m.name ?? '') !== undefined) continue;
      try {
        await this.api().create(
          { info, namespace: ns, name: '', subresource: '' },
          clone(o),
          controllerWrite('kube-apiserver'),
        );
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
      }
    }
  }

  private async aggregateAll(): Promise<void> {
    const roles = this.store.list(CR);
    for (const role of roles) {
      const rule = role.aggregationRule;
      if (!isPlainObject(rule)) continue;
      const selectors = Array.isArray(rule.clusterRoleSelectors) ? rule.clusterRoleSelectors : [];
      const rules: unknown[] = [];
      for (const other of roles) {
        if (other === role) continue;
        const labels = metaOf(other).labels;
        if (!selectors.some((s) => selectorMatches(s, labels))) continue;
        for (const r of Array.isArray(other.rules) ? other.rules : [])
          if (!rules.some((x) => jsonEqual(x, r))) rules.push(r);
      }
      if (jsonEqual(rules, role.rules ?? [])) continue;
      const info = this.registry.lookup(GROUP, 'v1', 'clusterroles');
      if (info === undefined) return;
      const next = { ...clone(role), rules };
      try {
        await this.api().update(
          { info, namespace: '', name: metaOf(role).name ?? '', subresource: '' },
          next,
          controllerWrite('clusterrole-aggregation-controller'),
        );
      } catch (err) {
        if (!(err instanceof ApiError && (err.code === 409 || err.code === 404))) throw err;
        this.queue.push(() => this.aggregateAll());
      }
    }
  }
}
