// What OPA evaluates before a negation rather than inside it: the nested calls and dynamic terms
// of a `not` expression are moved in front of it, so an undefined one fails the body.
//
// OPA's compiler rewrites every body twice (stages RewriteExprTerms and RewriteDynamicTerms):
// calls nested in an expression's operands become expressions of their own (`not f(lower(x))` is
// `lower(x, t); not f(t)`), and so do references and comprehensions given as call operands
// (`not f(input.x)` is `t = input.x; not f(t)`). The generated expressions stay outside the
// negation, so `not f(input.missing)` is undefined — not true — in OPA, and policies rely on it
// (gatekeeper-library's users template: `not accept_value(rule, v, params.ranges)` must fail when
// `ranges` is absent). Only negated expressions are rewritten here: elsewhere the rewrite changes
// the order of evaluation but not the result.
import type { Expr, Location, Term, WithModifier } from './ast.js';

type NegatedExpr = Extract<Expr, { type: 'expr' }>;

/** Calls that keep their operands: print's may be undefined (OPA rewrites them separately). */
const KEEP_OPERANDS = new Set(['print']);

class Hoister {
  readonly before: Expr[] = [];
  constructor(
    private readonly fresh: () => string,
    private readonly withMods: readonly WithModifier[],
  ) {}

  /** `$t = term` in front of the negation; returns `$t`. */
  private hoist(term: Term): Term {
    const v: Term = { type: 'var', name: this.fresh(), loc: term.loc };
    this.before.push({
      type: 'expr',
      negated: false,
      term: call(['eq'], [v, term], term.loc),
      with: this.withMods,
      loc: term.loc,
    });
    return v;
  }

  /** RewriteExprTerms: every call below the top-level one becomes its own expression. */
  expandCalls(t: Term): Term {
    switch (t.type) {
      case 'call':
        if (KEEP_OPERANDS.has(t.op.join('.'))) return t;
        return this.hoist({ ...t, args: t.args.map((a) => this.expandCalls(a)) });
      case 'ref':
        return { ...t, terms: t.terms.map((x) => this.expandCalls(x)) };
      default:
        return mapElements(t, (x) => this.expandCalls(x));
    }
  }

  /** RewriteDynamicTerms for one operand: references and comprehensions become expressions. */
  dynamicOne(t: Term): Term {
    switch (t.type) {
      case 'ref':
        return this.hoist(this.dynamicKeys(t));
      case 'array':
      case 'set':
      case 'object':
        return mapElements(t, (x) => this.dynamicOne(x));
      case 'arraycompr':
      case 'setcompr':
      case 'objectcompr':
        return this.hoist(t);
      default:
        return t;
    }
  }

  /** A reference keeps its place; its dynamic keys (`a[input.k]`) are evaluated before. */
  dynamicKeys(t: Extract<Term, { type: 'ref' }>): Term {
    const [head, ...keys] = t.terms as [Term, ...Term[]];
    return { ...t, terms: [head, ...keys.map((k) => this.dynamicOne(k))] };
  }

  /** RewriteDynamicTerms for an operand of an equality or a bare term. */
  dynamicInTerm(t: Term): Term {
    if (t.type === 'ref') return this.dynamicKeys(t);
    if (t.type === 'arraycompr' || t.type === 'setcompr' || t.type === 'objectcompr') return t;
    return this.dynamicOne(t);
  }
}

/** A collection term with `f` applied to its elements (keys and values); other terms as is. */
function mapElements(t: Term, f: (x: Term) => Term): Term {
  switch (t.type) {
    case 'array':
    case 'set':
      return { ...t, items: t.items.map(f) };
    case 'object':
      return { ...t, pairs: t.pairs.map(([k, v]) => [f(k), f(v)] as const) };
    default:
      return t;
  }
}

function call(op: readonly string[], args: readonly Term[], loc: Location): Term {
  return { type: 'call', op, opLoc: loc, args, loc };
}

function isEquality(t: Term): boolean {
  if (t.type !== 'call') return false;
  const op = t.op.join('.');
  return op === 'eq' || (op === 'equal' && t.args.length === 2);
}

/**
 * The expressions OPA evaluates before the negated expression `e`, and `e` rewritten to use
 * them. `fresh` names the generated variables (names no rule can write).
 */
export function hoistNegated(
  e: NegatedExpr,
  fresh: () => string,
): { readonly before: readonly Expr[]; readonly expr: NegatedExpr } {
  const h = new Hoister(fresh, e.with);
  let term = e.term;
  const keep = term.type === 'call' && KEEP_OPERANDS.has(term.op.join('.'));
  if (keep) return { before: [], expr: e };
  if (term.type === 'call') {
    term = { ...term, args: term.args.map((a) => h.expandCalls(a)) };
  } else {
    term = h.expandCalls(term);
  }
  if (term.type === 'call' && isEquality(term)) {
    term = { ...term, args: term.args.map((a) => h.dynamicInTerm(a)) };
  } else if (term.type === 'call') {
    term = { ...term, args: term.args.map((a) => h.dynamicOne(a)) };
  } else {
    term = h.dynamicInTerm(term);
  }
  if (h.before.length === 0) return { before: [], expr: e };
  return { before: h.before, expr: { ...e, term } };
}
