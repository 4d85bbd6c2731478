// What a decoded scalar does not carry but kustomize's YAML nodes do, kept aside by container and
// key (or index) so maps and lists stay plain data: whether a null was written empty, the source
// text of a number or label (`0x1F`, `1.0`), whether a string was quoted, and whether a transformer
// replaced it with an untagged node (which then reads back by its text). One table per fact, so
// reading a document allocates only for the (few) scalars that have one.
import { resolveV3 } from './go-yaml-resolve.js';
import type { YamlMap, YamlValue } from './parse.js';

type Container = YamlMap | YamlValue[];
type Key = string | number;

/** A null written as nothing (`key:`), not as `null` or `~`. */
const emptyNulls = new WeakMap<Container, Set<Key>>();
/** The text a scalar was read from (or written with), when its value does not give it back. */
const sources = new WeakMap<Container, Map<Key, string>>();
/** A string written quoted (its style survives kyaml's setters). */
const quotedKeys = new WeakMap<Container, Set<Key>>();
/** A kyaml setter replaced the node by an untagged plain one. */
const untaggedKeys = new WeakMap<Container, Set<Key>>();

/**
 * What an annotation written plain would decode to when it is not its text (`1`, `true`, `0x1F`):
 * annotations are strings once kustomize rewrites them, but a JSON patch still sees the node's type.
 */
const typedAnnotations = new WeakMap<YamlMap, Map<string, YamlValue>>();

export function recordTypedAnnotation(m: YamlMap, key: string, value: YamlValue): void {
  const map = typedAnnotations.get(m);
  if (map === undefined) typedAnnotations.set(m, new Map([[key, value]]));
  else map.set(key, value);
}

/** The type an annotation's node had (see recordTypedAnnotation), or undefined. */
export function typedAnnotation(m: YamlMap, key: string): YamlValue | undefined {
  return typedAnnotations.get(m)?.get(key);
}

const KEY_SETS = [emptyNulls, quotedKeys, untaggedKeys] as const;

function addTo(table: WeakMap<Container, Set<Key>>, c: Container, key: Key): void {
  const set = table.get(c);
  if (set === undefined) table.set(c, new Set([key]));
  else set.add(key);
}

/** True when `m[key]` is a null that was written as nothing at all (`key:`). */
export function isEmptyNull(m: YamlMap, key: string): boolean {
  return emptyNulls.get(m)?.has(key) === true;
}

export function markEmptyNull(m: YamlMap, key: string): void {
  addTo(emptyNulls, m, key);
}

/** The source text of `c[key]`, when it differs from the value's own text (or is a label). */
export function scalarSource(c: Container, key: Key): string | undefined {
  return sources.get(c)?.get(key);
}

export function recordSource(c: Container, key: Key, text: string): void {
  const map = sources.get(c);
  if (map === undefined) sources.set(c, new Map([[key, text]]));
  else map.set(key, text);
}

/** Notes the text a scalar written into `c[key]` by a transformer has (when its value does not give it back). */
export function recordScalarSource(c: Container, key: Key, value: YamlValue, text: string): void {
  const canonical =
    value === null || typeof value === 'object'
      ? true
      : typeof value === 'string' || text === String(value);
  if (!canonical) recordSource(c, key, text);
  else sources.get(c)?.delete(key);
}

export function markQuoted(c: Container, key: Key): void {
  addTo(quotedKeys, c, key);
}

/** True when `m[key]` is an untagged plain node (see {@link setUntagged}). */
export function isUntaggedPlain(c: Container, key: Key): boolean {
  return untaggedKeys.get(c)?.has(key) === true;
}

/** Notes that `c[key]` is an untagged plain node (a node kyaml created and then gave a value's text). */
export function markUntagged(c: Container, key: Key): void {
  quotedKeys.get(c)?.delete(key);
  addTo(untaggedKeys, c, key);
}

/**
 * kyaml's untagged setters (filtersutil.SetScalar, FieldSetter with a string value, SetName): the
 * node gets `text` with no tag and keeps its style, so a quoted one stays a string while a plain
 * one is read back by its text (`0x1F` becomes 31, `true` a boolean). A field that did not exist
 * is written quoted when its text would not read back as a string.
 */
export function setUntagged(c: Container, key: Key, text: string): void {
  const existed = Array.isArray(c) ? (key as number) < c.length : Object.hasOwn(c, key);
  const quoted = !existed || quotedKeys.get(c)?.has(key) === true;
  const r = resolveV3(text);
  const value: YamlValue = quoted || r.tag === 'merge' ? text : r.value;
  if (Array.isArray(c)) c[key as number] = value;
  else c[key as string] = value;
  recordScalarSource(c, key, value, text);
  if (!quoted) addTo(untaggedKeys, c, key);
  else if (!existed) addTo(quotedKeys, c, key);
}

/** Copies the facts about `from`'s scalars to its copy `to` (deep copies keep them; JSON round trips do not). */
export function copyScalarInfo(from: Container, to: Container): void {
  for (const table of KEY_SETS) {
    const set = table.get(from);
    if (set !== undefined) table.set(to, new Set(set));
  }
  const map = sources.get(from);
  if (map !== undefined) sources.set(to, new Map(map));
  if (!Array.isArray(from) && !Array.isArray(to)) {
    const typed = typedAnnotations.get(from);
    if (typed !== undefined) typedAnnotations.set(to, new Map(typed));
  }
}
