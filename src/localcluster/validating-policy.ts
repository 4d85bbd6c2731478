// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1)
// in the admission chain, as kube-apiserver's validating policy dispatcher runs them: each binding
// whose policy and own matchResources match the request, with its params (paramKind + paramRef by
// name or selector, parameterNotFoundAction), evaluated by the shared CEL admission program;
// denials per validationActions (Deny rejects, Warn adds a warning, Audit is logged) and
// configuration errors per failurePolicy.
import { AdmissionPolicyProgram, FailurePolicy, type AdmissionPolicySpec } from '../cel/index.js';
import type { Logger } from '../core/index.js';
import { rulesMatch, selectorsMatch } from './admission.js';
import type { AdmissionAttributes } from './object-api.js';
import { asString, isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import { storageKey, type ResourceRegistry } from './registry.js';
import { labelSelectorObjectMatcher } from './selectors.js';
import { ApiError } from './status-errors.js';
import type { ObjectStore } from './store.js';

const POLICY_SKEY = 'validatingadmissionpolicies.admissionregistration.k8s.io';
const BINDING_SKEY = 'validatingadmissionpolicybindings.admissionregistration.k8s.io';

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (isPlainObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

interface Denial {
  readonly policy: string;
  readonly binding: string;
  readonly message: string;
  readonly reason: string;
}

/** A binding whose configuration cannot be evaluated (failurePolicy decides). */
class ConfigError extends Error {}

/** kube-apiserver's reasonToCode for a denial's status reason. */
function codeFor(reason: string): number {
  switch (reason) {
    case 'Forbidden':
      return 403;
    case 'Unauthorized':
      return 401;
    case 'RequestEntityTooLarge':
      return 413;
    case 'Invalid':
      return 422;
    default:
      return 400;
  }
}

/** matchResources of a policy or a binding: selectors, resource rules and exclusions. */
function resourcesMatch(store: ObjectStore, m: Json, attrs: AdmissionAttributes): boolean {
  const selectors = {
    namespaceSelector: m['namespaceSelector'],
    objectSelector: m['objectSelector'],
  };
  if (!selectorsMatch(store, selectors, attrs)) return false;
  const ruleList = list(m['resourceRules']).filter(isPlainObject);
  if (!ruleList.some((r) => ruleMatches(r, attrs))) return false;
  return !list(m['excludeResourceRules'])
    .filter(isPlainObject)
    .some((r) => ruleMatches(r, attrs));
}

/** One NamedRuleWithOperations: the webhook rule plus resourceNames. */
function ruleMatches(rule: Json, attrs: AdmissionAttributes): boolean {
  if (!rulesMatch({ rules: [rule] }, attrs)) return false;
  const names = list(rule['resourceNames']).map(asString);
  const name =
    attrs.target.name !== '' ? attrs.target.name : (metaOf(attrs.object ?? {}).name ?? '');
  return names.length === 0 || names.includes(name);
}

export class ValidatingPolicyAdmission {
  private readonly programs = new Map<string, { rv: string; program: AdmissionPolicyProgram }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly logger: Logger | undefined,
  ) {}

  /** Runs every matching binding; returns the warnings or throws the first denial. */
  validate(attrs: AdmissionAttributes, object: KubeObject | undefined): string[] {
    const bindings = this.store.list(BINDING_SKEY);
    if (bindings.length === 0) return [];
    const policies = new Map(this.store.list(POLICY_SKEY).map((p) => [metaOf(p).name ?? '', p]));
    const warnings: string[] = [];
    const denials: Denial[] = [];
    for (const binding of bindings.sort((a, b) =>
      (metaOf(a).name ?? '') < (metaOf(b).name ?? '') ? -1 : 1,
    )) {
      const spec = rec(binding['spec']);
      const policy = policies.get(asString(spec['policyName']));
      if (policy === undefined) continue;
      const pspec = rec(policy['spec']);
      if (!resourcesMatch(this.store, rec(pspec['matchConstraints']), attrs)) continue;
      if (
        isPlainObject(spec['matchResources']) &&
        !resourcesMatch(this.store, spec['matchResources'], attrs)
      )
        continue;
      this.evaluateBinding(policy, binding, { ...attrs, object }, warnings, denials);
    }
    const first = denials[0];
    if (first !== undefined) throw this.denied(attrs, object, first);
    return warnings;
  }

  private evaluateBinding(
    policy: KubeObject,
    binding: KubeObject,
    attrs: AdmissionAttributes,
    warnings: string[],
    denials: Denial[],
  ): void {
    const policyName = metaOf(policy).name ?? '';
    const bindingName = metaOf(binding).name ?? '';
    const pspec = rec(policy['spec']);
    const actions = list(rec(binding['spec'])['validationActions']).map(asString);
    const failurePolicy =
      pspec['failurePolicy'] === FailurePolicy.Ignore ? FailurePolicy.Ignore : FailurePolicy.Fail;
    let params: (KubeObject | null)[];
    try {
      params = this.params(pspec, rec(binding['spec']), attrs);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (failurePolicy === FailurePolicy.Fail) {
        denials.push({
          policy: policyName,
          binding: bindingName,
          message: `failed to configure binding: ${err.message}`,
          reason: 'Invalid',
        });
      }
      return;
    }
    const program = this.program(policy);
    const namespaceObject =
      attrs.target.info.namespaced && attrs.target.namespace !== ''
        ? this.store.get('namespaces', '', attrs.target.namespace)
        : undefined;
    for (const p of params) {
      const result = program.validate({
        object: attrs.object ?? null,
        oldObject: attrs.oldObject ?? null,
        request: requestOf(attrs),
        params: p,
        namespaceObject: namespaceObject ?? null,
      });
      result.decisions.forEach((d, i) => {
        if (d.action !== 'deny') return;
        for (const action of actions) {
          if (action === 'Deny')
            denials.push({
              policy: policyName,
              binding: bindingName,
              message: d.message,
              reason: d.reason,
            });
          else if (action === 'Warn')
            warnings.push(
              `Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${d.message}`,
            );
          else if (action === 'Audit') this.audit(policyName, bindingName, i, d.message, d.reason);
        }
      });
      for (const a of result.auditAnnotations) {
        if (a.action === 'publish')
          this.logger?.info(
            { annotation: `${policyName}/${a.key}`, value: a.value },
            'admission audit annotation',
          );
      }
    }
  }

  private audit(
    policy: string,
    binding: string,
    index: number,
    message: string,
    reason: string,
  ): void {
    this.logger?.info(
      {
        annotation: 'validation.policy.admission.k8s.io/validation_failure',
        value: JSON.stringify([
          {
            message,
            policy,
            binding,
            expressionIndex: index,
            validationActions: ['Audit'],
            reason,
          },
        ]),
      },
      'admission audit annotation',
    );
  }

  /** The params a binding evaluates with: [null] without a paramKind. */
  private params(pspec: Json, bspec: Json, attrs: AdmissionAttributes): (KubeObject | null)[] {
    const paramKind = rec(pspec['paramKind']);
    if (!isPlainObject(pspec['paramKind'])) return [null];
    const info = this.registry.byKind(
      asString(paramKind['apiVersion']),
      asString(paramKind['kind']),
    );
    if (info === undefined) {
      throw new ConfigError(
        `failed to find resource referenced by paramKind: '${asString(paramKind['apiVersion'])}, Kind=${asString(paramKind['kind'])}'`,
      );
    }
    if (!isPlainObject(bspec['paramRef']))
      throw new ConfigError('paramRef is required when paramKind is set');
    const ref = bspec['paramRef'];
    let namespace = '';
    if (info.namespaced) {
      namespace = asString(ref['namespace']) || attrs.target.namespace;
      if (namespace === '') {
        throw new ConfigError(
          'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources',
        );
      }
    }
    const skey = storageKey(info);
    let found: KubeObject[];
    if (asString(ref['name']) !== '') {
      const obj = this.store.get(skey, namespace, asString(ref['name']));
      found = obj === undefined ? [] : [obj];
    } else {
      const matcher = labelSelectorObjectMatcher(ref['selector']);
      found = this.store
        .list(skey, info.namespaced ? namespace : undefined)
        .filter((o) => matcher(metaOf(o).labels ?? {}));
    }
    if (found.length > 0) return found;
    if (ref['parameterNotFoundAction'] === 'Deny') {
      throw new ConfigError(
        'no params found for policy binding with `Deny` parameterNotFoundAction',
      );
    }
    return [];
  }

  /** The policy's compiled CEL, kept until the policy changes. */
  private program(policy: KubeObject): AdmissionPolicyProgram {
    const name = metaOf(policy).name ?? '';
    const rv = metaOf(policy).resourceVersion ?? '';
    const cached = this.programs.get(name);
    if (cached !== undefined && cached.rv === rv) return cached.program;
    const spec = rec(policy['spec']);
    const named = (v: unknown): { name: string; expression: string }[] =>
      list(v)
        .filter(isPlainObject)
        .map((e) => ({ name: asString(e['name']), expression: asString(e['expression']) }));
    const cel: AdmissionPolicySpec = {
      matchConditions: named(spec['matchConditions']),
      variables: named(spec['variables']),
      validations: list(spec['validations'])
        .filter(isPlainObject)
        .map((v) => ({
          expression: asString(v['expression']),
          ...(typeof v['message'] === 'string' ? { message: v['message'] } : {}),
          ...(typeof v['messageExpression'] === 'string'
            ? { messageExpression: v['messageExpression'] }
            : {}),
          ...(typeof v['reason'] === 'string' ? { reason: v['reason'] } : {}),
        })),
      auditAnnotations: list(spec['auditAnnotations'])
        .filter(isPlainObject)
        .map((a) => ({ key: asString(a['key']), valueExpression: asString(a['valueExpression']) })),
      failurePolicy:
        spec['failurePolicy'] === FailurePolicy.Ignore ? FailurePolicy.Ignore : FailurePolicy.Fail,
    };
    const program = new AdmissionPolicyProgram(cel, {
      params: isPlainObject(spec['paramKind']) ? 'all' : 'none',
      authorizer: false,
    });
    this.programs.set(name, { rv, program });
    return program;
  }

  private denied(attrs: AdmissionAttributes, object: KubeObject | undefined, d: Denial): ApiError {
    const { info } = attrs.target;
    const name = attrs.target.name !== '' ? attrs.target.name : (metaOf(object ?? {}).name ?? '');
    const qualified = info.group === '' ? info.resource : `${info.resource}.${info.group}`;
    const message = `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`;
    const text = `${qualified} "${name}" is forbidden: ${message}`;
    return new ApiError(codeFor(d.reason), d.reason, text, {
      name,
      ...(info.group === '' ? {} : { group: info.group }),
      kind: info.resource,
      causes: [{ message }],
    });
  }
}

/** The admission request the policy's `request` variable describes. */
function requestOf(attrs: AdmissionAttributes): Json {
  const { info, namespace, name, subresource } = attrs.target;
  const kind = { group: info.group, version: info.version, kind: info.kind };
  const resource = { group: info.group, version: info.version, resource: info.resource };
  return {
    kind,
    resource,
    subResource: subresource,
    name: name !== '' ? name : (metaOf(attrs.object ?? {}).name ?? ''),
    namespace: info.namespaced ? namespace : '',
    operation: attrs.operation,
    userInfo: {
      username: attrs.user.username,
      uid: attrs.user.uid,
      groups: [...attrs.user.groups],
    },
    dryRun: attrs.dryRun,
    options: {
      apiVersion: 'meta.k8s.io/v1',
      kind:
        attrs.operation === 'CREATE'
          ? 'CreateOptions'
          : attrs.operation === 'UPDATE'
            ? 'UpdateOptions'
            : 'DeleteOptions',
    },
  };
}
