// Who a request is and what it may do, in kube-apiserver's order: authentication (admin token,
// service account tokens), impersonation (allowed by the `impersonate` verb), then RBAC
// authorization of the resulting user; denials are 403 Forbidden worded like kube-apiserver.
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, forbidden } from './status-errors.js';
import { authenticate, impersonate, type UserInfo } from './auth.js';
import {
  forbiddenReason,
  forbiddenSubject,
  type Attributes,
  type RbacAuthorizer,
} from './rbac/authorizer.js';
import type { ServiceAccountTokens } from './sa-tokens.js';
import type { RequestInfo } from './request-info.js';

export interface AccessControl {
  readonly adminTokenDigest: Buffer;
  readonly authorizer: RbacAuthorizer;
  readonly tokens: ServiceAccountTokens;
}

/** The authenticated (and, with Impersonate-* headers, impersonated) user of a request. */
export function identify(ac: AccessControl, headers: IncomingHttpHeaders): UserInfo {
  const user = authenticate(headers, ac.adminTokenDigest, (t) => ac.tokens.authenticate(t));
  return impersonate(user, headers, (who, what) => {
    const apiGroup = what.resource === 'uids' ? 'authentication.k8s.io' : '';
    const attrs: Attributes = {
      resourceRequest: true,
      verb: 'impersonate',
      apiGroup,
      resource: what.resource,
      name: what.name,
      ...(what.namespace === undefined ? {} : { namespace: what.namespace }),
    };
    if (!ac.authorizer.authorize(who, attrs).allowed)
      throw forbidden(
        { group: apiGroup, resource: what.resource },
        what.name,
        forbiddenReason(who, attrs),
      );
  });
}

/** 403 unless the user may make this request. */
export function authorize(ac: AccessControl, user: UserInfo, attrs: Attributes): void {
  if (ac.authorizer.authorize(user, attrs).allowed) return;
  const why = forbiddenReason(user, attrs);
  if (!attrs.resourceRequest) throw new ApiError(403, 'Forbidden', `forbidden: ${why}`, {});
  const s = forbiddenSubject(attrs);
  throw forbidden({ group: attrs.apiGroup ?? '', resource: attrs.resource ?? '' }, s.name, why);
}

export function resourceAttributes(ri: RequestInfo): Attributes {
  // a request on a namespace object is a request in that namespace (kube's RequestInfo)
  const namespace =
    ri.group === '' && ri.resource === 'namespaces' && ri.name !== '' ? ri.name : ri.namespace;
  return {
    resourceRequest: true,
    verb: ri.verb,
    apiGroup: ri.group,
    resource: ri.resource,
    subresource: ri.subresource,
    namespace,
    name: ri.name,
  };
}

export function pathAttributes(method: string, path: string): Attributes {
  const verbs: Record<string, string> = {
    GET: 'get',
    HEAD: 'head',
    POST: 'post',
    PUT: 'put',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  return { resourceRequest: false, verb: verbs[method] ?? method.toLowerCase(), path };
}
