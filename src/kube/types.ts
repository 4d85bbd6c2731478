// The shapes of Kubernetes objects and references that the client and its callers share.

/** Any Kubernetes object as JSON: the fields every kind has, and anything else. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** A list as the API returns it. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** Group, version and kind; `group` is '' for the core group. */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Which object: enough to address it on the API server. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
}

/** Splits an apiVersion (`apps/v1`, `v1`) into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The GVK of an object or reference. */
export function gvkOf(obj: {
  readonly apiVersion: string;
  readonly kind: string;
}): GroupVersionKind {
  const { group, version } = parseApiVersion(obj.apiVersion);
  return { group, version, kind: obj.kind };
}

/** `apps/v1` or `v1` from a group and version. */
export function apiVersionOf(gv: { readonly group: string; readonly version: string }): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** `Kind/namespace/name` or `Kind/name`, the way Flux names objects in messages. */
export function formatObject(obj: {
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string | undefined;
    readonly namespace?: string | undefined;
  };
  readonly name?: string;
  readonly namespace?: string | undefined;
}): string {
  const name = obj.metadata?.name ?? obj.name ?? '';
  const ns = obj.metadata?.namespace ?? obj.namespace;
  return ns ? `${obj.kind}/${ns}/${name}` : `${obj.kind}/${name}`;
}

/** The reference of an object. */
export function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace,
  };
}
