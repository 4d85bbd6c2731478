// The `request` variable's value: kube-apiserver's CreateAdmissionRequest marshalled as Go does
// (no uid, object or oldObject; `requestKind`/`requestResource` and `dryRun` always set; empty
// `omitempty` fields absent, so `request.namespace` of a cluster-scoped request is no such key).

type Json = Record<string, unknown>;

const rec = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function gvk(v: unknown): Json {
  const o = rec(v);
  return { group: str(o['group']), version: str(o['version']), kind: str(o['kind']) };
}

function gvr(v: unknown): Json {
  const o = rec(v);
  return { group: str(o['group']), version: str(o['version']), resource: str(o['resource']) };
}

/** authenticationv1.UserInfo as Go marshals it (every field omitempty). */
export function userInfoJson(v: unknown): Json {
  const o = rec(v);
  const out: Json = {};
  if (str(o['username']) !== '') out['username'] = o['username'];
  if (str(o['uid']) !== '') out['uid'] = o['uid'];
  if (Array.isArray(o['groups']) && o['groups'].length > 0) out['groups'] = o['groups'];
  if (Object.keys(rec(o['extra'])).length > 0) out['extra'] = o['extra'];
  return out;
}

/** The value of `request` for an admission/v1 request (as the API server or a webhook sees it). */
export function celRequest(r: Readonly<Json>): Json {
  const out: Json = { kind: gvk(r['kind']), resource: gvr(r['resource']) };
  if (str(r['subResource']) !== '') out['subResource'] = r['subResource'];
  out['requestKind'] = gvk(r['requestKind'] ?? r['kind']);
  out['requestResource'] = gvr(r['requestResource'] ?? r['resource']);
  const requestSub = r['requestSubResource'] ?? r['subResource'];
  if (str(requestSub) !== '') out['requestSubResource'] = requestSub;
  if (str(r['name']) !== '') out['name'] = r['name'];
  if (str(r['namespace']) !== '') out['namespace'] = r['namespace'];
  out['operation'] = str(r['operation']);
  out['userInfo'] = userInfoJson(r['userInfo']);
  out['dryRun'] = r['dryRun'] === true;
  out['options'] = r['options'] ?? null;
  return out;
}
