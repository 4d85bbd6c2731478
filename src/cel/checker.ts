// The type checker: resolves identifiers, fields and function overloads over the expression
// tree, reporting problems with cel-go's wording, and records each node's type and each call's
// matching overloads (the cost estimator and the interpreter use both).
import { ACCU, type Expr, type ParsedExpr } from './ast.js';
import { CelCompileError, type CelIssue } from './errors.js';
import {
  T,
  assignable,
  formatType,
  isDyn,
  joinTypes,
  sameType,
  substitute,
  type CelT,
} from './types.js';
import { isCelUint } from './values.js';

/** One signature of a function. The first argument of a member overload is its receiver. */
export interface Overload {
  readonly id: string;
  readonly member: boolean;
  readonly args: readonly CelT[];
  readonly result: CelT;
}

export type FunctionDecls = ReadonlyMap<string, readonly Overload[]>;

export interface CheckEnv {
  readonly variables: ReadonlyMap<string, CelT>;
  readonly functions: FunctionDecls;
}

export interface CheckedExpr {
  readonly parsed: ParsedExpr;
  readonly types: ReadonlyMap<number, CelT>;
  /** call node id → ids of the overloads that may apply */
  readonly overloads: ReadonlyMap<number, readonly string[]>;
  /** call node id → the qualified name when a call like `sets.contains(...)` is a global one */
  readonly qualified: ReadonlyMap<number, string>;
  /** identifiers that name a declared variable (not comprehension variables) */
  readonly varRefs: ReadonlySet<string>;
  readonly output: CelT;
}

const TYPE_IDENTS: Record<string, CelT> = {
  int: T.int,
  uint: T.uint,
  double: T.double,
  bool: T.bool,
  string: T.string,
  bytes: T.bytes,
  null_type: T.null,
  list: T.list(T.dyn),
  map: T.map(T.dyn, T.dyn),
  type: T.type(),
  dyn: T.dyn,
};

export function check(env: CheckEnv, parsed: ParsedExpr): CheckedExpr {
  const c = new Checker(env, parsed);
  const output = c.run();
  if (c.issues.length > 0) throw new CelCompileError(parsed.source, c.issues);
  return {
    parsed,
    types: c.types,
    overloads: c.overloads,
    qualified: c.qualified,
    varRefs: c.varRefs,
    output,
  };
}

let freshCounter = 0;

class Checker {
  readonly issues: CelIssue[] = [];
  readonly types = new Map<number, CelT>();
  readonly overloads = new Map<number, string[]>();
  readonly qualified = new Map<number, string>();
  readonly varRefs = new Set<string>();
  private scopes: Map<string, CelT>[] = [];
  /** list literals exempt from the homogeneous-literal rule (string.format's argument) */
  private readonly mixedOk = new Set<number>();

  constructor(
    private readonly env: CheckEnv,
    private readonly parsed: ParsedExpr,
  ) {}

  run(): CelT {
    return this.visit(this.parsed.expr);
  }

  private error(id: number, message: string): CelT {
    this.issues.push({ offset: this.parsed.positions.get(id) ?? 0, message });
    return T.error;
  }

  private set(id: number, t: CelT): CelT {
    this.types.set(id, t);
    return t;
  }

  private lookup(name: string): CelT | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i]?.get(name);
      if (t !== undefined) return t;
    }
    const v = this.env.variables.get(name);
    if (v !== undefined) this.varRefs.add(name);
    return v;
  }

  private visit(e: Expr): CelT {
    switch (e.k) {
      case 'const':
        return this.set(e.id, constType(e.value));
      case 'ident': {
        const t = this.lookup(e.name) ?? identType(e.name);
        if (t === undefined)
          return this.set(
            e.id,
            this.error(e.id, `undeclared reference to '${e.name}' (in container '')`),
          );
        return this.set(e.id, t);
      }
      case 'select':
        return this.set(e.id, this.visitSelect(e));
      case 'call':
        return this.set(e.id, this.visitCall(e));
      case 'list':
        return this.set(e.id, this.visitList(e));
      case 'map':
        return this.set(e.id, this.visitMap(e));
      case 'comp':
        return this.set(e.id, this.visitComp(e));
    }
  }

  private visitSelect(e: Extract<Expr, { k: 'select' }>): CelT {
    const operand = this.visit(e.operand);
    const field = this.fieldType(e.id, operand, e.field);
    return e.test ? T.bool : field;
  }

  private fieldType(id: number, operand: CelT, field: string): CelT {
    if (isDyn(operand)) return T.dyn;
    if (operand.k === 'object') {
      const f = operand.fields.get(field);
      return f ?? this.error(id, `undefined field '${field}'`);
    }
    if (operand.k === 'map') return operand.value;
    return this.error(id, `type '${formatType(operand)}' does not support field selection`);
  }

  private visitList(e: Extract<Expr, { k: 'list' }>): CelT {
    let elem: CelT | undefined;
    e.elems.forEach((el, i) => {
      let t = this.visit(el);
      if (e.optional[i] === true) t = unwrapOptional(t) ?? t;
      if (elem === undefined) elem = t;
      else {
        const j = joinTypes(elem, t);
        if (j !== undefined) elem = j;
        else if (this.mixedOk.has(e.id)) elem = T.dyn;
        else this.error(el.id, `expected type '${formatType(elem)}' but found '${formatType(t)}'`);
      }
    });
    return T.list(elem ?? T.param(`_l${freshCounter++}`));
  }

  private visitMap(e: Extract<Expr, { k: 'map' }>): CelT {
    let key: CelT | undefined;
    let value: CelT | undefined;
    for (const en of e.entries) {
      const kt = this.visit(en.key);
      let vt = this.visit(en.value);
      if (en.optional) vt = unwrapOptional(vt) ?? vt;
      key = this.joinInto(key, kt, en.key.id);
      value = this.joinInto(value, vt, en.value.id);
    }
    return T.map(key ?? T.param(`_k${freshCounter++}`), value ?? T.param(`_v${freshCounter++}`));
  }

  private joinInto(acc: CelT | undefined, t: CelT, id: number): CelT {
    if (acc === undefined) return t;
    const j = joinTypes(acc, t);
    if (j === undefined) {
      this.error(id, `expected type '${formatType(acc)}' but found '${formatType(t)}'`);
      return acc;
    }
    return j;
  }

  private visitComp(e: Extract<Expr, { k: 'comp' }>): CelT {
    const range = this.visit(e.range);
    let v1: CelT = T.dyn;
    let v2: CelT = T.dyn;
    if (range.k === 'list') {
      if (e.iterVar2 === '') v1 = range.elem;
      else [v1, v2] = [T.int, range.elem];
    } else if (range.k === 'map') [v1, v2] = [range.key, range.value];
    else if (!isDyn(range))
      this.error(
        e.range.id,
        `expression of type '${formatType(range)}' cannot be range of a comprehension (must be list, map, or dynamic)`,
      );
    const init = this.visit(e.init);
    const accu = new Map<string, CelT>([[e.accuVar, init]]);
    this.scopes.push(accu);
    const iter = new Map<string, CelT>([[e.iterVar, v1]]);
    if (e.iterVar2 !== '') iter.set(e.iterVar2, v2);
    this.scopes.push(iter);
    this.visit(e.cond);
    const step = this.visit(e.step);
    this.scopes.pop();
    if (hasParams(init) && !isDyn(step)) accu.set(e.accuVar, step);
    else if (!assignable(init, step, new Map()) && e.accuVar === ACCU)
      this.error(e.step.id, `expected type '${formatType(init)}' but found '${formatType(step)}'`);
    const result = this.visit(e.result);
    this.scopes.pop();
    return result;
  }

  /** `a.b.c` as a dotted name when it is not a variable (namespaced functions). */
  private qualifiedName(e: Expr): string | undefined {
    if (e.k === 'ident') return this.lookup(e.name) === undefined ? e.name : undefined;
    if (e.k === 'select' && !e.test) {
      const q = this.qualifiedName(e.operand);
      return q === undefined ? undefined : `${q}.${e.field}`;
    }
    return undefined;
  }

  private visitCall(e: Extract<Expr, { k: 'call' }>): CelT {
    if (e.target !== undefined) {
      const q = this.qualifiedName(e.target);
      const name = q === undefined ? undefined : `${q}.${e.fn}`;
      if (name !== undefined && this.env.functions.has(name)) {
        this.qualified.set(e.id, name);
        return this.resolve(
          e.id,
          name,
          e.args.map((a) => this.visit(a)),
          false,
        );
      }
    }
    switch (e.fn) {
      case '_?._': {
        const operand = this.visit(e.args[0] as Expr);
        this.visit(e.args[1] as Expr);
        const field = (e.args[1] as Extract<Expr, { k: 'const' }>).value as string;
        const inner = unwrapOptional(operand) ?? operand;
        const ft = this.fieldType(e.id, inner, field);
        return T.optional(ft);
      }
      case '_[?_]': {
        const operand = this.visit(e.args[0] as Expr);
        const index = this.visit(e.args[1] as Expr);
        const inner = unwrapOptional(operand) ?? operand;
        const r = this.resolve(e.id, '_[_]', [inner, index], false);
        return T.optional(r);
      }
    }
    if (e.fn === 'format' && e.args[0]?.k === 'list') this.mixedOk.add(e.args[0].id);
    const args = e.args.map((a) => this.visit(a));
    if (e.target !== undefined)
      return this.resolve(e.id, e.fn, [this.visit(e.target), ...args], true);
    return this.resolve(e.id, e.fn, args, false);
  }

  private resolve(id: number, fn: string, args: readonly CelT[], member: boolean): CelT {
    const decls = this.env.functions.get(fn);
    if (decls === undefined)
      return this.error(id, `undeclared reference to '${fn}' (in container '')`);
    const matched: string[] = [];
    let result: CelT | undefined;
    for (const o of decls) {
      if (o.member !== member || o.args.length !== args.length) continue;
      const b = new Map<string, CelT>();
      if (!o.args.every((f, i) => assignable(f, args[i] as CelT, b))) continue;
      matched.push(o.id);
      const r = substitute(o.result, b, true);
      result = result === undefined ? r : sameType(result, r) ? result : T.dyn;
    }
    if (result === undefined) {
      const shown = args.map(formatType);
      const sig = member
        ? `${shown[0] ?? ''}.(${shown.slice(1).join(', ')})`
        : `(${shown.join(', ')})`;
      return this.error(id, `found no matching overload for '${fn}' applied to '${sig}'`);
    }
    this.overloads.set(id, matched);
    return result;
  }
}

function hasParams(t: CelT): boolean {
  switch (t.k) {
    case 'param':
      return true;
    case 'list':
      return hasParams(t.elem);
    case 'map':
      return hasParams(t.key) || hasParams(t.value);
    default:
      return false;
  }
}

function unwrapOptional(t: CelT): CelT | undefined {
  return t.k === 'opaque' && t.name === 'optional_type' ? t.params[0] : undefined;
}

function identType(name: string): CelT | undefined {
  const t = TYPE_IDENTS[name];
  return t === undefined ? undefined : T.type(t);
}

function constType(v: unknown): CelT {
  switch (typeof v) {
    case 'bigint':
      return T.int;
    case 'number':
      return T.double;
    case 'string':
      return T.string;
    case 'boolean':
      return T.bool;
    default:
      if (v === null) return T.null;
      if (v instanceof Uint8Array) return T.bytes;
      if (isCelUint(v)) return T.uint;
      return T.dyn;
  }
}
