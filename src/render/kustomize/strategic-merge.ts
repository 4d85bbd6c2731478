// Strategic merge patch as kustomize applies it (kyaml merge2 walker): schema merge keys, $patch directives, prepend order.
import { isEmptyNull, isYamlMap, newMap } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { BUILTIN_PATCH_SCHEMA } from './openapi-patch-meta.js';
import type { PatchField, PatchSchema } from './openapi-patch-meta.js';

/** Where the walker is in the schema: a known object definition, a list field, or known-but-without-metadata. */
type Schema =
  { readonly def: string } | { readonly list: PatchField } | { readonly none: true } | undefined;
const NO_META: Schema = { none: true };

export class MergeError extends Error {}

function fieldSchema(s: Schema, key: string): Schema {
  if (s === undefined) return undefined;
  if (!('def' in s)) return NO_META;
  const f = active.defs[s.def]?.[key];
  if (!f) return NO_META;
  if (f.ref) return { def: f.ref };
  return { list: f };
}

function elementSchema(s: Schema): Schema {
  if (s === undefined) return undefined;
  if ('list' in s && s.list.elem) return { def: s.list.elem };
  return NO_META;
}

function schemaOf(v: YamlValue | undefined): Schema {
  if (!isYamlMap(v)) return undefined;
  const av = v['apiVersion'];
  const k = v['kind'];
  if (typeof av !== 'string' || typeof k !== 'string' || av === '' || k === '') return undefined;
  const def = active.kinds.get(`${av} ${k}`);
  return def === undefined ? undefined : { def };
}

type Kind = 'map' | 'seq' | 'scalar' | 'none';
function kindOf(v: YamlValue | undefined): Kind {
  if (v === undefined || v === null) return 'none';
  if (Array.isArray(v)) return 'seq';
  if (isYamlMap(v)) return 'map';
  return 'scalar';
}

const DIRECTIVE = '$patch';

function mapDirective(origin: YamlValue | undefined): 'merge' | 'replace' | 'delete' {
  if (!isYamlMap(origin)) return 'merge';
  if (!(DIRECTIVE in origin)) return 'merge';
  const v = origin[DIRECTIVE];
  if (v === 'delete' || v === 'replace') {
    delete origin[DIRECTIVE];
    return v;
  }
  if (v === 'merge') {
    delete origin[DIRECTIVE];
    return 'merge';
  }
  throw new MergeError(`unknown patch strategy ${JSON.stringify(v)}`);
}

function seqDirective(origin: YamlValue | undefined): 'merge' | 'replace' | 'delete' {
  if (!Array.isArray(origin)) return 'merge';
  const i = origin.findIndex((e) => isYamlMap(e) && DIRECTIVE in e);
  if (i < 0) return 'merge';
  const el = origin[i] as YamlMap;
  if (Object.keys(el).length > 1) return 'merge';
  const v = el[DIRECTIVE];
  if (v === 'delete' || v === 'replace') {
    origin.splice(i, 1);
    return v;
  }
  return 'merge';
}

function scalarText(v: YamlValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return '';
  return String(v);
}

/** Merges `patch` into `dest` (mutating dest where kyaml does); returns the result, or undefined to delete it. */
/** The schema of the merge in progress (merges are synchronous, so a module variable is safe). */
let active: PatchSchema = BUILTIN_PATCH_SCHEMA;

export function strategicMerge(
  dest: YamlMap,
  patch: YamlMap,
  schema: PatchSchema = BUILTIN_PATCH_SCHEMA,
): YamlMap | undefined {
  active = schema;
  const r = walk(dest, patch, undefined, []);
  if (r === undefined || r === null) return undefined;
  if (!isYamlMap(r)) throw new MergeError('strategic merge produced a non-object');
  return r;
}

function walk(
  dest: YamlValue | undefined,
  origin: YamlValue | undefined,
  schema: Schema,
  path: string[],
): YamlValue | undefined {
  if (schema === undefined) schema = schemaOf(dest) ?? schemaOf(origin);
  const dk = kindOf(dest);
  const ok = kindOf(origin);
  const kind = dk !== 'none' ? dk : ok;
  if (dk !== 'none' && ok !== 'none' && dk !== ok) {
    throw new MergeError(
      `wrong node kind at '${path.join('.')}': expected ${kindName(dk)} but got ${kindName(ok)} in the patch`,
    );
  }
  switch (kind) {
    case 'map':
    case 'none':
      return walkMap(dest, origin, schema, path);
    case 'seq':
      if (schema && 'list' in schema && (schema.list.strategy ?? '').split(',').includes('merge')) {
        return walkAssociative(dest, origin, schema, path);
      }
      // Non-associative lists: the patch's list replaces the destination's.
      return origin !== undefined ? origin : dest;
    case 'scalar':
      return origin !== undefined ? origin : dest;
  }
}

function kindName(k: Kind): string {
  return k === 'map' ? 'MappingNode' : k === 'seq' ? 'SequenceNode' : 'ScalarNode';
}

function walkMap(
  dest: YamlValue | undefined,
  origin: YamlValue | undefined,
  schema: Schema,
  path: string[],
): YamlValue | undefined {
  let target: YamlValue | undefined;
  if (dest === undefined || dest === null) {
    if (mapDirective(origin) === 'delete') return undefined;
    target = origin;
  } else if (origin === null) {
    return undefined;
  } else {
    const d = mapDirective(origin);
    if (d === 'delete') return undefined;
    target = d === 'replace' ? origin : dest;
  }
  if (target === undefined || target === null) return target;
  if (!isYamlMap(target)) return target;
  const o = isYamlMap(origin) ? origin : undefined;
  const names = new Set([...Object.keys(target), ...(o ? Object.keys(o) : [])]);
  for (const key of [...names].sort()) {
    const fd = target[key];
    const fo = o?.[key];
    // kyaml keeps a destination's explicit `null` (e.g. controller-gen's `creationTimestamp: null`)
    // that the patch does not mention, but not an empty value (`key:`).
    if (fd === null && fo === undefined && !isEmptyNull(target, key)) continue;
    const val = walk(fd, fo, fieldSchema(schema, key), [...path, key]);
    if (val === undefined || val === null) delete target[key];
    else target[key] = val;
  }
  return target;
}

function walkAssociative(
  dest: YamlValue | undefined,
  origin: YamlValue | undefined,
  schema: Schema,
  path: string[],
): YamlValue | undefined {
  let d: YamlValue[];
  if (dest === undefined || dest === null) {
    if (!Array.isArray(origin)) return origin;
    d = origin;
  } else if (origin === null) {
    return undefined;
  } else {
    const dir = seqDirective(origin);
    if (dir === 'delete') return undefined;
    d = dir === 'replace' ? (origin as YamlValue[]) : (dest as YamlValue[]);
  }
  const o = Array.isArray(origin) ? origin : [];
  const keys = schema && 'list' in schema ? (schema.list.keys ?? []) : [];
  const elemSchema = elementSchema(schema);
  // Patch elements come first (kustomize merges with ListIncreaseDirection=Prepend).
  const sources = [o, d];
  let result: YamlValue[];
  if (keys.length === 0) {
    const values: YamlValue[] = [];
    const seen = new Set<string>();
    for (const src of sources) {
      for (const item of src) {
        const t = scalarText(item);
        if (seen.has(t)) continue;
        seen.add(t);
        values.push(item);
      }
    }
    result = values;
  } else if (keys.length > 1) {
    result = mergeMultiKey(d, o, keys, elemSchema, path);
  } else {
    const tuples: string[][] = [];
    const seen = new Set<string>();
    for (const src of sources) {
      for (const item of src) {
        if (!isYamlMap(item)) continue;
        const t = keys.map((k) => scalarText(item[k]));
        const id = JSON.stringify(t);
        if (seen.has(id)) continue;
        seen.add(id);
        tuples.push(t);
      }
    }
    const matches = (el: YamlValue | undefined, ks: string[], vs: string[]): boolean =>
      isYamlMap(el) && ks.every((k, i) => k in el && el[k] !== null && scalarText(el[k]) === vs[i]);
    const items: YamlValue[] = [];
    let firstKeys: string[] | undefined;
    for (const t of tuples) {
      let vk = keys.filter((_, i) => t[i] !== '');
      let vv = t.filter((x) => x !== '');
      if (vk.length === 0) {
        vk = [...keys];
        vv = [...t];
      }
      firstKeys ??= vk;
      const de = d.find((e) => matches(e, vk, vv));
      const oe = o.find((e) => matches(e, vk, vv));
      const val = walk(de, oe, elemSchema, [
        ...path,
        `[${vk.map((k, i) => `${k}=${vv[i] ?? ''}`).join(',')}]`,
      ]);
      if (val === undefined || val === null || (isYamlMap(val) && Object.keys(val).length === 0)) {
        for (let i = d.length - 1; i >= 0; i--) if (matches(d[i], vk, vv)) d.splice(i, 1);
        continue;
      }
      if (isYamlMap(val))
        vk.forEach((k, i) => {
          if (!(k in val)) val[k] = vv[i] ?? '';
        });
      const at = items.findIndex((e) => matches(e, vk, vv));
      if (at >= 0) items[at] = val;
      else items.push(val);
    }
    // Destination elements without the merge key are kept after the merged ones.
    if (firstKeys !== undefined && firstKeys.length === 1) {
      const k = firstKeys[0] as string;
      for (const e of d) if (isYamlMap(e) && !(k in e)) items.push(e);
    } else if (firstKeys === undefined) {
      for (const e of d) items.push(e);
    }
    result = items;
  }
  return result;
}

function validKeysOf(el: YamlMap, keys: readonly string[]): [string[], string[]] {
  const t = keys.map((k) => scalarText(el[k]));
  const vk = keys.filter((_, i) => t[i] !== '');
  const vv = t.filter((x) => x !== '');
  return vk.length === 0 ? [[...keys], t] : [vk, vv];
}

function matchesKeys(
  el: YamlValue | undefined,
  ks: readonly string[],
  vs: readonly string[],
): boolean {
  return (
    isYamlMap(el) && ks.every((k, i) => k in el && el[k] !== null && scalarText(el[k]) === vs[i])
  );
}

/**
 * Lists merged on several keys (x-kubernetes-list-map-keys, e.g. ports by port+protocol): patch-only elements come
 * first, then the destination's elements in their own order, merged with their patch counterparts.
 */
function mergeMultiKey(
  d: YamlValue[],
  o: YamlValue[],
  keys: readonly string[],
  elemSchema: Schema,
  path: string[],
): YamlValue[] {
  const used = new Set<number>();
  const merged: YamlValue[] = [];
  for (const de of d) {
    if (!isYamlMap(de)) {
      merged.push(de);
      continue;
    }
    const oi = o.findIndex(
      (oe, i) => !used.has(i) && isYamlMap(oe) && matchesKeys(de, ...validKeysOf(oe, keys)),
    );
    if (oi < 0) {
      merged.push(de);
      continue;
    }
    used.add(oi);
    const val = walk(de, o[oi], elemSchema, path);
    if (val === undefined || val === null || (isYamlMap(val) && Object.keys(val).length === 0))
      continue;
    merged.push(val);
  }
  const added: YamlValue[] = [];
  o.forEach((oe, i) => {
    if (used.has(i) || !isYamlMap(oe)) return;
    const val = walk(undefined, oe, elemSchema, path);
    if (val === undefined || val === null || (isYamlMap(val) && Object.keys(val).length === 0))
      return;
    added.push(val);
  });
  return [...added, ...merged];
}

/** A fresh empty map (re-exported for callers building patches). */
export function emptyMap(): YamlMap {
  return newMap();
}
