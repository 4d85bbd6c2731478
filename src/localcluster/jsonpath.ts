// The JSONPath of Kubernetes (client-go's util/jsonpath) as CRD printer columns use it:
// `.status.conditions[?(@.type=="Ready")].status`, `.spec.tags[*]`, `.items[0]`, `..name`,
// `['a.b']`, slices and filters with ==, !=, <, <=, >, >= and existence.
import { hasOwnKey } from '../core/index.js';

type Segment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'recursive'; readonly name: string }
  | { readonly kind: 'wildcard' }
  | {
      readonly kind: 'index';
      readonly start: number;
      readonly end?: number;
      readonly slice: boolean;
    }
  | {
      readonly kind: 'filter';
      readonly left: Segment[];
      readonly op: string;
      readonly right: unknown;
      readonly rightPath?: Segment[];
    };

export class JsonPathError extends Error {
  constructor(path: string, why: string) {
    super(`unrecognized JSONPath ${JSON.stringify(path)}: ${why}`);
    this.name = 'JsonPathError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a path like `.a.b[0]` (with or without the template braces `{...}`). */
export function parseJsonPath(text: string): Segment[] {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  return parseSegments(s, text);
}

function parseSegments(s: string, whole: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      const m = /^[A-Za-z0-9_\-/]+/.exec(s.slice(i));
      if (m === null) throw new JsonPathError(whole, 'a name must follow ..');
      out.push({ kind: 'recursive', name: m[0] });
      i += m[0].length;
    } else if (s[i] === '.') {
      i++;
      if (s[i] === '*') {
        out.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const m = /^[A-Za-z0-9_\-/]+/.exec(s.slice(i));
      if (m === null) {
        if (i >= s.length) break;
        throw new JsonPathError(whole, `unexpected ${JSON.stringify(s[i])}`);
      }
      out.push({ kind: 'field', name: m[0] });
      i += m[0].length;
    } else if (s[i] === '[') {
      const end = closing(s, i, whole);
      out.push(parseBracket(s.slice(i + 1, end).trim(), whole));
      i = end + 1;
    } else if (/[A-Za-z_]/.test(s[i] ?? '') && i === 0) {
      const m = /^[A-Za-z0-9_\-/]+/.exec(s);
      out.push({ kind: 'field', name: m![0] });
      i += m![0].length;
    } else throw new JsonPathError(whole, `unexpected ${JSON.stringify(s[i])}`);
  }
  return out;
}

function closing(s: string, open: number, whole: string): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== '') {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new JsonPathError(whole, 'unclosed [');
}

function literal(text: string): unknown {
  const t = text.trim();
  if (/^(["']).*\1$/.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return t;
}

function parseBracket(inner: string, whole: string): Segment {
  if (inner === '*') return { kind: 'wildcard' };
  if (/^(["']).*\1$/.test(inner)) return { kind: 'field', name: inner.slice(1, -1) };
  const filter = /^\?\((.*)\)$/s.exec(inner);
  if (filter !== null) {
    const expr = filter[1]!.trim();
    const m = /^(@[^\s=!<>]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/s.exec(expr);
    if (m === null) {
      if (!expr.startsWith('@')) throw new JsonPathError(whole, `bad filter ${expr}`);
      return {
        kind: 'filter',
        left: parseSegments(expr.slice(1), whole),
        op: 'exists',
        right: undefined,
      };
    }
    const right = m[3]!.trim();
    return {
      kind: 'filter',
      left: parseSegments(m[1]!.slice(1), whole),
      op: m[2]!,
      right: right.startsWith('@') ? undefined : literal(right),
      ...(right.startsWith('@') ? { rightPath: parseSegments(right.slice(1), whole) } : {}),
    };
  }
  const slice = /^(-?\d*)\s*:\s*(-?\d*)(?::\s*\d*)?$/.exec(inner);
  if (slice !== null)
    return {
      kind: 'index',
      start: slice[1] === '' ? 0 : Number(slice[1]),
      ...(slice[2] === '' ? {} : { end: Number(slice[2]) }),
      slice: true,
    };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', start: Number(inner), slice: false };
  throw new JsonPathError(whole, `bad subscript [${inner}]`);
}

function recursive(v: unknown, name: string, out: unknown[]): void {
  if (isObject(v)) {
    if (hasOwnKey(v, name)) out.push(v[name]);
    for (const x of Object.values(v)) recursive(x, name, out);
  } else if (Array.isArray(v)) for (const x of v) recursive(x, name, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b || (typeof a === 'number' && typeof b === 'number' && a === b);
    case '!=':
      return a !== b;
    case '<':
      return typeof a === typeof b && (a as number) < (b as number);
    case '<=':
      return typeof a === typeof b && (a as number) <= (b as number);
    case '>':
      return typeof a === typeof b && (a as number) > (b as number);
    case '>=':
      return typeof a === typeof b && (a as number) >= (b as number);
    default:
      return false;
  }
}

function step(values: unknown[], seg: Segment): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (seg.kind) {
      case 'field':
        if (isObject(v) && hasOwnKey(v, seg.name)) out.push(v[seg.name]);
        break;
      case 'recursive':
        recursive(v, seg.name, out);
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...(v as unknown[]));
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'index': {
        if (!Array.isArray(v)) break;
        const n = v.length;
        const norm = (i: number): number => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
        if (!seg.slice) {
          const i = seg.start < 0 ? n + seg.start : seg.start;
          if (i >= 0 && i < n) out.push(v[i]);
        } else
          out.push(
            ...(v.slice(norm(seg.start), seg.end === undefined ? n : norm(seg.end)) as unknown[]),
          );
        break;
      }
      case 'filter': {
        const items: unknown[] = Array.isArray(v) ? (v as unknown[]) : [v];
        for (const item of items) {
          const left = evaluate(item, seg.left);
          if (seg.op === 'exists') {
            if (left.length > 0) out.push(item);
            continue;
          }
          const right = seg.rightPath !== undefined ? evaluate(item, seg.rightPath)[0] : seg.right;
          if (left.length > 0 && compare(left[0], seg.op, right)) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

/** Every value the path reaches, in document order. */
export function evaluate(v: unknown, segments: readonly Segment[]): unknown[] {
  let cur: unknown[] = [v];
  for (const seg of segments) cur = step(cur, seg);
  return cur;
}
