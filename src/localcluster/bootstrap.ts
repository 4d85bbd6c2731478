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
    store.put(
      'namespaces',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name,
          uid: randomUUID(),
          creationTimestamp: nowRfc3339(),
          labels: { 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      '',
    );
  }
}
