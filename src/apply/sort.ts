// Apply order by kind, as Flux's ssa package orders objects (CRDs and Namespaces first, webhooks last).
import type { KubeObject } from '../kube/index.js';
import { objMetadataOf, type ObjMetadata } from './object-id.js';

const orderFirst = [
  'CustomResourceDefinition',
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'LimitRange',
  'PriorityClass',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const orderLast = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

const kindIndex = new Map<string, number>([
  ...orderFirst.map((k, i): [string, number] => [k, -orderFirst.length + i]),
  ...orderLast.map((k, i): [string, number] => [k, 1 + i]),
]);

/** Kinds not listed sort between the first and last lists (index 0), then by group and kind. */
export function compareObjMetadata(a: ObjMetadata, b: ObjMetadata): number {
  if (a.group !== b.group || a.kind !== b.kind) {
    const ia = kindIndex.get(a.kind) ?? 0;
    const ib = kindIndex.get(b.kind) ?? 0;
    if (ia !== ib) return ia - ib;
    if (a.group !== b.group) return a.group < b.group ? -1 : 1;
    return a.kind < b.kind ? -1 : 1;
  }
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/** A sorted copy of the objects, in apply order. */
export function sortObjects<T extends KubeObject>(objects: readonly T[]): T[] {
  return [...objects]
    .map((o) => ({ o, m: objMetadataOf(o) }))
    .sort((x, y) => compareObjMetadata(x.m, y.m))
    .map((x) => x.o);
}
