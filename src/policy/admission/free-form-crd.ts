// A CustomResourceDefinition of one version whose top-level fields are kept as given (Config,
// PolicyReport): the policy runtime installs these when the cluster has none.
import type { KubeObject } from '../../kube/index.js';

export interface FreeFormCrd {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly version: string;
  readonly namespaced: boolean;
  /** Top-level fields besides apiVersion, kind and metadata, each an object or array of objects. */
  readonly fields: Readonly<Record<string, 'object' | 'array'>>;
  readonly statusSubresource?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

export function freeFormCrd(o: FreeFormCrd): KubeObject {
  const free = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties: Record<string, unknown> = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
  };
  for (const [name, type] of Object.entries(o.fields))
    properties[name] = type === 'object' ? free : { type: 'array', items: free };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.plural}.${o.group}`, ...(o.labels ? { labels: { ...o.labels } } : {}) },
    spec: {
      group: o.group,
      names: {
        kind: o.kind,
        listKind: `${o.kind}List`,
        plural: o.plural,
        singular: o.kind.toLowerCase(),
      },
      scope: o.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: o.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties } },
          ...(o.statusSubresource === true ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}
