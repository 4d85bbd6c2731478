// kustomize's default ("legacy") output order: by kind priority, then group_version_kind, then namespace and name.
import { gvkEquals, gvkString } from './resource.js';
import type { Resource, ResId } from './resource.js';

export const DEFAULT_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
] as const;
export const DEFAULT_ORDER_LAST = [
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
] as const;

function sortString(id: ResId): string {
  return `${gvkString(id.gvk)}|${id.namespace || '~X'}|${id.name || '~N'}`;
}

/** Sorts resources in place, stably, as kustomize's legacy sort order does. */
export function legacySort(
  resources: Resource[],
  orderFirst: readonly string[] = DEFAULT_ORDER_FIRST,
  orderLast: readonly string[] = DEFAULT_ORDER_LAST,
): void {
  const rank = new Map<string, number>();
  orderFirst.forEach((k, i) => rank.set(k, -orderFirst.length + i));
  orderLast.forEach((k, i) => rank.set(k, 1 + i));
  const ids = new Map(resources.map((r) => [r, r.curId()] as const));
  resources.sort((a, b) => {
    const ia = ids.get(a) as ResId;
    const ib = ids.get(b) as ResId;
    if (!gvkEquals(ia.gvk, ib.gvk)) {
      const ra = rank.get(ia.gvk.kind) ?? 0;
      const rb = rank.get(ib.gvk.kind) ?? 0;
      if (ra !== rb) return ra - rb;
      const sa = gvkString(ia.gvk);
      const sb = gvkString(ib.gvk);
      const cmp = sa < sb ? -1 : sa > sb ? 1 : 0;
      // kustomize orders core Namespaces before same-named kinds of other groups.
      if (
        ia.gvk.kind === 'Namespace' &&
        ib.gvk.kind === 'Namespace' &&
        (ia.gvk.group === '' || ib.gvk.group === '')
      ) {
        return -cmp;
      }
      return cmp;
    }
    const sa = sortString(ia);
    const sb = sortString(ib);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}
