// strings.render_template: the subset of Go text/template OPA policies use (fields, variables, range, if/else, with).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError } from '../errors.js';
import { num, numberText, str, type Value } from '../value.js';
import { objectOperand, stringOperand } from './operands.js';

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'print'; readonly expr: string }
  | {
      readonly t: 'range' | 'if' | 'with';
      readonly expr: string;
      readonly vars: readonly string[];
      readonly body: Node[];
      readonly orElse: Node[];
    };

const NAME = 'strings.render_template';

/** Splits the template into text and {{ actions }}, honouring {{- and -}} trim markers. */
function tokenize(src: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      out.push({ text });
      break;
    }
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw builtinError(NAME, 'template: unclosed action');
    let action = src.slice(open + 2, close);
    if (action.startsWith('-') && /^-\s/.test(action)) {
      text = text.replace(/\s+$/, '');
      action = action.slice(1);
    }
    if (/\s-$/.test(action)) {
      trimNext = true;
      action = action.slice(0, -1);
    }
    out.push({ text });
    out.push({ action: action.trim() });
    i = close + 2;
  }
  return out;
}

function parse(src: string): Node[] {
  const toks = tokenize(src);
  let pos = 0;
  const block = (): { nodes: Node[]; end: 'end' | 'else' | 'eof' } => {
    const nodes: Node[] = [];
    while (pos < toks.length) {
      const tok = toks[pos++]!;
      if ('text' in tok) {
        if (tok.text) nodes.push({ t: 'text', text: tok.text });
        continue;
      }
      const a = tok.action;
      if (a.startsWith('/*')) continue;
      if (a === 'end') return { nodes, end: 'end' };
      if (a === 'else') return { nodes, end: 'else' };
      const m = /^(range|if|with)\s+(.*)$/s.exec(a);
      if (m) {
        let expr = m[2]!.trim();
        let vars: string[] = [];
        const decl = /^(\$\w*)(?:\s*,\s*(\$\w*))?\s*:=\s*(.*)$/s.exec(expr);
        if (decl) {
          vars = decl[2] ? [decl[1]!, decl[2]] : [decl[1]!];
          expr = decl[3]!.trim();
        }
        const body = block();
        let orElse: Node[] = [];
        if (body.end === 'else') {
          const e = block();
          if (e.end !== 'end') throw builtinError(NAME, `template: unexpected EOF in ${m[1]!}`);
          orElse = e.nodes;
        } else if (body.end !== 'end')
          throw builtinError(NAME, `template: unexpected EOF in ${m[1]!}`);
        nodes.push({ t: m[1] as 'range' | 'if' | 'with', expr, vars, body: body.nodes, orElse });
        continue;
      }
      nodes.push({ t: 'print', expr: a });
    }
    return { nodes, end: 'eof' };
  };
  const r = block();
  if (r.end !== 'eof') throw builtinError(NAME, `template: unexpected {{${r.end}}}`);
  return r.nodes;
}

type Scope = ReadonlyMap<string, Value>;

/** Evaluates a single operand: ".", ".a.b", "$x", "$x.a", or a literal. */
function evalExpr(expr: string, dot: Value | undefined, scope: Scope): Value | undefined {
  if (expr === '.') return dot;
  if (/^"(?:[^"\\]|\\.)*"$/.test(expr)) return str(JSON.parse(expr) as string);
  const m = /^(\$\w*)?((?:\.\w+)*)$/.exec(expr);
  if (m === null) throw builtinError(NAME, `template: unsupported action {{${expr}}}`);
  let cur: Value | undefined = m[1] !== undefined ? scope.get(m[1]) : dot;
  if (m[1] !== undefined && !scope.has(m[1]))
    throw builtinError(NAME, `template: undefined variable "${m[1]}"`);
  for (const field of m[2]!.split('.').slice(1)) {
    cur = cur?.kind === 'object' ? cur.getStr(field) : undefined;
  }
  return cur;
}

function truthy(v: Value | undefined): boolean {
  if (v === undefined) return false;
  switch (v.kind) {
    case 'null':
      return false;
    case 'boolean':
      return v.value;
    case 'number':
      return v.f !== 0;
    case 'string':
      return v.value !== '';
    case 'array':
      return v.items.length > 0;
    case 'set':
    case 'object':
      return v.size > 0;
  }
}

/** Go's fmt %v of the JSON value OPA hands the template. */
function goText(v: Value): string {
  switch (v.kind) {
    case 'null':
      return '<nil>';
    case 'boolean':
      return String(v.value);
    case 'number':
      return numberText(v);
    case 'string':
      return v.value;
    case 'array':
      return `[${v.items.map(goText).join(' ')}]`;
    case 'set':
      return `[${v.sorted().map(goText).join(' ')}]`;
    case 'object': {
      const parts: string[] = [];
      v.forEach((k, x) => {
        parts.push(`${k.kind === 'string' ? k.value : goText(k)}:${goText(x)}`);
      });
      return `map[${parts.join(' ')}]`;
    }
  }
}

function render(nodes: readonly Node[], dot: Value | undefined, scope: Map<string, Value>): string {
  let out = '';
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
        out += n.text;
        break;
      case 'print': {
        const v = evalExpr(n.expr, dot, scope);
        out += v === undefined ? '<undefined>' : goText(v);
        break;
      }
      case 'if':
      case 'with': {
        const v = evalExpr(n.expr, dot, scope);
        if (truthy(v)) {
          const inner = new Map(scope);
          if (n.vars[0] !== undefined && v !== undefined) inner.set(n.vars[0], v);
          out += render(n.body, n.t === 'with' ? v : dot, inner);
        } else out += render(n.orElse, dot, scope);
        break;
      }
      case 'range': {
        const v = evalExpr(n.expr, dot, scope);
        const entries: Array<[Value, Value]> = [];
        if (v?.kind === 'array') v.items.forEach((e, i) => entries.push([num(i), e]));
        else if (v?.kind === 'set') v.sorted().forEach((e, i) => entries.push([num(i), e]));
        else if (v?.kind === 'object') v.forEach((k, e) => void entries.push([k, e]));
        if (entries.length === 0) {
          out += render(n.orElse, dot, scope);
          break;
        }
        for (const [k, e] of entries) {
          const inner = new Map(scope);
          if (n.vars.length === 2) {
            inner.set(n.vars[0]!, k);
            inner.set(n.vars[1]!, e);
          } else if (n.vars.length === 1) inner.set(n.vars[0]!, e);
          out += render(n.body, e, inner);
        }
        break;
      }
    }
  }
  return out;
}

export const TEMPLATE_BUILTINS: readonly BuiltinDef[] = [
  {
    name: NAME,
    args: [T.string, T.objectOf(T.string, T.any)],
    result: T.string,
    impl: ([t, vars]) => {
      const tree = parse(stringOperand(NAME, t!, 1));
      const data = objectOperand(NAME, vars!, 2);
      return str(render(tree, data, new Map([['$', data]])));
    },
  },
];
