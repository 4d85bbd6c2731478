// The namespaces every cluster starts with (default, kube-system, kube-public, kube-node-lease).
import { randomUUID } from 'node:crypto';
import { nowRfc3339 } from './object-meta.js';
import type { ObjectStore } from './store.js';

export const SYSTEM_NAMESPACES = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
] as const;

export function bootstrapNamespaces(store: ObjectStore): void {
  for (const name of SYSTEM_NAMESPACES) {
    if (store.get('namespaces', '', name) !== undefined) continue;
    const now = nowRfc3339();
    store.put(
      'namespaces',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          uid: randomUUID(),
          creationTimestamp: now,
          labels: { 'kubernetes.io/metadata.name': name },
          // kube-apiserver's system namespaces controller creates them; the label is the
          // namespace strategy's
          managedFields: [
            {
              manager: 'kube-apiserver',
              operation: 'Update',
              apiVersion: 'v1',
              time: now,
              fieldsType: 'FieldsV1',
              fieldsV1: {
                'f:metadata': { 'f:labels': { '.': {}, 'f:kubernetes.io/metadata.name': {} } },
              },
            },
          ],
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      '',
    );
  }
}

/**
 * Puts a system namespace back when it is deleted (only kube-node-lease can be: the others are
 * immortal), as kube-apiserver's system namespaces controller does. Returns the stop function.
 */
export function keepSystemNamespaces(store: ObjectStore): () => void {
  const names: ReadonlySet<string> = new Set(SYSTEM_NAMESPACES);
  let timer: NodeJS.Immediate | undefined;
  const unlisten = store.hub.listen((ev) => {
    if (ev.type !== 'DELETED' || ev.skey !== 'namespaces' || !names.has(ev.name)) return;
    // not from inside the storage event: the store is publishing
    timer ??= setImmediate(() => {
      timer = undefined;
      bootstrapNamespaces(store);
    });
  });
  return () => {
    unlisten();
    if (timer !== undefined) clearImmediate(timer);
  };
}
