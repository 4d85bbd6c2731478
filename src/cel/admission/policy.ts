// A validating admission policy's CEL, compiled once and evaluated per request with
// kube-apiserver's semantics (plugin/policy/validating/validator.go): match conditions gate
// everything, variables are evaluated lazily at most once per request, each validation yields an
// admit or deny decision with messageExpression/message/"failed expression: …", evaluation errors
// follow the failure policy, and audit annotations publish strings. Shared by the local cluster's
// ValidatingAdmissionPolicy and Gatekeeper's K8sNativeValidation engine.
import { CEL_LIMITS, KubernetesCelEnv, type CelProgram } from '../env.js';
import { CelCompileError, CelEvalError } from '../errors.js';
import { authorizerValue } from '../lib/authz.js';
import type { Authorizer } from '../library.js';
import { T, formatType, type CelT } from '../types.js';
import { celMap, fromJson, type CelValue } from '../values.js';
import { admissionVariables, NAMESPACE_TYPE, REQUEST_TYPE } from './environment.js';
import { celRequest } from './request.js';

export const FailurePolicy = { Fail: 'Fail', Ignore: 'Ignore' } as const;
export type FailurePolicy = (typeof FailurePolicy)[keyof typeof FailurePolicy];

export interface PolicyValidation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
}

export interface NamedExpression {
  readonly name: string;
  readonly expression: string;
}

export interface PolicyAuditAnnotation {
  readonly key: string;
  readonly valueExpression: string;
}

/** The CEL parts of a ValidatingAdmissionPolicy spec. */
export interface AdmissionPolicySpec {
  readonly matchConditions?: readonly NamedExpression[];
  readonly variables?: readonly NamedExpression[];
  readonly validations?: readonly PolicyValidation[];
  readonly auditAnnotations?: readonly PolicyAuditAnnotation[];
  /** @default Fail */
  readonly failurePolicy?: FailurePolicy;
}

export interface CompileOptions {
  /**
   * Where `params` is declared: everywhere (a ValidatingAdmissionPolicy with a paramKind), only in
   * variables (Gatekeeper binds `variables.params` and hides the constraint), or nowhere.
   */
  readonly params: 'all' | 'variables' | 'none';
  /** `authorizer` is declared in variables, match conditions and validations. */
  readonly authorizer: boolean;
}

/** A compiled expression, or the compile error kube-apiserver reports at evaluation. */
type Compiled = { readonly program: CelProgram } | { readonly error: string };

export type DecisionAction = 'admit' | 'deny';
export interface PolicyDecision {
  readonly action: DecisionAction;
  /** `admit`, `deny`, or `error` when the expression failed to compile or evaluate */
  readonly evaluation: 'admit' | 'deny' | 'error';
  readonly message: string;
  /** Status reason of a deny (`Invalid` unless the validation names one). */
  readonly reason: string;
  /** the validation's expression (for audit annotations) */
  readonly expression: string;
}

export interface AuditAnnotationResult {
  readonly key: string;
  readonly action: 'publish' | 'exclude' | 'error';
  readonly value?: string;
  readonly error?: string;
}

export interface ValidateResult {
  /** false when a match condition was false (the policy does not apply; no decisions) */
  readonly matched: boolean;
  readonly decisions: readonly PolicyDecision[];
  readonly auditAnnotations: readonly AuditAnnotationResult[];
}

/** What one request gives the policy's expressions. */
export interface AdmissionActivation {
  readonly object: unknown;
  readonly oldObject: unknown;
  /** the request (admission/v1 fields; missing ones default as kube-apiserver fills them) */
  readonly request: Readonly<Record<string, unknown>>;
  readonly params?: unknown;
  readonly namespaceObject?: unknown;
  readonly authorizer?: Authorizer;
}

export class AdmissionPolicyProgram {
  private readonly matchConditions: readonly (NamedExpression & { compiled: Compiled })[];
  private readonly variables: readonly { name: string; compiled: Compiled }[];
  private readonly validations: readonly (PolicyValidation & {
    compiled: Compiled;
    messageCompiled: Compiled | undefined;
  })[];
  private readonly auditAnnotations: readonly (PolicyAuditAnnotation & { compiled: Compiled })[];
  readonly failurePolicy: FailurePolicy;

  constructor(spec: AdmissionPolicySpec, options: CompileOptions) {
    this.failurePolicy = spec.failurePolicy ?? FailurePolicy.Fail;
    const varTypes = new Map<string, CelT>();
    const envFor = (params: boolean, authorizer: boolean): KubernetesCelEnv => {
      const vars = admissionVariables(new Map(varTypes));
      if (!params) vars.delete('params');
      if (!authorizer) vars.delete('authorizer');
      return new KubernetesCelEnv({ variables: vars });
    };
    const variables: { name: string; compiled: Compiled }[] = [];
    for (const v of spec.variables ?? []) {
      // each variable sees the ones declared before it
      const env = envFor(options.params !== 'none', options.authorizer);
      const compiled = compile(env, v.expression, undefined);
      varTypes.set(v.name, 'program' in compiled ? compiled.program.outputType : T.dyn);
      variables.push({ name: v.name, compiled });
    }
    this.variables = variables;
    const env = envFor(options.params === 'all', options.authorizer);
    const plain = envFor(options.params === 'all', false);
    this.matchConditions = (spec.matchConditions ?? []).map((m) => ({
      ...m,
      compiled: compile(env, m.expression, [T.bool]),
    }));
    this.validations = (spec.validations ?? []).map((v) => ({
      ...v,
      compiled: compile(env, v.expression, [T.bool]),
      messageCompiled:
        v.messageExpression === undefined || v.messageExpression === ''
          ? undefined
          : compile(plain, v.messageExpression, [T.string]),
    }));
    this.auditAnnotations = (spec.auditAnnotations ?? []).map((a) => ({
      ...a,
      compiled: compile(plain, a.valueExpression, [T.string, T.null]),
    }));
  }

  /** The compile errors of every expression (for a policy's status or a template's errors). */
  compileErrors(): string[] {
    const all: Compiled[] = [
      ...this.variables.map((v) => v.compiled),
      ...this.matchConditions.map((m) => m.compiled),
      ...this.validations.flatMap((v) =>
        v.messageCompiled === undefined ? [v.compiled] : [v.compiled, v.messageCompiled],
      ),
      ...this.auditAnnotations.map((a) => a.compiled),
    ];
    return all.flatMap((c) => ('error' in c ? [c.error] : []));
  }

  /** Evaluates the policy for one request. */
  validate(act: AdmissionActivation): ValidateResult {
    const run = new Evaluation(act, this.variables);
    const matched = this.match(run);
    if (matched !== true) {
      if (matched === false) return { matched: false, decisions: [], auditAnnotations: [] };
      return {
        matched: true,
        decisions: [this.errorDecision(matched.error, '')],
        auditAnnotations: [],
      };
    }
    const decisions = this.validations.map((v) => this.decide(run, v));
    const auditAnnotations = this.auditAnnotations.map((a) => annotate(run, a));
    return { matched: true, decisions, auditAnnotations };
  }

  /** true, false, or an error that the failure policy turns into a decision. */
  private match(run: Evaluation): boolean | { error: string } {
    const errors: string[] = [];
    for (const m of this.matchConditions) {
      const r = run.evaluate(m.compiled, m.expression, CEL_LIMITS.runtimeBudget);
      if ('error' in r) errors.push(r.error);
      else if (r.value === false) return false;
    }
    if (errors.length === 0) return true;
    if (this.failurePolicy === FailurePolicy.Ignore) return false;
    return { error: errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]` };
  }

  private errorDecision(message: string, expression: string): PolicyDecision {
    return {
      action: this.failurePolicy === FailurePolicy.Ignore ? 'admit' : 'deny',
      evaluation: 'error',
      message,
      reason: 'Invalid',
      expression,
    };
  }

  private decide(
    run: Evaluation,
    v: PolicyValidation & { compiled: Compiled; messageCompiled: Compiled | undefined },
  ): PolicyDecision {
    const r = run.evaluate(v.compiled, v.expression);
    if ('error' in r) return this.errorDecision(r.error, v.expression);
    if (r.value === true) {
      return {
        action: 'admit',
        evaluation: 'admit',
        message: '',
        reason: '',
        expression: v.expression,
      };
    }
    let message = '';
    if (v.messageCompiled !== undefined && v.messageExpression !== undefined) {
      const m = run.evaluate(v.messageCompiled, v.messageExpression);
      if (!('error' in m) && typeof m.value === 'string' && !m.value.includes('\n')) {
        const s = m.value.trim();
        if (Buffer.byteLength(s) <= CEL_LIMITS.maxMessageExpressionLength) message = s;
      }
    }
    if (message === '') message = v.message ?? '';
    if (message === '') message = `failed expression: ${v.expression.trim()}`;
    return {
      action: 'deny',
      evaluation: 'deny',
      message,
      reason: v.reason ?? 'Invalid',
      expression: v.expression,
    };
  }
}

function annotate(
  run: Evaluation,
  a: PolicyAuditAnnotation & { compiled: Compiled },
): AuditAnnotationResult {
  const r = run.evaluate(a.compiled, a.valueExpression);
  if ('error' in r) return { key: a.key, action: 'error', error: r.error };
  if (r.value === null) return { key: a.key, action: 'exclude' };
  if (typeof r.value === 'string') {
    const value = r.value.trim();
    return value === ''
      ? { key: a.key, action: 'exclude' }
      : { key: a.key, action: 'publish', value };
  }
  return {
    key: a.key,
    action: 'error',
    error: `valueExpression '${a.valueExpression}' resulted in unsupported return type: ${typeof r.value}. Return type must be either string or null.`,
  };
}

/** Compiles with kube-apiserver's return-type check; a failure is kept as its error text. */
function compile(env: KubernetesCelEnv, source: string, returns: CelT[] | undefined): Compiled {
  let program: CelProgram;
  try {
    program = env.compile(source);
  } catch (err) {
    if (err instanceof CelCompileError) return { error: `compilation failed: ${err.message}` };
    throw err;
  }
  if (returns !== undefined) {
    const out = formatType(program.outputType);
    if (!returns.some((t) => formatType(t) === out)) {
      // cel-go's Type.String(): null is `null_type`
      const want = returns.map((t) => (formatType(t) === 'null' ? 'null_type' : formatType(t)));
      const got = out === 'null' ? 'null_type' : out;
      return {
        error:
          want.length === 1
            ? `must evaluate to ${want[0] ?? ''} but got ${got}`
            : `must evaluate to one of [${want.join(' ')}] but got ${got}`,
      };
    }
  }
  return { program };
}

/** One request's evaluation: its activation values and lazily evaluated variables. */
class Evaluation {
  private readonly vars: Map<string, CelValue>;
  private spent = 0;

  constructor(
    act: AdmissionActivation,
    variables: readonly { name: string; compiled: Compiled }[],
  ) {
    const lazy = new LazyVariables(variables, (c, expr) => this.evaluate(c, expr));
    this.vars = new Map<string, CelValue>([
      ['object', fromJson(act.object ?? null, undefined)],
      ['oldObject', fromJson(act.oldObject ?? null, undefined)],
      ['params', fromJson(act.params ?? null, undefined)],
      ['request', fromJson(celRequest(act.request), REQUEST_TYPE)],
      ['namespaceObject', fromJson(act.namespaceObject ?? null, NAMESPACE_TYPE)],
      ['variables', celMap(lazy as unknown as ReadonlyMap<string, never>)],
    ]);
    if (act.authorizer !== undefined) this.vars.set('authorizer', authorizerValue(act.authorizer));
  }

  /** Evaluates a compiled expression with the per-call limit and the request's budget. */
  evaluate(
    c: Compiled,
    expression: string,
    budget: number = CEL_LIMITS.runtimeBudget,
  ): { value: CelValue } | { error: string } {
    if ('error' in c) return { error: `compilation error: ${c.error}` };
    const remaining = budget - this.spent;
    if (remaining <= 0) {
      return {
        error:
          'validation failed due to running out of cost budget, no further validation rules will be run',
      };
    }
    try {
      const r = c.program.evaluate(this.vars, Math.min(CEL_LIMITS.perCallLimit, remaining));
      this.spent += r.cost;
      return { value: r.value };
    } catch (err) {
      if (err instanceof CelEvalError) {
        return { error: `expression '${expression}' resulted in error: ${err.message}` };
      }
      throw err;
    }
  }
}

/** `variables`: a map whose entries are computed on first access and then kept. */
class LazyVariables extends Map<string, CelValue> {
  private readonly done = new Map<string, { value: CelValue } | { error: string }>();
  private readonly defs: Map<string, Compiled>;

  constructor(
    defs: readonly { name: string; compiled: Compiled }[],
    private readonly run: (c: Compiled, expr: string) => { value: CelValue } | { error: string },
  ) {
    super();
    this.defs = new Map(defs.map((d) => [d.name, d.compiled]));
  }

  override get size(): number {
    return this.defs.size;
  }

  override has(key: string): boolean {
    return this.defs.has(key);
  }

  override get(key: string): CelValue | undefined {
    const compiled = this.defs.get(key);
    if (compiled === undefined) return undefined;
    let r = this.done.get(key);
    if (r === undefined) {
      r = this.run(compiled, key);
      this.done.set(key, r);
    }
    if ('error' in r)
      throw new CelEvalError(`composited variable "${key}" fails to evaluate: ${r.error}`);
    return r.value;
  }
}
