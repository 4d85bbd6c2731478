// `input.review` as Gatekeeper builds it: the admission request marshalled as Go's
// admission/v1 AdmissionRequest (empty fields as Go writes them), `namespaceObject`, and for
// audited objects a request with only kind, name, namespace and object set.
import { asRecord, asString, field, isRecord, splitApiVersion } from './object-access.js';

export type JsonObject = Record<string, unknown>;

/** What a review is of: an admission request, or an object (audit, gator). */
export type ReviewSubject =
  | {
      readonly kind: 'admission';
      /** AdmissionReview v1 `request` */
      readonly request: Readonly<JsonObject>;
      readonly namespace?: Readonly<JsonObject> | undefined;
    }
  | {
      readonly kind: 'object';
      readonly object: Readonly<JsonObject>;
      readonly namespace?: Readonly<JsonObject> | undefined;
    };

function gvk(v: unknown): JsonObject {
  const o = asRecord(v);
  return {
    group: asString(o['group']),
    version: asString(o['version']),
    kind: asString(o['kind']),
  };
}

function gvr(v: unknown): JsonObject {
  const o = asRecord(v);
  return {
    group: asString(o['group']),
    version: asString(o['version']),
    resource: asString(o['resource']),
  };
}

function userInfo(v: unknown): JsonObject {
  const o = asRecord(v);
  const out: JsonObject = {};
  if (asString(o['username']) !== '') out['username'] = o['username'];
  if (asString(o['uid']) !== '') out['uid'] = o['uid'];
  if (Array.isArray(o['groups']) && o['groups'].length > 0) out['groups'] = o['groups'];
  if (isRecord(o['extra']) && Object.keys(o['extra']).length > 0) out['extra'] = o['extra'];
  return out;
}

const objectOrNull = (v: unknown): unknown => (isRecord(v) ? v : null);

/**
 * An AdmissionRequest as Go marshals admission/v1's struct: required fields always present,
 * `omitempty` ones only when set; a DELETE without `object` gets `oldObject` as its object
 * (Gatekeeper's SetObjectOnDelete).
 */
export function normalizeRequest(request: Readonly<JsonObject>): JsonObject {
  const r = request;
  const kind = gvk(r['kind']);
  const operation = asString(r['operation']);
  let object = objectOrNull(r['object']);
  const oldObject = objectOrNull(r['oldObject']);
  if (operation === 'DELETE' && object === null) object = oldObject;
  const out: JsonObject = { uid: asString(r['uid']), kind, resource: gvr(r['resource']) };
  if (asString(r['subResource']) !== '') out['subResource'] = r['subResource'];
  if (isRecord(r['requestKind'])) out['requestKind'] = gvk(r['requestKind']);
  if (isRecord(r['requestResource'])) out['requestResource'] = gvr(r['requestResource']);
  if (asString(r['requestSubResource']) !== '') out['requestSubResource'] = r['requestSubResource'];
  if (asString(r['name']) !== '') out['name'] = r['name'];
  if (asString(r['namespace']) !== '') out['namespace'] = r['namespace'];
  out['operation'] = operation;
  out['userInfo'] = userInfo(r['userInfo']);
  out['object'] = object;
  out['oldObject'] = oldObject;
  if (typeof r['dryRun'] === 'boolean') out['dryRun'] = r['dryRun'];
  out['options'] = r['options'] === undefined ? null : r['options'];
  return out;
}

/** The request Gatekeeper makes up for an object under audit (unstructuredToAdmissionRequest). */
export function requestForObject(object: Readonly<JsonObject>): JsonObject {
  const { group, version } = splitApiVersion(asString(object['apiVersion']));
  const out: JsonObject = {
    uid: '',
    kind: { group, version, kind: asString(object['kind']) },
    resource: { group: '', version: '', resource: '' },
  };
  const name = asString(field(object, 'metadata', 'name'));
  const namespace = asString(field(object, 'metadata', 'namespace'));
  if (name !== '') out['name'] = name;
  if (namespace !== '') out['namespace'] = namespace;
  out['operation'] = '';
  out['userInfo'] = {};
  out['object'] = object;
  out['oldObject'] = null;
  out['options'] = null;
  return out;
}

/** The subject's request in Go's form. */
export function requestOf(subject: ReviewSubject): JsonObject {
  return subject.kind === 'admission'
    ? normalizeRequest(subject.request)
    : requestForObject(subject.object);
}

/** `input.review`: the request plus `namespaceObject` (`{}` when unknown). */
export function reviewInput(
  request: Readonly<JsonObject>,
  namespace: Readonly<JsonObject> | undefined,
): JsonObject {
  return { ...request, namespaceObject: namespace ?? {} };
}

/** The objects a match is tried against: the object, then the old object (either may be null). */
export function objectsOf(request: Readonly<JsonObject>): JsonObject[] {
  const out: JsonObject[] = [];
  if (isRecord(request['object'])) out.push(request['object']);
  if (isRecord(request['oldObject'])) out.push(request['oldObject']);
  return out;
}
