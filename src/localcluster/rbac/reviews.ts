// The review kinds, answered and never stored: SubjectAccessReview, SelfSubjectAccessReview,
// LocalSubjectAccessReview (what `kubectl auth can-i` asks), SelfSubjectRulesReview
// (`kubectl auth can-i --list`), SelfSubjectReview (`kubectl auth whoami`) and TokenReview.
import { FieldErrorType, invalid } from '../status-errors.js';
import { isPlainObject, type KubeObject } from '../object-meta.js';
import type { ResourceInfo } from '../registry.js';
import type { UserInfo } from '../auth.js';
import type { Attributes, RbacAuthorizer, PolicyRule } from './authorizer.js';

type Obj = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str) : [];
}

export interface ReviewContext {
  readonly authorizer: RbacAuthorizer;
  /** Who asks (for the Self* reviews). */
  readonly user: UserInfo;
  /** The namespace of the request URL (LocalSubjectAccessReview). */
  readonly namespace: string;
  /** Verifies a bearer token (TokenReview). */
  readonly authenticateToken: (token: string) => UserInfo | undefined;
}

function attributesOf(spec: Obj, info: ResourceInfo): Attributes {
  const ra = spec.resourceAttributes;
  const na = spec.nonResourceAttributes;
  if (isPlainObject(ra) === isPlainObject(na))
    throw invalid('', info.group, '', [
      {
        type: FieldErrorType.Invalid,
        field: 'spec.resourceAttributes',
        value: ra ?? null,
        detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      },
    ]);
  if (isPlainObject(na)) return { resourceRequest: false, verb: str(na.verb), path: str(na.path) };
  const r = ra as Obj;
  return {
    resourceRequest: true,
    verb: str(r.verb),
    apiGroup: str(r.group),
    resource: str(r.resource),
    subresource: str(r.subresource),
    namespace: str(r.namespace),
    name: str(r.name),
  };
}

function accessStatus(ctx: ReviewContext, user: UserInfo, a: Attributes): Obj {
  const d = ctx.authorizer.authorize(user, a);
  return { allowed: d.allowed, ...(d.reason === '' ? {} : { reason: d.reason }) };
}

function subjectOf(spec: Obj, info: ResourceInfo): UserInfo {
  const user = str(spec.user);
  const groups = strs(spec.groups);
  if (user === '' && groups.length === 0)
    throw invalid('', info.group, '', [
      {
        type: FieldErrorType.Invalid,
        field: 'spec.user',
        value: '',
        detail: 'at least one of user or group must be specified',
      },
    ]);
  return { username: user, uid: str(spec.uid), groups };
}

function ruleJson(r: PolicyRule): Obj {
  return {
    verbs: r.verbs,
    ...(r.apiGroups === undefined ? {} : { apiGroups: r.apiGroups }),
    ...(r.resources === undefined ? {} : { resources: r.resources }),
    ...(r.resourceNames === undefined ? {} : { resourceNames: r.resourceNames }),
  };
}

/** The status a review answers with (422 for a spec kube-apiserver refuses). */
export function reviewStatus(info: ResourceInfo, o: KubeObject, ctx: ReviewContext): Obj {
  const spec = isPlainObject(o.spec) ? o.spec : {};
  switch (info.kind) {
    case 'SubjectAccessReview':
      return accessStatus(ctx, subjectOf(spec, info), attributesOf(spec, info));
    case 'LocalSubjectAccessReview': {
      const a = attributesOf(spec, info);
      if (a.resourceRequest && a.namespace !== ctx.namespace)
        throw invalid(info.kind, info.group, '', [
          {
            type: FieldErrorType.Invalid,
            field: 'spec.resourceAttributes.namespace',
            value: a.namespace,
            detail: 'must match metadata.namespace',
          },
        ]);
      return accessStatus(ctx, subjectOf(spec, info), a);
    }
    case 'SelfSubjectAccessReview':
      return accessStatus(ctx, ctx.user, attributesOf(spec, info));
    case 'SelfSubjectRulesReview': {
      const rules = ctx.authorizer.rulesFor(ctx.user, str(spec.namespace));
      return {
        resourceRules: rules.filter((r) => r.nonResourceURLs === undefined).map(ruleJson),
        nonResourceRules: rules
          .filter((r) => r.nonResourceURLs !== undefined)
          .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
        incomplete: false,
      };
    }
    case 'SelfSubjectReview':
      return { userInfo: userInfoJson(ctx.user) };
    case 'TokenReview': {
      const user = ctx.authenticateToken(str(spec.token));
      return user === undefined
        ? { user: {} }
        : {
            authenticated: true,
            user: userInfoJson(user),
            audiences: ['https://kubernetes.default.svc.cluster.local'],
          };
    }
    default:
      return {};
  }
}

function userInfoJson(u: UserInfo): Obj {
  return {
    username: u.username,
    ...(u.uid === '' ? {} : { uid: u.uid }),
    groups: u.groups,
    ...(u.extra === undefined ? {} : { extra: u.extra }),
  };
}
