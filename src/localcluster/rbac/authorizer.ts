// RBAC authorization as kube-apiserver's RBAC authorizer decides it (plus the system:masters
// short cut): ClusterRoleBindings, then RoleBindings of the request's namespace, their rules
// matched by verb, API group, resource/subresource, resource name or non-resource URL; the
// reasons and the Forbidden messages worded like kube-apiserver's.
import { isPlainObject, metaOf, type KubeObject } from '../object-meta.js';
import type { ObjectStore } from '../store.js';
import type { UserInfo } from '../auth.js';

/** What a request asks to do (authorizer.Attributes). */
export interface Attributes {
  readonly verb: string;
  /** Resource requests: group, resource, subresource, namespace, name. */
  readonly resourceRequest: boolean;
  readonly apiGroup?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Non-resource requests: the path. */
  readonly path?: string;
}

export interface Decision {
  readonly allowed: boolean;
  /** `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"` ('' for system:masters and denials). */
  readonly reason: string;
}

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

const CRB = 'clusterrolebindings.rbac.authorization.k8s.io';
const CR = 'clusterroles.rbac.authorization.k8s.io';
const RB = 'rolebindings.rbac.authorization.k8s.io';
const ROLE = 'roles.rbac.authorization.k8s.io';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function rulesOf(role: KubeObject | undefined): PolicyRule[] {
  if (role === undefined || !Array.isArray(role.rules)) return [];
  return role.rules.filter(isPlainObject).map((r) => ({
    verbs: strings(r.verbs),
    ...(r.apiGroups === undefined ? {} : { apiGroups: strings(r.apiGroups) }),
    ...(r.resources === undefined ? {} : { resources: strings(r.resources) }),
    ...(r.resourceNames === undefined ? {} : { resourceNames: strings(r.resourceNames) }),
    ...(r.nonResourceURLs === undefined ? {} : { nonResourceURLs: strings(r.nonResourceURLs) }),
  }));
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === '' ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some(
    (r) =>
      r === '*' ||
      r === combined ||
      (r.startsWith('*/') && subresource !== '' && r.slice(2) === subresource) ||
      (r.endsWith('/*') && subresource !== '' && r.slice(0, -2) === resource),
  );
}

function nonResourceMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

/** Whether a rule allows the request (rbac's RuleAllows). */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(a.verb)) return false;
  if (!a.resourceRequest) return nonResourceMatches(rule, a.path ?? '');
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(a.apiGroup ?? '')) return false;
  if (!resourceMatches(rule, a.resource ?? '', a.subresource ?? '')) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(a.name ?? '');
}

interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

function subjectsOf(binding: KubeObject): Subject[] {
  const list = Array.isArray(binding.subjects) ? binding.subjects : [];
  return list.filter(isPlainObject).map((s) => ({
    kind: typeof s.kind === 'string' ? s.kind : '',
    name: typeof s.name === 'string' ? s.name : '',
    ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}),
  }));
}

/** The subject of a binding that names the user (in kube's words for reasons), if any. */
function appliesTo(
  user: UserInfo,
  binding: KubeObject,
  bindingNamespace: string,
): string | undefined {
  for (const s of subjectsOf(binding)) {
    if (s.kind === 'User' && s.name === user.username) return `User "${s.name}"`;
    if (s.kind === 'Group' && user.groups.includes(s.name)) return `Group "${s.name}"`;
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace ?? bindingNamespace;
      if (user.username === `system:serviceaccount:${ns}:${s.name}`)
        return `ServiceAccount "${s.name}/${ns}"`;
    }
  }
  return undefined;
}

function roleRef(binding: KubeObject): { kind: string; name: string } {
  const r = isPlainObject(binding.roleRef) ? binding.roleRef : {};
  return {
    kind: typeof r.kind === 'string' ? r.kind : '',
    name: typeof r.name === 'string' ? r.name : '',
  };
}

/** One applicable binding and the rules it grants. */
interface Grant {
  readonly description: string;
  readonly rules: readonly PolicyRule[];
}

export class RbacAuthorizer {
  constructor(private readonly store: ObjectStore) {}

  /** The bindings that apply to the user, cluster-wide first, then those of the namespace. */
  private grants(user: UserInfo, namespace: string): Grant[] {
    const out: Grant[] = [];
    for (const b of this.store.list(CRB)) {
      const subject = appliesTo(user, b, '');
      if (subject === undefined) continue;
      const ref = roleRef(b);
      if (ref.kind !== 'ClusterRole') continue;
      out.push({
        description: `ClusterRoleBinding "${metaOf(b).name ?? ''}" of ClusterRole "${ref.name}" to ${subject}`,
        rules: rulesOf(this.store.get(CR, '', ref.name)),
      });
    }
    if (namespace === '') return out;
    for (const b of this.store.list(RB, namespace)) {
      const subject = appliesTo(user, b, namespace);
      if (subject === undefined) continue;
      const ref = roleRef(b);
      const role =
        ref.kind === 'Role'
          ? this.store.get(ROLE, namespace, ref.name)
          : this.store.get(CR, '', ref.name);
      out.push({
        description: `RoleBinding "${metaOf(b).name ?? ''}/${namespace}" of ${ref.kind} "${ref.name}" to ${subject}`,
        rules: rulesOf(role),
      });
    }
    return out;
  }

  authorize(user: UserInfo, a: Attributes): Decision {
    if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
    for (const g of this.grants(user, a.resourceRequest ? (a.namespace ?? '') : '')) {
      if (g.rules.some((r) => ruleAllows(a, r)))
        return { allowed: true, reason: `RBAC: allowed by ${g.description}` };
    }
    return { allowed: false, reason: '' };
  }

  /** Every rule that applies to the user in a namespace (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    if (user.groups.includes('system:masters'))
      return [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ];
    return this.grants(user, namespace).flatMap((g) => g.rules);
  }
}

/** Go's resource name for a group/resource in messages: `configmaps`, `deployments.apps`. */
function qualified(group: string, resource: string): string {
  return group === '' ? resource : `${resource}.${group}`;
}

/** The text after "is forbidden: " for a denied request. */
export function forbiddenReason(user: UserInfo, a: Attributes): string {
  if (!a.resourceRequest) return `User "${user.username}" cannot ${a.verb} path "${a.path ?? ''}"`;
  const res = a.subresource ? `${a.resource ?? ''}/${a.subresource}` : (a.resource ?? '');
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${user.username}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup ?? ''}" ${scope}`;
}

/** The subject of a Forbidden message: `configmaps "x"`, `deployments.apps`, or nothing. */
export function forbiddenSubject(a: Attributes): { resource: string; name: string } {
  return { resource: qualified(a.apiGroup ?? '', a.resource ?? ''), name: a.name ?? '' };
}
