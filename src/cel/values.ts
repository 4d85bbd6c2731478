// Runtime values: @bufbuild/cel's value model (bigint ints, CelUint, numbers as doubles, strings,
// bytes, CelList, CelMap, protobuf timestamps and durations) plus the opaque values of the
// Kubernetes libraries; JSON objects turned into values the way their schema types them;
// CEL equality and ordering.
import {
  celList,
  celMap,
  isCelList,
  isCelMap,
  isCelUint,
  isCelType,
  celUint,
  type CelList,
  type CelMap,
  type CelValue as BufValue,
} from '@bufbuild/cel';
import type { CelT } from './types.js';

export { isCelList, isCelMap, isCelUint, celList, celMap, celUint };
export type { CelList, CelMap };

/** A value of a library type (quantity, URL, IP, optional…): carries its CEL type name. */
export abstract class CelOpaque {
  abstract readonly typeName: string;
  /** CEL equality with another opaque value of the same type. */
  abstract equals(other: CelOpaque): boolean;
}

export type CelValue = BufValue | CelOpaque;

/** optional_type(T): a value or none. */
export class CelOptional extends CelOpaque {
  readonly typeName = 'optional_type';
  static readonly NONE = new CelOptional(undefined);
  constructor(readonly value: CelValue | undefined) {
    super();
  }
  get hasValue(): boolean {
    return this.value !== undefined;
  }
  equals(other: CelOpaque): boolean {
    if (!(other instanceof CelOptional)) return false;
    if (this.value === undefined || other.value === undefined) return this.value === other.value;
    return celEquals(this.value, other.value);
  }
}

interface ReflectLike {
  readonly desc: { readonly typeName: string };
  readonly message: { readonly seconds: bigint; readonly nanos: number };
}

export function isTimestamp(v: unknown): v is ReflectLike {
  return messageType(v) === 'google.protobuf.Timestamp';
}

export function isDuration(v: unknown): v is ReflectLike {
  return messageType(v) === 'google.protobuf.Duration';
}

function messageType(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || !('desc' in v)) return undefined;
  const d = (v as { desc?: { typeName?: unknown } }).desc;
  return typeof d?.typeName === 'string' ? d.typeName : undefined;
}

/** The CEL type name of a runtime value (for `type()` and runtime overload errors). */
export function typeName(v: CelValue): string {
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
  }
  if (v === null) return 'null_type';
  if (v instanceof Uint8Array) return 'bytes';
  if (isCelUint(v)) return 'uint';
  if (isCelList(v)) return 'list';
  if (isCelMap(v)) return 'map';
  if (v instanceof CelOpaque) return v.typeName;
  if (isTimestamp(v)) return 'google.protobuf.Timestamp';
  if (isDuration(v)) return 'google.protobuf.Duration';
  if (isCelType(v)) return 'type';
  return 'unknown';
}

/** CEL `==`: numeric values compare across int, uint and double; lists and maps deeply. */
export function celEquals(a: CelValue, b: CelValue): boolean {
  if (a === b) return true;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb) === 0;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((x, i) => x === b[i]);
  if (isCelList(a) && isCelList(b)) {
    if (a.size !== b.size) return false;
    const sem = LIST_SEMANTICS.get(a);
    if (sem !== undefined) return semanticEquals(a, b, sem);
    for (let i = 0; i < a.size; i++)
      if (!celEquals(a.get(i) as CelValue, b.get(i) as CelValue)) return false;
    return true;
  }
  if (isCelMap(a) && isCelMap(b)) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k)) return false;
      if (!celEquals(v, b.get(k) as CelValue)) return false;
    }
    return true;
  }
  if (a instanceof CelOpaque && b instanceof CelOpaque)
    return a.typeName === b.typeName && a.equals(b);
  const ta = messageType(a);
  if (ta !== undefined && ta === messageType(b)) {
    const ma = (a as unknown as ReflectLike).message;
    const mb = (b as unknown as ReflectLike).message;
    return ma.seconds === mb.seconds && ma.nanos === mb.nanos;
  }
  if (isCelType(a) && isCelType(b)) return a.name === b.name;
  return false;
}

/** Set and map lists of a schema (`x-kubernetes-list-type`): equality and `+` follow them. */
export interface ListSemantics {
  readonly kind: 'set' | 'map';
  readonly keys: readonly string[];
}

const LIST_SEMANTICS = new WeakMap<object, ListSemantics>();

export function listSemantics(l: CelList): ListSemantics | undefined {
  return LIST_SEMANTICS.get(l);
}

/** A list value with the semantics of its schema's list type. */
export function semanticList(items: CelValue[], sem: ListSemantics | undefined): CelList {
  const l = celList(items as never[]);
  if (sem !== undefined) LIST_SEMANTICS.set(l, sem);
  return l;
}

/** Whether two map-list items have the same keys. */
export function sameKeys(a: CelValue, b: CelValue, keys: readonly string[]): boolean {
  if (!isCelMap(a) || !isCelMap(b)) return false;
  return keys.every((k) =>
    celEquals((a.get(k) ?? null) as CelValue, (b.get(k) ?? null) as CelValue),
  );
}

function semanticEquals(a: CelList, b: CelList, sem: ListSemantics): boolean {
  const xs = [...a] as CelValue[];
  for (const y of b as Iterable<CelValue>) {
    if (sem.kind === 'set') {
      if (!xs.some((x) => celEquals(x, y))) return false;
    } else {
      const x = xs.find((e) => sameKeys(e, y, sem.keys));
      if (x === undefined || !celEquals(x, y)) return false;
    }
  }
  return true;
}

type Num = { readonly k: 'i'; readonly v: bigint } | { readonly k: 'd'; readonly v: number };

function numeric(v: CelValue): Num | undefined {
  if (typeof v === 'bigint') return { k: 'i', v };
  if (typeof v === 'number') return { k: 'd', v };
  if (isCelUint(v)) return { k: 'i', v: v.value };
  return undefined;
}

function compareNumbers(a: Num, b: Num): number {
  if (a.k === 'i' && b.k === 'i') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  const x = a.k === 'd' ? a.v : a.v;
  const y = b.k === 'd' ? b.v : b.v;
  if (typeof x === 'number' && Number.isNaN(x)) return NaN;
  if (typeof y === 'number' && Number.isNaN(y)) return NaN;
  // compare a bigint with a double exactly
  if (typeof x === 'bigint' && typeof y === 'number') return -compareDoubleInt(y, x);
  if (typeof x === 'number' && typeof y === 'bigint') return compareDoubleInt(x, y);
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

function compareDoubleInt(d: number, i: bigint): number {
  if (!Number.isFinite(d)) return d > 0 ? 1 : -1;
  const t = BigInt(Math.trunc(d));
  if (t !== i) return t < i ? -1 : 1;
  const frac = d - Math.trunc(d);
  return frac > 0 ? 1 : frac < 0 ? -1 : 0;
}

/**
 * CEL ordering for `<`, `<=`, `>`, `>=` (numbers across types, strings, bytes, bools,
 * timestamps, durations); undefined when the values are not ordered together.
 */
export function celCompare(a: CelValue, b: CelValue): number | undefined {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return Math.sign(a.length - b.length);
  }
  const ta = messageType(a);
  if (ta !== undefined && ta === messageType(b)) {
    const ma = (a as unknown as ReflectLike).message;
    const mb = (b as unknown as ReflectLike).message;
    if (ma.seconds !== mb.seconds) return ma.seconds < mb.seconds ? -1 : 1;
    return Math.sign(ma.nanos - mb.nanos);
  }
  return undefined;
}

/** Converts JSON (as stored) to a CEL value, typed by the schema-derived type when known. */
export function fromJson(v: unknown, t: CelT | undefined, parse?: JsonStringParser): CelValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (t?.k === 'prim' && t.name === 'double') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string') {
    if (t?.k === 'prim' && parse !== undefined && t.name !== 'string' && t.name !== 'dyn') {
      const p = parse(t.name, v);
      if (p !== undefined) return p;
    }
    return v;
  }
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const elem = t?.k === 'list' ? t.elem : undefined;
    const sem: ListSemantics | undefined =
      t?.k === 'list' && (t.listType === 'set' || t.listType === 'map')
        ? { kind: t.listType, keys: t.mapKeys ?? [] }
        : undefined;
    return semanticList(
      v.map((x) => fromJson(x, elem, parse)),
      sem,
    );
  }
  if (typeof v === 'object') {
    const m = new Map<string, CelValue>();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const ft = t?.k === 'object' ? t.fields.get(k) : t?.k === 'map' ? t.value : undefined;
      m.set(k, fromJson(x, ft, parse));
    }
    return celMap(m as ReadonlyMap<string, BufValue>);
  }
  return null;
}

/** Parses strings of schema formats (date-time, duration, byte) into their CEL types. */
export type JsonStringParser = (typeName: string, s: string) => CelValue | undefined;
