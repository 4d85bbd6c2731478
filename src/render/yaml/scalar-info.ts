// What a decoded scalar does not carry but kustomize's YAML nodes do, kept aside by container and
// key (or index) so maps and lists stay plain data: whether a null was written empty, the source
// text of a number or label (`0x1F`, `1.0`), whether a string was quoted, and whether a transformer
// replaced it with an untagged node (which then reads back by its text).
import { resolveV3 } from './go-yaml-resolve.js';
import type { YamlMap, YamlValue } from './parse.js';

interface ScalarInfo {
  /** A null written as nothing (`key:`), not as `null` or `~`. */
  emptyNull?: true;
  /** The text the scalar was read from (or written with), when its value does not give it back. */
  source?: string;
  /** The string was written quoted (its style survives kyaml's setters). */
  quoted?: true;
  /** A kyaml setter replaced the node by an untagged plain one. */
  untagged?: true;
}

type Container = YamlMap | YamlValue[];
const infos = new WeakMap<Container, Map<string | number, ScalarInfo>>();

function infoFor(c: Container, key: string | number): ScalarInfo {
  let map = infos.get(c);
  if (map === undefined) {
    map = new Map();
    infos.set(c, map);
  }
  let info = map.get(key);
  if (info === undefined) {
    info = {};
    map.set(key, info);
  }
  return info;
}

/** True when `m[key]` is a null that was written as nothing at all (`key:`). */
export function isEmptyNull(m: YamlMap, key: string): boolean {
  return infos.get(m)?.get(key)?.emptyNull === true;
}

export function markEmptyNull(m: YamlMap, key: string): void {
  infoFor(m, key).emptyNull = true;
}

/** The source text of `c[key]`, when it differs from the value's own text (or is a label). */
export function scalarSource(c: Container, key: string | number): string | undefined {
  return infos.get(c)?.get(key)?.source;
}

export function recordSource(c: Container, key: string | number, text: string): void {
  infoFor(c, key).source = text;
}

/** Notes the text a scalar written into `c[key]` by a transformer has (when its value does not give it back). */
export function recordScalarSource(
  c: Container,
  key: string | number,
  value: YamlValue,
  text: string,
): void {
  const canonical =
    value === null || typeof value === 'object'
      ? true
      : typeof value === 'string' || text === String(value);
  if (!canonical) recordSource(c, key, text);
  else {
    const info = infos.get(c)?.get(key);
    if (info !== undefined) delete info.source;
  }
}

export function markQuoted(c: Container, key: string | number): void {
  infoFor(c, key).quoted = true;
}

/** True when `m[key]` is an untagged plain node (see {@link setUntagged}). */
export function isUntaggedPlain(m: YamlMap, key: string): boolean {
  return infos.get(m)?.get(key)?.untagged === true;
}

/**
 * kyaml's untagged setters (filtersutil.SetScalar, FieldSetter with a string value, SetName): the
 * node gets `text` with no tag and keeps its style, so a quoted one stays a string while a plain
 * one is read back by its text (`0x1F` becomes 31, `true` a boolean). A field that did not exist
 * is written quoted when its text would not read back as a string.
 */
export function setUntagged(c: Container, key: string | number, text: string): void {
  const existed = Array.isArray(c) ? key in c : Object.hasOwn(c, key);
  const quoted = !existed || infos.get(c)?.get(key)?.quoted === true;
  const r = resolveV3(text);
  const value: YamlValue = quoted || r.tag === 'merge' ? text : r.value;
  if (Array.isArray(c)) c[key as number] = value;
  else c[key as string] = value;
  recordScalarSource(c, key, value, text);
  if (!quoted) infoFor(c, key).untagged = true;
  else if (!existed) infoFor(c, key).quoted = true;
}

/** Copies the info of `from` to its copy `to` (deep copies keep it; JSON round trips do not). */
export function copyScalarInfo(from: Container, to: Container): void {
  const map = infos.get(from);
  if (map === undefined) return;
  const copy = new Map<string | number, ScalarInfo>();
  for (const [k, v] of map) copy.set(k, { ...v });
  infos.set(to, copy);
}
