// Kubernetes' authz library: `authorizer.group(g).resource(r).namespace(ns).name(n).check(verb)`,
// `authorizer.path(p).check(verb)`, `authorizer.serviceAccount(ns, name)` and the decision's
// allowed()/reason()/errored()/error(). The checks go to an Authorizer the caller provides.
import {
  fail,
  library,
  member,
  type Authorizer,
  type AuthzAttributes,
  type Library,
} from '../library.js';
import { T } from '../types.js';
import { CelOpaque, type CelValue } from '../values.js';

export const AUTHORIZER_TYPE = T.opaque('kubernetes.authorization.Authorizer');
const PATH = T.opaque('kubernetes.authorization.PathCheck');
const GROUP = T.opaque('kubernetes.authorization.GroupCheck');
const RESOURCE = T.opaque('kubernetes.authorization.ResourceCheck');
const DECISION = T.opaque('kubernetes.authorization.Decision');

/** A step of the builder chain: the attributes gathered so far. */
export class AuthzValue extends CelOpaque {
  constructor(
    readonly typeName: string,
    readonly attrs: Partial<AuthzAttributes>,
    readonly authorizer: Authorizer | undefined,
  ) {
    super();
  }
  equals(o: CelOpaque): boolean {
    return o === this;
  }
  with(typeName: string, more: Partial<AuthzAttributes>): AuthzValue {
    return new AuthzValue(typeName, { ...this.attrs, ...more }, this.authorizer);
  }
}

export class DecisionValue extends CelOpaque {
  readonly typeName = 'kubernetes.authorization.Decision';
  constructor(readonly d: { allowed: boolean; reason: string; error?: string }) {
    super();
  }
  equals(o: CelOpaque): boolean {
    return o === this;
  }
}

function a(v: CelValue): AuthzValue {
  if (!(v instanceof AuthzValue)) fail('no such overload');
  return v;
}

function d(v: CelValue): DecisionValue {
  if (!(v instanceof DecisionValue)) fail('no such overload');
  return v;
}

function check(v: CelValue, verb: CelValue): CelValue {
  const x = a(v);
  if (x.authorizer === undefined) fail('no authorizer');
  return new DecisionValue(
    x.authorizer.check({ ...x.attrs, verb: verb as string, user: x.authorizer.user }),
  );
}

const s = (x: CelValue): string => x as string;

export const AUTHZ: Library = library({
  path: [
    member('authorizer_path', [AUTHORIZER_TYPE, T.string], PATH, ([z, p]) => {
      if (s(p as CelValue) === '') fail('path must not be empty');
      return a(z as CelValue).with(PATH.k === 'opaque' ? PATH.name : '', {
        path: s(p as CelValue),
      });
    }),
  ],
  group: [
    member('authorizer_group', [AUTHORIZER_TYPE, T.string], GROUP, ([z, g]) =>
      a(z as CelValue).with('kubernetes.authorization.GroupCheck', { group: s(g as CelValue) }),
    ),
  ],
  serviceAccount: [
    member(
      'authorizer_serviceaccount',
      [AUTHORIZER_TYPE, T.string, T.string],
      AUTHORIZER_TYPE,
      ([z, ns, n]) => {
        const x = a(z as CelValue);
        const user = `system:serviceaccount:${s(ns as CelValue)}:${s(n as CelValue)}`;
        const inner = x.authorizer;
        const authorizer =
          inner === undefined
            ? undefined
            : { user, check: (at: AuthzAttributes) => inner.check({ ...at, user }) };
        return new AuthzValue('kubernetes.authorization.Authorizer', {}, authorizer);
      },
    ),
  ],
  resource: [
    member('groupcheck_resource', [GROUP, T.string], RESOURCE, ([z, r]) => {
      if (s(r as CelValue) === '') fail('resource must not be empty');
      return a(z as CelValue).with('kubernetes.authorization.ResourceCheck', {
        resource: s(r as CelValue),
      });
    }),
  ],
  subresource: [
    member('resourcecheck_subresource', [RESOURCE, T.string], RESOURCE, ([z, x]) =>
      a(z as CelValue).with('kubernetes.authorization.ResourceCheck', {
        subresource: s(x as CelValue),
      }),
    ),
  ],
  namespace: [
    member('resourcecheck_namespace', [RESOURCE, T.string], RESOURCE, ([z, x]) =>
      a(z as CelValue).with('kubernetes.authorization.ResourceCheck', {
        namespace: s(x as CelValue),
      }),
    ),
  ],
  name: [
    member('resourcecheck_name', [RESOURCE, T.string], RESOURCE, ([z, x]) =>
      a(z as CelValue).with('kubernetes.authorization.ResourceCheck', { name: s(x as CelValue) }),
    ),
  ],
  fieldSelector: [
    member('resourcecheck_fieldselector', [RESOURCE, T.string], RESOURCE, ([z, x]) =>
      a(z as CelValue).with('kubernetes.authorization.ResourceCheck', {
        fieldSelector: s(x as CelValue),
      }),
    ),
  ],
  labelSelector: [
    member('resourcecheck_labelselector', [RESOURCE, T.string], RESOURCE, ([z, x]) =>
      a(z as CelValue).with('kubernetes.authorization.ResourceCheck', {
        labelSelector: s(x as CelValue),
      }),
    ),
  ],
  check: [
    member('pathcheck_check', [PATH, T.string], DECISION, ([z, v]) =>
      check(z as CelValue, v as CelValue),
    ),
    member('resourcecheck_check', [RESOURCE, T.string], DECISION, ([z, v]) =>
      check(z as CelValue, v as CelValue),
    ),
  ],
  allowed: [member('decision_allowed', [DECISION], T.bool, ([x]) => d(x as CelValue).d.allowed)],
  reason: [member('decision_reason', [DECISION], T.string, ([x]) => d(x as CelValue).d.reason)],
  errored: [
    member('decision_errored', [DECISION], T.bool, ([x]) => d(x as CelValue).d.error !== undefined),
  ],
  error: [member('decision_error', [DECISION], T.string, ([x]) => d(x as CelValue).d.error ?? '')],
});

/** The value of the `authorizer` variable for a request. */
export function authorizerValue(authorizer: Authorizer): CelValue {
  return new AuthzValue('kubernetes.authorization.Authorizer', {}, authorizer);
}
