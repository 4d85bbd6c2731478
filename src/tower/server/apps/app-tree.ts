// The App screen's resource tree: the objects of the app's inventory with the health of each (the
// apply engine's assessors, read from the app's target cluster), the ReplicaSets and Pods its
// workloads own beneath them, and nested apps linked to their own screens.
import { ResourceManager, assessHealth } from '../../../apply/index.js';
import type { KubeClient, KubeObject } from '../../../kube/index.js';
import type { AppTree, HealthState, TreeNode } from '../../api/types.js';
import type { Fleet } from '../fleet.js';
import { readFull, requireApp } from './app-detail.js';
import { appId } from './provider.js';

/** Objects shown per tree; the rest are counted. */
const MAX_NODES = 300;
/** Owned objects listed per namespace. */
const MAX_OWNED = 500;
const OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

interface Owned {
  readonly obj: KubeObject;
  readonly owners: readonly string[];
}

/** ReplicaSets and Pods of the namespaces given, by owner uid. */
async function ownedObjects(client: KubeClient, namespaces: readonly string[]): Promise<Owned[]> {
  const out: Owned[] = [];
  for (const namespace of namespaces) {
    for (const type of [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
      { apiVersion: 'v1', kind: 'Pod' },
    ]) {
      const list = await client.list(type, { namespace, limit: MAX_OWNED }).catch(() => undefined);
      for (const obj of (list?.items ?? []).slice(0, MAX_OWNED)) {
        const owners = (obj.metadata.ownerReferences ?? []) as { uid?: string }[];
        out.push({ obj, owners: owners.map((o) => o.uid ?? '') });
      }
    }
  }
  return out;
}

export async function appTree(fleet: Fleet, id: string): Promise<AppTree> {
  const ref = requireApp(fleet, id);
  const full = await readFull(ref);
  const inventory = ref.provider.inventory(full);
  const shown = inventory.slice(0, MAX_NODES);
  const target = await ref.provider.targetClient(ref.cluster.client, full);
  const manager = new ResourceManager(target);
  const health = await manager.health(shown);
  const workloads = shown.filter((o) => OWNERS.has(o.kind));
  const owned =
    workloads.length > 0
      ? await ownedObjects(target, [...new Set(workloads.map((w) => w.namespace))])
      : [];
  const liveUids = new Map<string, string>();
  if (owned.length > 0) {
    for (const w of workloads) {
      const live = await target.getOrUndefined({ ...w }).catch(() => undefined);
      if (live?.metadata.uid) liveUids.set(`${w.kind}/${w.namespace}/${w.name}`, live.metadata.uid);
    }
  }
  const counts: Partial<Record<HealthState, number>> = {};
  const childrenOf = (uid: string | undefined, depth: number): TreeNode[] => {
    if (!uid || depth > 2) return [];
    return owned
      .filter((o) => o.owners.includes(uid))
      .map((o) => {
        const h = assessHealth(o.obj);
        return {
          apiVersion: o.obj.apiVersion,
          kind: o.obj.kind,
          namespace: o.obj.metadata.namespace ?? '',
          name: o.obj.metadata.name ?? '',
          health: h.status,
          message: h.message,
          children: childrenOf(o.obj.metadata.uid, depth + 1),
        };
      });
  };
  const providerKinds = new Map([...fleet.providers.values()].map((p) => [p.kind, p]));
  const nodes = shown.map((o, i): TreeNode => {
    const h = health[i]?.health ?? { status: 'Unknown' as const, message: '' };
    counts[h.status] = (counts[h.status] ?? 0) + 1;
    const nested = providerKinds.get(o.kind as never);
    const isApp = nested !== undefined && o.apiVersion.startsWith(`${nested.group}/`);
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.namespace,
      name: o.name,
      health: h.status,
      message: h.message,
      ...(isApp ? { app: appId(ref.cluster.name, o.kind, o.namespace, o.name) } : {}),
      children: childrenOf(liveUids.get(`${o.kind}/${o.namespace}/${o.name}`), 0),
    };
  });
  return { nodes, more: inventory.length - shown.length, counts };
}
