// The variables an admission policy's CEL sees (k8s.io/apiserver plugin/cel): `object`,
// `oldObject`, `params` (dyn), `request` (admission/v1 AdmissionRequest), `namespaceObject`,
// `authorizer`, and `variables` (one typed field per declared variable).
import { AUTHORIZER_TYPE } from '../lib/authz.js';
import { T, type CelT } from '../types.js';

const record = (name: string, fields: Record<string, CelT>): CelT => ({
  k: 'object',
  name,
  fields: new Map(Object.entries(fields)),
});

const GVK = record('kubernetes.GroupVersionKind', {
  group: T.string,
  version: T.string,
  kind: T.string,
});
const GVR = record('kubernetes.GroupVersionResource', {
  group: T.string,
  version: T.string,
  resource: T.string,
});

/** `request`: BuildRequestType (uid, object and oldObject are not part of it). */
export const REQUEST_TYPE = record('kubernetes.AdmissionRequest', {
  kind: GVK,
  resource: GVR,
  subResource: T.string,
  requestKind: GVK,
  requestResource: GVR,
  requestSubResource: T.string,
  name: T.string,
  namespace: T.string,
  operation: T.string,
  userInfo: record('kubernetes.UserInfo', {
    username: T.string,
    uid: T.string,
    groups: T.list(T.string),
    extra: T.map(T.string, T.list(T.string)),
  }),
  dryRun: T.bool,
  options: T.dyn,
});

/** `namespaceObject`: BuildNamespaceType (metadata typed, spec and status as dyn). */
export const NAMESPACE_TYPE = record('kubernetes.Namespace', {
  metadata: record('kubernetes.ObjectMeta', {
    name: T.string,
    generateName: T.string,
    namespace: T.string,
    labels: T.map(T.string, T.string),
    annotations: T.map(T.string, T.string),
    uid: T.string,
    creationTimestamp: T.timestamp,
    deletionGracePeriodSeconds: T.int,
    deletionTimestamp: T.timestamp,
    generation: T.int,
    resourceVersion: T.string,
    finalizers: T.list(T.string),
  }),
  spec: T.dyn,
  status: T.dyn,
});

/** The type of `variables` with these variables declared. */
export function variablesType(vars: ReadonlyMap<string, CelT>): CelT {
  return { k: 'object', name: 'kubernetes.variables', fields: vars };
}

/** Every admission variable, with `variables` typed as given. */
export function admissionVariables(vars: ReadonlyMap<string, CelT>): Map<string, CelT> {
  return new Map<string, CelT>([
    ['object', T.dyn],
    ['oldObject', T.dyn],
    ['params', T.dyn],
    ['request', REQUEST_TYPE],
    ['namespaceObject', NAMESPACE_TYPE],
    ['authorizer', AUTHORIZER_TYPE],
    ['variables', variablesType(vars)],
  ]);
}
