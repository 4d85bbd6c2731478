// The `serviceaccounts/<name>/token` subresource: a TokenRequest answered with a signed service
// account token, as kube-apiserver's TokenRequest API answers it.
import { FieldErrorType, invalid, notFound } from './status-errors.js';
import { rfc3339 } from '../core/index.js';
import { isPlainObject, metaOf, nowRfc3339, type KubeObject } from './object-meta.js';
import type { ResourceInfo } from './registry.js';
import { ISSUER, type ServiceAccountTokens } from './sa-tokens.js';
import type { ObjectApi, WriteOptions } from './object-api.js';

/** TokenRequest is served only as the subresource; its typed form needs a ResourceInfo of its own. */
export const TOKEN_REQUEST: ResourceInfo = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenRequest',
  resource: 'tokenrequests',
  singular: 'tokenrequest',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['create'],
  subresources: [],
  storageVersion: 'v1',
  hasSpec: true,
};

const MIN_SECONDS = 600;

export function requestToken(
  api: ObjectApi,
  tokens: ServiceAccountTokens,
  saInfo: ResourceInfo,
  namespace: string,
  name: string,
  body: KubeObject,
  opts: WriteOptions,
): KubeObject {
  const sa = api.getStored({ info: saInfo, namespace, name });
  if (sa === undefined) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const t = { info: TOKEN_REQUEST, namespace, name, subresource: 'token' };
  const r = api.review(t, body, opts, (o) => {
    const spec = isPlainObject(o.spec) ? o.spec : {};
    const seconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
    if (seconds < MIN_SECONDS)
      throw invalid('TokenRequest', 'authentication.k8s.io', name, [
        {
          type: FieldErrorType.Invalid,
          field: 'spec.expirationSeconds',
          value: seconds,
          detail: 'may not specify a duration less than 10 minutes',
        },
      ]);
    const audiences =
      Array.isArray(spec.audiences) && spec.audiences.length > 0
        ? spec.audiences.map(String)
        : [ISSUER];
    const issued = tokens.issue(sa, audiences, seconds);
    const m = metaOf(sa);
    return {
      ...o,
      metadata: {
        name,
        namespace,
        uid: m.uid,
        creationTimestamp: m.creationTimestamp ?? nowRfc3339(),
        ...(isPlainObject(o.metadata) && o.metadata.managedFields !== undefined
          ? { managedFields: o.metadata.managedFields }
          : {}),
      },
      spec: { audiences, expirationSeconds: seconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: { token: issued.token, expirationTimestamp: rfc3339(issued.expiresAt) },
    };
  });
  return r.object;
}
