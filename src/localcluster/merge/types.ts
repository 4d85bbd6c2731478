// Shared types of the merge/schema module: JSON objects and OpenAPI schema nodes with the Kubernetes extensions.

/** A JSON object (apiVersion, kind, metadata, ...). */
export type KubeObject = Record<string, unknown>;

/**
 * An OpenAPI v3 schema node as in CRD openAPIV3Schema, with the Kubernetes extensions:
 * x-kubernetes-list-type (atomic|set|map), x-kubernetes-list-map-keys, x-kubernetes-map-type,
 * x-kubernetes-patch-merge-key, x-kubernetes-patch-strategy, x-kubernetes-preserve-unknown-fields,
 * x-kubernetes-int-or-string, x-kubernetes-embedded-resource; `$ref`s already resolved.
 * Resolved built-in schemas are shared and may be cyclic (JSONSchemaProps): never mutate or
 * serialise them.
 */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  [ext: string]: unknown;
}
