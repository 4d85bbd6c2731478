// Sprig's dict functions (dict.go) and the mergo.Merge / MergeWithOverwrite semantics merge relies on.
import {
  GoObject,
  T,
  T2,
  isGoMap,
  newGoMap,
  nilOf,
  sortedKeys,
  typedSlice,
  isEmptyValue,
} from '../value.js';
import type { GoFunc, GoMap, GoValue } from '../value.js';
import { strval } from './cast.js';
import { GoPanic, fn } from './def.js';
import { assertMapAny, assertString, deepCopy } from './reflect.js';

const A = T.any;
const M = T2.mapAny;
const S = T.string;

/** mergo's isEmptyValue with dereferencing (an interface holding a zero value is empty). */
function mergoEmpty(v: GoValue): boolean {
  return isEmptyValue(v);
}

function isMapValue(v: GoValue): v is GoMap {
  return isGoMap(v);
}
function isSliceValue(v: GoValue): boolean {
  return Array.isArray(v) || v instanceof Uint8Array;
}

/** mergo's deepMerge of two maps (dst changes in place), for Merge and MergeWithOverwrite. */
function mergeMaps(dst: GoMap, src: GoMap, overwrite: boolean): void {
  // Decisions about slices look at the emptiness of the maps themselves, before any change.
  const dstWasEmpty = Object.keys(dst).length === 0;
  const srcEmpty = Object.keys(src).length === 0;
  for (const key of Object.keys(src)) {
    const srcElement = src[key];
    const hasDst = Object.hasOwn(dst, key);
    const dstElement = dst[key];
    if (srcElement === null || srcElement === undefined) {
      if (overwrite) dst[key] = null;
      continue;
    }
    if (isMapValue(srcElement) || srcElement instanceof GoObject) {
      if (hasDst && isMapValue(dstElement) && isMapValue(srcElement))
        mergeMaps(dstElement, srcElement, overwrite);
    } else if (isSliceValue(srcElement)) {
      let dstSlice: GoValue;
      if (!hasDst || dstElement === null) dstSlice = [];
      else dstSlice = dstElement;
      if (!srcEmpty && (overwrite || dstWasEmpty)) dstSlice = srcElement;
      dst[key] = dstSlice;
    }
    if (hasDst && !mergoEmpty(dstElement)) {
      if (isSliceValue(srcElement)) continue;
      if (isMapValue(srcElement) && isMapValue(dstElement)) continue;
    }
    if (overwrite || !hasDst || mergoEmpty(dstElement)) dst[key] = srcElement;
  }
}

function dict(...v: GoValue[]): GoValue {
  const d = newGoMap();
  for (let i = 0; i < v.length; i += 2) {
    const key = strval(v[i] ?? null);
    d[key] = i + 1 >= v.length ? '' : v[i + 1];
  }
  return d;
}

function digFromDict(d: GoMap, def: GoValue, ks: string[]): GoValue {
  const [k, ...ns] = ks as [string, ...string[]];
  if (!Object.hasOwn(d, k)) return def;
  const step = d[k];
  if (ns.length === 0) return step;
  return digFromDict(assertMapAny(step ?? null), def, ns);
}

export const dictFuncs: Readonly<Record<string, GoFunc>> = {
  dict: fn([], M, dict, { variadic: A }),
  get: fn([M, S], A, (d: GoMap | null, key: string) =>
    d !== null && Object.hasOwn(d, key) ? d[key] : '',
  ),
  set: fn([M, S, A], M, (d: GoMap | null, key: string, value: GoValue) => {
    if (d === null) throw new GoPanic('assignment to entry in nil map');
    d[key] = value;
    return d;
  }),
  unset: fn([M, S], M, (d: GoMap | null, key: string) => {
    if (d !== null) delete d[key];
    return d;
  }),
  hasKey: fn([M, S], T.bool, (d: GoMap | null, key: string) => d !== null && Object.hasOwn(d, key)),
  pluck: fn(
    [S],
    T2.sliceAny,
    (key: string, ...ds: (GoMap | null)[]) => {
      const res: GoValue[] = [];
      for (const d of ds) if (d !== null && Object.hasOwn(d, key)) res.push(d[key]);
      return res;
    },
    { variadic: M },
  ),
  keys: fn(
    [],
    T2.sliceString,
    (...ds: (GoMap | null)[]) => {
      const k: string[] = [];
      for (const d of ds) if (d !== null) k.push(...sortedKeys(d));
      return typedSlice(k, T2.sliceString);
    },
    { variadic: M },
  ),
  pick: fn(
    [M],
    M,
    (d: GoMap | null, ...keys: string[]) => {
      const res = newGoMap();
      for (const k of keys) if (d !== null && Object.hasOwn(d, k)) res[k] = d[k];
      return res;
    },
    { variadic: S },
  ),
  omit: fn(
    [M],
    M,
    (d: GoMap | null, ...keys: string[]) => {
      const res = newGoMap();
      const skip = new Set(keys);
      for (const k of Object.keys(d ?? {})) if (!skip.has(k)) res[k] = (d as GoMap)[k];
      return res;
    },
    { variadic: S },
  ),
  merge: fn([M], A, (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeAll(dst, srcs, false), {
    variadic: M,
  }),
  mergeOverwrite: fn(
    [M],
    A,
    (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeAll(dst, srcs, true),
    {
      variadic: M,
    },
  ),
  mustMerge: fn(
    [M],
    A,
    (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeAll(dst, srcs, false),
    {
      variadic: M,
      errors: true,
    },
  ),
  mustMergeOverwrite: fn(
    [M],
    A,
    (dst: GoMap | null, ...srcs: (GoMap | null)[]) => mergeAll(dst, srcs, true),
    {
      variadic: M,
      errors: true,
    },
  ),
  values: fn([M], T2.sliceAny, (d: GoMap | null) =>
    d === null ? [] : sortedKeys(d).map((k) => d[k]),
  ),
  deepCopy: fn([A], A, deepCopy),
  mustDeepCopy: fn([A], A, deepCopy, { errors: true }),
  dig: fn(
    [],
    A,
    (...ps: GoValue[]) => {
      if (ps.length < 3) throw new GoPanic('dig needs at least three arguments');
      const d = assertMapAny(ps[ps.length - 1] ?? null);
      const def = ps[ps.length - 2];
      const ks = ps.slice(0, -2).map((p) => assertString(p ?? null));
      return digFromDict(d, def, ks);
    },
    { variadic: A, errors: true },
  ),
};

function mergeAll(dst0: GoMap | null, srcs: (GoMap | null)[], overwrite: boolean): GoValue {
  let dst = dst0;
  for (const src of srcs) {
    if (src === null) continue;
    if (dst === null) {
      dst = newGoMap();
    }
    mergeMaps(dst, src, overwrite);
  }
  return dst ?? nilOf(newGoMap(), M);
}
