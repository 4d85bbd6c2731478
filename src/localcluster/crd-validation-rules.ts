// CRD validation rules (`x-kubernetes-validations`): compiled with the Kubernetes CEL environment
// when a CRD is written (compile errors and cost-budget violations reject the CRD with
// kube-apiserver's messages) and evaluated on every write of a custom resource, with `self`,
// `oldSelf` transition rules, messageExpression, reason, fieldPath, ratcheting and the cost budget.
import {
  CEL_LIMITS,
  CelCompileError,
  CelEvalError,
  CelOptional,
  KubernetesCelEnv,
  T,
  formatType,
  fromJson,
  parseFormatted,
  maxCardinality,
  schemaDeclType,
  type CelProgram,
  type CelT,
  type CelValue,
} from '../cel/index.js';
import { isPlainObject, jsonEqual } from './object-meta.js';
import {
  FieldErrorType,
  GoValue,
  OMIT_VALUE,
  fieldErrorString,
  type FieldError,
} from './status-errors.js';
import type { SchemaNode } from '../core/index.js';

interface RuleSpec {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

interface CompiledRule {
  readonly spec: RuleSpec;
  readonly program?: CelProgram;
  readonly message?: CelProgram;
  readonly usesOldSelf: boolean;
  readonly fieldPath: string;
}

/** The rules of one schema node and of the nodes below it. */
interface RuleNode {
  readonly type: string;
  readonly self: CelT;
  readonly rules: readonly CompiledRule[];
  readonly properties: ReadonlyMap<string, RuleNode>;
  readonly items?: RuleNode;
  readonly additional?: RuleNode;
  readonly listType?: string;
  readonly listMapKeys?: readonly string[];
  readonly mapType?: string;
}

/** What compiling a version's schema gives: a validator, or the CRD's field errors. */
export interface CompiledRules {
  readonly root: RuleNode | undefined;
  readonly errors: FieldError[];
}

const SUPPORTED_REASONS = [
  'FieldValueDuplicate',
  'FieldValueForbidden',
  'FieldValueInvalid',
  'FieldValueRequired',
];
const BASE_ENV = new KubernetesCelEnv({ variables: new Map() });

function rulesOf(s: SchemaNode): RuleSpec[] {
  const v = s['x-kubernetes-validations'];
  return Array.isArray(v) ? v.filter(isPlainObject).map((r) => r as unknown as RuleSpec) : [];
}

function hasRules(s: SchemaNode | undefined): boolean {
  if (s === undefined) return false;
  if (rulesOf(s).length > 0) return true;
  if (hasRules(s.items)) return true;
  if (isPlainObject(s.additionalProperties) && hasRules(s.additionalProperties)) return true;
  return Object.values(s.properties ?? {}).some(hasRules);
}

/** The rule as kube-apiserver prints it in CRD errors (its JSON form with Go field names). */
function goRule(r: RuleSpec): GoValue {
  const goJson = (x: unknown): string =>
    JSON.stringify(x).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return new GoValue(
    goJson({
      Rule: r.rule ?? '',
      Message: r.message ?? '',
      MessageExpression: r.messageExpression ?? '',
      Reason: r.reason ?? null,
      FieldPath: r.fieldPath ?? '',
      OptionalOldSelf: r.optionalOldSelf ?? null,
    }),
  );
}

interface Ctx {
  readonly errors: FieldError[];
  total: number;
  readonly costs: { path: string; cost: number }[];
}

/** Compiles the rules of a CRD version's schema; `base` is the field path of the schema. */
export function compileRules(schema: SchemaNode | undefined, base: string): CompiledRules {
  if (schema === undefined || !hasRules(schema)) return { root: undefined, errors: [] };
  const ctx: Ctx = { errors: [], total: 0, costs: [] };
  const root = compileNode(
    schema,
    base,
    true,
    `selfType${Date.now() % 1000000}`,
    { cardinality: 1, uncorrelatable: undefined },
    ctx,
  );
  if (ctx.total > CEL_LIMITS.staticPerCrd) {
    // kube-apiserver names the (at most four) most expensive rules above 1% of the limit
    const expensive = ctx.costs.filter((c) => c.cost >= CEL_LIMITS.staticPerCrd / 100);
    for (const c of expensive.sort((a, b) => b.cost - a.cost).slice(0, 4))
      ctx.errors.push({
        type: FieldErrorType.Forbidden,
        field: c.path,
        detail:
          'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema',
      });
    ctx.errors.push({
      type: FieldErrorType.Forbidden,
      field: base,
      detail: costMessage(
        'x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema',
        ctx.total,
        CEL_LIMITS.staticPerCrd,
      ),
    });
  }
  return { root, errors: ctx.errors };
}

function costMessage(name: string, cost: number, limit: number): string {
  const f = cost / limit;
  // Go's %f below 1.5 (so that 1.04 does not read as 1.0x), %.1f above
  const factor = f > 100 ? 'more than 100x' : f < 1.5 ? `${f.toFixed(6)}x` : `${f.toFixed(1)}x`;
  return `${name} exceeds budget by factor of ${factor} (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

interface Position {
  /** how often a node can occur in one object (product of bounded parents), or undefined when unbounded */
  readonly cardinality: number | undefined;
  /** the path of the nearest list that is not a map list (oldSelf is not correlated below it) */
  readonly uncorrelatable: string | undefined;
}

let typeCounter = 0;

function freshTypeName(): string {
  typeCounter = (typeCounter + 1) % 1_000_000_000;
  return `selfType${typeCounter}`;
}

function compileNode(
  s: SchemaNode,
  path: string,
  resourceRoot: boolean,
  typeName: string,
  pos: Position,
  ctx: Ctx,
): RuleNode | undefined {
  if (!hasRules(s)) return undefined;
  // each node's rules see its type under a fresh name, as kube-apiserver compiles them
  const decl = schemaDeclType(s, resourceRoot, freshTypeName());
  const self = decl?.type ?? T.dyn;
  const specs = rulesOf(s);
  const fieldsOk = specs.map((r, i) =>
    specValid(r, s, `${path}.x-kubernetes-validations[${i}]`, ctx),
  );
  const skip = fieldsOk.some((ok) => !ok);
  // kube-apiserver compiles a node's rules only when their fields are all valid
  const rules = specs.map((r, i) =>
    skip
      ? { spec: r, usesOldSelf: false, fieldPath: '' }
      : compileRule(
          r,
          self,
          `${path}.x-kubernetes-validations[${i}]`,
          decl?.minSize ?? 1,
          pos,
          ctx,
        ),
  );
  const properties = new Map<string, RuleNode>();
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    const n = compileNode(
      sub,
      `${path}.properties[${k}]`,
      sub['x-kubernetes-embedded-resource'] === true,
      `${typeName}.${k}`,
      pos,
      ctx,
    );
    if (n !== undefined) properties.set(k, n);
  }
  const listType =
    typeof s['x-kubernetes-list-type'] === 'string' ? s['x-kubernetes-list-type'] : undefined;
  const keys = Array.isArray(s['x-kubernetes-list-map-keys'])
    ? (s['x-kubernetes-list-map-keys'] as string[])
    : undefined;
  const childPos = (max: unknown, correlated: boolean): Position => ({
    cardinality:
      pos.cardinality === undefined || typeof max !== 'number' ? undefined : pos.cardinality * max,
    uncorrelatable: pos.uncorrelatable ?? (correlated ? undefined : path),
  });
  const items =
    s.items === undefined
      ? undefined
      : compileNode(
          s.items,
          `${path}.items`,
          s.items['x-kubernetes-embedded-resource'] === true,
          `${typeName}.@idx`,
          childPos(s.maxItems, listType === 'map'),
          ctx,
        );
  const ap = isPlainObject(s.additionalProperties) ? s.additionalProperties : undefined;
  const additional =
    ap === undefined
      ? undefined
      : compileNode(
          ap,
          `${path}.additionalProperties`,
          ap['x-kubernetes-embedded-resource'] === true,
          `${typeName}.@elem`,
          childPos(s.maxProperties, true),
          ctx,
        );
  return {
    type: typeof s.type === 'string' ? s.type : '',
    self,
    rules,
    properties,
    ...(items === undefined ? {} : { items }),
    ...(additional === undefined ? {} : { additional }),
    ...(listType === undefined ? {} : { listType }),
    ...(keys === undefined ? {} : { listMapKeys: keys }),
    ...(typeof s['x-kubernetes-map-type'] === 'string'
      ? { mapType: s['x-kubernetes-map-type'] }
      : {}),
  };
}

function compileRule(
  r: RuleSpec,
  self: CelT,
  path: string,
  minSize: number,
  pos: Position,
  ctx: Ctx,
): CompiledRule {
  const fieldPath = typeof r.fieldPath === 'string' ? r.fieldPath : '';
  const none: CompiledRule = { spec: r, usesOldSelf: false, fieldPath };
  if (r.rule.trim() === '') return none;
  const oldSelf = r.optionalOldSelf === true ? T.optional(self) : self;
  const env = BASE_ENV.extend(
    new Map([
      ['self', self],
      ['oldSelf', oldSelf],
    ]),
  );
  let program: CelProgram;
  try {
    program = env.compile(r.rule);
  } catch (e) {
    const detail = e instanceof CelCompileError ? `compilation failed: ${e.message}` : String(e);
    ctx.errors.push({
      type: FieldErrorType.Invalid,
      field: `${path}.rule`,
      value: goRule(r),
      detail,
    });
    return none;
  }
  if (formatType(program.outputType) !== 'bool') {
    ctx.errors.push({
      type: FieldErrorType.Invalid,
      field: `${path}.rule`,
      value: goRule(r),
      detail: 'cel expression must evaluate to a bool',
    });
    return none;
  }
  const cardinality = pos.cardinality ?? maxCardinality(minSize);
  const cost = mulCap(program.estimate.max, cardinality);
  if (cost > CEL_LIMITS.staticPerExpression)
    ctx.errors.push({
      type: FieldErrorType.Forbidden,
      field: `${path}.rule`,
      detail: costMessage('estimated rule cost', cost, CEL_LIMITS.staticPerExpression),
    });
  ctx.total += cost;
  ctx.costs.push({ path: `${path}.rule`, cost });
  const usesOldSelf = program.uses('oldSelf');
  let message: CelProgram | undefined;
  if (r.messageExpression !== undefined && r.messageExpression !== '') {
    try {
      message = env.compile(r.messageExpression);
      if (formatType(message.outputType) !== 'string') {
        ctx.errors.push({
          type: FieldErrorType.Invalid,
          field: `${path}.messageExpression`,
          value: goRule(r),
          detail: 'messageExpression must evaluate to a string',
        });
        message = undefined;
      } else {
        const mc = mulCap(message.estimate.max, cardinality);
        if (mc > CEL_LIMITS.staticPerExpression)
          ctx.errors.push({
            type: FieldErrorType.Forbidden,
            field: `${path}.messageExpression`,
            detail: costMessage(
              'estimated messageExpression cost',
              mc,
              CEL_LIMITS.staticPerExpression,
            ),
          });
        ctx.total += mc;
        ctx.costs.push({ path: `${path}.messageExpression`, cost: mc });
      }
    } catch (e) {
      const detail =
        e instanceof CelCompileError
          ? `messageExpression compilation failed: ${e.message}`
          : String(e);
      ctx.errors.push({
        type: FieldErrorType.Invalid,
        field: `${path}.messageExpression`,
        value: goRule(r),
        detail,
      });
    }
  }
  if (usesOldSelf && pos.uncorrelatable !== undefined)
    ctx.errors.push({
      type: FieldErrorType.Invalid,
      field: `${path}.rule`,
      value: r.rule,
      detail: `oldSelf cannot be used on the uncorrelatable portion of the schema within ${pos.uncorrelatable}`,
    });
  else if (!usesOldSelf && r.optionalOldSelf !== undefined)
    ctx.errors.push({
      type: FieldErrorType.Invalid,
      field: `${path}.optionalOldSelf`,
      value: r.optionalOldSelf,
      detail: 'may not be set if oldSelf is not used in rule',
    });
  return {
    spec: r,
    program,
    ...(message === undefined ? {} : { message }),
    usesOldSelf,
    fieldPath: normalizeFieldPath(fieldPath),
  };
}

function mulCap(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return a > Number.MAX_SAFE_INTEGER / b ? Number.MAX_SAFE_INTEGER : a * b;
}

/** The schema-level checks of a rule's fields (apiextensions validation). */
function specValid(r: RuleSpec, s: SchemaNode, path: string, ctx: Ctx): boolean {
  const before = ctx.errors.length;
  if (typeof r.rule !== 'string' || r.rule.trim() === '')
    ctx.errors.push({
      type: FieldErrorType.Required,
      field: `${path}.rule`,
      detail: 'rule is not specified',
    });
  if (r.message !== undefined && r.message !== '' && r.message.trim() === '')
    ctx.errors.push({
      type: FieldErrorType.Invalid,
      field: `${path}.message`,
      value: r.message,
      detail: 'must be non-empty if specified',
    });
  else if (r.message !== undefined && /[\r\n]/.test(r.message))
    ctx.errors.push({
      type: FieldErrorType.Invalid,
      field: `${path}.message`,
      value: r.message,
      detail: 'must not contain line breaks',
    });
  else if ((r.message ?? '') === '' && typeof r.rule === 'string' && /[\r\n]/.test(r.rule.trim()))
    ctx.errors.push({
      type: FieldErrorType.Required,
      field: `${path}.message`,
      detail: 'message must be specified if rule contains line breaks',
    });
  if (
    r.messageExpression !== undefined &&
    r.messageExpression !== '' &&
    r.messageExpression.trim() === ''
  )
    ctx.errors.push({
      type: FieldErrorType.Required,
      field: `${path}.messageExpression`,
      detail: 'messageExpression must be non-empty if specified',
    });
  if (r.reason !== undefined && !SUPPORTED_REASONS.includes(r.reason))
    ctx.errors.push({
      type: FieldErrorType.NotSupported,
      field: `${path}.reason`,
      value: r.reason,
      detail: `supported values: ${SUPPORTED_REASONS.map((x) => JSON.stringify(x)).join(', ')}`,
    });
  // an empty fieldPath is an unset one (a Go string)
  if (r.fieldPath !== undefined && r.fieldPath !== '') {
    if (r.fieldPath.trim() === '')
      ctx.errors.push({
        type: FieldErrorType.Invalid,
        field: `${path}.fieldPath`,
        value: r.fieldPath,
        detail: 'must be non-empty if specified',
      });
    else if (/[\r\n]/.test(r.fieldPath))
      ctx.errors.push({
        type: FieldErrorType.Invalid,
        field: `${path}.fieldPath`,
        value: r.fieldPath,
        detail: 'must not contain line breaks',
      });
    else if (!fieldPathValid(r.fieldPath, s))
      ctx.errors.push({
        type: FieldErrorType.Invalid,
        field: `${path}.fieldPath`,
        value: r.fieldPath,
        detail: 'must be a valid path',
      });
  }
  return ctx.errors.length === before;
}

/** `.a.b['c']` tokens: names and quoted keys. */
function fieldPathTokens(p: string): { name: string; quoted: boolean }[] | undefined {
  const out: { name: string; quoted: boolean }[] = [];
  const re = /\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]/y;
  let i = 0;
  while (i < p.length) {
    re.lastIndex = i;
    const m = re.exec(p);
    if (m === null) return undefined;
    out.push(
      m[1] !== undefined
        ? { name: m[1], quoted: false }
        : { name: (m[2] ?? '').replace(/\\(.)/g, '$1'), quoted: true },
    );
    i = re.lastIndex;
  }
  return out;
}

function fieldPathValid(p: string, s: SchemaNode): boolean {
  const toks = fieldPathTokens(p);
  if (toks === undefined) return false;
  let cur: SchemaNode | undefined = s;
  for (const t of toks) {
    if (cur === undefined) return false;
    if (cur.properties !== undefined) cur = cur.properties[t.name];
    else if (isPlainObject(cur.additionalProperties)) cur = cur.additionalProperties;
    else return false;
  }
  return cur !== undefined;
}

function normalizeFieldPath(p: string): string {
  const toks = fieldPathTokens(p);
  if (toks === undefined) return '';
  return toks
    .map((t, i) =>
      /^[a-zA-Z0-9_-]+$/.test(t.name)
        ? `${i === 0 ? '' : '.'}${t.name}`
        : `[${JSON.stringify(t.name)}]`,
    )
    .join('');
}

/** The result of validating one object: errors, and ratcheted errors as warnings. */
export interface RuleResult {
  readonly errors: FieldError[];
  readonly warnings: string[];
}

/** field.OmitValueType: the error shows no value. */
const OMIT = Symbol('omit');

interface Walk {
  budget: number;
  readonly errors: FieldError[];
  readonly warnings: string[];
  stop: boolean;
}

/** Evaluates the rules on an object (and its old version on update). */
export function evaluateRules(root: RuleNode, obj: unknown, old: unknown): RuleResult {
  const w: Walk = { budget: CEL_LIMITS.runtimeBudget, errors: [], warnings: [], stop: false };
  visit(root, '', obj, old, old !== undefined, w);
  return { errors: w.errors, warnings: w.warnings };
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function visit(
  n: RuleNode,
  path: string,
  obj: unknown,
  old: unknown,
  correlated: boolean,
  w: Walk,
): void {
  if (obj === null || obj === undefined || w.stop) return;
  const unchanged = correlated && old !== undefined && jsonEqual(obj, old);
  runRules(n, path, obj, correlated ? old : undefined, unchanged, w);
  if (w.stop) return;
  if (Array.isArray(obj) && n.items !== undefined) {
    const oldList = Array.isArray(old) && n.listType === 'map' ? old : undefined;
    obj.forEach((item, i) => {
      const o = oldList === undefined ? undefined : findByKeys(oldList, item, n.listMapKeys ?? []);
      visit(n.items as RuleNode, `${path}[${i}]`, item, o, o !== undefined, w);
    });
  } else if (isPlainObject(obj)) {
    // old values correlate by key in granular and atomic maps (every map type Kubernetes has)
    const correlatable =
      n.mapType === undefined || n.mapType === 'granular' || n.mapType === 'atomic';
    const oldMap = isPlainObject(old) && correlatable ? old : undefined;
    for (const [k, v] of Object.entries(obj)) {
      const sub = n.properties.get(k) ?? n.additional;
      if (sub === undefined) continue;
      const keyPath = n.properties.has(k) ? child(path, k) : `${path}[${k}]`;
      visit(sub, keyPath, v, oldMap?.[k], oldMap !== undefined && k in oldMap, w);
      if (w.stop) return;
    }
  }
}

function findByKeys(list: unknown[], item: unknown, keys: readonly string[]): unknown {
  if (!isPlainObject(item)) return undefined;
  return list.find((o) => isPlainObject(o) && keys.every((k) => jsonEqual(o[k], item[k])));
}

function runRules(
  n: RuleNode,
  path: string,
  obj: unknown,
  old: unknown,
  unchanged: boolean,
  w: Walk,
): void {
  // the root's field path is nil in kube-apiserver, printed `<nil>`
  const here = path === '' ? '<nil>' : path;
  if (n.rules.length === 0) return;
  const composite = isPlainObject(obj) || Array.isArray(obj);
  const typeValue = n.type;
  const invalid = (detail: string): FieldError => ({
    type: FieldErrorType.Invalid,
    field: here,
    value: typeValue,
    detail,
  });
  if (w.budget <= 0) {
    w.errors.push(
      invalid(
        'validation failed due to running out of cost budget, no further validation rules will be run',
      ),
    );
    w.stop = true;
    return;
  }
  const self = fromJson(obj, n.self, parseFormatted);
  const oldSelf = old === undefined ? undefined : fromJson(old, n.self, parseFormatted);
  for (const r of n.rules) {
    if (r.program === undefined) continue;
    const optional = r.spec.optionalOldSelf === true;
    if (r.usesOldSelf && oldSelf === undefined && !optional) continue;
    const vars = new Map<string, CelValue>([['self', self]]);
    if (optional)
      vars.set('oldSelf', oldSelf === undefined ? CelOptional.NONE : new CelOptional(oldSelf));
    else if (oldSelf !== undefined) vars.set('oldSelf', oldSelf);
    const ruleText = ruleErrorString(r.spec);
    let ok: boolean;
    try {
      const res = r.program.evaluate(
        vars,
        Math.min(CEL_LIMITS.perCallLimit, Number.MAX_SAFE_INTEGER),
      );
      if (res.cost > w.budget) {
        w.errors.push(
          invalid(
            'validation failed due to running out of cost budget, no further validation rules will be run',
          ),
        );
        w.stop = true;
        return;
      }
      w.budget -= res.cost;
      ok = res.value === true;
    } catch (thrown) {
      // a library failing in an unforeseen way is reported like any evaluation error, not as a 500
      const e =
        thrown instanceof CelEvalError
          ? thrown
          : new CelEvalError(thrown instanceof Error ? thrown.message : String(thrown));
      if (e.costLimit) {
        w.errors.push(
          invalid(
            `'${e.message}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleText}`,
          ),
        );
        w.stop = true;
        return;
      }
      if (e.message.startsWith('no such overload'))
        w.errors.push(
          invalid(
            `'${e.message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText}`,
          ),
        );
      else w.errors.push(invalid(`${e.message} evaluating rule: ${ruleText}`));
      continue;
    }
    if (ok) continue;
    const at =
      r.fieldPath === ''
        ? here
        : r.fieldPath.startsWith('[')
          ? `${path}${r.fieldPath}`
          : child(path, r.fieldPath);
    const detail = messageFor(r, vars, w) ?? ruleMessageOrDefault(r.spec);
    if (w.stop) return;
    const err = errorForReason(r.spec.reason, at, composite ? OMIT : obj, detail);
    if (!r.usesOldSelf && unchanged) w.warnings.push(fieldErrorString(err));
    else w.errors.push(err);
  }
}

function messageFor(r: CompiledRule, vars: Map<string, CelValue>, w: Walk): string | undefined {
  if (r.message === undefined) return undefined;
  try {
    const res = r.message.evaluate(vars, CEL_LIMITS.perCallLimit);
    if (res.cost > w.budget) {
      w.stop = true;
      return 'messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run';
    }
    w.budget -= res.cost;
    if (typeof res.value !== 'string') return undefined;
    const s = res.value.trim();
    if (s === '' || s.length > CEL_LIMITS.maxMessageExpressionLength || /\n/.test(s))
      return undefined;
    return s;
  } catch (e) {
    if (e instanceof CelEvalError && e.costLimit) {
      w.stop = true;
      return `no further validation rules will be run due to call cost exceeds limit for messageExpression: ${JSON.stringify(r.spec.messageExpression)}`;
    }
    return undefined;
  }
}

function ruleErrorString(r: RuleSpec): string {
  return r.message !== undefined && r.message.length > 0 ? r.message.trim() : r.rule.trim();
}

function ruleMessageOrDefault(r: RuleSpec): string {
  return r.message === undefined || r.message.length === 0
    ? `failed rule: ${ruleErrorString(r)}`
    : r.message.trim();
}

function errorForReason(
  reason: string | undefined,
  field: string,
  value: unknown,
  detail: string,
): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return { type: FieldErrorType.Forbidden, field, detail };
    case 'FieldValueRequired':
      return { type: FieldErrorType.Required, field, detail };
    case 'FieldValueDuplicate':
      return { type: FieldErrorType.Duplicate, field, value: value === OMIT ? OMIT_VALUE : value };
    default:
      return value === OMIT
        ? { type: FieldErrorType.Invalid, field, detail, value: OMIT_VALUE }
        : { type: FieldErrorType.Invalid, field, value, detail };
  }
}

const cache = new WeakMap<SchemaNode, RuleNode | null>();

/** The compiled rules of a served schema (compiled once per schema object). */
export function rulesFor(schema: SchemaNode): RuleNode | undefined {
  let n = cache.get(schema);
  if (n === undefined) {
    n = compileRules(schema, '').root ?? null;
    cache.set(schema, n);
  }
  return n ?? undefined;
}

const BLOCKING: readonly string[] = [
  FieldErrorType.NotSupported,
  FieldErrorType.Required,
  FieldErrorType.TypeInvalid,
];

/**
 * Schema errors plus the rules' errors, as the custom resource strategy combines them: rules
 * are not run when a schema error makes the object unfit for them.
 */
export function withRuleErrors(
  schema: SchemaNode,
  obj: unknown,
  old: unknown,
  schemaErrors: readonly FieldError[],
): RuleResult {
  const root = rulesFor(schema);
  if (root === undefined) return { errors: [...schemaErrors], warnings: [] };
  if (schemaErrors.some((e) => BLOCKING.includes(e.type)))
    return {
      errors: [
        ...schemaErrors,
        {
          type: FieldErrorType.Invalid,
          field: '<nil>',
          value: new GoValue('null'),
          detail:
            'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        },
      ],
      warnings: [],
    };
  const r = evaluateRules(root, obj, old);
  return { errors: [...schemaErrors, ...r.errors], warnings: r.warnings };
}
