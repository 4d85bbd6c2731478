// The Go values a template works on, as plain JS values plus a small reflect-like type system.
//
// A Go value at run time is one of:
//   undefined          an invalid reflect.Value (what Go prints as "<no value>")
//   null               nil (a nil interface, or an untyped nil)
//   string             string
//   boolean            bool
//   number             float64
//   GoInt              every integer kind (int, int64, uint8, …), exact in a bigint
//   Array              a slice; its type in a hidden GOTYPE property (default []interface {})
//   Uint8Array         []byte
//   null-prototype obj a map with string keys; its type in GOTYPE (default map[string]interface {})
//   GoObject           structs, pointers to structs and other named types with methods
// Values read from YAML are already in this form (numbers are float64 as Helm reads them).

export { goBytes, goString } from './bytes.js';

export const Kind = {
  Invalid: 0,
  Bool: 1,
  Int: 2,
  Int8: 3,
  Int16: 4,
  Int32: 5,
  Int64: 6,
  Uint: 7,
  Uint8: 8,
  Uint16: 9,
  Uint32: 10,
  Uint64: 11,
  Uintptr: 12,
  Float32: 13,
  Float64: 14,
  Complex128: 16,
  Func: 19,
  Interface: 20,
  Map: 21,
  Pointer: 22,
  Slice: 23,
  String: 24,
  Struct: 25,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** A struct field: its Go name, type, and how encoding/json names it. */
export interface GoField {
  readonly name: string;
  readonly type: GoType;
  /** The JSON key (the json tag's name, else the Go name); undefined when the tag is "-". */
  readonly json?: string;
  readonly omitempty?: boolean;
  /** An embedded field whose fields are promoted (reflect prints only its type). */
  readonly embedded?: boolean;
}

/** A Go type as far as templates can observe it: its name as reflect prints it and its kind. */
export interface GoType {
  readonly name: string;
  readonly kind: Kind;
  readonly elem?: GoType;
  readonly key?: GoType;
  /** A defined (named) type; assignability between a named and an unnamed type compares underlying types. */
  readonly named?: boolean;
  /** The type this named type is defined on (its underlying type's name), for assignability. */
  readonly underlying?: string;
  readonly fields?: readonly GoField[];
  /** Interface types: the method names an implementation needs. */
  readonly methods?: readonly string[];
}

function t(name: string, kind: Kind, extra: Partial<GoType> = {}): GoType {
  return { name, kind, ...extra };
}

export const T = {
  any: t('interface {}', Kind.Interface, { methods: [] }),
  error: t('error', Kind.Interface, { methods: ['Error'], named: true }),
  bool: t('bool', Kind.Bool),
  string: t('string', Kind.String),
  int: t('int', Kind.Int),
  int8: t('int8', Kind.Int8),
  int16: t('int16', Kind.Int16),
  int32: t('int32', Kind.Int32),
  int64: t('int64', Kind.Int64),
  uint: t('uint', Kind.Uint),
  uint8: t('uint8', Kind.Uint8),
  uint16: t('uint16', Kind.Uint16),
  uint32: t('uint32', Kind.Uint32),
  uint64: t('uint64', Kind.Uint64),
  uintptr: t('uintptr', Kind.Uintptr),
  float32: t('float32', Kind.Float32),
  float64: t('float64', Kind.Float64),
  complex128: t('complex128', Kind.Complex128),
  /** reflect.Value: a parameter of this type receives the argument as it is, even invalid. */
  reflectValue: t('reflect.Value', Kind.Struct, { named: true }),
} as const;

const sliceTypes = new Map<string, GoType>();
const mapTypes = new Map<string, GoType>();
const ptrTypes = new Map<string, GoType>();

export function sliceOf(elem: GoType): GoType {
  let s = sliceTypes.get(elem.name);
  if (!s) {
    s = t(`[]${elem.name}`, Kind.Slice, { elem });
    sliceTypes.set(elem.name, s);
  }
  return s;
}
export function mapOf(key: GoType, elem: GoType): GoType {
  const name = `map[${key.name}]${elem.name}`;
  let m = mapTypes.get(name);
  if (!m) {
    m = t(name, Kind.Map, { key, elem });
    mapTypes.set(name, m);
  }
  return m;
}
export function pointerTo(elem: GoType): GoType {
  let p = ptrTypes.get(elem.name);
  if (!p) {
    p = t(`*${elem.name}`, Kind.Pointer, { elem });
    ptrTypes.set(elem.name, p);
  }
  return p;
}
/** A named type defined on another (type Values map[string]interface{}). */
export function namedType(name: string, under: GoType): GoType {
  return { ...under, name, named: true, underlying: under.name };
}
export function structType(name: string, fields: readonly GoField[]): GoType {
  return t(name, Kind.Struct, { fields, named: !name.startsWith('struct ') });
}

export const T2 = {
  sliceAny: sliceOf(T.any),
  sliceString: sliceOf(T.string),
  sliceInt: sliceOf(T.int),
  bytes: sliceOf(T.uint8),
  mapAny: mapOf(T.string, T.any),
  mapString: mapOf(T.string, T.string),
} as const;

/** Where a slice or map keeps its Go type when it is not the default. */
export const GOTYPE: unique symbol = Symbol('gotype');

/** An integer of one of Go's integer kinds. */
export class GoInt {
  constructor(
    readonly type: GoType,
    readonly v: bigint,
  ) {}
  toString(): string {
    return this.v.toString();
  }
}

const INT_RANGES: Partial<Record<Kind, readonly [bigint, bigint]>> = {
  [Kind.Int]: [-(2n ** 63n), 2n ** 63n - 1n],
  [Kind.Int64]: [-(2n ** 63n), 2n ** 63n - 1n],
  [Kind.Int32]: [-(2n ** 31n), 2n ** 31n - 1n],
  [Kind.Int16]: [-(2n ** 15n), 2n ** 15n - 1n],
  [Kind.Int8]: [-128n, 127n],
  [Kind.Uint]: [0n, 2n ** 64n - 1n],
  [Kind.Uint64]: [0n, 2n ** 64n - 1n],
  [Kind.Uintptr]: [0n, 2n ** 64n - 1n],
  [Kind.Uint32]: [0n, 2n ** 32n - 1n],
  [Kind.Uint16]: [0n, 2n ** 16n - 1n],
  [Kind.Uint8]: [0n, 255n],
};
const BITS: Partial<Record<Kind, number>> = {
  [Kind.Int]: 64,
  [Kind.Int64]: 64,
  [Kind.Int32]: 32,
  [Kind.Int16]: 16,
  [Kind.Int8]: 8,
  [Kind.Uint]: 64,
  [Kind.Uint64]: 64,
  [Kind.Uintptr]: 64,
  [Kind.Uint32]: 32,
  [Kind.Uint16]: 16,
  [Kind.Uint8]: 8,
};

/** A Go integer of `type`, wrapped around as Go's conversions do. */
export function goInt(v: bigint | number, type: GoType = T.int): GoInt {
  let b = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  const bits = BITS[type.kind] ?? 64;
  const range = INT_RANGES[type.kind];
  if (range && (b < range[0] || b > range[1])) {
    b = isUnsignedKind(type.kind) ? BigInt.asUintN(bits, b) : BigInt.asIntN(bits, b);
  }
  return new GoInt(type, b);
}

export function isIntKind(k: Kind): boolean {
  return k >= Kind.Int && k <= Kind.Int64;
}
export function isUnsignedKind(k: Kind): boolean {
  return k >= Kind.Uint && k <= Kind.Uintptr;
}

/**
 * Structs, pointers to structs and named non-map types with methods (semver.Version, time.Time,
 * chartutil.Capabilities, …). Fields are looked up by Go name; methods are template-callable.
 */
export abstract class GoObject {
  abstract readonly goType: GoType;
  /** A field's value, or undefined when there is no such field. */
  field(_name: string): GoValue | undefined {
    return undefined;
  }
  /** The Go type of a field (for its zero-ness and interface-ness). */
  fieldType(name: string): GoType | undefined {
    const st = this.goType.kind === Kind.Pointer ? this.goType.elem : this.goType;
    return findField(st, name)?.type;
  }
  /** A nil pointer (a typed nil). */
  isNil(): boolean {
    return false;
  }
  /** What encoding/json writes for it, when it has a MarshalJSON method or is not a plain struct. */
  marshalJSON?(): GoValue;
}

export function findField(st: GoType | undefined, name: string): GoField | undefined {
  if (!st?.fields) return undefined;
  for (const f of st.fields) {
    if (f.name === name) return f;
  }
  for (const f of st.fields) {
    if (f.embedded) {
      const inner = findField(f.type.kind === Kind.Pointer ? f.type.elem : f.type, name);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A plain struct (or pointer to one) whose fields are held in a record. */
export class GoStruct extends GoObject {
  constructor(
    readonly goType: GoType,
    readonly values: Readonly<Record<string, GoValue>>,
  ) {
    super();
  }
  override field(name: string): GoValue | undefined {
    if (Object.hasOwn(this.values, name)) return this.values[name];
    const st = this.goType.kind === Kind.Pointer ? this.goType.elem : this.goType;
    for (const f of st?.fields ?? []) {
      if (!f.embedded) continue;
      const inner = this.values[f.name];
      if (inner instanceof GoObject) {
        const v = inner.field(name);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }
}

/** A Go function as templates call it: its parameter types decide how arguments are checked. */
export interface GoFunc {
  readonly params: readonly GoType[];
  /** The element type of a final variadic parameter. */
  readonly variadic?: GoType;
  /** The type of the (first) result. */
  readonly result: GoType;
  /** Whether the function has a second, error result (it then throws a GoError). */
  readonly errors?: boolean;
  /** A bigint result stands for an integer of the result type; a number for an integer result too. */
  readonly call: (...args: GoValue[]) => GoValue | bigint;
}

/** An error returned by a Go function called from a template ("error calling NAME: …"). */
export class GoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoError';
  }
}

export type GoMap = { [key: string]: GoValue };
export type GoValue =
  undefined | null | string | boolean | number | GoInt | GoValue[] | Uint8Array | GoMap | GoObject;

/** A new empty map (null prototype, so any key is a plain key). */
export function newGoMap(type?: GoType): GoMap {
  const m = Object.create(null) as GoMap;
  if (type !== undefined && type !== T2.mapAny) setGoType(m, type);
  return m;
}

export function setGoType<V extends object>(v: V, type: GoType): V {
  Object.defineProperty(v, GOTYPE, { value: type, enumerable: false, configurable: true });
  return v;
}

/** A slice of the given type. */
export function typedSlice(items: GoValue[], type: GoType): GoValue[] {
  if (type !== T2.sliceAny) setGoType(items, type);
  return items;
}

export function isGoMap(v: GoValue): v is GoMap {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof GoObject) &&
    !(v instanceof GoInt) &&
    !(v instanceof Uint8Array)
  );
}

/** The dynamic Go type of a value (undefined for invalid and nil). */
export function typeOf(v: GoValue): GoType | undefined {
  switch (typeof v) {
    case 'string':
      return T.string;
    case 'number':
      return T.float64;
    case 'boolean':
      return T.bool;
    case 'undefined':
      return undefined;
  }
  if (v === null) return undefined;
  if (Array.isArray(v)) return (v as { [GOTYPE]?: GoType })[GOTYPE] ?? T2.sliceAny;
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoObject) return v.goType;
  if (v instanceof Uint8Array) return T2.bytes;
  return (v as { [GOTYPE]?: GoType })[GOTYPE] ?? T2.mapAny;
}

export function kindOf(v: GoValue): Kind {
  return typeOf(v)?.kind ?? Kind.Invalid;
}

/** Go's assignability of a value of type `from` to a variable of type `to`. */
export function assignable(from: GoType, to: GoType): boolean {
  if (from === to || from.name === to.name) return true;
  if (to.kind === Kind.Interface) {
    const needed = to.methods ?? [];
    if (needed.length === 0) return true;
    return needed.every((m) => implementsMethod(from, m));
  }
  // Identical underlying types and at least one side unnamed.
  if (from.named && to.named) return false;
  const fu = from.underlying ?? from.name;
  const tu = to.underlying ?? to.name;
  return fu === tu && from.kind === to.kind;
}

/** A method: a function whose first argument is the receiver. */
export interface GoMethod {
  readonly params: readonly GoType[];
  readonly variadic?: GoType;
  readonly result: GoType;
  readonly errors?: boolean;
  /** Declared on the pointer type: a non-addressable value (an fmt argument) does not have it. */
  readonly ptr?: boolean;
  readonly call: (recv: never, ...args: GoValue[]) => GoValue | bigint;
}

/** Methods by receiver type name (value and pointer receivers alike, as templates see them). */
const typeMethods = new Map<string, Readonly<Record<string, GoMethod>>>();
/** typeMethods by type object, filled as types are met (field lookups ask for every map). */
let methodsByType = new WeakMap<GoType, Readonly<Record<string, GoMethod>> | null>();
export function declareMethods(type: GoType, methods: Readonly<Record<string, GoMethod>>): void {
  typeMethods.set(type.name, methods);
  if (type.kind !== Kind.Pointer) typeMethods.set(pointerTo(type).name, methods);
  methodsByType = new WeakMap();
}
function methodsOf(type: GoType): Readonly<Record<string, GoMethod>> | null {
  let m = methodsByType.get(type);
  if (m === undefined) {
    m = typeMethods.get(type.name) ?? null;
    methodsByType.set(type, m);
  }
  return m;
}
function implementsMethod(type: GoType, name: string): boolean {
  const m = typeMethods.get(type.name);
  return m !== undefined && Object.hasOwn(m, name);
}

/** The method `name` of a value bound to it, or undefined. */
export function findMethod(v: GoValue, name: string, addressable = true): GoFunc | undefined {
  const type = typeOf(v);
  if (type === undefined) return undefined;
  const table = methodsOf(type);
  if (table === null || !Object.hasOwn(table, name)) return undefined;
  const m = table[name] as GoMethod;
  if (m.ptr && !addressable && type.kind !== Kind.Pointer) return undefined;
  const call = m.call as (recv: GoValue, ...args: GoValue[]) => GoValue | bigint;
  return {
    params: m.params,
    ...(m.variadic ? { variadic: m.variadic } : {}),
    result: m.result,
    ...(m.errors ? { errors: true } : {}),
    call: (...args: GoValue[]) => call(v, ...args),
  };
}

/** The text of a value's String() (fmt.Stringer) or Error() method, when it has one. */
export function stringerText(v: GoValue, addressable = false): string | undefined {
  const type = typeOf(v);
  if (type === undefined) return undefined;
  const table = typeMethods.get(type.name);
  if (table === undefined) return undefined;
  const m =
    (Object.hasOwn(table, 'Error') ? table['Error'] : undefined) ??
    (Object.hasOwn(table, 'String') ? table['String'] : undefined);
  if (m === undefined || m.params.length > 0) return undefined;
  if (m.ptr && !addressable && type.kind !== Kind.Pointer) return undefined;
  const r = (m.call as (recv: GoValue) => GoValue | bigint)(v);
  return typeof r === 'string' ? r : undefined;
}

/** The zero value of a type, as reflect.Zero gives it. */
export function zeroValue(type: GoType): GoValue {
  switch (type.kind) {
    case Kind.Bool:
      return false;
    case Kind.String:
      return '';
    case Kind.Float64:
    case Kind.Float32:
      return type === T.float64 ? 0 : goInt(0, type);
    case Kind.Interface:
    case Kind.Map:
    case Kind.Slice:
    case Kind.Pointer:
    case Kind.Func:
      return null;
    default:
      if (isIntKind(type.kind) || isUnsignedKind(type.kind)) return goInt(0n, type);
      return null;
  }
}

/** Go's string ordering (bytewise UTF-8), for JS strings. */
export function goStringCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // UTF-16 and UTF-8 orders differ only between surrogates and U+E000..U+FFFF.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb && (ca >= 0xe000 || cb >= 0xe000)) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** The keys of a map in the order Go's fmt and range use (sorted). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(goStringCompare);
}

/** Length of a string in bytes (Go's len). */
export function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (
      c >= 0xd800 &&
      c <= 0xdbff &&
      i + 1 < s.length &&
      (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      n += 2; // a pair: 2 units, 4 bytes
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff)
      continue; // an escaped byte
    else n += 2;
  }
  return n;
}

/** Go's "empty value" (reflect's zero-or-empty test of encoding/json's omitempty, mergo and Sprig's empty): what isTrue calls false. */
export function isEmptyValue(v: GoValue): boolean {
  return isTrue(v) !== true;
}

export function isTrue(v: GoValue): boolean | undefined {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof GoObject) return v.goType.kind === Kind.Pointer ? !v.isNil() : true;
  return Object.keys(v).length > 0;
}

/** Marks an empty slice or map that is nil in Go (prints as [] or map[], encodes to JSON null). */
export const NIL: unique symbol = Symbol('nil');

/** A nil slice or map of the given type. */
export function nilOf<V extends GoValue[] | GoMap>(empty: V, type: GoType): V {
  Object.defineProperty(empty, NIL, { value: true, enumerable: false });
  if (type !== T2.sliceAny && type !== T2.mapAny) setGoType(empty, type);
  return empty;
}

/** Whether a slice or map value is a Go nil slice/map. */
export function isNilContainer(v: GoValue): boolean {
  return typeof v === 'object' && v !== null && (v as { [NIL]?: boolean })[NIL] === true;
}
