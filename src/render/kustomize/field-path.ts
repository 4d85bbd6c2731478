// Dotted field paths (`spec.containers.[name=app].image`, `ports[1].port`, `*`) used by vars and replacements.
import { isYamlMap, newMap, resolveV3Value } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'match'; key: string; value: string }
  | { kind: 'wild' };

/** Splits a path on dots outside brackets, separating `name[x]` into `name` and `[x]`. */
export function parseFieldPath(path: string): Segment[] {
  const raw: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of path) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === '.' && depth === 0) {
      raw.push(cur);
      cur = '';
    } else cur += ch;
  }
  raw.push(cur);
  const out: Segment[] = [];
  for (const part of raw) {
    let p = part;
    const b = p.indexOf('[');
    if (b > 0) {
      out.push(field(p.slice(0, b)));
      p = p.slice(b);
    }
    while (p.startsWith('[')) {
      const e = p.indexOf(']');
      const inner = e < 0 ? p.slice(1) : p.slice(1, e);
      p = e < 0 ? '' : p.slice(e + 1);
      const eq = inner.indexOf('=');
      if (eq >= 0) out.push({ kind: 'match', key: inner.slice(0, eq), value: inner.slice(eq + 1) });
      else if (/^-?\d+$/.test(inner)) out.push({ kind: 'index', index: Number(inner) });
      else out.push(field(inner));
    }
    if (p !== '') out.push(field(p));
  }
  return out;
}

function field(name: string): Segment {
  if (name === '*') return { kind: 'wild' };
  if (/^\d+$/.test(name)) return { kind: 'index', index: Number(name) };
  return { kind: 'field', name };
}

function scalarText(v: YamlValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return '';
  return String(v);
}

/** The value at `path`, or undefined when the path does not exist. */
export function getFieldValue(obj: YamlValue, path: string): YamlValue | undefined {
  let cur: YamlValue | undefined = obj;
  for (const s of parseFieldPath(path)) {
    if (cur === undefined || cur === null) return undefined;
    if (s.kind === 'field') cur = isYamlMap(cur) ? cur[s.name] : undefined;
    else if (s.kind === 'index') cur = Array.isArray(cur) ? cur[s.index] : undefined;
    else if (s.kind === 'match')
      cur = Array.isArray(cur)
        ? cur.find((e) => isYamlMap(e) && scalarText(e[s.key]) === s.value)
        : undefined;
    else return undefined;
  }
  return cur;
}

/** A field found by a path: read it, or write it in place. */
export interface FieldRef {
  get(): YamlValue;
  set(v: YamlValue): void;
  readonly created: boolean;
  /** The map and key holding the field, when it is a map entry. */
  readonly holder?: readonly [YamlMap, string];
}

/** All fields a path matches (wildcards and matchers may match several); `create` makes missing ones. */
export function findFields(
  obj: YamlValue,
  path: string,
  create: 'map' | 'seq' | 'scalar' | undefined,
): FieldRef[] {
  const segs = parseFieldPath(path);
  const out: FieldRef[] = [];
  const visit = (
    get: () => YamlValue | undefined,
    set: (v: YamlValue) => void,
    i: number,
    created: boolean,
    holder?: readonly [YamlMap, string],
  ): void => {
    if (i === segs.length) {
      out.push(
        holder
          ? { get: () => get() ?? null, set, created, holder }
          : { get: () => get() ?? null, set, created },
      );
      return;
    }
    const s = segs[i] as Segment;
    const cur = get();
    const nextKind = (): YamlValue => {
      if (i + 1 === segs.length) return create === 'map' ? newMap() : create === 'seq' ? [] : '';
      const n = segs[i + 1] as Segment;
      return n.kind === 'field' ? newMap() : [];
    };
    if (s.kind === 'field') {
      if (!isYamlMap(cur)) return;
      if (!(s.name in cur) || cur[s.name] === null) {
        if (!create) return;
        cur[s.name] = nextKind();
        visit(
          () => cur[s.name],
          (v) => (cur[s.name] = v),
          i + 1,
          true,
          [cur, s.name],
        );
        return;
      }
      visit(
        () => cur[s.name],
        (v) => (cur[s.name] = v),
        i + 1,
        created,
        [cur, s.name],
      );
    } else if (s.kind === 'index') {
      if (!Array.isArray(cur)) return;
      const idx = s.index < 0 ? cur.length + s.index : s.index;
      if (idx < 0 || idx >= cur.length) return;
      visit(
        () => cur[idx],
        (v) => (cur[idx] = v),
        i + 1,
        created,
      );
    } else if (s.kind === 'match') {
      if (!Array.isArray(cur)) return;
      let any = false;
      for (let j = 0; j < cur.length; j++) {
        const e = cur[j];
        if (isYamlMap(e) && scalarText(e[s.key]) === s.value) {
          any = true;
          visit(
            () => cur[j],
            (v) => (cur[j] = v),
            i + 1,
            created,
          );
        }
      }
      if (!any && create) {
        const el: YamlMap = newMap();
        el[s.key] = resolveV3Value(s.value);
        cur.push(el);
        const j = cur.length - 1;
        visit(
          () => cur[j],
          (v) => (cur[j] = v),
          i + 1,
          true,
        );
      }
    } else {
      if (Array.isArray(cur)) {
        for (let j = 0; j < cur.length; j++)
          visit(
            () => cur[j],
            (v) => (cur[j] = v),
            i + 1,
            created,
          );
      } else if (isYamlMap(cur)) {
        for (const k of Object.keys(cur))
          visit(
            () => cur[k],
            (v) => (cur[k] = v),
            i + 1,
            created,
          );
      }
    }
  };
  visit(
    () => obj,
    () => undefined,
    0,
    false,
  );
  return out;
}

/** Go's %v text of a float64, as var expansion inside a longer string writes it. */
export function goFormatFloatForVar(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return String(f);
  const s = String(f);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
