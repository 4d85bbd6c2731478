// Rego compiler: merges modules into a rule tree, resolves names, checks safety and orders bodies.
import type { Expr, Location, Module, Rule, Term, WithModifier } from './ast.js';
import type { BuiltinDef, RegoType } from './builtin-types.js';
import { typeString } from './builtin-types.js';
import type { CallTarget, IRExpr, IRRule, IRTerm, IRWith, RuleNode } from './compiler-ir.js';
import type { Annotation, RuleMetadata } from './compiler-annotations.js';
import { NO_METADATA, parseAnnotations, ruleMetadata } from './compiler-annotations.js';
import { RegoError } from './errors.js';
import { hoistNegated } from './compiler-hoist.js';
import { refNames } from './parser.js';
import type { Value } from './value.js';
import { arr, bool, NULL, numFromText, ObjectBuilder, SetBuilder, str } from './value.js';

/** Built-ins OPA deprecated: v0 modules may call them, Rego v1 modules may not. */
export const DEPRECATED_BUILTINS: ReadonlySet<string> = new Set([
  'any',
  'all',
  're_match',
  'net.cidr_overlap',
  'set_diff',
  'cast_array',
  'cast_set',
  'cast_string',
  'cast_boolean',
  'cast_null',
  'cast_object',
]);

/** Whether a value belongs to a declared type. */
function hasType(v: Value, t: RegoType): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'any-of':
      return t.of.some((x) => hasType(v, x));
    case 'array':
      if (v.kind !== 'array') return false;
      return v.items.every((item, i) => {
        const st = t.static?.[i];
        if (st) return hasType(item, st);
        return t.dynamic ? hasType(item, t.dynamic) : t.static === undefined;
      });
    case 'set':
      return v.kind === 'set' && v.unordered().every((x) => hasType(x, t.of));
    case 'object':
      return v.kind === 'object';
    default:
      return v.kind === t.kind;
  }
}

/** Constant operands of a built-in call are checked against its declaration at compile time. */
function checkConstArgs(
  name: string,
  def: BuiltinDef,
  args: readonly IRTerm[],
  loc: Location,
): void {
  args.forEach((a, i) => {
    const t = def.args[i] ?? def.variadic;
    if (a.t !== 'const' || !t) return;
    if (!hasType(a.v, t)) {
      throw new RegoError(
        'rego_type_error',
        `${name}: invalid argument(s)\n\thave: operand ${i + 1} ${a.v.kind}\n\twant: ${typeString(t)}`,
        loc,
      );
    }
  });
}

/** Built-ins left out on purpose (network, cloud providers, runtime introspection). */
export const UNSUPPORTED_BUILTINS: ReadonlySet<string> = new Set([
  'http.send',
  'net.lookup_ip_addr',
  'opa.runtime',
]);

type Global =
  | { readonly kind: 'data'; readonly path: readonly Value[] }
  | { readonly kind: 'input'; readonly path: readonly Value[] };

class Scope {
  readonly names = new Map<string, number>();
  readonly assigned = new Set<string>();
  /** Slots of enclosing scopes used here (the closure of a comprehension / every body). */
  readonly closure = new Set<number>();
  constructor(
    readonly parent: Scope | undefined,
    /** Names written in this body outside nested comprehensions. */
    readonly bodyNames: ReadonlySet<string>,
    /** Names this body declares (`:=`, `some`): visible only after their declaration. */
    readonly declNames: ReadonlySet<string> = new Set(),
  ) {}
}

let nodeIds = 0;

function newNode(path: readonly string[]): RuleNode {
  return { path, children: new Map(), rules: [], defaults: [], hasRules: false, id: nodeIds++ };
}

/** The compiled form of a set of modules. */
export interface CompiledPolicy {
  readonly root: RuleNode;
  readonly builtins: ReadonlyMap<string, BuiltinDef>;
  /** Arity of every user function by its dotted data path. */
  readonly functions: ReadonlyMap<string, number>;
}

/** What a body is compiled against: the globals in view and the slot counter of its frame. */
class FrameCompiler {
  nslots = 0;
  /** Variables generated for terms evaluated before a negation. */
  private hoisted = 0;
  readonly slotNames: string[] = [];
  constructor(
    readonly globals: ReadonlyMap<string, Global>,
    readonly builtins: ReadonlyMap<string, BuiltinDef>,
    readonly functions: ReadonlyMap<string, number>,
    /** Rego v1 module (or `import rego.v1`): deprecated built-ins are not available. */
    readonly v1 = true,
    /** What rego.metadata.rule() / chain() return in the rule being compiled. */
    readonly meta: RuleMetadata = NO_METADATA,
  ) {}

  alloc(name: string): number {
    this.slotNames.push(name);
    return this.nslots++;
  }

  declare(scope: Scope, name: string): number {
    const slot = this.alloc(name);
    scope.names.set(name, slot);
    return slot;
  }

  /** Resolves a variable: local (possibly from an enclosing scope), global, or a new local. */
  resolveVar(name: string, scope: Scope, loc: Location): IRTerm {
    if (name.startsWith('$_')) return { t: 'local', slot: this.declare(scope, name), name: '_' };
    const chain: Scope[] = [];
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const slot = s.names.get(name);
      if (slot !== undefined) {
        for (const c of chain) c.closure.add(slot);
        return { t: 'local', slot, name };
      }
      chain.push(s);
    }
    const g = this.globals.get(name);
    if (g) return globalTerm(g);
    if (name === 'input') return { t: 'input' };
    if (name === 'data') return { t: 'data' };
    // A new variable lives in the outermost body that mentions it.
    let owner = scope;
    for (let s: Scope | undefined = scope.parent; s; s = s.parent) {
      if (s.bodyNames.has(name) && !s.declNames.has(name)) owner = s;
    }
    const slot = this.declare(owner, name);
    for (let s: Scope | undefined = scope; s && s !== owner; s = s.parent) s.closure.add(slot);
    void loc;
    return { t: 'local', slot, name };
  }

  term(t: Term, scope: Scope): IRTerm {
    switch (t.type) {
      case 'null':
        return { t: 'const', v: NULL };
      case 'boolean':
        return { t: 'const', v: bool(t.value) };
      case 'number': {
        const n = numFromText(t.text);
        if (!n) throw new RegoError('rego_parse_error', `invalid number ${t.text}`, t.loc);
        return { t: 'const', v: n };
      }
      case 'string':
        return { t: 'const', v: str(t.value) };
      case 'var':
        return this.resolveVar(t.name, scope, t.loc);
      case 'ref': {
        const [head, ...rest] = t.terms as [Term, ...Term[]];
        const keys = rest.map((k) => this.term(k, scope));
        const h = this.term(head, scope);
        if (h.t === 'ref') return { t: 'ref', head: h.head, path: [...h.path, ...keys] };
        return { t: 'ref', head: h, path: keys };
      }
      case 'array': {
        const items = t.items.map((i) => this.term(i, scope));
        if (items.every((i) => i.t === 'const')) {
          return { t: 'const', v: arr(items.map((i) => (i as { v: Value }).v)) };
        }
        return { t: 'array', items };
      }
      case 'set': {
        const items = t.items.map((i) => this.term(i, scope));
        if (items.every((i) => i.t === 'const')) {
          const b = new SetBuilder();
          for (const i of items) b.add((i as { v: Value }).v);
          return { t: 'const', v: b.build() };
        }
        return { t: 'set', items };
      }
      case 'object': {
        const keys = t.pairs.map(([k]) => this.term(k, scope));
        const values = t.pairs.map(([, v]) => this.term(v, scope));
        if (keys.every((i) => i.t === 'const') && values.every((i) => i.t === 'const')) {
          const b = new ObjectBuilder();
          keys.forEach((k, i) => b.set((k as { v: Value }).v, (values[i] as { v: Value }).v));
          return { t: 'const', v: b.build() };
        }
        return { t: 'object', keys, values };
      }
      case 'arraycompr':
      case 'setcompr': {
        const child = new Scope(scope, namesOfBody(t.body, [t.term]), declaredNames(t.body));
        const body = this.body(t.body, child, new Set());
        const term = this.term(t.term, child);
        this.checkSafe([term], withClosure(body.bound, child), t.loc);
        return { t: t.type, term, body: body.exprs, closure: [...child.closure] };
      }
      case 'objectcompr': {
        const child = new Scope(
          scope,
          namesOfBody(t.body, [t.key, t.value]),
          declaredNames(t.body),
        );
        const body = this.body(t.body, child, new Set());
        const key = this.term(t.key, child);
        const value = this.term(t.value, child);
        this.checkSafe([key, value], withClosure(body.bound, child), t.loc);
        return { t: 'objectcompr', key, value, body: body.exprs, closure: [...child.closure] };
      }
      case 'call':
        return this.call(t.op, t.args, scope, t.loc);
      case 'template': {
        const child = new Scope(scope, new Set());
        const parts = t.parts.map((p) => {
          if (typeof p === 'string') return p;
          const exprs = this.body([p], child, new Set());
          return exprs.exprs[0] as IRExpr;
        });
        return { t: 'template', parts, closure: [...child.closure] };
      }
    }
  }

  /** The target of a call by its dotted operator name. */
  target(op: readonly string[], scope: Scope, loc: Location): CallTarget {
    const name = op.join('.');
    const first = op[0] as string;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.names.has(first)) {
        throw new RegoError('rego_type_error', `undefined function ${name}`, loc);
      }
    }
    const g = this.globals.get(first);
    let path: string[] | undefined;
    if (g?.kind === 'data') path = [...g.path.map(keyString), ...op.slice(1)];
    else if (first === 'data') path = op.slice(1);
    if (path) {
      const fname = ['data', ...path].join('.');
      if (!this.functions.has(path.join('.'))) {
        throw new RegoError('rego_type_error', `undefined function ${fname}`, loc);
      }
      return { kind: 'function', name: fname, path };
    }
    if (name === 'print') return { kind: 'print', name };
    if (name === 'trace') return { kind: 'trace', name };
    const def = this.builtins.get(name);
    if (def && this.v1 && DEPRECATED_BUILTINS.has(name)) {
      throw new RegoError('rego_type_error', `undefined function ${name}`, loc);
    }
    if (def) return { kind: 'builtin', name, def };
    if (UNSUPPORTED_BUILTINS.has(name)) {
      throw new RegoError('rego_type_error', `unsupported built-in function ${name}`, loc);
    }
    throw new RegoError('rego_type_error', `undefined function ${name}`, loc);
  }

  call(op: readonly string[], args: readonly Term[], scope: Scope, loc: Location): IRTerm {
    // Annotations are known at compile time: the calls become constants, as OPA rewrites them.
    const joined = op.join('.');
    if (
      (joined === 'rego.metadata.rule' || joined === 'rego.metadata.chain') &&
      args.length === 0
    ) {
      return { t: 'const', v: joined === 'rego.metadata.rule' ? this.meta.rule : this.meta.chain };
    }
    const target = this.target(op, scope, loc);
    if (target.kind === 'builtin') {
      const def = target.def;
      if (args.length !== def.args.length && !def.variadic) {
        throw new RegoError(
          'rego_type_error',
          `${target.name}: arity mismatch\n\thave: ${args.length} operands\n\twant: ${def.args.length} operands`,
          loc,
        );
      }
    }
    if (target.kind === 'trace' && args.length !== 1) {
      throw new RegoError('rego_type_error', `trace: arity mismatch`, loc);
    }
    const irArgs = args.map((a) => this.term(a, scope));
    if (target.kind === 'builtin') checkConstArgs(target.name, target.def, irArgs, loc);
    return callTerm(target, irArgs, loc);
  }

  /** Arity of a call target, for spotting the extra output operand of `count(x, n)`. */
  arity(target: CallTarget): number | undefined {
    if (target.kind === 'builtin') return target.def.variadic ? undefined : target.def.args.length;
    if (target.kind === 'function') return this.functions.get(target.path.join('.'));
    if (target.kind === 'trace') return 1;
    return undefined;
  }

  /** Declares the variables of an assignment / `some ... in` pattern in `scope`. */
  declarePattern(t: Term, scope: Scope, checkAssigned: boolean): void {
    switch (t.type) {
      case 'var':
        if (checkAssigned && scope.assigned.has(t.name) && !t.name.startsWith('$_')) {
          throw new RegoError('rego_compile_error', `var ${t.name} assigned above`, t.loc);
        }
        if (checkAssigned) scope.assigned.add(t.name);
        this.declare(scope, t.name);
        return;
      case 'array':
        for (const i of t.items) this.declarePattern(i, scope, checkAssigned);
        return;
      case 'object':
        for (const [, v] of t.pairs) this.declarePattern(v, scope, checkAssigned);
        return;
      default:
        return;
    }
  }

  expr(e: Expr, scope: Scope): IRExpr {
    const loc = e.loc;
    switch (e.type) {
      case 'some': {
        const slots = e.vars.map((v) => this.declare(scope, (v as { name: string }).name));
        return { k: 'some', slots, loc };
      }
      case 'somein': {
        const coll = this.term(e.coll, scope);
        if (e.key) this.declarePattern(e.key, scope, false);
        this.declarePattern(e.value, scope, false);
        const key = e.key ? this.term(e.key, scope) : undefined;
        const value = this.term(e.value, scope);
        return this.withMods({ k: 'somein', key, value, coll, loc }, e.with, scope);
      }
      case 'every': {
        const domain = this.term(e.domain, scope);
        const child = new Scope(scope, namesOfBody(e.body, []), declaredNames(e.body));
        if (e.key) this.declarePattern(e.key, child, false);
        this.declarePattern(e.value, child, false);
        const key = e.key ? this.term(e.key, child) : undefined;
        const value = this.term(e.value, child);
        const initial = new Set<number>();
        for (const t of [key, value]) if (t) patternSlots(t, initial);
        const body = this.body(e.body, child, initial);
        let out: IRExpr = { k: 'every', key, value, domain, body: body.exprs, loc };
        if (e.negated) out = { k: 'not', body: [out], loc };
        return this.withMods(out, e.with, scope);
      }
      case 'expr': {
        let inner = this.exprTerm(e.term, scope, loc);
        if (e.negated) inner = { k: 'not', body: [inner], loc };
        return this.withMods(inner, e.with, scope);
      }
    }
  }

  private exprTerm(t: Term, scope: Scope, loc: Location): IRExpr {
    if (t.type === 'call') {
      const op = t.op.join('.');
      if (op === 'assign' || op === 'eq') {
        const [lhs, rhs] = t.args as [Term, Term];
        if (op === 'assign') {
          const b = this.term(rhs, scope);
          this.declarePattern(lhs, scope, true);
          const a = this.term(lhs, scope);
          return { k: 'unify', a, b, loc };
        }
        return { k: 'unify', a: this.term(lhs, scope), b: this.term(rhs, scope), loc };
      }
      const target = this.target(t.op, scope, t.loc);
      const n = this.arity(target);
      if (n !== undefined && t.args.length === n + 1) {
        const args = t.args.slice(0, n).map((a) => this.term(a, scope));
        const out = this.term(t.args[n] as Term, scope);
        return { k: 'unify', a: out, b: callTerm(target, args, t.loc), loc };
      }
    }
    return { k: 'term', term: this.term(t, scope), loc };
  }

  private withMods(inner: IRExpr, mods: readonly WithModifier[], scope: Scope): IRExpr {
    if (mods.length === 0) return inner;
    const out: IRWith[] = mods.map((m) => this.withMod(m, scope));
    return { k: 'with', inner, mods: out, loc: inner.loc };
  }

  private withMod(m: WithModifier, scope: Scope): IRWith {
    const fn = this.functionRef(m.value, scope);
    const value: IRTerm = fn ? { t: 'const', v: NULL } : this.term(m.value, scope);
    const names = refNames(m.target);
    if (!names)
      throw new RegoError(
        'rego_compile_error',
        'with keyword target must reference existing input, data, or a function',
        m.loc,
      );
    const [first, ...rest] = names;
    if (first === 'input') {
      return { target: { kind: 'input', path: rest.map(str) }, value, fn };
    }
    if (first === 'data') {
      const path = rest;
      if (this.functions.has(path.join('.'))) {
        return { target: { kind: 'function', path }, value, fn };
      }
      return { target: { kind: 'data', path }, value, fn };
    }
    const g = this.globals.get(first as string);
    if (g) {
      const path = [...g.path.map(keyString), ...rest];
      if (g.kind === 'input') return { target: { kind: 'input', path: path.map(str) }, value, fn };
      if (this.functions.has(path.join('.'))) {
        return { target: { kind: 'function', path }, value, fn };
      }
      return { target: { kind: 'data', path }, value, fn };
    }
    const name = names.join('.');
    if (this.builtins.has(name) || name === 'print') {
      return { target: { kind: 'builtin', name }, value, fn };
    }
    throw new RegoError(
      'rego_compile_error',
      'with keyword target must reference existing input, data, or a function',
      m.loc,
    );
  }

  /** When a `with` value names a function or built-in, the call target it stands for. */
  private functionRef(t: Term, scope: Scope): CallTarget | undefined {
    const names = refNames(t);
    if (!names) return undefined;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.names.has(names[0] as string)) return undefined;
    }
    const g = this.globals.get(names[0] as string);
    let path: string[] | undefined;
    if (g?.kind === 'data') path = [...g.path.map(keyString), ...names.slice(1)];
    else if (names[0] === 'data') path = names.slice(1);
    if (path) {
      if (this.functions.has(path.join('.'))) {
        return { kind: 'function', name: ['data', ...path].join('.'), path };
      }
      return undefined;
    }
    const name = names.join('.');
    const def = this.builtins.get(name);
    if (def) return { kind: 'builtin', name, def };
    return undefined;
  }

  /**
   * Compiles the expressions of a body in order. A negated expression may become several: what
   * OPA evaluates before the negation (compiler-hoist.ts), then the negation. `sources` (when
   * given) receives the index of the written expression each compiled one stands for, -1 for
   * generated ones.
   */
  exprList(exprs: readonly Expr[], scope: Scope, sources?: Map<IRExpr, number>): IRExpr[] {
    const out: IRExpr[] = [];
    exprs.forEach((e, i) => {
      let c: IRExpr;
      if (e.type === 'expr' && e.negated) {
        const { before, expr } = hoistNegated(e, () => `$h${this.hoisted++}`);
        const hoisted = before.map((b) => this.expr(b, scope));
        c = this.expr(expr, scope);
        if (c.k === 'not' && hoisted.length > 0 && hoisted.every(singleValued)) {
          // No iteration and no `with`: the terms are guards evaluated by the negation itself.
          const guards = hoisted.map((h) => {
            const u = h as Extract<IRExpr, { k: 'unify' }>;
            return { slot: (u.a as { slot: number }).slot, term: u.b };
          });
          c = { ...c, guards };
        } else {
          for (const h of hoisted) {
            sources?.set(h, -1);
            out.push(h);
          }
        }
      } else c = this.expr(e, scope);
      sources?.set(c, i);
      out.push(c);
    });
    return out;
  }

  /** Compiles and orders a body; returns the exprs and the slots bound after it. */
  body(
    exprs: readonly Expr[],
    scope: Scope,
    initial: ReadonlySet<number>,
    extraUse: readonly IRTerm[] = [],
  ): { exprs: IRExpr[]; bound: Set<number> } {
    const compiled = this.exprList(exprs, scope);
    const init = new Set(initial);
    for (const c of scope.closure) init.add(c);
    return this.schedule(compiled, init, extraUse);
  }

  schedule(
    compiled: readonly IRExpr[],
    initial: ReadonlySet<number>,
    extraUse: readonly IRTerm[] = [],
  ): { exprs: IRExpr[]; bound: Set<number> } {
    // How many places use each slot: a var used in a negation and nowhere else is local to it.
    const uses = new Map<number, number>();
    for (const e of compiled) {
      const s = new Set<number>();
      exprSlots(e, s);
      for (const x of s) uses.set(x, (uses.get(x) ?? 0) + 1);
    }
    for (const t of extraUse) {
      const s = new Set<number>();
      termSlots(t, s);
      for (const x of s) uses.set(x, (uses.get(x) ?? 0) + 1);
    }
    let bound = new Set(initial);
    const remaining = [...compiled];
    const out: IRExpr[] = [];
    while (remaining.length > 0) {
      let picked = -1;
      for (let i = 0; i < remaining.length; i++) {
        const r = exprOK(remaining[i] as IRExpr, bound, uses, initial);
        if (r) {
          bound = r;
          picked = i;
          break;
        }
      }
      if (picked < 0) {
        const e = remaining[0] as IRExpr;
        throw new RegoError(
          'rego_unsafe_var_error',
          `var ${this.unsafeName(e, bound)} is unsafe`,
          e.loc,
        );
      }
      out.push(remaining[picked] as IRExpr);
      remaining.splice(picked, 1);
    }
    return { exprs: out, bound };
  }

  /**
   * The variable OPA names first for an expression that cannot be ordered: of its unbound
   * variables, leaving out the one an assignment would bind (`x := a[_]` with `a` unbound
   * names `_` and `a`), the first in name order (`_` for a wildcard).
   */
  private unsafeName(e: IRExpr, bound: ReadonlySet<number>): string {
    const need = new Set<number>();
    exprSlots(e, need);
    const target = e.k === 'unify' ? [e.a, e.b].find((t) => t.t === 'local') : undefined;
    const name = (s: number): string => {
      const n = this.slotNames[s] ?? '?';
      return n.startsWith('$_') ? '_' : n;
    };
    const unbound = [...need].filter((s) => !bound.has(s));
    const named = unbound.filter((s) => !name(s).startsWith('$'));
    const inputs = named.filter((s) => target?.t !== 'local' || target.slot !== s);
    const names = (inputs.length > 0 ? inputs : named).map(name).sort();
    return names[0] ?? '_';
  }

  checkSafe(terms: readonly IRTerm[], bound: ReadonlySet<number>, loc: Location): void {
    for (const t of terms) {
      const n = new Set<number>();
      const r = new Set<number>();
      needed(t, n, r);
      for (const s of n) {
        if (!bound.has(s)) {
          throw new RegoError(
            'rego_unsafe_var_error',
            `var ${this.slotNames[s] ?? '?'} is unsafe`,
            loc,
          );
        }
      }
    }
  }
}

function toJSONKey(v: Value): unknown {
  return v.kind === 'string' ? v.value : ['$', keyString(v)];
}

function keyString(v: Value): string {
  return v.kind === 'string' ? v.value : JSON.stringify(v);
}

function globalTerm(g: Global): IRTerm {
  const path: IRTerm[] = g.path.map((v) => ({ t: 'const', v }));
  const head: IRTerm = g.kind === 'data' ? { t: 'data' } : { t: 'input' };
  return path.length === 0 ? head : { t: 'ref', head, path };
}

/**
 * What is bound after a comprehension's body: its own bindings and every outer variable it
 * uses, including those first met in the head (`[x | cond]` with `x` bound outside), which
 * join the closure only once the head is compiled, after the body.
 */
function withClosure(bound: ReadonlySet<number>, scope: Scope): Set<number> {
  const out = new Set(bound);
  for (const c of scope.closure) out.add(c);
  return out;
}

/** Names a body declares with `:=` or `some`. */
function declaredNames(body: readonly Expr[]): Set<string> {
  const out = new Set<string>();
  const pat = (t: Term): void => {
    if (t.type === 'var') out.add(t.name);
    else if (t.type === 'array') t.items.forEach(pat);
    else if (t.type === 'object') for (const [, v] of t.pairs) pat(v);
  };
  for (const e of body) {
    if (e.type === 'some') e.vars.forEach(pat);
    else if (e.type === 'somein') {
      if (e.key) pat(e.key);
      pat(e.value);
    } else if (e.type === 'expr' && e.term.type === 'call' && e.term.op.join('.') === 'assign') {
      pat(e.term.args[0] as Term);
    }
  }
  return out;
}

/** Variable names written in a body (and extra terms), outside nested comprehensions. */
function namesOfBody(body: readonly Expr[], extra: readonly Term[]): Set<string> {
  const out = new Set<string>();
  const term = (t: Term): void => {
    switch (t.type) {
      case 'var':
        out.add(t.name);
        return;
      case 'ref':
        t.terms.forEach(term);
        return;
      case 'array':
      case 'set':
        t.items.forEach(term);
        return;
      case 'object':
        for (const [k, v] of t.pairs) {
          term(k);
          term(v);
        }
        return;
      case 'call':
        t.args.forEach(term);
        return;
      default:
        return;
    }
  };
  for (const e of body) {
    if (e.type === 'expr') {
      term(e.term);
      for (const w of e.with) term(w.value);
    } else if (e.type === 'some') e.vars.forEach(term);
    else if (e.type === 'somein') {
      if (e.key) term(e.key);
      term(e.value);
      term(e.coll);
    } else term(e.domain);
  }
  extra.forEach(term);
  return out;
}

// --- safety analysis ----------------------------------------------------------------------------

/** Slots a term needs bound (`need`) and slots it binds by iterating a reference (`out`). */
function needed(t: IRTerm, need: Set<number>, out: Set<number>): void {
  switch (t.t) {
    case 'local':
      need.add(t.slot);
      return;
    case 'ref':
      needed(t.head, need, out);
      for (const p of t.path) keyNeeded(p, need, out);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) needed(i, need, out);
      return;
    case 'object':
      for (const k of t.keys) needed(k, need, out);
      for (const v of t.values) needed(v, need, out);
      return;
    case 'call':
      for (const a of t.args) needed(a, need, out);
      return;
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
    case 'template':
      for (const c of t.closure) need.add(c);
      return;
    default:
      return;
  }
}

/**
 * A call term. Operands that bind variables another operand needs, by iterating a reference,
 * are evaluated first, as OPA's compiler moves such references in front of the call.
 */
function callTerm(target: CallTarget, args: readonly IRTerm[], loc: Location): IRTerm {
  const needs = args.map(() => new Set<number>());
  const binds = args.map(() => new Set<number>());
  args.forEach((a, i) => needed(a, needs[i] as Set<number>, binds[i] as Set<number>));
  const dependent = needs.some((need, i) =>
    binds.some((bind, j) => j !== i && [...need].some((s) => bind.has(s))),
  );
  if (!dependent) return { t: 'call', target, args, loc };
  const first = [...args.keys()].filter((i) => (binds[i] as Set<number>).size > 0);
  const rest = [...args.keys()].filter((i) => (binds[i] as Set<number>).size === 0);
  return { t: 'call', target, args, loc, argOrder: [...first, ...rest] };
}

/** A reference key: its variables are bound by iteration; composite keys are patterns. */
function keyNeeded(p: IRTerm, need: Set<number>, out: Set<number>): void {
  if (p.t === 'local') out.add(p.slot);
  else if (p.t === 'array') for (const i of p.items) keyNeeded(i, need, out);
  else if (p.t === 'object') {
    for (const k of p.keys) needed(k, need, out);
    for (const v of p.values) keyNeeded(v, need, out);
  } else needed(p, need, out);
}

function subset(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function evaluable(t: IRTerm, bound: ReadonlySet<number>): Set<number> | undefined {
  const need = new Set<number>();
  const out = new Set<number>();
  needed(t, need, out);
  // Reference keys bound earlier in the same reference count as bound for later keys.
  for (const o of out) need.delete(o);
  if (!subset(need, bound)) return undefined;
  const r = new Set(bound);
  for (const o of out) r.add(o);
  return r;
}

function pattern(t: IRTerm, bound: Set<number>): Set<number> | undefined {
  switch (t.t) {
    case 'local': {
      const r = new Set(bound);
      r.add(t.slot);
      return r;
    }
    case 'array': {
      let b: Set<number> | undefined = bound;
      for (const i of t.items) {
        b = pattern(i, b);
        if (!b) return undefined;
      }
      return b;
    }
    case 'object': {
      for (const k of t.keys) if (!evaluable(k, bound)) return undefined;
      let b: Set<number> | undefined = bound;
      for (const v of t.values) {
        b = pattern(v, b);
        if (!b) return undefined;
      }
      return b;
    }
    default:
      return evaluable(t, bound);
  }
}

function unifyOK(a: IRTerm, b: IRTerm, bound: Set<number>): Set<number> | undefined {
  const freeA = a.t === 'local' && !bound.has(a.slot);
  const freeB = b.t === 'local' && !bound.has(b.slot);
  if (freeA && freeB) return undefined;
  if (freeA) {
    const r = evaluable(b, bound);
    if (!r) return undefined;
    r.add((a as { slot: number }).slot);
    return r;
  }
  if (freeB) return unifyOK(b, a, bound);
  if (a.t === 'array' && b.t === 'array' && a.items.length === b.items.length) {
    let r: Set<number> | undefined = bound;
    // Elements may bind each other in any order: retry until nothing changes.
    const todo = a.items.map((x, i) => [x, b.items[i] as IRTerm] as const);
    while (todo.length > 0) {
      let progressed = false;
      for (let i = 0; i < todo.length; i++) {
        const [x, y] = todo[i] as readonly [IRTerm, IRTerm];
        const n: Set<number> | undefined = unifyOK(x, y, r);
        if (n) {
          r = n;
          todo.splice(i, 1);
          i--;
          progressed = true;
        }
      }
      if (!progressed) return undefined;
    }
    return r;
  }
  if (a.t === 'object' && b.t === 'object' && a.keys.length === b.keys.length) {
    const bk = new Map<string, IRTerm>();
    b.keys.forEach((k, i) => {
      if (k.t === 'const') bk.set(JSON.stringify(toJSONKey(k.v)), b.values[i] as IRTerm);
    });
    const pairs: [IRTerm, IRTerm][] = [];
    a.keys.forEach((k, i) => {
      const other = k.t === 'const' ? bk.get(JSON.stringify(toJSONKey(k.v))) : undefined;
      if (other) pairs.push([a.values[i] as IRTerm, other]);
    });
    if (pairs.length === a.keys.length) {
      return unifyOK(
        { t: 'array', items: pairs.map((p) => p[0]) },
        { t: 'array', items: pairs.map((p) => p[1]) },
        bound,
      );
    }
  }
  const ra = evaluable(a, bound);
  if (ra) {
    const p = pattern(b, ra);
    if (p) return p;
  }
  const rb = evaluable(b, bound);
  if (rb) {
    const p = pattern(a, rb);
    if (p) return p;
  }
  return undefined;
}

function exprOK(
  e: IRExpr,
  bound: Set<number>,
  uses: ReadonlyMap<number, number>,
  initial: ReadonlySet<number>,
): Set<number> | undefined {
  switch (e.k) {
    case 'term':
      return evaluable(e.term, bound);
    case 'unify':
      return unifyOK(e.a, e.b, bound);
    case 'some':
      return bound;
    case 'somein': {
      const r = evaluable(e.coll, bound);
      if (!r) return undefined;
      let p: Set<number> | undefined = r;
      if (e.key) p = pattern(e.key, p);
      if (p) p = pattern(e.value, p);
      return p;
    }
    case 'every': {
      const r = evaluable(e.domain, bound);
      if (!r) return undefined;
      const inner = new Set<number>();
      for (const x of e.body) exprSlots(x, inner);
      const own = new Set<number>();
      if (e.key) patternSlots(e.key, own);
      patternSlots(e.value, own);
      for (const s of inner) {
        if (own.has(s)) continue;
        if ((uses.get(s) ?? 0) > 1 || initial.has(s)) {
          if (!bound.has(s)) return undefined;
        }
      }
      return bound;
    }
    case 'not': {
      // OPA: every variable of a negated expression is bound before it (no local variables).
      const inner = new Set<number>();
      exprSlots(e, inner);
      for (const s of inner) if (!bound.has(s)) return undefined;
      let b: Set<number> | undefined = new Set(bound);
      for (const g of e.guards ?? []) b.add(g.slot);
      for (const x of e.body) {
        b = b ? exprOK(x, b, uses, initial) : undefined;
      }
      return b ? bound : undefined;
    }
    case 'with': {
      for (const m of e.mods) if (!evaluable(m.value, bound) && !m.fn) return undefined;
      return exprOK(e.inner, bound, uses, initial);
    }
  }
}

/**
 * A `$h = term` expression generated for a negation whose term yields at most one value: it
 * iterates over no reference and calls no relation (`walk`).
 */
function singleValued(e: IRExpr): boolean {
  if (e.k !== 'unify' || e.a.t !== 'local') return false;
  const need = new Set<number>();
  const out = new Set<number>();
  needed(e.b, need, out);
  return out.size === 0 && !callsRelation(e.b);
}

function callsRelation(t: IRTerm): boolean {
  switch (t.t) {
    case 'call':
      return (
        (t.target.kind === 'builtin' && t.target.def.relation === true) ||
        t.args.some(callsRelation)
      );
    case 'ref':
      return callsRelation(t.head) || t.path.some(callsRelation);
    case 'array':
    case 'set':
      return t.items.some(callsRelation);
    case 'object':
      return t.keys.some(callsRelation) || t.values.some(callsRelation);
    default:
      return false;
  }
}

function termSlots(t: IRTerm, out: Set<number>): void {
  const n = new Set<number>();
  needed(t, n, out);
  for (const x of n) out.add(x);
}

function patternSlots(t: IRTerm, out: Set<number>): void {
  termSlots(t, out);
}

function exprSlots(e: IRExpr, out: Set<number>): void {
  switch (e.k) {
    case 'term':
      termSlots(e.term, out);
      return;
    case 'unify':
      termSlots(e.a, out);
      termSlots(e.b, out);
      return;
    case 'some':
      return;
    case 'somein':
      if (e.key) termSlots(e.key, out);
      termSlots(e.value, out);
      termSlots(e.coll, out);
      return;
    case 'every': {
      termSlots(e.domain, out);
      const inner = new Set<number>();
      for (const x of e.body) exprSlots(x, inner);
      const own = new Set<number>();
      if (e.key) patternSlots(e.key, own);
      patternSlots(e.value, own);
      for (const s of inner) if (!own.has(s)) out.add(s);
      return;
    }
    case 'not': {
      // Guards bind their own slots; everything else they and the body use comes from outside.
      const inner = new Set<number>();
      for (const x of e.body) exprSlots(x, inner);
      for (const g of e.guards ?? []) termSlots(g.term, inner);
      for (const g of e.guards ?? []) inner.delete(g.slot);
      for (const s of inner) out.add(s);
      return;
    }
    case 'with':
      for (const m of e.mods) termSlots(m.value, out);
      exprSlots(e.inner, out);
      return;
  }
}

// --- modules ------------------------------------------------------------------------------------

/** Merges parsed modules into a rule tree and compiles every rule. */
export function compileModules(
  modules: readonly Module[],
  builtins: ReadonlyMap<string, BuiltinDef>,
): CompiledPolicy {
  const root = newNode([]);
  // Rule names per package, and function arities by path.
  const pkgNames = new Map<string, Set<string>>();
  const functions = new Map<string, number>();
  for (const m of modules) {
    const key = m.pkg.join('.');
    const names = pkgNames.get(key) ?? new Set<string>();
    pkgNames.set(key, names);
    for (const r of m.rules) {
      const first = r.head.ref[0];
      if (first?.type === 'var') names.add(first.name);
      if (r.head.args) {
        const path = [...m.pkg, ...staticPrefix(r.head.ref)];
        functions.set(path.join('.'), r.head.args.length);
      }
    }
  }
  // METADATA: package annotations (any module of the package) and document-scope ones by path.
  const pkgAnn = new Map<string, Annotation>();
  const docAnn = new Map<string, Annotation[]>();
  const ruleAnn = new Map<Rule, Annotation>();
  for (const m of modules) {
    if (m.annotations) pkgAnn.set(m.pkg.join('.'), parseAnnotations(m.annotations, 'package'));
    for (const r of m.rules) {
      if (!r.annotations) continue;
      const a = parseAnnotations(r.annotations, 'rule');
      ruleAnn.set(r, a);
      if (a.scope === 'document') {
        const key = [...m.pkg, ...staticPrefix(r.head.ref)].join('.');
        docAnn.set(key, [...(docAnn.get(key) ?? []), a]);
      }
    }
  }
  for (const m of modules) {
    const globals = new Map<string, Global>();
    for (const n of pkgNames.get(m.pkg.join('.')) ?? []) {
      globals.set(n, { kind: 'data', path: [...m.pkg, n].map(str) });
    }
    for (const imp of m.imports) {
      const [head, ...rest] = imp.path;
      const path = rest.map((t) => {
        if (t.type !== 'string')
          throw new RegoError('rego_compile_error', 'invalid import path', imp.loc);
        return str(t.value);
      });
      const alias =
        imp.alias ??
        (rest.length > 0
          ? (path[path.length - 1] as { value: string }).value
          : (head as { name: string }).name);
      const kind = (head as { name: string }).name === 'input' ? 'input' : 'data';
      globals.set(alias, { kind, path });
    }
    let pkgNode = root;
    for (const seg of m.pkg) {
      let child = pkgNode.children.get(seg);
      if (!child) {
        child = newNode([...pkgNode.path, seg]);
        pkgNode.children.set(seg, child);
      }
      pkgNode = child;
    }
    for (const r of m.rules) {
      const prefix = staticPrefix(r.head.ref);
      const path = [...m.pkg, ...prefix];
      let node = root;
      node.hasRules = true;
      for (const seg of path) {
        let child = node.children.get(seg);
        if (!child) {
          child = newNode([...node.path, seg]);
          node.children.set(seg, child);
        }
        node = child;
        node.hasRules = true;
      }
      const meta = ruleMetadata(
        path,
        m.pkg,
        ruleAnn.get(r),
        docAnn.get(path.join('.')) ?? [],
        pkgAnn.get(m.pkg.join('.')),
      );
      const fc = new FrameCompiler(globals, builtins, functions, m.regoV1, meta);
      const rule = compileRule(fc, r, prefix.length);
      if (r.isDefault) node.defaults.push(rule);
      else node.rules.push(rule);
    }
  }
  checkRecursion(root);
  return { root, builtins, functions };
}

/** Every node that holds rules, at or below `n`. */
function ruleNodesBelow(n: RuleNode, out: RuleNode[]): void {
  if (n.rules.length > 0 || n.defaults.length > 0) out.push(n);
  for (const c of n.children.values()) ruleNodesBelow(c, out);
}

/** The rule nodes a reference into data (given by its constant prefix) may read. */
/**
 * The rule nodes a data reference may reach. A segment that is not a constant (`undefined`)
 * matches every child, so `data[x].allow.see` reaches only packages that have `allow.see`.
 */
function nodesForPath(root: RuleNode, path: readonly (string | undefined)[]): RuleNode[] {
  const out: RuleNode[] = [];
  const walk = (n: RuleNode, i: number): void => {
    if (i > 0 && (n.rules.length > 0 || n.defaults.length > 0)) {
      out.push(n);
      return;
    }
    if (i === path.length) {
      ruleNodesBelow(n, out);
      return;
    }
    const seg = path[i];
    if (seg === undefined) {
      for (const c of n.children.values()) walk(c, i + 1);
    } else {
      const c = n.children.get(seg);
      if (c) walk(c, i + 1);
    }
  };
  walk(root, 0);
  return out;
}

function refsOfTerm(t: IRTerm, out: (string | undefined)[][]): void {
  switch (t.t) {
    case 'ref': {
      if (t.head.t === 'data') {
        const path: (string | undefined)[] = [];
        for (const p of t.path) {
          if (p.t === 'const' && p.v.kind === 'string') path.push(p.v.value);
          else if (p.t === 'const' && p.v.kind === 'number') path.push(p.v.toString());
          else path.push(undefined);
        }
        out.push(path);
      } else refsOfTerm(t.head, out);
      for (const p of t.path) refsOfTerm(p, out);
      return;
    }
    case 'data':
      out.push([]);
      return;
    case 'array':
    case 'set':
      for (const i of t.items) refsOfTerm(i, out);
      return;
    case 'object':
      for (const k of t.keys) refsOfTerm(k, out);
      for (const v of t.values) refsOfTerm(v, out);
      return;
    case 'arraycompr':
    case 'setcompr':
      refsOfTerm(t.term, out);
      for (const e of t.body) refsOfExpr(e, out);
      return;
    case 'objectcompr':
      refsOfTerm(t.key, out);
      refsOfTerm(t.value, out);
      for (const e of t.body) refsOfExpr(e, out);
      return;
    case 'call':
      if (t.target.kind === 'function') out.push([...t.target.path]);
      for (const a of t.args) refsOfTerm(a, out);
      return;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') refsOfExpr(p, out);
      return;
    default:
      return;
  }
}

function refsOfExpr(e: IRExpr, out: (string | undefined)[][]): void {
  switch (e.k) {
    case 'term':
      refsOfTerm(e.term, out);
      return;
    case 'unify':
      refsOfTerm(e.a, out);
      refsOfTerm(e.b, out);
      return;
    case 'not':
      for (const g of e.guards ?? []) refsOfTerm(g.term, out);
      for (const x of e.body) refsOfExpr(x, out);
      return;
    case 'somein':
      refsOfTerm(e.coll, out);
      return;
    case 'every':
      refsOfTerm(e.domain, out);
      for (const x of e.body) refsOfExpr(x, out);
      return;
    case 'with':
      for (const m of e.mods) {
        refsOfTerm(m.value, out);
        if (m.fn?.kind === 'function') out.push([...m.fn.path]);
      }
      refsOfExpr(e.inner, out);
      return;
    default:
      return;
  }
}

/** Rejects rules that depend on themselves (OPA's rego_recursion_error). */
function checkRecursion(root: RuleNode): void {
  const nodes: RuleNode[] = [];
  ruleNodesBelow(root, nodes);
  const deps = new Map<RuleNode, RuleNode[]>();
  for (const n of nodes) {
    const paths: (string | undefined)[][] = [];
    for (const first of [...n.rules, ...n.defaults]) {
      for (let r: IRRule | undefined = first; r; r = r.elseRule) {
        for (const e of r.body) refsOfExpr(e, paths);
        refsOfTerm(r.value, paths);
        for (const k of r.keys) refsOfTerm(k, paths);
      }
    }
    const out = new Set<RuleNode>();
    for (const p of paths) for (const d of nodesForPath(root, p)) out.add(d);
    deps.set(n, [...out]);
  }
  const state = new Map<RuleNode, 1 | 2>();
  const stack: RuleNode[] = [];
  const name = (n: RuleNode): string => ['data', ...n.path].join('.');
  const visit = (n: RuleNode): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      const st = state.get(d);
      if (st === 1) {
        const cycle = [...stack.slice(stack.indexOf(d)), d].map(name);
        const loc = (d.rules[0] ?? d.defaults[0])?.loc;
        throw new RegoError(
          'rego_recursion_error',
          `rule ${name(d)} is recursive: ${cycle.join(' -> ')}`,
          loc,
        );
      }
      if (st === undefined) visit(d);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
}

/** The leading string keys of a head reference (the rule's path below its package). */
function staticPrefix(ref: readonly Term[]): string[] {
  const out: string[] = [];
  for (const [i, t] of ref.entries()) {
    if (i === 0 && t.type === 'var') out.push(t.name);
    else if (i > 0 && t.type === 'string') out.push(t.value);
    else break;
  }
  return out;
}

function compileRule(fc: FrameCompiler, r: Rule, prefixLen: number): IRRule {
  const head = r.head;
  const keyTerms = head.ref.slice(prefixLen);
  const extra: Term[] = [head.value, ...keyTerms];
  const scope = new Scope(
    undefined,
    namesOfBody(r.body, [...extra, ...(head.args ?? [])]),
    declaredNames(r.body),
  );
  const initial = new Set<number>();
  const args: IRTerm[] = [];
  const argExprs: IRExpr[] = [];
  for (const a of head.args ?? []) {
    if (a.type === 'var' || a.type === 'array' || a.type === 'object') {
      fc.declarePattern(a, scope, false);
      const t = fc.term(a, scope);
      patternSlots(t, initial);
      args.push(t);
    } else if (a.type === 'template' || a.type === 'ref' || a.type === 'call') {
      const slot = fc.alloc('$arg');
      initial.add(slot);
      const local: IRTerm = { t: 'local', slot, name: '$arg' };
      args.push(local);
      argExprs.push({ k: 'unify', a: local, b: fc.term(a, scope), loc: a.loc });
    } else {
      args.push(fc.term(a, scope));
    }
  }
  const compiled = fc.exprList(r.body, scope);
  const keys = keyTerms.map((k) => fc.term(k, scope));
  const value = fc.term(head.value, scope);
  const body = fc.schedule([...compiled, ...argExprs], initial, [...keys, value]);
  fc.checkSafe([...keys, value], body.bound, head.loc);
  const kind =
    head.kind === 'function'
      ? 'function'
      : head.kind === 'multi'
        ? 'multi'
        : keys.length === 0
          ? 'complete'
          : 'object';
  const elseRule = r.elseRule
    ? compileRule(
        new FrameCompiler(fc.globals, fc.builtins, fc.functions, fc.v1, fc.meta),
        r.elseRule,
        prefixLen,
      )
    : undefined;
  const constHead = value.t === 'const' && keys.every((k) => k.t === 'const');
  return {
    kind,
    keys,
    value,
    body: body.exprs,
    args,
    nslots: fc.nslots,
    elseRule,
    isDefault: r.isDefault,
    loc: r.loc,
    constHead,
  };
}

/** A compiled query: its body, frame size and the named variables to report. */
export interface CompiledQuery {
  readonly body: readonly IRExpr[];
  readonly nslots: number;
  readonly vars: readonly { readonly name: string; readonly slot: number }[];
  readonly exprCount: number;
  /** Position of each compiled expression in the query as written (bodies are reordered). */
  readonly sourceIndex: ReadonlyMap<IRExpr, number>;
}

export function compileQueryBody(exprs: readonly Expr[], policy: CompiledPolicy): CompiledQuery {
  const fc = new FrameCompiler(new Map(), policy.builtins, policy.functions);
  const scope = new Scope(undefined, namesOfBody(exprs, []), declaredNames(exprs));
  const sourceIndex = new Map<IRExpr, number>();
  const compiled = fc.exprList(exprs, scope, sourceIndex);
  const body = fc.schedule(compiled, new Set());
  const vars = [...scope.names.entries()]
    .filter(([n]) => !n.startsWith('$'))
    .map(([name, slot]) => ({ name, slot }));
  return { body: body.exprs, nslots: fc.nslots, vars, exprCount: exprs.length, sourceIndex };
}
