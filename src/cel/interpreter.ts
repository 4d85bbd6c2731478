// Evaluates a checked expression with cel-go's semantics (commutative error absorption in && and
// ||, comprehensions, optionals) while counting cel-go's runtime cost, so that Kubernetes' per-call
// limit and per-object budget cancel evaluation where kube-apiserver would.
import { ACCU, type Expr } from './ast.js';
import type { CheckedExpr } from './checker.js';
import { COST_LIMIT_MESSAGE, CelEvalError } from './errors.js';
import type { CallContext, FunctionOverload } from './library.js';
import { mapGet, keyString, TypeValueOpaque, withBufContext } from './lib/std.js';
import type { CelT } from './types.js';
import {
  CelOpaque,
  CelOptional,
  celList,
  celMap,
  isCelList,
  isCelMap,
  isCelUint,
  isDuration,
  isTimestamp,
  type CelValue,
} from './values.js';

/** Runtime cost of one call (Kubernetes' CostEstimator.CallCost, then cel-go's defaults). */
export type CallCostFn = (
  fn: string,
  overloadId: string,
  args: CelValue[],
  result: CelValue,
) => number;

export interface EvalResult {
  readonly value: CelValue;
  readonly cost: number;
}

const TYPE_IDENT_VALUES: Record<string, string> = {
  int: 'int',
  uint: 'uint',
  double: 'double',
  bool: 'bool',
  string: 'string',
  bytes: 'bytes',
  null_type: 'null_type',
  list: 'list',
  map: 'map',
  type: 'type',
};

class Scope {
  constructor(
    readonly parent: Scope | undefined,
    readonly vars: Map<string, CelValue>,
  ) {}
  find(name: string): { v: CelValue } | undefined {
    if (this.vars.has(name)) return { v: this.vars.get(name) as CelValue };
    return this.parent?.find(name);
  }
}

/** A compiled, reusable evaluation of one checked expression. */
export class Interpreter {
  constructor(
    private readonly checked: CheckedExpr,
    private readonly functions: ReadonlyMap<string, readonly FunctionOverload[]>,
    private readonly callCost: CallCostFn,
  ) {}

  /** Evaluates with the variables given; throws CelEvalError (a cost limit is one). */
  eval(vars: ReadonlyMap<string, CelValue>, limit = Infinity, ctx: CallContext = {}): EvalResult {
    const run = new Run(this, limit, ctx);
    const value = withBufContext(() =>
      run.eval(this.checked.parsed.expr, new Scope(undefined, new Map(vars))),
    );
    return { value, cost: run.cost };
  }

  overloadsOf(id: number): readonly FunctionOverload[] {
    const ids = this.checked.overloads.get(id) ?? [];
    const name = this.checked.qualified.get(id);
    const out: FunctionOverload[] = [];
    for (const oid of ids) {
      const o = this.byId(oid, name);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  private cache = new Map<string, FunctionOverload | undefined>();

  private byId(id: string, _name: string | undefined): FunctionOverload | undefined {
    if (this.cache.has(id)) return this.cache.get(id);
    let found: FunctionOverload | undefined;
    for (const ovs of this.functions.values()) {
      found = ovs.find((o) => o.id === id);
      if (found !== undefined) break;
    }
    this.cache.set(id, found);
    return found;
  }

  private readonly constants = new Map<number, CelValue | undefined>();

  /**
   * The value of a node cel-go folds when it plans with OptOptimize (type conversions of
   * constants, list and map literals of constants): such nodes cost nothing at run time.
   */
  folded(e: Expr): CelValue | undefined {
    if (e.k !== 'call' && e.k !== 'list' && e.k !== 'map') return undefined;
    if (this.constants.has(e.id)) return this.constants.get(e.id);
    let v: CelValue | undefined;
    if (isConstant(e)) {
      try {
        v = new Run(this, Infinity, {}).evalRaw(e);
      } catch {
        v = undefined;
      }
    }
    this.constants.set(e.id, v);
    return v;
  }

  costOf(fn: string, id: string, args: CelValue[], result: CelValue): number {
    return this.callCost(fn, id, args, result);
  }
}

class Run {
  cost = 0;

  constructor(
    private readonly prog: Interpreter,
    private readonly limit: number,
    private readonly ctx: CallContext,
  ) {}

  evalRaw(e: Expr): CelValue {
    switch (e.k) {
      case 'call':
        return this.call(e, new Scope(undefined, new Map()));
      case 'list':
        return this.list(e, new Scope(undefined, new Map()));
      case 'map':
        return this.map(e, new Scope(undefined, new Map()));
      default:
        return this.eval(e, new Scope(undefined, new Map()));
    }
  }

  private add(n: number): void {
    this.cost += n;
    if (this.cost > this.limit) throw new CelEvalError(COST_LIMIT_MESSAGE, true);
  }

  eval(e: Expr, s: Scope): CelValue {
    const folded = this.prog.folded(e);
    if (folded !== undefined) return folded;
    switch (e.k) {
      case 'const':
        return e.value;
      case 'ident': {
        const v = this.ident(e.name, s);
        // type names (int, string…) are constants cel-go folds: they cost nothing
        if (!(v instanceof TypeValueOpaque) || s.find(e.name) !== undefined) this.add(1);
        return v;
      }
      case 'select':
        return this.attribute(e, s);
      case 'call':
        return this.call(e, s);
      case 'list':
        return this.list(e, s);
      case 'map':
        return this.map(e, s);
      case 'comp':
        return this.comprehension(e, s);
    }
  }

  private ident(name: string, s: Scope): CelValue {
    const v = s.find(name);
    if (v !== undefined) return v.v;
    const t = TYPE_IDENT_VALUES[name];
    if (t !== undefined) return new TypeValueOpaque(t);
    throw new CelEvalError(`no such attribute(s): ${name}`);
  }

  /** A field selection costs one step; a presence test (`has`) nothing beyond its operand. */
  private attribute(e: Extract<Expr, { k: 'select' }>, s: Scope): CelValue {
    const v = this.eval(e.operand, s);
    if (e.test) return hasField(v, e.field);
    this.add(1);
    return selectField(v, e.field);
  }

  private list(e: Extract<Expr, { k: 'list' }>, s: Scope): CelValue {
    const out: CelValue[] = [];
    e.elems.forEach((el, i) => {
      const v = this.eval(el, s);
      if (e.optional[i] === true) {
        if (!(v instanceof CelOptional)) throw new CelEvalError('no such overload');
        if (v.hasValue) out.push(v.value as CelValue);
      } else out.push(v);
    });
    this.add(10);
    return celList(out as never[]);
  }

  private map(e: Extract<Expr, { k: 'map' }>, s: Scope): CelValue {
    const out = new Map<unknown, CelValue>();
    for (const en of e.entries) {
      let k = this.eval(en.key, s);
      const v = this.eval(en.value, s);
      if (isCelUint(k)) k = k.value;
      if (typeof k === 'number') throw new CelEvalError('unsupported key type');
      if (out.has(k)) throw new CelEvalError(`Failed with repeated key: ${keyString(k)}`);
      if (en.optional) {
        if (!(v instanceof CelOptional)) throw new CelEvalError('no such overload');
        if (v.hasValue) out.set(k, v.value as CelValue);
      } else out.set(k, v);
    }
    this.add(30);
    return celMap(out as never);
  }

  private comprehension(e: Extract<Expr, { k: 'comp' }>, s: Scope): CelValue {
    const range = this.eval(e.range, s);
    const accu = new Map<string, CelValue>([[e.accuVar, this.eval(e.init, s)]]);
    const accuScope = new Scope(s, accu);
    const iterate = (k: CelValue, v: CelValue): boolean => {
      const vars = new Map<string, CelValue>([[e.iterVar, k]]);
      if (e.iterVar2 !== '') vars.set(e.iterVar2, v);
      const iter = new Scope(accuScope, vars);
      if (this.eval(e.cond, iter) === false) return false;
      accu.set(e.accuVar, this.eval(e.step, iter));
      return true;
    };
    if (isCelList(range)) {
      let i = 0;
      for (const v of range) {
        if (!iterate(e.iterVar2 === '' ? v : BigInt(i), v)) break;
        i++;
      }
    } else if (isCelMap(range)) {
      for (const [k, v] of range) {
        const key =
          typeof k === 'bigint' || typeof k === 'string' || typeof k === 'boolean' ? k : k;
        if (!iterate(key, v)) break;
      }
    } else if (e.accuVar === ACCU || e.iterVar !== '#unused') {
      throw new CelEvalError(
        `expression of type '${typeNameOf(range)}' cannot be range of a comprehension`,
      );
    }
    return this.eval(e.result, accuScope);
  }

  private call(e: Extract<Expr, { k: 'call' }>, s: Scope): CelValue {
    switch (e.fn) {
      case '_&&_':
      case '_||_':
        return this.logical(e, s, e.fn === '_&&_');
      case '_?_:_': {
        const c = this.eval(e.args[0] as Expr, s);
        if (typeof c !== 'boolean') throw new CelEvalError('no such overload');
        return this.eval(e.args[c ? 1 : 2] as Expr, s);
      }
      case '_?._': {
        const v = this.eval(e.args[0] as Expr, s);
        this.add(1);
        return optionalSelect(v, (e.args[1] as { value: string }).value);
      }
      case '_[?_]': {
        const v = this.eval(e.args[0] as Expr, s);
        const k = this.eval(e.args[1] as Expr, s);
        this.add(1);
        return optionalIndex(v, k);
      }
      case '_[_]': {
        const c = this.eval(e.args[0] as Expr, s);
        const k = this.eval(e.args[1] as Expr, s);
        if (c instanceof CelOptional) return optionalIndex(c, k);
        return this.invoke(e, [c, k]);
      }
    }
    if (e.fn === 'or' || e.fn === 'orValue') {
      const target = this.eval(e.target as Expr, s);
      if (target instanceof CelOptional && target.hasValue) {
        this.add(1);
        return e.fn === 'or' ? target : (target.value as CelValue);
      }
      return this.invoke(e, [target, this.eval(e.args[0] as Expr, s)]);
    }
    const args: CelValue[] = [];
    if (e.target !== undefined && !this.isQualified(e)) args.push(this.eval(e.target, s));
    for (const a of e.args) args.push(this.eval(a, s));
    return this.invoke(e, args);
  }

  private isQualified(e: Expr): boolean {
    return (this.prog as unknown as { checked: CheckedExpr }).checked.qualified.has(e.id);
  }

  private logical(e: Extract<Expr, { k: 'call' }>, s: Scope, and: boolean): CelValue {
    let err: CelEvalError | undefined;
    for (const a of e.args) {
      let v: CelValue;
      try {
        v = this.eval(a, s);
      } catch (x) {
        if (x instanceof CelEvalError && !x.costLimit) {
          err ??= x;
          continue;
        }
        throw x;
      }
      if (v === !and) return v;
      if (typeof v !== 'boolean') err ??= new CelEvalError('no such overload');
    }
    if (err !== undefined) throw err;
    return and;
  }

  private invoke(e: Extract<Expr, { k: 'call' }>, args: CelValue[]): CelValue {
    const candidates = this.prog.overloadsOf(e.id);
    const o = candidates.find((c) => c.args.every((t, i) => matches(t, args[i] as CelValue)));
    // cel-go's text names neither the function nor the argument types
    if (o === undefined) throw new CelEvalError('no such overload');
    const result = o.impl(args, this.ctx);
    const name =
      (this.prog as unknown as { checked: CheckedExpr }).checked.qualified.get(e.id) ?? e.fn;
    this.add(this.prog.costOf(name, o.id, args, result));
    return result;
  }
}

const CONVERSIONS = new Set([
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'duration',
  'timestamp',
  'dyn',
]);

function isConstant(e: Expr): boolean {
  switch (e.k) {
    case 'const':
      return true;
    case 'list':
      return e.elems.every(isConstant) && e.optional.every((o) => !o);
    case 'map':
      return e.entries.every((en) => !en.optional && isConstant(en.key) && isConstant(en.value));
    case 'call':
      return e.target === undefined && CONVERSIONS.has(e.fn) && e.args.every(isConstant);
    default:
      return false;
  }
}

function typeNameOf(v: CelValue): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null_type';
  if (isCelUint(v)) return 'uint';
  if (isCelList(v)) return 'list';
  if (isCelMap(v)) return 'map';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof CelOpaque) return v.typeName;
  if (isTimestamp(v)) return 'google.protobuf.Timestamp';
  if (isDuration(v)) return 'google.protobuf.Duration';
  return 'unknown';
}

/** Whether a runtime value fits a declared argument type (for overload dispatch). */
function matches(t: CelT, v: CelValue): boolean {
  switch (t.k) {
    case 'param':
      return true;
    case 'prim':
      switch (t.name) {
        case 'dyn':
        case 'error':
          return true;
        case 'int':
          return typeof v === 'bigint';
        case 'uint':
          return isCelUint(v);
        case 'double':
          return typeof v === 'number';
        case 'string':
          return typeof v === 'string';
        case 'bool':
          return typeof v === 'boolean';
        case 'bytes':
          return v instanceof Uint8Array;
        case 'null':
          return v === null;
        case 'timestamp':
          return isTimestamp(v);
        case 'duration':
          return isDuration(v);
      }
      return false;
    case 'list':
      return isCelList(v);
    case 'map':
      return isCelMap(v);
    case 'object':
      return isCelMap(v);
    case 'opaque':
      return v instanceof CelOpaque && v.typeName === t.name;
    case 'type':
      return v instanceof TypeValueOpaque;
  }
}

function selectField(v: CelValue, field: string): CelValue {
  if (isCelMap(v)) {
    const x = v.get(field);
    if (x === undefined) throw new CelEvalError(`no such key: ${field}`);
    return x;
  }
  if (v instanceof CelOptional) return optionalSelect(v, field);
  throw new CelEvalError(`no such overload`);
}

function hasField(v: CelValue, field: string): boolean {
  if (isCelMap(v)) return v.has(field);
  throw new CelEvalError(`no such overload`);
}

function optionalSelect(v: CelValue, field: string): CelValue {
  if (v instanceof CelOptional) {
    if (!v.hasValue) return v;
    return optionalSelect(v.value as CelValue, field);
  }
  if (isCelMap(v)) {
    const x = v.get(field);
    return x === undefined ? CelOptional.NONE : new CelOptional(x);
  }
  throw new CelEvalError('no such overload');
}

function optionalIndex(v: CelValue, k: CelValue): CelValue {
  if (v instanceof CelOptional) {
    if (!v.hasValue) return v;
    return optionalIndex(v.value as CelValue, k);
  }
  if (isCelMap(v)) {
    const x = mapGet(v, k);
    return x === undefined ? CelOptional.NONE : new CelOptional(x);
  }
  if (isCelList(v)) {
    const i = typeof k === 'bigint' ? k : isCelUint(k) ? k.value : undefined;
    if (i === undefined) throw new CelEvalError('unsupported index type');
    return i < 0n || i >= BigInt(v.size) ? CelOptional.NONE : new CelOptional(v.get(Number(i)));
  }
  throw new CelEvalError('no such overload');
}
