// CustomResourceDefinitions for tests: one served and stored version `v1` whose schema keeps any
// field (x-kubernetes-preserve-unknown-fields), the quickest way to a kind that takes anything.

export interface OpenCrdOptions {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
  /** @default true */
  readonly namespaced?: boolean;
  /** The served and stored version. @default 'v1' */
  readonly version?: string;
  /** The version's `subresources` (`status`, `scale`). */
  readonly subresources?: Readonly<Record<string, unknown>>;
}

/** The CRD object, ready to create. */
export function openCrd(o: OpenCrdOptions): {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
} {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.plural}.${o.group}` },
    spec: {
      group: o.group,
      scope: o.namespaced === false ? 'Cluster' : 'Namespaced',
      names: { plural: o.plural, kind: o.kind },
      versions: [
        {
          name: o.version ?? 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
          ...(o.subresources === undefined ? {} : { subresources: o.subresources }),
        },
      ],
    },
  };
}
