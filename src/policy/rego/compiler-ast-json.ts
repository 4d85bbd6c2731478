// A parsed module as OPA's AST JSON (what rego.parse_module returns), without locations.
import type { Expr, Module, Rule, Term } from './ast.js';

type J = null | boolean | number | string | J[] | { [k: string]: J };

function term(t: Term): J {
  switch (t.type) {
    case 'null':
      return { type: 'null', value: null };
    case 'boolean':
      return { type: 'boolean', value: t.value };
    case 'number':
      return { type: 'number', value: Number(t.text) };
    case 'string':
      return { type: 'string', value: t.value };
    case 'var':
      // Wildcards are generated variables, `$0`, `$1`, ... in OPA.
      return { type: 'var', value: t.name.startsWith('$_') ? `$${t.name.slice(2)}` : t.name };
    case 'ref':
      return { type: 'ref', value: t.terms.map(term) };
    case 'array':
      return { type: 'array', value: t.items.map(term) };
    case 'set':
      return { type: 'set', value: t.items.map(term) };
    case 'object':
      return { type: 'object', value: t.pairs.map(([k, v]) => [term(k), term(v)]) };
    case 'arraycompr':
      return { type: 'arraycomprehension', value: { term: term(t.term), body: body(t.body) } };
    case 'setcompr':
      return { type: 'setcomprehension', value: { term: term(t.term), body: body(t.body) } };
    case 'objectcompr':
      return {
        type: 'objectcomprehension',
        value: { key: term(t.key), value: term(t.value), body: body(t.body) },
      };
    case 'call':
      return { type: 'call', value: [opRef(t.op), ...t.args.map(term)] };
    case 'template':
      return {
        type: 'templatestring',
        value: t.parts.map((p) =>
          typeof p === 'string' ? { type: 'string', value: p } : (expr(p, 0)['terms'] ?? null),
        ),
      };
  }
}

function opRef(op: readonly string[]): J {
  return {
    type: 'ref',
    value: op.map((s, i) => (i === 0 ? { type: 'var', value: s } : { type: 'string', value: s })),
  };
}

function expr(e: Expr, index: number): { [k: string]: J } {
  const out: { [k: string]: J } = { index };
  switch (e.type) {
    case 'some':
      out['terms'] = { symbols: e.vars.map(term) };
      return out;
    case 'somein': {
      const args = e.key ? [e.key, e.value, e.coll] : [e.value, e.coll];
      const op = e.key ? ['internal', 'member_3'] : ['internal', 'member_2'];
      out['terms'] = { symbols: [{ type: 'call', value: [opRef(op), ...args.map(term)] }] };
      break;
    }
    case 'every':
      out['terms'] = {
        ...(e.key ? { key: term(e.key) } : {}),
        value: term(e.value),
        domain: term(e.domain),
        body: body(e.body),
      };
      break;
    case 'expr':
      out['terms'] =
        e.term.type === 'call' ? [opRef(e.term.op), ...e.term.args.map(term)] : term(e.term);
      break;
  }
  if (e.negated) out['negated'] = true;
  if (e.with.length > 0) {
    out['with'] = e.with.map((w) => ({ target: term(w.target), value: term(w.value) }));
  }
  return out;
}

function body(exprs: readonly Expr[]): J {
  return exprs.map((e, i) => expr(e, i));
}

function rule(r: Rule): { [k: string]: J } {
  const h = r.head;
  const head: { [k: string]: J } = { ref: h.ref.map(term) };
  const first = h.ref[0];
  if (h.ref.length === 1 && first?.type === 'var') head['name'] = first.name;
  if (h.args) head['args'] = h.args.map(term);
  if (h.kind === 'multi') head['key'] = term(h.value);
  else head['value'] = term(h.value);
  if (h.assign) head['assign'] = true;
  const out: { [k: string]: J } = { head, body: body(r.body) };
  if (r.isDefault) out['default'] = true;
  if (r.elseRule) out['else'] = rule(r.elseRule);
  return out;
}

/** OPA's JSON shape of a module: package, imports and rules (locations left out, as OPA's default). */
export function moduleToJSON(m: Module): J {
  const path: J[] = [
    { type: 'var', value: 'data' },
    ...m.pkg.map((s): J => ({ type: 'string', value: s })),
  ];
  const out: { [k: string]: J } = { package: { path } };
  if (m.imports.length > 0) {
    out['imports'] = m.imports.map((i) => ({
      path: { type: 'ref', value: i.path.map(term) },
      ...(i.alias ? { alias: i.alias } : {}),
    }));
  }
  out['rules'] = m.rules.map(rule);
  return out;
}
