// Dotted field paths as kyaml reads them for vars and replacements: SmarterPathSplitter, the
// PathGetter lookup (sources, vars) and the PathMatcher walk (replacement targets, with create).
import { isYamlMap, newMap, resolveV3Value, scalarSource } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';

/** A path kyaml cannot walk (wrong node kind, bad list element, bad index): the build fails. */
export class FieldPathError extends Error {}

/** kyaml's PathSplitter: splits on the delimiter (`\.` escapes it); a leading delimiter is dropped. */
function pathSplitter(path: string, delimiter: string): string[] {
  let ps = path.split(delimiter);
  if (ps.length > 1 && ps[0] === '') ps = ps.slice(1);
  const res: string[] = [ps[0] as string];
  for (let i = 1; i < ps.length; i++) {
    const last = res.length - 1;
    const prev = res[last] as string;
    if (prev.endsWith('\\')) res[last] = prev.slice(0, -1) + delimiter + (ps[i] as string);
    else res.push(ps[i] as string);
  }
  return res;
}

/**
 * kyaml's SmarterPathSplitter: a bracketed element that the delimiter split is joined again; it
 * keeps its brackets when it holds `=` (a list matcher) and loses them otherwise (a map key with
 * dots, e.g. `[cert-manager.io/inject-ca-from]`). A bracketed element without the delimiter keeps
 * its brackets (and must then be a matcher).
 */
export function splitFieldPath(path: string, delimiter = '.'): string[] {
  const split = pathSplitter(path, delimiter);
  const out: string[] = [];
  for (let i = 0; i < split.length; i++) {
    const elem = split[i] as string;
    if (!(elem.startsWith('[') && !elem.endsWith(']'))) {
      out.push(elem);
      continue;
    }
    const bracketed = [elem];
    while (i < split.length - 1) {
      i++;
      bracketed.push(split[i] as string);
      if ((split[i] as string).endsWith(']')) break;
    }
    const joined = bracketed.join(delimiter);
    out.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
  }
  return out;
}

/** kyaml's convertSliceIndex (vars): `ports[0]` becomes `ports`, `0`. */
export function convertSliceIndex(parts: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of parts) {
    const m = /^(.*)\[(\d+)\]$/s.exec(s);
    if (!m) {
      out.push(s);
      continue;
    }
    if (m[1] !== '') out.push(m[1] as string);
    out.push(m[2] as string);
  }
  return out;
}

function isListIndex(p: string): boolean {
  return p.startsWith('[') && p.endsWith(']');
}

/** strconv.Atoi: optional sign, decimal digits, int64 range. */
function atoi(p: string): number | undefined {
  if (!/^[+-]?\d+$/.test(p)) return undefined;
  const n = Number(p);
  return Number.isSafeInteger(n) ? n : undefined;
}

function isIdxNumber(p: string): boolean {
  const n = atoi(p);
  return n !== undefined && n >= 0;
}

function splitIndexNameValue(p: string): [string, string] {
  const inner = p.replace(/\]$/, '').replace(/^\[/, '');
  const eq = inner.indexOf('=');
  if (eq < 0)
    throw new FieldPathError(
      'list path element must contain fieldName=fieldValue for element to match',
    );
  return [inner.slice(0, eq), inner.slice(eq + 1)];
}

/** A scalar node's text (yaml.Node.Value). */
export function scalarText(v: YamlValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return '';
  return String(v);
}

function kindName(v: YamlValue): string {
  return Array.isArray(v) ? 'SequenceNode' : isYamlMap(v) ? 'MappingNode' : 'ScalarNode';
}

function wrongKind(expected: string, v: YamlValue): FieldPathError {
  return new FieldPathError(`wrong Node Kind for  expected: ${expected} was ${kindName(v)}`);
}

/** A value a path reached, with its source text (a scalar's text as written: `0x1F`, `1.0`). */
export interface Found {
  readonly value: YamlValue;
  readonly text: string;
}

/**
 * kyaml's PathGetter (Lookup) without create: the value at the path, or undefined when a part is
 * missing. Walking a field of a non-map, or an element of a non-list, is an error.
 */
export function lookupField(obj: YamlValue, parts: readonly string[]): Found | undefined {
  let cur: YamlValue = obj;
  let text: string | undefined;
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    const idx = atoi(part);
    let at: number | string | undefined;
    if (idx !== undefined || part === '-') {
      if (idx !== undefined && idx < 0)
        throw new FieldPathError(`array index ${idx} cannot be negative`);
      if (cur === null) return undefined;
      if (!Array.isArray(cur)) throw wrongKind('SequenceNode', cur);
      at = part === '-' ? cur.length - 1 : idx;
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part);
      if (cur === null) return undefined;
      if (!Array.isArray(cur)) throw wrongKind('SequenceNode', cur);
      const list = cur;
      const j =
        name === ''
          ? list.findIndex((e, i) => textAt(list, i, e) === value)
          : list.findIndex((e) => isYamlMap(e) && name in e && textAt(e, name, e[name]) === value);
      at = j < 0 ? undefined : j;
    } else {
      if (cur === null) return undefined;
      if (!isYamlMap(cur)) throw wrongKind('MappingNode', cur);
      at = part in cur ? part : undefined;
    }
    if (at === undefined) return undefined;
    const next = Array.isArray(cur) ? cur[at as number] : cur[at as string];
    if (next === undefined) return undefined;
    text = textAt(cur, at, next);
    cur = next;
  }
  return { value: cur, text: text ?? scalarText(cur) };
}

/** The text of `c[at]` as written in the source. */
function textAt(c: YamlMap | YamlValue[], at: string | number, v: YamlValue | undefined): string {
  return scalarSource(c, at) ?? scalarText(v);
}

/** What a replacement may create at a missing leaf: the kind of the value being copied. */
export type CreateKind = 'map' | 'seq' | 'scalar' | undefined;

/** A field a path matched: read it, or write it in place. */
export interface FieldRef {
  get(): YamlValue;
  set(v: YamlValue): void;
  /** The node was created by the walk (an empty scalar takes its type from the value's text). */
  readonly created: boolean;
  /** The field's text as written in the source (for a scalar). */
  readonly text: string;
  /** The map or list and the key or index holding the field (absent for the object root). */
  readonly at?: readonly [YamlMap | YamlValue[], string | number];
  /** The map and key holding the field, when it is a map entry. */
  readonly holder?: readonly [YamlMap, string];
}

/** A reference to `c[at]`. */
function refAt(c: YamlMap | YamlValue[], at: string | number, created: boolean): FieldRef {
  const get = (): YamlValue => (Array.isArray(c) ? c[at as number] : c[at as string]) as YamlValue;
  const set = (v: YamlValue): void => {
    if (Array.isArray(c)) c[at as number] = v;
    else c[at as string] = v;
  };
  const text = textAt(c, at, get());
  return Array.isArray(c) || typeof at !== 'string'
    ? { get, set, created, text, at: [c, at] }
    : { get, set, created, text, at: [c, at], holder: [c, at] };
}

function newNode(kind: CreateKind): YamlValue {
  return kind === 'map' ? newMap() : kind === 'seq' ? [] : '';
}

function partKind(next: string | undefined, leaf: CreateKind): CreateKind {
  if (next === undefined) return leaf;
  if (isListIndex(next) || isIdxNumber(next)) return 'seq';
  return 'map';
}

/** A text for matching a list element's field against a `[name=regex]` part, as kyaml prints the node. */
function matchText(v: YamlValue): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return String(v);
  return JSON.stringify(v);
}

function goRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch (err) {
    throw new FieldPathError(`error parsing regexp: ${(err as Error).message}`);
  }
}

/**
 * kyaml's PathMatcher: every field the path reaches (`[name=value]` matches elements whose field
 * matches `value` as an unanchored regular expression, `*` every element, numbers an index). With
 * `create`, missing fields and list elements are created on the way, the leaf with that kind.
 */
export function matchFields(
  obj: YamlValue,
  parts: readonly string[],
  create: CreateKind,
): FieldRef[] {
  const out: FieldRef[] = [];
  const visit = (ref: FieldRef, i: number): void => {
    if (i === parts.length) {
      out.push(ref);
      return;
    }
    const part = parts[i] as string;
    const cur = ref.get();
    const next = parts[i + 1];
    if (isIdxNumber(part)) {
      const idx = Number(part);
      if (cur === null) {
        if (idx === 0 && create) return; // appended to a null node: not part of the output
        throw new FieldPathError(`index ${idx} specified but only 0 elements found`);
      }
      if (!Array.isArray(cur)) throw wrongKind('SequenceNode', cur);
      let created = false;
      if (cur.length === idx && create) {
        cur.push(newNode(partKind(next, create)));
        created = true;
      }
      if (cur.length < idx + 1)
        throw new FieldPathError(`index ${idx} specified but only ${cur.length} elements found`);
      visit(refAt(cur, idx, created), i + 1);
      return;
    }
    if (isListIndex(part)) {
      const [field, pattern] = splitIndexNameValue(part);
      if (cur === null) return;
      if (!Array.isArray(cur)) throw wrongKind('SequenceNode', cur);
      const re = goRegExp(pattern);
      const matchesAt = (j: number): boolean => {
        const e = cur[j] as YamlValue;
        if (field === '') return re.test(matchText(e).trim());
        return (
          isYamlMap(e) &&
          field in e &&
          e[field] !== null &&
          re.test(matchText(e[field] as YamlValue).trim())
        );
      };
      let any = false;
      for (let j = 0; j < cur.length; j++) {
        if (!matchesAt(j)) continue;
        any = true;
        visit(refAt(cur, j, false), i + 1);
      }
      if (any || !create) return;
      const value = resolveV3Value(pattern);
      if (field === '') cur.push(value);
      else {
        const el = newMap();
        el[field] = value;
        cur.push(el);
      }
      if (!matchesAt(cur.length - 1))
        throw new FieldPathError(`created list element does not match ${part}`);
      visit(refAt(cur, cur.length - 1, true), i + 1);
      return;
    }
    if (part === '*') {
      if (cur === null) return;
      if (!Array.isArray(cur)) throw wrongKind('SequenceNode', cur);
      for (let j = 0; j < cur.length; j++) visit(refAt(cur, j, false), i + 1);
      return;
    }
    if (cur === null) return;
    if (!isYamlMap(cur)) throw wrongKind('MappingNode', cur);
    if (part === '') throw wrongKind('ScalarNode', cur);
    let created = false;
    if (!(part in cur)) {
      if (!create) return;
      cur[part] = newNode(partKind(next, create));
      created = true;
    }
    visit(refAt(cur, part, created), i + 1);
  };
  visit({ get: () => obj, set: () => undefined, created: false, text: '' }, 0);
  return out;
}

/** Go's %v text of a float64, as var expansion inside a longer string writes it. */
export function goFormatFloatForVar(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return String(f);
  const s = String(f);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}
