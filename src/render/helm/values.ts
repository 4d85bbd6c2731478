// Helm's values machinery (chartutil): coalescing chart defaults under user values (null deletes),
// globals copied down to subcharts, tables and paths, and the type chartutil.Values.
import {
  GoInt,
  GoObject,
  T,
  T2,
  declareMethods,
  isGoMap,
  namedType,
  newGoMap,
  setGoType,
} from '../gotemplate/index.js';
import type { GoMap, GoType, GoValue } from '../gotemplate/index.js';
import { GoError, sprint } from '../gotemplate/index.js';
import { deepCopy } from '../gotemplate/sprig/reflect.js';
import type { Chart } from './chart.js';
import { HelmError } from './errors.js';
import { marshalYaml } from './yaml.js';

/** chartutil.Values: map[string]interface{} with methods (YAML, Table, AsMap, PathValue). */
export const valuesType: GoType = namedType('chartutil.Values', T2.mapAny);

/** Where coalescing warnings go (Helm logs them). */
export type Warn = (message: string) => void;

export function istable(v: GoValue): v is GoMap {
  return isGoMap(v) && !(v instanceof GoObject) && !(v instanceof GoInt);
}

/** Marks a map as chartutil.Values (the same object). */
export function asValues(m: GoMap): GoMap {
  return setGoType(m, valuesType);
}

export function copyValues(v: GoMap): GoMap {
  return deepCopy(v) as GoMap;
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

/** CoalesceValues (merge false) or MergeValues (merge true): user values over the chart's, recursively. */
export function coalesceChartValues(
  chart: Chart,
  vals: GoMap | null,
  merge: boolean,
  warn: Warn,
): GoMap {
  const copy = vals === null ? newGoMap() : copyValues(vals);
  return coalesce(warn, chart, copy, '', merge);
}

function coalesce(warn: Warn, ch: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  coalesceValues(warn, ch, dest, prefix, merge);
  return coalesceDeps(warn, ch, dest, prefix, merge);
}

function coalesceDeps(warn: Warn, chrt: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  for (const sub of chrt.dependencies()) {
    const name = sub.name();
    if (!Object.hasOwn(dest, name)) dest[name] = newGoMap();
    else if (!istable(dest[name])) {
      throw new HelmError(
        `type mismatch on ${name}: %!t(${goTypeName(dest[name])}=${goPrint(dest[name])})`,
        'ValuesInvalid',
      );
    }
    const dvmap = dest[name];
    const subPrefix = concatPrefix(prefix, chrt.metadata.name);
    coalesceGlobals(warn, dvmap, dest, subPrefix);
    dest[name] = coalesce(warn, sub, dvmap, subPrefix, merge);
  }
  return dest;
}

function goTypeName(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoInt) return v.type.name;
  return 'interface {}';
}

function coalesceGlobals(warn: Warn, dest: GoMap, src: GoMap, prefix: string): void {
  let dg: GoMap;
  let sg: GoMap;
  if (!Object.hasOwn(dest, 'global')) dg = newGoMap();
  else if (istable(dest['global'])) dg = dest['global'];
  else {
    warn('warning: skipping globals because destination global is not a table.');
    return;
  }
  if (!Object.hasOwn(src, 'global')) sg = newGoMap();
  else if (istable(src['global'])) sg = src['global'];
  else {
    warn('warning: skipping globals because source global is not a table.');
    return;
  }
  for (const key of Object.keys(sg)) {
    const val = sg[key];
    if (istable(val)) {
      const vv = Object.assign(newGoMap(), val);
      if (!Object.hasOwn(dg, key)) dg[key] = vv;
      else {
        const destv = dg[key];
        if (!istable(destv))
          warn(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
        else {
          coalesceTablesFullKey(warn, vv, destv, concatPrefix(prefix, key), true);
          dg[key] = vv;
        }
      }
    } else if (Object.hasOwn(dg, key) && istable(dg[key])) {
      warn(`key ${key} is table. Skipping`);
    } else {
      dg[key] = val;
    }
  }
  dest['global'] = dg;
}

function childChartMergeTrue(chrt: Chart, key: string, merge: boolean): boolean {
  return chrt.dependencies().some((s) => s.name() === key) || merge;
}

function coalesceValues(warn: Warn, c: Chart, v: GoMap, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, c.metadata.name);
  const vc = copyValues(c.values);
  for (const key of Object.keys(vc)) {
    const val = vc[key];
    if (Object.hasOwn(v, key)) {
      const value = v[key];
      if (value === null && !merge) delete v[key];
      else if (istable(value)) {
        if (!istable(val)) {
          if (val !== null) warn(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          coalesceTablesFullKey(
            warn,
            value,
            val,
            concatPrefix(subPrefix, key),
            childChartMergeTrue(c, key, merge),
          );
        }
      }
    } else {
      v[key] = val;
    }
  }
}

/** CoalesceTables / MergeTables: src fills dst's gaps; a null in dst deletes the key unless merging. */
export function coalesceTablesFullKey(
  warn: Warn,
  dst: GoMap | null,
  src: GoMap | null,
  prefix: string,
  merge: boolean,
): GoMap | null {
  if (src === null) return dst;
  if (dst === null) return src;
  const srcOriginalNonNil = new Set<string>();
  for (const key of Object.keys(src)) if (src[key] !== null) srcOriginalNonNil.add(key);
  for (const key of Object.keys(dst)) if (dst[key] === null) src[key] = null;
  for (const key of Object.keys(src)) {
    const val = src[key];
    const fullkey = concatPrefix(prefix, key);
    const has = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (has && !merge && dv === null && srcOriginalNonNil.has(key)) delete dst[key];
    else if (!has) dst[key] = val;
    else if (istable(val)) {
      if (istable(dv)) coalesceTablesFullKey(warn, dv, val, fullkey, merge);
      else warn(`warning: cannot overwrite table with non table for ${fullkey} (${goPrint(val)})`);
    } else if (istable(dv) && val !== null) {
      warn(
        `warning: destination for ${fullkey} is a table. Ignoring non-table value (${goPrint(val)})`,
      );
    }
  }
  return dst;
}

function goPrint(v: GoValue): string {
  return sprint([v]);
}

/** Values.Table: the map at a dotted path (ErrNoTable when it is missing or not a map). */
export function table(v: GoMap, name: string): GoMap {
  let t = v;
  for (const n of name.split('.')) {
    const next = t[n];
    if (!Object.hasOwn(t, n) || !istable(next)) throw new NoTableError(n);
    t = next;
  }
  return t;
}

export class NoTableError extends Error {
  constructor(readonly key: string) {
    super(`${JSON.stringify(key)} is not a table`);
    this.name = 'ErrNoTable';
  }
}
export class NoValueError extends Error {
  constructor(readonly key: string) {
    super(`"${key}" is not a value`);
    this.name = 'ErrNoValue';
  }
}

/** Values.PathValue: the non-table value at a dotted path. */
export function pathValue(v: GoMap, path: string): GoValue {
  if (path === '') throw new Error('YAML path cannot be empty');
  const parts = path.split('.');
  if (parts.length === 1) {
    const k = parts[0] as string;
    if (Object.hasOwn(v, k) && !istable(v[k])) return v[k];
    throw new NoValueError(k);
  }
  const key = parts[parts.length - 1] as string;
  let t: GoMap;
  try {
    t = table(v, parts.slice(0, -1).join('.'));
  } catch {
    throw new NoValueError(key);
  }
  if (Object.hasOwn(t, key) && !istable(t[key])) return t[key];
  throw new NoValueError(key);
}

declareMethods(valuesType, {
  YAML: {
    params: [],
    result: T.string,
    errors: true,
    call: (v: GoMap) => {
      try {
        return marshalYaml(v);
      } catch (e) {
        throw new GoError(`error marshaling into JSON: ${(e as Error).message}`);
      }
    },
  },
  Table: {
    params: [T.string],
    result: valuesType,
    errors: true,
    call: (v: GoMap, name: GoValue) => {
      try {
        return asValues(table(v, name as string));
      } catch (e) {
        throw new GoError((e as Error).message);
      }
    },
  },
  AsMap: {
    params: [],
    result: T2.mapAny,
    call: (v: GoMap) => (Object.keys(v).length === 0 ? newGoMap() : v),
  },
  PathValue: {
    params: [T.string],
    result: T.any,
    errors: true,
    call: (v: GoMap, path: GoValue) => {
      try {
        return pathValue(v, path as string);
      } catch (e) {
        throw new GoError((e as Error).message);
      }
    },
  },
});
