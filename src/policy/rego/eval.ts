// Top-down Rego evaluation with backtracking: continuation-passing over a frame of slots.
import type { Location } from './ast.js';
import type { BuiltinContext } from './builtin-types.js';
import type { CallTarget, IRExpr, IRRule, IRTerm, IRWith, RuleNode } from './compiler-ir.js';
import type { CompiledPolicy } from './compiler.js';
import { RegoError } from './errors.js';
import type { ObjectValue, Value } from './value.js';
import {
  arr,
  EMPTY_OBJECT,
  equal,
  FALSE,
  numberText,
  valueToString,
  ObjectBuilder,
  SetBuilder,
  str,
  TRUE,
} from './value.js';

/** A continuation: returns true to stop the search. */
type K = () => boolean;
type KV = (v: Value) => boolean;
type Frame = (Value | undefined)[];

interface State {
  input: Value | undefined;
  /** `with data.x as v` replacements, by dotted path. */
  overlay: Map<string, { path: readonly string[]; value: Value }> | undefined;
  /** `with f as g` replacements, by built-in name or `data.`-prefixed function path. */
  fns: Map<string, { target: CallTarget | undefined; value: Value | undefined }> | undefined;
  cache: Map<number, Value | null | typeof PENDING>;
}

const PENDING = Symbol('pending');

export interface EvalContextOptions {
  readonly input: Value | undefined;
  readonly data: Value;
  readonly strict: boolean;
  readonly nowNs: bigint;
  readonly print: (line: string) => void;
  /** Receives one line per evaluated expression when tracing. */
  readonly trace: ((line: string) => void) | undefined;
}

function conflict(msg: string, loc?: Location): RegoError {
  return new RegoError('eval_conflict_error', msg, loc);
}

/** How many conflicting values an error lists (OPA's maxConflicts). */
const MAX_CONFLICTS = 10;

function compareLocations(a: Location, b: Location): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.row - b.row || a.col - b.col;
}

/** A value on one line, cut at 80 characters (OPA's frameText). */
function frameText(text: string): string {
  const flat = text.split(/\s+/).filter(Boolean).join(' ');
  const chars = [...flat];
  return chars.length > 80 ? chars.slice(0, 80).join('') + '...' : flat;
}

/** One evaluation of a query against a compiled policy. */
export class Evaluator {
  private state: State;
  private readonly bctx: BuiltinContext;

  constructor(
    private readonly policy: CompiledPolicy,
    private readonly opts: EvalContextOptions,
  ) {
    this.state = { input: opts.input, overlay: undefined, fns: undefined, cache: new Map() };
    this.bctx = { nowNs: opts.nowNs, cache: new Map(), strict: opts.strict };
  }

  // --- bodies and expressions ------------------------------------------------------------------

  evalBody(body: readonly IRExpr[], i: number, f: Frame, k: K): boolean {
    if (i === body.length) return k();
    const e = body[i] as IRExpr;
    if (i === body.length - 1) return this.evalExpr(e, f, k);
    return this.evalExpr(e, f, () => this.evalBody(body, i + 1, f, k));
  }

  evalExpr(e: IRExpr, f: Frame, k: K): boolean {
    if (this.opts.trace) return this.traceExpr(e, f, k);
    return this.evalExprInner(e, f, k);
  }

  private evalExprInner(e: IRExpr, f: Frame, k: K): boolean {
    switch (e.k) {
      case 'term':
        return this.evalTerm(e.term, f, (v) =>
          v === FALSE || (v.kind === 'boolean' && !v.value) ? false : k(),
        );
      case 'unify':
        return this.unify(e.a, e.b, f, k);
      case 'not': {
        if (e.guards && !this.evalGuards(e.guards, f)) return false;
        let found = false;
        this.evalBody(e.body, 0, f, () => {
          found = true;
          return true;
        });
        if (e.guards) for (const g of e.guards) f[g.slot] = undefined;
        return found ? false : k();
      }
      case 'some':
        for (const s of e.slots) f[s] = undefined;
        return k();
      case 'somein':
        return this.evalTerm(e.coll, f, (c) =>
          this.iterate(c, (key, val) =>
            e.key
              ? this.unifyValue(e.key, key, f, () => this.unifyValue(e.value, val, f, k))
              : this.unifyValue(e.value, val, f, k),
          ),
        );
      case 'every':
        return this.evalTerm(e.domain, f, (d) => {
          if (d.kind !== 'array' && d.kind !== 'set' && d.kind !== 'object') return false;
          let all = true;
          this.iterate(d, (key, val) => {
            let ok = false;
            const run = (): boolean => {
              this.evalBody(e.body, 0, f, () => {
                ok = true;
                return true;
              });
              return true;
            };
            if (e.key) this.unifyValue(e.key, key, f, () => this.unifyValue(e.value, val, f, run));
            else this.unifyValue(e.value, val, f, run);
            if (!ok) all = false;
            return !ok;
          });
          return all ? k() : false;
        });
      case 'with':
        return this.evalWith(e.mods, f, (restore) => this.evalExpr(e.inner, f, () => restore(k)));
    }
  }

  /** Evaluates a negation's guards into their slots; false when one is undefined. */
  private evalGuards(
    guards: NonNullable<Extract<IRExpr, { k: 'not' }>['guards']>,
    f: Frame,
  ): boolean {
    for (const g of guards) {
      let value: Value | undefined;
      this.evalTerm(g.term, f, (v) => {
        value = v;
        return true;
      });
      if (value === undefined) {
        for (const h of guards) f[h.slot] = undefined;
        return false;
      }
      f[g.slot] = value;
    }
    return true;
  }

  /** Evaluates an expression, recording `Eval` and, when it has no solution, `Fail`. */
  private traceExpr(e: IRExpr, f: Frame, k: K): boolean {
    const where = `${e.loc.file}:${e.loc.row}:${e.loc.col}`;
    const trace = this.opts.trace as (line: string) => void;
    trace(`Eval ${where} ${e.k}`);
    let solved = false;
    const stop = this.evalExprInner(e, f, () => {
      solved = true;
      return k();
    });
    if (!solved) trace(`Fail ${where} ${e.k}`);
    return stop;
  }

  /** Calls f for every (key, value) of a collection; stops when f returns true. */
  private iterate(c: Value, fn: (k: Value, v: Value) => boolean): boolean {
    switch (c.kind) {
      case 'array':
        for (let i = 0; i < c.items.length; i++) {
          if (fn(numOf(i), c.items[i] as Value)) return true;
        }
        return false;
      case 'set':
        for (const v of c.sorted()) if (fn(v, v)) return true;
        return false;
      case 'object': {
        for (const [key, val] of c.entries()) if (fn(key, val)) return true;
        return false;
      }
      default:
        return false;
    }
  }

  // --- with ------------------------------------------------------------------------------------

  private evalWith(
    mods: readonly IRWith[],
    f: Frame,
    body: (restore: (k: K) => boolean) => boolean,
  ): boolean {
    const saved = this.state;
    const next: State = {
      input: saved.input,
      overlay: saved.overlay ? new Map(saved.overlay) : undefined,
      fns: saved.fns ? new Map(saved.fns) : undefined,
      cache: new Map(),
    };
    for (const m of mods) {
      if (m.fn && (m.target.kind === 'builtin' || m.target.kind === 'function')) {
        next.fns ??= new Map();
        const key = m.target.kind === 'builtin' ? m.target.name : 'data.' + m.target.path.join('.');
        next.fns.set(key, { target: m.fn, value: undefined });
        continue;
      }
      let value: Value | undefined;
      this.evalTerm(m.value, f, (v) => {
        value = v;
        return true;
      });
      if (value === undefined) return false;
      switch (m.target.kind) {
        case 'input':
          next.input = upsert(next.input, m.target.path, value);
          break;
        case 'data':
          next.overlay ??= new Map();
          next.overlay.set(m.target.path.join('\u0000'), { path: m.target.path, value });
          break;
        case 'builtin':
          next.fns ??= new Map();
          next.fns.set(m.target.name, { target: undefined, value });
          break;
        case 'function':
          next.fns ??= new Map();
          next.fns.set('data.' + m.target.path.join('.'), { target: undefined, value });
          break;
      }
    }
    this.state = next;
    try {
      return body((k) => {
        const inner = this.state;
        this.state = saved;
        try {
          return k();
        } finally {
          this.state = inner;
        }
      });
    } finally {
      this.state = saved;
    }
  }

  // --- terms -----------------------------------------------------------------------------------

  evalTerm(t: IRTerm, f: Frame, k: KV): boolean {
    switch (t.t) {
      case 'const':
        return k(t.v);
      case 'local': {
        const v = f[t.slot];
        if (v === undefined) {
          throw new RegoError('eval_internal_error', `var ${t.name} is unbound`);
        }
        return k(v);
      }
      case 'input':
        return this.state.input === undefined ? false : k(this.state.input);
      case 'data':
        return this.walkData(this.policy.root, this.opts.data, [], [], 0, f, k);
      case 'ref':
        return this.evalRef(t.head, t.path, f, k);
      case 'array':
        return this.evalTerms(t.items, 0, [], f, (vs) => k(arr(vs)));
      case 'set':
        return this.evalTerms(t.items, 0, [], f, (vs) => {
          const b = new SetBuilder();
          for (const v of vs) b.add(v);
          return k(b.build());
        });
      case 'object':
        return this.evalTerms(t.keys, 0, [], f, (ks) =>
          this.evalTerms(t.values, 0, [], f, (vs) => {
            const b = new ObjectBuilder();
            ks.forEach((key, i) => b.set(key, vs[i] as Value));
            return k(b.build());
          }),
        );
      case 'arraycompr': {
        const out: Value[] = [];
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.term, f, (v) => {
            out.push(v);
            return false;
          }),
        );
        return k(arr(out));
      }
      case 'setcompr': {
        const b = new SetBuilder();
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.term, f, (v) => {
            b.add(v);
            return false;
          }),
        );
        return k(b.build());
      }
      case 'objectcompr': {
        const b = new ObjectBuilder();
        this.evalBody(t.body, 0, f, () =>
          this.evalTerm(t.key, f, (key) =>
            this.evalTerm(t.value, f, (v) => {
              const old = b.get(key);
              if (old !== undefined && !equal(old, v)) throw conflict('object keys must be unique');
              b.set(key, v);
              return false;
            }),
          ),
        );
        return k(b.build());
      }
      case 'call':
        if (t.target.kind === 'print') return this.print(t.args, f, k);
        return this.evalArgs(t, f, (vs) => this.call(t.target, vs, t.loc, f, k, t.args));
      case 'template': {
        let out = '';
        for (const p of t.parts) {
          if (typeof p === 'string') {
            out += p;
            continue;
          }
          let v: Value | undefined;
          this.exprValue(p, f, (x) => {
            v = x;
            return true;
          });
          out += v === undefined ? '<undefined>' : v.kind === 'string' ? v.value : valueToString(v);
        }
        return k(str(out));
      }
    }
  }

  /** print(): every operand is shown, undefined ones as <undefined>; the call is true. */
  private print(args: readonly IRTerm[], f: Frame, k: KV): boolean {
    const parts = args.map((a) => {
      let v: Value | undefined;
      this.evalTerm(a, f, (x) => {
        v = x;
        return true;
      });
      if (v === undefined) return '<undefined>';
      return v.kind === 'string' ? v.value : valueToString(v);
    });
    this.opts.print(parts.join(' '));
    return k(TRUE);
  }

  /** The value of an expression used as a value (template parts): a term's value, else true. */
  private exprValue(e: IRExpr, f: Frame, k: KV): boolean {
    if (e.k === 'term') return this.evalTerm(e.term, f, k);
    if (e.k === 'with')
      return this.evalWith(e.mods, f, (restore) =>
        this.exprValue(e.inner, f, (v) => restore(() => k(v))),
      );
    return this.evalExpr(e, f, () => k(TRUE));
  }

  /** Evaluates call operands in the order the compiler chose (see compiler.ts callTerm). */
  private evalArgs(
    t: Extract<IRTerm, { t: 'call' }>,
    f: Frame,
    k: (vs: Value[]) => boolean,
  ): boolean {
    const order = t.argOrder;
    if (order === undefined) return this.evalTerms(t.args, 0, [], f, k);
    return this.evalTerms(
      order.map((i) => t.args[i] as IRTerm),
      0,
      [],
      f,
      (vs) => {
        const out = new Array<Value>(t.args.length);
        order.forEach((idx, j) => (out[idx] = vs[j] as Value));
        return k(out);
      },
    );
  }

  private evalTerms(
    items: readonly IRTerm[],
    i: number,
    acc: Value[],
    f: Frame,
    k: (vs: Value[]) => boolean,
  ): boolean {
    // Fast path: constants and bound variables.
    if (i === 0) {
      let simple = true;
      const out: Value[] = [];
      for (const it of items) {
        if (it.t === 'const') out.push(it.v);
        else if (it.t === 'local' && f[it.slot] !== undefined) out.push(f[it.slot] as Value);
        else {
          simple = false;
          break;
        }
      }
      if (simple) return k(out);
    }
    if (i === items.length) return k(acc.slice());
    return this.evalTerm(items[i] as IRTerm, f, (v) => {
      acc[i] = v;
      return this.evalTerms(items, i + 1, acc, f, k);
    });
  }

  // --- references ------------------------------------------------------------------------------

  private evalRef(head: IRTerm, path: readonly IRTerm[], f: Frame, k: KV): boolean {
    if (head.t === 'data')
      return this.walkData(this.policy.root, this.opts.data, [], path, 0, f, k);
    if (head.t === 'input') {
      const input = this.state.input;
      return input === undefined ? false : this.walkValue(input, path, 0, f, k);
    }
    return this.evalTerm(head, f, (v) => this.walkValue(v, path, 0, f, k));
  }

  private walkValue(
    v: Value,
    path: readonly IRTerm[],
    i: number,
    f: Frame,
    k: KV,
    doc = false,
  ): boolean {
    const look = doc ? lookupDoc : lookup;
    if (i === path.length) return k(v);
    const p = path[i] as IRTerm;
    if (p.t === 'const') {
      const child = look(v, p.v);
      return child === undefined ? false : this.walkValue(child, path, i + 1, f, k, doc);
    }
    if (p.t === 'local') {
      const bound = f[p.slot];
      if (bound !== undefined) {
        const child = look(v, bound);
        return child === undefined ? false : this.walkValue(child, path, i + 1, f, k, doc);
      }
      return this.iterate(v, (key, child) => {
        f[p.slot] = key;
        const stop = this.walkValue(child, path, i + 1, f, k, doc);
        f[p.slot] = undefined;
        return stop;
      });
    }
    if (this.canEval(p, f)) {
      return this.evalTerm(p, f, (key) => {
        const child = look(v, key);
        return child === undefined ? false : this.walkValue(child, path, i + 1, f, k, doc);
      });
    }
    return this.iterate(v, (key, child) =>
      this.unifyValue(p, key, f, () => this.walkValue(child, path, i + 1, f, k, doc)),
    );
  }

  /** Walks `data`: rule tree nodes merged with base documents and `with` replacements. */
  private walkData(
    node: RuleNode | undefined,
    base: Value | undefined,
    at: readonly string[],
    path: readonly IRTerm[],
    i: number,
    f: Frame,
    k: KV,
  ): boolean {
    const overlay = this.state.overlay;
    if (overlay) {
      const o = overlay.get(at.join('\u0000'));
      if (o) return this.walkValue(this.patchBelow(o.value, at), path, i, f, k);
    }
    if (node === undefined) {
      // Step towards a replacement below: at its path it is read as is, above it merged in.
      if (overlay && i < path.length && this.overlayBelow(at)) {
        const p = path[i] as IRTerm;
        const k0 = p.t === 'const' ? p.v : p.t === 'local' ? f[p.slot] : undefined;
        const key = k0?.kind === 'number' && k0.isInteger() ? str(numberText(k0)) : k0;
        if (key?.kind === 'string') {
          const childBase = base?.kind === 'object' ? base.getStr(key.value) : undefined;
          return this.walkData(undefined, childBase, [...at, key.value], path, i + 1, f, k);
        }
      }
      if (base === undefined) {
        if (overlay && this.overlayBelow(at)) base = EMPTY_OBJECT;
        else return false;
      }
      return this.walkValue(overlay ? this.patchBelow(base, at) : base, path, i, f, k, true);
    }
    if (node.rules.length > 0 || node.defaults.length > 0 || i === path.length) {
      const v = this.nodeValue(node, base, at);
      return v === undefined ? false : this.walkValue(v, path, i, f, k);
    }
    const p = path[i] as IRTerm;
    if (p.t === 'const') return this.dataStep(node, base, at, path, i, f, k, p.v);
    if (p.t === 'local' && f[p.slot] === undefined) {
      const keys = new Set<string>(node.children.keys());
      if (base?.kind === 'object')
        for (const key of base.keys()) if (key.kind === 'string') keys.add(key.value);
      for (const key of [...keys].sort()) {
        f[p.slot] = str(key);
        const stop = this.dataStep(node, base, at, path, i, f, k, str(key));
        f[p.slot] = undefined;
        if (stop) return true;
      }
      return false;
    }
    if (this.canEval(p, f)) {
      return this.evalTerm(p, f, (key) => this.dataStep(node, base, at, path, i, f, k, key));
    }
    const v = this.nodeValue(node, base, at);
    return v === undefined ? false : this.walkValue(v, path, i, f, k);
  }

  /** One step of walkData below `node` by `k0`. */
  private dataStep(
    node: RuleNode,
    base: Value | undefined,
    at: readonly string[],
    path: readonly IRTerm[],
    i: number,
    f: Frame,
    k: KV,
    k0: Value,
  ): boolean {
    // Integer keys address base documents by their text (`data[2]` is `data["2"]`).
    const key = k0.kind === 'number' && k0.isInteger() ? str(numberText(k0)) : k0;
    if (key.kind !== 'string') {
      const v = this.nodeValue(node, base, at);
      const child = v === undefined ? undefined : lookup(v, key);
      return child === undefined ? false : this.walkValue(child, path, i + 1, f, k);
    }
    const child = node.children.get(key.value);
    const childBase = base?.kind === 'object' ? base.getStr(key.value) : undefined;
    const next = child ? child.path : [...at, key.value];
    return this.walkData(child, childBase, next, path, i + 1, f, k);
  }

  private overlayBelow(at: readonly string[]): boolean {
    for (const o of this.state.overlay?.values() ?? []) {
      if (o.path.length > at.length && at.every((s, j) => o.path[j] === s)) return true;
    }
    return false;
  }

  /**
   * A document read above `with` replacements: each replacement merged in at its path, as OPA
   * merges its replacement tree with the base document (objects merge key by key, the
   * replacement wins elsewhere).
   */
  private patchBelow(v: Value, at: readonly string[]): Value {
    let out = v;
    for (const o of this.state.overlay?.values() ?? []) {
      if (o.path.length > at.length && at.every((s, j) => o.path[j] === s)) {
        const rel = o.path.slice(at.length).map(str);
        // A replaced rule (virtual document) is replaced whole; base data is merged with.
        out = upsert(out, rel, o.value, !this.isVirtual(o.path));
      }
    }
    return out;
  }

  /** Whether a rule defines the document at `path` or one of its parents. */
  private isVirtual(path: readonly string[]): boolean {
    let n: RuleNode | undefined = this.policy.root;
    for (const s of path) {
      n = n.children.get(s);
      if (n === undefined) return false;
      if (n.rules.length > 0 || n.defaults.length > 0) return true;
    }
    return false;
  }

  /** The full value of a rule tree node (its rules, the nodes below it and base data). */
  private nodeValue(
    node: RuleNode,
    base: Value | undefined,
    at: readonly string[],
  ): Value | undefined {
    const cache = this.state.cache;
    const cached = cache.get(node.id);
    if (cached === PENDING) {
      throw new RegoError('rego_recursion_error', `rule data.${node.path.join('.')} is recursive`);
    }
    if (cached !== undefined) return cached === null ? undefined : cached;
    cache.set(node.id, PENDING);
    let v: Value | undefined;
    const trace = this.opts.trace;
    if (trace) trace(`Enter data.${node.path.join('.')}`);
    try {
      v = this.computeNode(node, base, at);
      if (trace) {
        trace(
          `Exit data.${node.path.join('.')} = ${v === undefined ? '<undefined>' : valueToString(v)}`,
        );
      }
    } catch (e) {
      cache.delete(node.id);
      throw e;
    }
    cache.set(node.id, v === undefined ? null : v);
    return v;
  }

  private computeNode(
    node: RuleNode,
    base: Value | undefined,
    at: readonly string[],
  ): Value | undefined {
    let own: Value | undefined;
    const first = node.rules[0] ?? node.defaults[0];
    if (first) {
      switch (first.kind) {
        case 'complete':
          own = this.evalComplete(node);
          if (own) ruleValue(own);
          break;
        case 'multi':
        case 'object':
          own = this.evalCollection(node);
          break;
        case 'function':
          return undefined;
      }
    }
    if (node.children.size === 0) {
      // A base document at the same path as a rule wins (OPA reads base data first).
      if (base !== undefined && own !== undefined && base.kind !== 'object') return base;
      if (own !== undefined) return own;
      // A package without rules is an empty object.
      const doc = first ? base : (base ?? EMPTY_OBJECT);
      return doc !== undefined && this.state.overlay ? this.patchBelow(doc, at) : doc;
    }
    // Merge the nodes below (and base data) into an object.
    const b = new ObjectBuilder();
    const ownObj = own?.kind === 'object' ? own : undefined;
    if (own !== undefined && !ownObj) return own;
    if (base?.kind === 'object') base.forEach((key, val) => void b.set(key, val));
    if (ownObj) ownObj.forEach((key, val) => void b.set(key, val));
    for (const [name, child] of node.children) {
      const childBase = base?.kind === 'object' ? base.getStr(name) : undefined;
      const cv = this.nodeValue(child, childBase, [...at, name]);
      if (cv === undefined) continue;
      const key = str(name);
      const prev = ownObj?.get(key);
      b.set(key, prev === undefined ? cv : mergeValues(prev, cv));
    }
    const out = b.build();
    return this.state.overlay ? this.patchBelow(out, at) : out;
  }

  private frame(r: IRRule): Frame {
    return new Array<Value | undefined>(r.nslots);
  }

  /** Values one rule (and its else chain) produces; conflicts between solutions are errors. */
  private ruleValue(
    node: RuleNode,
    r: IRRule,
    args: readonly Value[] | undefined,
  ): Value | undefined {
    let cur: IRRule | undefined = r;
    while (cur) {
      const rule: IRRule = cur;
      let result: Value | undefined;
      const onValue = (v: Value): boolean => {
        if (result !== undefined && !equal(result, v)) {
          throw this.conflictError(node, args, rule);
        }
        result = v;
        return rule.constHead;
      };
      const f = this.frame(rule);
      if (args) {
        this.unifyItems(rule.args, args, 0, f, () =>
          this.evalBody(rule.body, 0, f, () => this.evalTerm(rule.value, f, onValue)),
        );
      } else this.evalBody(rule.body, 0, f, () => this.evalTerm(rule.value, f, onValue));
      if (result !== undefined) return result;
      cur = rule.elseRule;
    }
    return undefined;
  }

  /** Calls `onValue` with each value one rule (without its else chain) produces. */
  private ruleSolutions(
    rule: IRRule,
    args: readonly Value[] | undefined,
    onValue: (v: Value) => boolean,
  ): void {
    const f = this.frame(rule);
    if (args) {
      this.unifyItems(rule.args, args, 0, f, () =>
        this.evalBody(rule.body, 0, f, () => this.evalTerm(rule.value, f, onValue)),
      );
    } else this.evalBody(rule.body, 0, f, () => this.evalTerm(rule.value, f, onValue));
  }

  /**
   * OPA's conflict error for a complete rule or function: once a conflict is found, the rules
   * are evaluated again to list every value that differs from the first (one per rule, at most
   * 10) with the rule that produced it, in source order. Raised at the rule that conflicted.
   */
  private conflictError(node: RuleNode, args: readonly Value[] | undefined, at: IRRule): RegoError {
    const path = `data.${node.path.join('.')}`;
    const head = args
      ? `function ${path} produced conflicting values for the same inputs`
      : `rule ${path} produced conflicting values`;
    const values: { v: Value; loc: Location }[] = [];
    let more = false;
    const STOP = new Error('conflict listing ends');
    try {
      for (const r of node.rules) {
        for (let cur: IRRule | undefined = r; cur; cur = cur.elseRule) {
          const rule: IRRule = cur;
          let produced = false;
          try {
            this.ruleSolutions(rule, args, (v) => {
              produced = true;
              if (values.length > 0 && equal((values[0] as { v: Value }).v, v)) return false;
              if (values.length === MAX_CONFLICTS) {
                more = true;
                throw STOP;
              }
              values.push({ v, loc: rule.loc });
              return values.length > 1;
            });
          } catch {
            // Anything else going wrong was not what ended the evaluation: list what was found.
            throw STOP;
          }
          if (produced) break;
        }
      }
    } catch (e) {
      if (e !== STOP) throw e;
    }
    if (values.length < 2) return conflict(head, at.loc);
    values.sort((a, b) => compareLocations(a.loc, b.loc));
    const lines = values.map(
      ({ v, loc }) => `\n  ${frameText(valueToString(v))} at ${loc.file}:${loc.row}`,
    );
    return conflict(`${head}:${lines.join('')}${more ? '\n  ...' : ''}`, at.loc);
  }

  private defaultValue(node: RuleNode): Value | undefined {
    const d = node.defaults[0];
    if (!d) return undefined;
    let out: Value | undefined;
    this.evalTerm(d.value, this.frame(d), (v) => {
      out = v;
      return true;
    });
    return out;
  }

  private evalComplete(node: RuleNode): Value | undefined {
    let result: Value | undefined;
    for (const r of node.rules) {
      const v = this.ruleValue(node, r, undefined);
      if (v === undefined) continue;
      if (result !== undefined && !equal(result, v)) throw this.conflictError(node, undefined, r);
      result = v;
    }
    return result ?? this.defaultValue(node);
  }

  /** Multi-value and object rules at a node: a set, or an object built from the head keys. */
  private evalCollection(node: RuleNode): Value | undefined {
    const tree = new Nested();
    let isSet = false;
    for (const r of node.rules) {
      const f = this.frame(r);
      const multi = r.kind === 'multi';
      if (multi && r.keys.length === 0) isSet = true;
      this.evalBody(r.body, 0, f, () =>
        this.evalTerms(r.keys, 0, [], f, (keys) =>
          this.evalTerm(r.value, f, (v) => {
            tree.insert(keys, v, multi);
            return false;
          }),
        ),
      );
    }
    if (isSet) return tree.leafSet();
    if (node.rules.length === 0) return this.defaultValue(node);
    return tree.build();
  }

  // --- calls -----------------------------------------------------------------------------------

  private call(
    target: CallTarget,
    args: Value[],
    loc: Location,
    f: Frame,
    k: KV,
    argTerms: readonly IRTerm[],
  ): boolean {
    const fns = this.state.fns;
    if (fns) {
      const key = target.kind === 'function' ? 'data.' + target.path.join('.') : target.name;
      const o = fns.get(key);
      if (o) {
        if (o.value !== undefined) return k(o.value);
        if (o.target && o.target !== target) {
          // A replacement runs without replacements (it may call the original).
          const saved = this.state;
          const bare: State = { ...saved, fns: undefined, cache: new Map() };
          this.state = bare;
          try {
            return this.call(
              o.target,
              args,
              loc,
              f,
              (v) => {
                this.state = saved;
                try {
                  return k(v);
                } finally {
                  this.state = bare;
                }
              },
              argTerms,
            );
          } finally {
            this.state = saved;
          }
        }
      }
    }
    switch (target.kind) {
      case 'print': {
        void argTerms;
        this.opts.print(
          args.map((a) => (a.kind === 'string' ? a.value : valueToString(a))).join(' '),
        );
        return k(TRUE);
      }
      case 'trace': {
        const note = args[0] as Value;
        if (note.kind !== 'string') {
          throw new RegoError(
            'eval_type_error',
            `trace: operand 1 must be string but got ${note.kind}`,
            loc,
          );
        }
        this.opts.trace?.(`Note ${note.value}`);
        return k(TRUE);
      }
      case 'function':
        return this.callFunction(target.path, args, loc, k);
      case 'builtin': {
        const def = target.def;
        let r: Value | undefined | readonly Value[];
        try {
          r = def.impl(args, this.bctx);
        } catch (e) {
          if (e instanceof RegoError) {
            if (
              !this.opts.strict &&
              (e.code === 'eval_builtin_error' || e.code === 'eval_type_error')
            ) {
              return false;
            }
            throw e.at(loc);
          }
          throw e;
        }
        if (r === undefined) return false;
        if (def.relation) {
          for (const v of r as readonly Value[]) if (k(v)) return true;
          return false;
        }
        return k(r as Value);
      }
    }
  }

  private callFunction(
    path: readonly string[],
    args: readonly Value[],
    loc: Location,
    k: KV,
  ): boolean {
    let node: RuleNode | undefined = this.policy.root;
    for (const s of path) node = node?.children.get(s);
    if (!node)
      throw new RegoError('eval_internal_error', `undefined function data.${path.join('.')}`, loc);
    let result: Value | undefined;
    for (const r of node.rules) {
      if (r.args.length !== args.length) continue;
      const v = this.ruleValue(node, r, args);
      if (v === undefined) continue;
      if (result !== undefined && !equal(result, v)) throw this.conflictError(node, args, r);
      result = v;
    }
    if (result === undefined) result = this.defaultValue(node);
    return result === undefined ? false : k(result);
  }

  // --- unification -----------------------------------------------------------------------------

  private canEval(t: IRTerm, f: Frame): boolean {
    switch (t.t) {
      case 'local':
        return f[t.slot] !== undefined;
      case 'ref':
        return (
          this.canEval(t.head, f) && t.path.every((p) => p.t === 'local' || this.canEval(p, f))
        );
      case 'array':
      case 'set':
        return t.items.every((x) => this.canEval(x, f));
      case 'object':
        return t.keys.every((x) => this.canEval(x, f)) && t.values.every((x) => this.canEval(x, f));
      case 'call':
        return t.args.every((x) => this.canEval(x, f));
      default:
        return true;
    }
  }

  unify(a: IRTerm, b: IRTerm, f: Frame, k: K): boolean {
    if (a.t === 'local' && f[a.slot] === undefined) {
      return this.evalTerm(b, f, (v) => this.unifyValue(a, v, f, k));
    }
    if (b.t === 'local' && f[b.slot] === undefined) {
      return this.evalTerm(a, f, (v) => this.unifyValue(b, v, f, k));
    }
    if (a.t === 'array' && b.t === 'array') {
      if (a.items.length !== b.items.length) return false;
      return this.unifyPairs(
        a.items.map((x, i) => [x, b.items[i] as IRTerm] as const),
        f,
        k,
      );
    }
    if (a.t === 'object' && b.t === 'object' && !this.canEval(a, f) && !this.canEval(b, f)) {
      if (a.keys.length !== b.keys.length) return false;
      return this.evalTerms(a.keys, 0, [], f, (ak) =>
        this.evalTerms(b.keys, 0, [], f, (bk) => {
          const pairs: (readonly [IRTerm, IRTerm])[] = [];
          for (let i = 0; i < ak.length; i++) {
            const j = bk.findIndex((x) => equal(x, ak[i] as Value));
            if (j < 0) return false;
            pairs.push([a.values[i] as IRTerm, b.values[j] as IRTerm]);
          }
          return this.unifyPairs(pairs, f, k);
        }),
      );
    }
    if (this.canEval(a, f)) return this.evalTerm(a, f, (v) => this.unifyValue(b, v, f, k));
    return this.evalTerm(b, f, (v) => this.unifyValue(a, v, f, k));
  }

  private unifyPairs(pairs: readonly (readonly [IRTerm, IRTerm])[], f: Frame, k: K): boolean {
    if (pairs.length === 0) return k();
    // Prefer a pair where one side can be evaluated now.
    let idx = pairs.findIndex(([x, y]) => this.canEval(x, f) || this.canEval(y, f));
    if (idx < 0) idx = 0;
    const [x, y] = pairs[idx] as readonly [IRTerm, IRTerm];
    const rest = pairs.filter((_, i) => i !== idx);
    return this.unify(x, y, f, () => this.unifyPairs(rest, f, k));
  }

  unifyValue(p: IRTerm, v: Value, f: Frame, k: K): boolean {
    switch (p.t) {
      case 'const':
        return equal(p.v, v) ? k() : false;
      case 'local': {
        const cur = f[p.slot];
        if (cur !== undefined) return equal(cur, v) ? k() : false;
        f[p.slot] = v;
        const stop = k();
        f[p.slot] = undefined;
        return stop;
      }
      case 'array':
        if (v.kind !== 'array' || v.items.length !== p.items.length) return false;
        return this.unifyItems(p.items, v.items, 0, f, k);
      case 'object': {
        if (v.kind !== 'object' || v.size !== p.keys.length) return false;
        return this.evalTerms(p.keys, 0, [], f, (keys) => {
          const vals: Value[] = [];
          for (const key of keys) {
            const x = v.get(key);
            if (x === undefined) return false;
            vals.push(x);
          }
          return this.unifyItems(p.values, vals, 0, f, k);
        });
      }
      default:
        return this.evalTerm(p, f, (x) => (equal(x, v) ? k() : false));
    }
  }

  private unifyItems(
    ps: readonly IRTerm[],
    vs: readonly Value[],
    i: number,
    f: Frame,
    k: K,
  ): boolean {
    if (i === ps.length) return k();
    return this.unifyValue(ps[i] as IRTerm, vs[i] as Value, f, () =>
      this.unifyItems(ps, vs, i + 1, f, k),
    );
  }
}

/** Builds the object (or set) produced by object / multi-value rules, detecting conflicts. */
class Nested {
  private readonly entries = new Map<
    number,
    { key: Value; value: Value | Nested | SetBuilder }[]
  >();
  private readonly order: { key: Value; value: Value | Nested | SetBuilder }[] = [];
  private set: SetBuilder | undefined;

  private find(key: Value): { key: Value; value: Value | Nested | SetBuilder } | undefined {
    const bucket = this.entries.get(hashKey(key));
    return bucket?.find((e) => equal(e.key, key));
  }

  private add(key: Value, value: Value | Nested | SetBuilder): void {
    const e = { key, value };
    const h = hashKey(key);
    const bucket = this.entries.get(h);
    if (bucket) bucket.push(e);
    else this.entries.set(h, [e]);
    this.order.push(e);
  }

  insert(keys: readonly Value[], v: Value, multi: boolean): void {
    if (keys.length === 0) {
      if (multi) {
        this.set ??= new SetBuilder();
        this.set.add(v);
      }
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking down from the root
    let node: Nested = this;
    for (let i = 0; i < keys.length - 1; i++) {
      const key = keys[i] as Value;
      const e = node.find(key);
      if (e === undefined) {
        const child = new Nested();
        node.add(key, child);
        node = child;
      } else if (e.value instanceof Nested) node = e.value;
      else throw conflict('object keys must be unique');
    }
    const last = keys[keys.length - 1] as Value;
    const e = node.find(last);
    if (multi) {
      if (e === undefined) {
        const s = new SetBuilder();
        s.add(v);
        node.add(last, s);
      } else if (e.value instanceof SetBuilder) e.value.add(v);
      else throw conflict('object keys must be unique');
      return;
    }
    if (e === undefined) node.add(last, v);
    else if (e.value instanceof Nested || e.value instanceof SetBuilder || !equal(e.value, v)) {
      throw conflict('object keys must be unique');
    }
  }

  leafSet(): Value {
    return (this.set ?? new SetBuilder()).build();
  }

  build(): ObjectValue {
    const b = new ObjectBuilder();
    for (const e of this.order) {
      const v = e.value;
      b.set(
        e.key,
        v instanceof Nested ? v.build() : v instanceof SetBuilder ? v.build() : ruleValue(v),
      );
    }
    return b.build();
  }
}

function hashKey(v: Value): number {
  return v.kind === 'string' ? v.value.length : v.kind === 'number' ? Math.floor(v.f) | 0 : 7;
}

const NUMS: Value[] = [];
function numOf(i: number): Value {
  let v = NUMS[i];
  if (v === undefined) {
    v = numFromInt(i);
    if (i < 4096) NUMS[i] = v;
  }
  return v;
}

import { num as numFromInt } from './value.js';

/** Objects that are the value of one rule (not built from the paths of several rules). */
const RULE_VALUES = new WeakSet<Value>();

function ruleValue<V extends Value>(v: V): V {
  if (v.kind === 'object') RULE_VALUES.add(v);
  return v;
}

/** Combines values defined for the same path by different rules (objects and sets merge). */
function mergeValues(a: Value, b: Value): Value {
  // A rule's own value cannot be extended by rules below it.
  const leaf = RULE_VALUES.has(a) || RULE_VALUES.has(b);
  if (a.kind === 'object' && b.kind === 'object' && !leaf) {
    const out = new ObjectBuilder();
    a.forEach((k, v) => void out.set(k, v));
    b.forEach((k, v) => {
      const prev = out.get(k);
      out.set(k, prev === undefined ? v : mergeValues(prev, v));
    });
    return out.build();
  }
  if (a.kind === 'set' && b.kind === 'set') {
    const out = new SetBuilder();
    for (const v of a.unordered()) out.add(v);
    for (const v of b.unordered()) out.add(v);
    return out.build();
  }
  if (equal(a, b)) return a;
  throw conflict('object keys must be unique');
}

/** Like lookup, for base documents under `data`: integer keys also address string keys. */
function lookupDoc(v: Value, key: Value): Value | undefined {
  const r = lookup(v, key);
  if (r !== undefined || v.kind !== 'object' || key.kind !== 'number' || !key.isInteger()) return r;
  return v.getStr(numberText(key));
}

/** `v[key]` as a reference does: array index, object key, set membership. */
export function lookup(v: Value, key: Value): Value | undefined {
  switch (v.kind) {
    case 'object':
      return key.kind === 'string' ? v.getStr(key.value) : v.get(key);
    case 'array': {
      if (key.kind !== 'number') return undefined;
      const i = key.toSafeInt();
      if (i === undefined || i < 0 || i >= v.items.length) return undefined;
      return v.items[i];
    }
    case 'set':
      return v.has(key) ? key : undefined;
    default:
      return undefined;
  }
}

/** A copy of `v` with `path` set to `x`, creating objects along the way. */
/** OPA's merge of a replacement over a base document: objects key by key, else the replacement. */
function mergeOverlay(rep: Value, base: Value): Value {
  if (rep.kind !== 'object' || base.kind !== 'object') return rep;
  const b = new ObjectBuilder();
  rep.forEach((k, v) => {
    const other = base.get(k);
    b.set(k, other === undefined ? v : mergeOverlay(v, other));
  });
  base.forEach((k, v) => {
    if (rep.get(k) === undefined) b.set(k, v);
  });
  return b.build();
}

/**
 * `x` put at `path` in `v` (objects created on the way). With `merge`, an object already at the
 * path is merged with x (x's keys win), as OPA merges a replacement into a base document.
 */
function upsert(v: Value | undefined, path: readonly Value[], x: Value, merge = false): Value {
  if (path.length === 0) return merge && v !== undefined ? mergeOverlay(x, v) : x;
  const [key, ...rest] = path as [Value, ...Value[]];
  const b = new ObjectBuilder();
  if (v?.kind === 'object') v.forEach((kk, vv) => void b.set(kk, vv));
  const child = v?.kind === 'object' ? v.get(key) : undefined;
  b.set(key, upsert(child, rest, x, merge));
  return b.build();
}
