// Sprig's reflection helpers and the reflect semantics its functions rely on: Kind names, emptiness
// (empty/default), reflect.DeepEqual, deep copies and Go's type assertions.
import {
  GoInt,
  GoObject,
  GoStruct,
  Kind,
  T,
  T2,
  isEmptyValue,
  setGoType,
  typeOf,
} from '../value.js';
import type { GoMap, GoValue } from '../value.js';
import { GoPanic, fn } from './def.js';
import { sprintf } from '../fmt.js';
import type { GoFunc } from '../value.js';

const KIND_NAMES: Record<number, string> = {
  [Kind.Invalid]: 'invalid',
  [Kind.Bool]: 'bool',
  [Kind.Int]: 'int',
  [Kind.Int8]: 'int8',
  [Kind.Int16]: 'int16',
  [Kind.Int32]: 'int32',
  [Kind.Int64]: 'int64',
  [Kind.Uint]: 'uint',
  [Kind.Uint8]: 'uint8',
  [Kind.Uint16]: 'uint16',
  [Kind.Uint32]: 'uint32',
  [Kind.Uint64]: 'uint64',
  [Kind.Uintptr]: 'uintptr',
  [Kind.Float32]: 'float32',
  [Kind.Float64]: 'float64',
  [Kind.Complex128]: 'complex128',
  [Kind.Func]: 'func',
  [Kind.Interface]: 'interface',
  [Kind.Map]: 'map',
  [Kind.Pointer]: 'ptr',
  [Kind.Slice]: 'slice',
  [Kind.String]: 'string',
  [Kind.Struct]: 'struct',
};

/** reflect.Kind.String() of a value's kind ("invalid" for nil). */
export function kindName(v: GoValue): string {
  return KIND_NAMES[typeOf(v)?.kind ?? Kind.Invalid] ?? 'invalid';
}

/** reflect.TypeOf(v).Kind() as Sprig's list functions use it: nil panics as Go does. */
export function kindOrPanic(v: GoValue): string {
  if (v === null || v === undefined)
    throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
  return kindName(v);
}

/** Sprig's empty(). */
export function isEmpty(v: GoValue): boolean {
  return isEmptyValue(v);
}

/** The elements of a slice value (or undefined when it is not one). */
export function sliceItems(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => new GoInt(T.uint8, BigInt(b)));
  return undefined;
}

/** reflect.DeepEqual. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta?.name !== tb?.name) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.v === b.v;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a instanceof GoObject || b instanceof GoObject) {
    if (a instanceof GoStruct && b instanceof GoStruct) {
      const fields = (a.goType.kind === Kind.Pointer ? a.goType.elem : a.goType)?.fields ?? [];
      return fields.every((f) => deepEqual(a.field(f.name) ?? null, b.field(f.name) ?? null));
    }
    return false;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ma = a as GoMap;
    const mb = b as GoMap;
    const ka = Object.keys(ma);
    if (ka.length !== Object.keys(mb).length) return false;
    return ka.every((k) => Object.hasOwn(mb, k) && deepEqual(ma[k], mb[k]));
  }
  return false;
}

/** copystructure.Copy: maps and slices copied deeply, keeping their types. */
export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) {
    const t = typeOf(v);
    const out = v.map(deepCopy);
    return t && t !== T2.sliceAny ? setGoType(out, t) : out;
  }
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (typeof v === 'object' && v !== null && !(v instanceof GoInt) && !(v instanceof GoObject)) {
    const t = typeOf(v);
    const out = Object.create(null) as GoMap;
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k]);
    return t && t !== T2.mapAny ? setGoType(out, t) : out;
  }
  return v;
}

/** A Go type assertion `v.(map[string]interface{})`, panicking with Go's message. */
export function assertMapAny(v: GoValue): GoMap {
  const t = typeOf(v);
  if (t === T2.mapAny) return v as GoMap;
  throw new GoPanic(
    `interface conversion: interface {} is ${t?.name ?? 'nil'}, not map[string]interface {}`,
  );
}

/** A Go type assertion `v.(string)`. */
export function assertString(v: GoValue): string {
  if (typeof v === 'string') return v;
  throw new GoPanic(
    `interface conversion: interface {} is ${typeOf(v)?.name ?? 'nil'}, not string`,
  );
}

export const reflectFuncs: Readonly<Record<string, GoFunc>> = {
  typeOf: fn([T.any], T.string, (v: GoValue) => sprintf('%T', [v])),
  typeIs: fn(
    [T.string, T.any],
    T.bool,
    (target: string, v: GoValue) => target === sprintf('%T', [v]),
  ),
  typeIsLike: fn([T.string, T.any], T.bool, (target: string, v: GoValue) => {
    const t = sprintf('%T', [v]);
    return target === t || '*' + target === t;
  }),
  kindOf: fn([T.any], T.string, kindName),
  kindIs: fn([T.string, T.any], T.bool, (target: string, v: GoValue) => target === kindName(v)),
  deepEqual: fn([T.any, T.any], T.bool, deepEqual),
};
