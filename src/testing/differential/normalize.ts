// What the differential test does not compare: values that differ between any two servers (uids,
// timestamps, resourceVersion values, generated name suffixes, continue tokens, ages, IPs) are
// replaced by placeholders; steps may drop or pick parts by path. Also the difference listing.

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const RFC3339 = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;
const IPV4 = /\b(?:10|172|192)\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;
const RV_IN_TEXT = /(resource ?version[^0-9\n]{0,40}?)(\d+)(?: \((\d+)\))?/gi;
const AGE = /^(?:\d+[smhdy])+$|^<invalid>$/;

/** Per-server memory of a case: generated names seen, to replace them wherever they appear. */
export class NormalizeContext {
  readonly generated = new Map<string, string>();
  /** Values shown as a placeholder wherever they appear (masked saved values). */
  readonly masked = new Map<string, string>();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalizeString(s: string, ctx: NormalizeContext): string {
  let out = s
    .replace(UUID, '<uid>')
    .replace(RFC3339, '<time>')
    .replace(IPV4, '<ip>')
    .replace(RV_IN_TEXT, (_m, pre: string, _rv: string, cur?: string) =>
      cur === undefined ? `${pre}<rv>` : `${pre}<rv> (<rv>)`,
    );
  for (const [name, placeholder] of ctx.generated) out = out.split(name).join(placeholder);
  for (const [value, placeholder] of ctx.masked) out = out.split(value).join(placeholder);
  return out;
}

/** Records `metadata.name` values made from `generateName`, anywhere in an answer. */
function collectGenerated(v: unknown, ctx: NormalizeContext): void {
  if (Array.isArray(v)) {
    for (const x of v) collectGenerated(x, ctx);
    return;
  }
  if (!isRecord(v)) return;
  const m = v.metadata;
  if (isRecord(m) && typeof m.generateName === 'string' && typeof m.name === 'string') {
    if (m.name.startsWith(m.generateName) && m.name !== m.generateName)
      ctx.generated.set(m.name, `${m.generateName}<gen>`);
  }
  for (const x of Object.values(v)) collectGenerated(x, ctx);
}

function normalizeKey(k: string, ctx: NormalizeContext): string {
  return ctx.masked.size === 0 && ctx.generated.size === 0 ? k : normalizeString(k, ctx);
}

function normalizeValue(v: unknown, key: string, ctx: NormalizeContext): unknown {
  if (typeof v === 'string') {
    if (key === 'resourceVersion' && /^\d+$/.test(v)) return '<rv>';
    if (key === 'continue' && v !== '') return '<continue>';
    if (key === 'uid') return '<uid>';
    return normalizeString(v, ctx);
  }
  if (Array.isArray(v)) return v.map((x) => normalizeValue(x, '', ctx));
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[normalizeKey(k, ctx)] = normalizeValue(x, k, ctx);
  if (out.kind === 'Table' && Array.isArray(out.rows)) normalizeAges(out);
  return out;
}

/** Age and date cells of Tables (columns named Age or typed date) become `<age>`. */
function normalizeAges(table: Record<string, unknown>): void {
  const defs = Array.isArray(table.columnDefinitions) ? table.columnDefinitions : [];
  const ageCols = new Set<number>();
  defs.forEach((d, i) => {
    if (isRecord(d) && (d.name === 'Age' || d.type === 'date')) ageCols.add(i);
  });
  for (const row of table.rows as unknown[]) {
    if (!isRecord(row) || !Array.isArray(row.cells)) continue;
    row.cells = row.cells.map((c: unknown, i: number) =>
      (ageCols.has(i) || ageCols.size === 0) && typeof c === 'string' && AGE.test(c) ? '<age>' : c,
    );
  }
}

/** The placeholders applied to one answer body (generated names learnt from it first). */
export function normalize(body: unknown, ctx: NormalizeContext): unknown {
  collectGenerated(body, ctx);
  return normalizeValue(body, '', ctx);
}

type Segment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'all' }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'match'; readonly key: string; readonly value: string };

/** `a.b[*].c`, `items[name=x]`, `metadata.annotations["a.b/c"]`, `rows[0]`. */
export function parsePath(path: string): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`path ${path}: unclosed [`);
      const inner = path.slice(i + 1, end);
      i = end + 1;
      if (inner === '*') segs.push({ kind: 'all' });
      else if (/^\d+$/.test(inner)) segs.push({ kind: 'index', index: Number(inner) });
      else if (/^".*"$/.test(inner)) segs.push({ kind: 'key', key: inner.slice(1, -1) });
      else {
        const eq = inner.indexOf('=');
        if (eq < 0) throw new Error(`path ${path}: [${inner}] is not [*], [N], ["key"] or [k=v]`);
        segs.push({ kind: 'match', key: inner.slice(0, eq), value: inner.slice(eq + 1) });
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    segs.push({ kind: 'key', key: path.slice(i, j) });
    i = j;
  }
  return segs;
}

function step(v: unknown, s: Segment): unknown[] {
  if (s.kind === 'key') return isRecord(v) && s.key in v ? [v[s.key]] : [];
  if (!Array.isArray(v)) return [];
  if (s.kind === 'all') return v;
  if (s.kind === 'index') return s.index < v.length ? [v[s.index]] : [];
  return v.filter((x) => isRecord(x) && String(x[s.key]) === s.value);
}

/** The part of a value a path picks (one value, or the list of matches for `[*]`/`[k=v]`). */
export function select(v: unknown, path: string): unknown {
  const segs = parsePath(path);
  let cur: unknown[] = [v];
  let many = false;
  for (const s of segs) {
    if (s.kind === 'all' || s.kind === 'match') many = true;
    cur = cur.flatMap((x) => step(x, s));
  }
  return many ? cur : cur[0];
}

/** Removes what a path names (in place). */
export function remove(v: unknown, path: string): void {
  const segs = parsePath(path);
  const last = segs.pop();
  if (last === undefined) return;
  let cur: unknown[] = [v];
  for (const s of segs) cur = cur.flatMap((x) => step(x, s));
  for (const x of cur) {
    if (last.kind === 'key' && isRecord(x)) delete x[last.key];
    else if (Array.isArray(x)) {
      if (last.kind === 'all') x.length = 0;
      else if (last.kind === 'index') x.splice(last.index, 1);
      else if (last.kind === 'match')
        for (let i = x.length - 1; i >= 0; i--) {
          const item: unknown = x[i];
          if (isRecord(item) && String(item[last.key]) === last.value) x.splice(i, 1);
        }
    }
  }
}

/** Drops every key with one of these names, at any depth (in place). */
export function stripKeys(v: unknown, keys: ReadonlySet<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) stripKeys(x, keys);
    return;
  }
  if (!isRecord(v)) return;
  for (const k of Object.keys(v)) {
    if (keys.has(k)) delete v[k];
    else stripKeys(v[k], keys);
  }
}

function show(v: unknown): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 1000 ? `${s.slice(0, 997)}...` : s;
}

/** The differences between two JSON values, as `path: real … local …` lines (at most `max`). */
export function differences(real: unknown, local: unknown, max = 12): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= max) return;
    if (isRecord(a) && isRecord(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const k of keys) walk(a[k], b[k], path === '' ? k : `${path}.${k}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`));
      return;
    }
    if (typeof a === 'string' && typeof b === 'string' && a !== b && a.length + b.length > 400) {
      // long texts (messages quoting whole objects): where they part
      let i = 0;
      while (a[i] === b[i]) i++;
      const around = (t: string): string => JSON.stringify(t.slice(Math.max(0, i - 80), i + 160));
      out.push(`${path}: differ at ${i}: real …${around(a)}… | local …${around(b)}…`);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(`${path || '(root)'}: real ${show(a)} | local ${show(b)}`);
  };
  walk(real, local, '');
  return out;
}
