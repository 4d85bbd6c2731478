// Immutable Rego values (null, boolean, number, string, array, set, object) with OPA's hashing, equality and total order.
//
// Design notes (why it looks like this):
// - Every value is an object with a `kind` tag so the evaluator can `switch (v.kind)`.
// - Numbers keep a float64 approximation (`f`) for the fast path, an exact bigint (`big`) when the
//   value is an integer outside JS's safe range, and the exact decimal `text` when the number came
//   from a literal / JSON text or arbitrary-precision arithmetic. Comparison follows OPA's
//   `NumberCompare` (v1/ast/compare.go): exact rational comparison, except that two non-integers
//   whose float64 values are equal compare equal.
// - Sets and objects are hashed containers. String keys (the common case) live in a plain JS Map
//   keyed by the string itself; other keys go into hash buckets. Iteration is in OPA's sorted
//   order (OPA iterates sets and objects by their sorted keys); the sorted view is computed once
//   and cached, so building a container never re-sorts per insert.
// - Containers are built with SetBuilder / ObjectBuilder (or the setOf / objectOf helpers) and are
//   never mutated after `build()`.

export type Value =
  NullValue | BooleanValue | NumberValue | StringValue | ArrayValue | SetValue | ObjectValue;

export type ValueKind = Value['kind'];

/** OPA's sort order of value kinds (compare.go valueSortOrder). */
const KIND_ORDER: Readonly<Record<ValueKind, number>> = {
  null: 0,
  boolean: 1,
  number: 2,
  string: 3,
  array: 7,
  object: 8,
  set: 9,
};

// ---------------------------------------------------------------------------------------------
// Scalars

export class NullValue {
  readonly kind = 'null' as const;
  /** @internal use NULL */
  constructor() {}
}

export class BooleanValue {
  readonly kind = 'boolean' as const;
  /** @internal use TRUE / FALSE / bool() */
  constructor(readonly value: boolean) {}
}

export const NULL: NullValue = new NullValue();
export const TRUE: BooleanValue = new BooleanValue(true);
export const FALSE: BooleanValue = new BooleanValue(false);

export function bool(b: boolean): BooleanValue {
  return b ? TRUE : FALSE;
}

export class StringValue {
  readonly kind = 'string' as const;
  private h = 0;
  /** @internal use str() */
  constructor(readonly value: string) {}
  hash(): number {
    if (this.h === 0) this.h = hashString(this.value) | 1;
    return this.h;
  }
}

export function str(s: string): StringValue {
  return new StringValue(s);
}

/** An exact decimal: value = m * 10^e. */
export interface Decimal {
  readonly m: bigint;
  readonly e: number;
}

const NUMBER_TEXT_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

export class NumberValue {
  readonly kind = 'number' as const;
  /**
   * @internal use num(), numFromBigInt(), numFromText().
   * @param f float64 approximation (always set; ±Infinity if the text overflows float64)
   * @param big exact integer value when the number is an integer outside the safe JS range
   * @param text exact decimal text when it must be kept (literal / JSON text / big arithmetic)
   */
  constructor(
    readonly f: number,
    readonly big: bigint | undefined,
    readonly text: string | undefined,
  ) {}

  /** True if OPA would treat this number as an integer (ast.Number.Int64 / big.Int parse succeeds). */
  isInteger(): boolean {
    if (this.big !== undefined) return true;
    if (this.text !== undefined) return /^-?[0-9]+$/.test(this.text);
    return Number.isInteger(this.f);
  }

  /** The exact integer as bigint, or undefined if not an integer. */
  toBigInt(): bigint | undefined {
    if (this.big !== undefined) return this.big;
    if (this.text !== undefined)
      return /^-?[0-9]+$/.test(this.text) ? BigInt(this.text) : undefined;
    return Number.isInteger(this.f) ? BigInt(this.f) : undefined;
  }

  /** The integer as a JS number if it is an integer within the safe range, else undefined. */
  toSafeInt(): number | undefined {
    if (this.big !== undefined) return undefined;
    if (!Number.isSafeInteger(this.f)) return undefined;
    if (this.text !== undefined && !/^-?[0-9]+$/.test(this.text)) return undefined;
    return this.f;
  }

  /** The exact decimal m * 10^e of this number (Infinity text is parsed exactly too). */
  toDecimal(): Decimal {
    if (this.big !== undefined) return { m: this.big, e: 0 };
    if (this.text !== undefined) return parseDecimal(this.text);
    if (Number.isSafeInteger(this.f)) return { m: BigInt(this.f), e: 0 };
    return parseDecimal(this.f.toExponential());
  }

  /** OPA's text for this number (what json.marshal / print show). */
  toString(): string {
    return numberText(this);
  }

  hash(): number {
    return hashNumber(this.f);
  }
}

const SMALL_INTS: NumberValue[] = [];
for (let i = -128; i <= 1024; i++) SMALL_INTS.push(new NumberValue(i, undefined, undefined));

/** A number from a JS number (must be finite). Integers outside the safe range become exact bigints. */
export function num(n: number): NumberValue {
  if (Number.isInteger(n)) {
    if (n >= -128 && n <= 1024) return SMALL_INTS[n + 128]!;
    if (!Number.isSafeInteger(n)) return new NumberValue(n, BigInt(n), undefined);
  }
  return new NumberValue(n, undefined, undefined);
}

/** A number from an exact integer. */
export function numFromBigInt(b: bigint): NumberValue {
  if (b >= -9007199254740991n && b <= 9007199254740991n) return num(Number(b));
  return new NumberValue(Number(b), b, undefined);
}

/**
 * A number from JSON / Rego literal text, kept exactly. Returns undefined if the text is not a
 * JSON number.
 */
export function numFromText(text: string): NumberValue | undefined {
  if (!NUMBER_TEXT_RE.test(text)) return undefined;
  const f = Number(text);
  const isIntText = /^-?[0-9]+$/.test(text);
  if (isIntText) {
    if (Number.isSafeInteger(f))
      return text === '-0' ? new NumberValue(0, undefined, text) : num(f);
    return new NumberValue(f, BigInt(text), undefined);
  }
  // Keep the text unless it is exactly what we would print for f anyway.
  if (Number.isFinite(f) && floatText(f) === text) return new NumberValue(f, undefined, undefined);
  return new NumberValue(f, undefined, text);
}

/** A number from an exact decimal (m * 10^e), normalised. */
export function numFromDecimal(d: Decimal): NumberValue {
  let { m, e } = d;
  if (m === 0n) return num(0);
  while (e < 0 && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  if (e >= 0) return numFromBigInt(m * 10n ** BigInt(e));
  const neg = m < 0n;
  const digits = (neg ? -m : m).toString();
  const point = digits.length + e;
  const body =
    point > 0
      ? `${digits.slice(0, point)}.${digits.slice(point)}`
      : `0.${'0'.repeat(-point)}${digits}`;
  const text = (neg ? '-' : '') + body;
  const n = numFromText(text);
  if (n === undefined) throw new Error(`internal: bad decimal text ${text}`);
  return n;
}

/** Parse a JSON number text into an exact decimal. */
export function parseDecimal(text: string): Decimal {
  let s = text;
  let exp = 0;
  const ei = s.search(/[eE]/);
  if (ei >= 0) {
    exp = Number(s.slice(ei + 1));
    s = s.slice(0, ei);
  }
  const dot = s.indexOf('.');
  if (dot >= 0) {
    exp -= s.length - dot - 1;
    s = s.slice(0, dot) + s.slice(dot + 1);
  }
  return { m: BigInt(s), e: exp };
}

function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.m === 0n || b.m === 0n || a.m < 0n !== b.m < 0n) {
    return a.m < b.m ? -1 : a.m > b.m ? 1 : 0;
  }
  let am = a.m;
  let bm = b.m;
  if (a.e > b.e) am *= 10n ** BigInt(a.e - b.e);
  else if (b.e > a.e) bm *= 10n ** BigInt(b.e - a.e);
  return am < bm ? -1 : am > bm ? 1 : 0;
}

/**
 * Go's strconv.FormatFloat(f, 'g', -1, 64), which is how OPA prints float64 results
 * (ast.FloatNumberTerm): shortest round-trip digits, exponent form when exp < -4 || exp >= 6
 * ("1e+06", "1.5e-07"), else plain decimal.
 */
export function floatText(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  const [mant = '', expS = '0'] = f.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const exp = Number(expS);
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const e2 = String(Math.abs(exp)).padStart(2, '0');
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e2}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return sign + intPart + (fracPart ? `.${fracPart}` : '');
}

/** OPA's textual form of a number. */
export function numberText(n: NumberValue): string {
  if (n.text !== undefined) return n.text;
  if (n.big !== undefined) return n.big.toString();
  if (Number.isInteger(n.f)) return Object.is(n.f, -0) ? '0' : String(n.f);
  return floatText(n.f);
}

export function compareNumbers(a: NumberValue, b: NumberValue): number {
  if (a === b) return 0;
  // Fast path: plain float64 values without exact text/bigint.
  if (a.big === undefined && a.text === undefined && b.big === undefined && b.text === undefined) {
    return a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
  }
  const aInt = a.isInteger();
  const bInt = b.isInteger();
  // OPA: two non-integers with equal float64 values compare equal.
  if (!aInt && !bInt && a.f === b.f && Number.isFinite(a.f)) return 0;
  // Cheap rejection when the approximations are far apart.
  if (Number.isFinite(a.f) && Number.isFinite(b.f) && a.f !== b.f) {
    const diff = a.f - b.f;
    const scale = Math.max(Math.abs(a.f), Math.abs(b.f));
    if (Math.abs(diff) > scale * 1e-12) return diff < 0 ? -1 : 1;
  }
  return compareDecimal(a.toDecimal(), b.toDecimal());
}

// ---------------------------------------------------------------------------------------------
// Arrays

export class ArrayValue {
  readonly kind = 'array' as const;
  private h = 0;
  /** @internal use arr() */
  constructor(readonly items: readonly Value[]) {}
  get length(): number {
    return this.items.length;
  }
  get(i: number): Value | undefined {
    return this.items[i];
  }
  hash(): number {
    if (this.h === 0) {
      let h = 0x345678;
      for (const it of this.items) h = (Math.imul(h, 1000003) ^ hashValue(it)) | 0;
      this.h = h | 1;
    }
    return this.h;
  }
}

export const EMPTY_ARRAY: ArrayValue = new ArrayValue([]);

/** An array value; the given JS array is taken over (do not mutate it afterwards). */
export function arr(items: readonly Value[]): ArrayValue {
  return items.length === 0 ? EMPTY_ARRAY : new ArrayValue(items);
}

// ---------------------------------------------------------------------------------------------
// Hashed key index shared by sets and objects.

/** Maps keys to their insertion index; strings by identity, other values by hash + equality. */
class KeyIndex {
  /** String keys by value; built only once a container grows past SMALL (a scan is faster below). */
  private strs: Map<string, number> | undefined;
  private other: Map<number, number[]> | undefined;

  find(keys: readonly Value[], k: Value): number {
    if (k.kind === 'string') return this.findStr(keys, k.value);
    const bucket = this.other?.get(hashValue(k));
    if (bucket === undefined) return -1;
    for (const i of bucket) if (equal(keys[i]!, k)) return i;
    return -1;
  }

  findStr(keys: readonly Value[], s: string): number {
    if (this.strs !== undefined) return this.strs.get(s) ?? -1;
    for (let i = 0; i < keys.length; i++) {
      const x = keys[i]!;
      if (x.kind === 'string' && x.value === s) return i;
    }
    return -1;
  }

  /** Records k at `index`; keys holds the `index` keys added before it. */
  add(k: Value, index: number, keys: readonly Value[]): void {
    if (k.kind === 'string') {
      if (this.strs === undefined && index >= SMALL) {
        this.strs = new Map();
        for (let i = 0; i < index; i++) {
          const x = keys[i]!;
          if (x.kind === 'string') this.strs.set(x.value, i);
        }
      }
      this.strs?.set(k.value, index);
      return;
    }
    this.other ??= new Map();
    const h = hashValue(k);
    const bucket = this.other.get(h);
    if (bucket === undefined) this.other.set(h, [index]);
    else bucket.push(index);
  }
}

const SMALL = 8;

function sortIndices(keys: readonly Value[]): number[] {
  const idx = keys.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (compare(keys[i - 1]!, keys[i]!) > 0) {
      sorted = false;
      break;
    }
  }
  if (!sorted) idx.sort((x, y) => compare(keys[x]!, keys[y]!));
  return idx;
}

// ---------------------------------------------------------------------------------------------
// Sets

export class SetValue {
  readonly kind = 'set' as const;
  private h = 0;
  private sortedCache: readonly Value[] | undefined;
  /** @internal use SetBuilder / setOf() */
  constructor(
    private readonly elems: readonly Value[],
    private readonly index: KeyIndex,
  ) {}

  get size(): number {
    return this.elems.length;
  }

  has(v: Value): boolean {
    return this.index.find(this.elems, v) >= 0;
  }

  hasStr(s: string): boolean {
    return this.index.findStr(this.elems, s) >= 0;
  }

  /** Elements in OPA's sorted order (cached). */
  sorted(): readonly Value[] {
    if (this.sortedCache === undefined) {
      const idx = sortIndices(this.elems);
      this.sortedCache = idx.map((i) => this.elems[i]!);
    }
    return this.sortedCache;
  }

  /** Elements in insertion order (cheaper; use when order does not matter). */
  unordered(): readonly Value[] {
    return this.elems;
  }

  [Symbol.iterator](): Iterator<Value> {
    return this.sorted()[Symbol.iterator]();
  }

  hash(): number {
    if (this.h === 0) {
      let h = 0x1234;
      for (const e of this.elems) h = (h + mix(hashValue(e))) | 0;
      this.h = h | 1;
    }
    return this.h;
  }
}

export class SetBuilder {
  private elems: Value[] = [];
  private index = new KeyIndex();

  /** Adds v; returns false if an equal element was already present. */
  add(v: Value): boolean {
    if (this.index.find(this.elems, v) >= 0) return false;
    this.index.add(v, this.elems.length, this.elems);
    this.elems.push(v);
    return true;
  }

  has(v: Value): boolean {
    return this.index.find(this.elems, v) >= 0;
  }

  get size(): number {
    return this.elems.length;
  }

  /** The elements added so far, in insertion order. */
  values(): readonly Value[] {
    return this.elems;
  }

  /** Freezes the builder into a set; the builder must not be used afterwards. */
  build(): SetValue {
    const s = new SetValue(this.elems, this.index);
    this.elems = [];
    this.index = new KeyIndex();
    return s;
  }
}

export const EMPTY_SET: SetValue = new SetBuilder().build();

export function setOf(values: Iterable<Value>): SetValue {
  const b = new SetBuilder();
  for (const v of values) b.add(v);
  return b.size === 0 ? EMPTY_SET : b.build();
}

// ---------------------------------------------------------------------------------------------
// Objects

export class ObjectValue {
  readonly kind = 'object' as const;
  private h = 0;
  private sortedCache: readonly number[] | undefined;
  private entriesCache: ReadonlyArray<readonly [Value, Value]> | undefined;
  /** @internal use ObjectBuilder / objectOf() */
  constructor(
    private readonly ks: readonly Value[],
    private readonly vs: readonly Value[],
    private readonly index: KeyIndex,
  ) {}

  get size(): number {
    return this.ks.length;
  }

  get(k: Value): Value | undefined {
    const i = this.index.find(this.ks, k);
    return i < 0 ? undefined : this.vs[i];
  }

  /** Fast lookup of a string key. */
  getStr(s: string): Value | undefined {
    const i = this.index.findStr(this.ks, s);
    return i < 0 ? undefined : this.vs[i];
  }

  has(k: Value): boolean {
    return this.index.find(this.ks, k) >= 0;
  }

  private order(): readonly number[] {
    this.sortedCache ??= sortIndices(this.ks);
    return this.sortedCache;
  }

  /** Keys in OPA's sorted order. */
  keys(): Value[] {
    return this.order().map((i) => this.ks[i]!);
  }

  /** [key, value] pairs in OPA's sorted key order (a fresh array). */
  entries(): Array<readonly [Value, Value]> {
    return [...this.sortedEntries()];
  }

  /** [key, value] pairs in OPA's sorted key order, computed once and shared: do not mutate. */
  sortedEntries(): ReadonlyArray<readonly [Value, Value]> {
    this.entriesCache ??= this.order().map((i) => [this.ks[i]!, this.vs[i]!] as const);
    return this.entriesCache;
  }

  /** Calls f for every entry in sorted key order; stops early if f returns false. */
  forEach(f: (k: Value, v: Value) => boolean | void): void {
    for (const i of this.order()) if (f(this.ks[i]!, this.vs[i]!) === false) return;
  }

  /** Keys and values in insertion order (cheaper; use when order does not matter). */
  unorderedKeys(): readonly Value[] {
    return this.ks;
  }
  unorderedValues(): readonly Value[] {
    return this.vs;
  }

  hash(): number {
    if (this.h === 0) {
      let h = 0x5678;
      for (let i = 0; i < this.ks.length; i++) {
        h = (h + mix(Math.imul(hashValue(this.ks[i]!), 31) ^ hashValue(this.vs[i]!))) | 0;
      }
      this.h = h | 1;
    }
    return this.h;
  }
}

export class ObjectBuilder {
  private ks: Value[] = [];
  private vs: Value[] = [];
  private index = new KeyIndex();

  /** Sets k to v (replacing an existing equal key's value). Returns false if k existed. */
  set(k: Value, v: Value): boolean {
    const i = this.index.find(this.ks, k);
    if (i >= 0) {
      this.vs[i] = v;
      return false;
    }
    this.index.add(k, this.ks.length, this.ks);
    this.ks.push(k);
    this.vs.push(v);
    return true;
  }

  get(k: Value): Value | undefined {
    const i = this.index.find(this.ks, k);
    return i < 0 ? undefined : this.vs[i];
  }

  has(k: Value): boolean {
    return this.index.find(this.ks, k) >= 0;
  }

  get size(): number {
    return this.ks.length;
  }

  /** Freezes the builder into an object; the builder must not be used afterwards. */
  build(): ObjectValue {
    const o = new ObjectValue(this.ks, this.vs, this.index);
    this.ks = [];
    this.vs = [];
    this.index = new KeyIndex();
    return o;
  }
}

export const EMPTY_OBJECT: ObjectValue = new ObjectBuilder().build();

/** An object from [key, value] pairs (later duplicates replace earlier ones). */
export function objectOf(entries: Iterable<readonly [Value, Value]>): ObjectValue {
  const b = new ObjectBuilder();
  for (const [k, v] of entries) b.set(k, v);
  return b.size === 0 ? EMPTY_OBJECT : b.build();
}

/** An object with string keys from a JS record of values. */
export function objectFromRecord(rec: Readonly<Record<string, Value>>): ObjectValue {
  const b = new ObjectBuilder();
  for (const [k, v] of Object.entries(rec)) b.set(str(k), v);
  return b.build();
}

// ---------------------------------------------------------------------------------------------
// Hashing, equality, ordering

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function hashNumber(f: number): number {
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 31) return mix(f | 0);
  F64[0] = f === 0 ? 0 : f;
  return mix(U32[0]! ^ Math.imul(U32[1]!, 0x9e3779b1));
}

function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A stable 32-bit hash; equal values (per `equal`) have equal hashes. */
export function hashValue(v: Value): number {
  switch (v.kind) {
    case 'null':
      return 0x1f;
    case 'boolean':
      return v.value ? 0x2b : 0x3d;
    case 'number':
    case 'string':
    case 'array':
    case 'set':
    case 'object':
      return v.hash();
  }
}

/** Value equality as OPA defines it (1 == 1.0; sets/objects regardless of insertion order). */
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'null':
      return true;
    case 'boolean':
      return a.value === (b as BooleanValue).value;
    case 'string':
      return a.value === (b as StringValue).value;
    case 'number':
      return compareNumbers(a, b as NumberValue) === 0;
    case 'array': {
      const bi = (b as ArrayValue).items;
      const ai = a.items;
      if (ai.length !== bi.length) return false;
      for (let i = 0; i < ai.length; i++) if (!equal(ai[i]!, bi[i]!)) return false;
      return true;
    }
    case 'set': {
      const bs = b as SetValue;
      if (a.size !== bs.size || a.hash() !== bs.hash()) return false;
      for (const e of a.unordered()) if (!bs.has(e)) return false;
      return true;
    }
    case 'object': {
      const bo = b as ObjectValue;
      if (a.size !== bo.size || a.hash() !== bo.hash()) return false;
      const ks = a.unorderedKeys();
      const vs = a.unorderedValues();
      for (let i = 0; i < ks.length; i++) {
        const other = bo.get(ks[i]!);
        if (other === undefined || !equal(vs[i]!, other)) return false;
      }
      return true;
    }
  }
}

/** Compares strings by Unicode code point (Go compares UTF-8 bytes, which orders the same way). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // UTF-16 code units order differently from code points only for surrogates vs U+E000..U+FFFF.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareSlices(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** OPA's total order over values (v1/ast/compare.go): null < boolean < number < string < array < object < set. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'null':
      return 0;
    case 'boolean': {
      const bv = (b as BooleanValue).value;
      return a.value === bv ? 0 : a.value ? 1 : -1;
    }
    case 'number':
      return compareNumbers(a, b as NumberValue);
    case 'string':
      return compareStrings(a.value, (b as StringValue).value);
    case 'array':
      return compareSlices(a.items, (b as ArrayValue).items);
    case 'set':
      return compareSlices(a.sorted(), (b as SetValue).sorted());
    case 'object': {
      const ae = a.sortedEntries();
      const be = (b as ObjectValue).sortedEntries();
      const n = Math.min(ae.length, be.length);
      for (let i = 0; i < n; i++) {
        const kc = compare(ae[i]![0], be[i]![0]);
        if (kc !== 0) return kc;
        const vc = compare(ae[i]![1], be[i]![1]);
        if (vc !== 0) return vc;
      }
      return ae.length < be.length ? -1 : ae.length > be.length ? 1 : 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Conversions

/** OPA's type name of a value ("null", "boolean", "number", "string", "array", "object", "set"). */
export function typeName(v: Value): ValueKind {
  return v.kind;
}

/**
 * Converts plain JS data to a value: null, boolean, number, bigint, string, arrays, plain objects,
 * JS Sets (to sets) and Maps (keys converted too). `undefined` inside objects is skipped;
 * anything else throws a TypeError naming the path.
 */
export function fromJS(x: unknown, path = '$'): Value {
  return convertJS(x, [path]);
}

/** The path segments are joined only when an error names them, so conversion allocates no strings. */
function convertJS(x: unknown, path: string[]): Value {
  if (x === null) return NULL;
  switch (typeof x) {
    case 'boolean':
      return bool(x);
    case 'number':
      if (!Number.isFinite(x))
        throw new TypeError(`${path.join('')}: number ${x} is not representable in Rego`);
      // Non-integers keep the text JSON.stringify would give them (what a JSON document holds).
      return Number.isInteger(x) ? num(x) : (numFromText(String(x)) ?? num(x));
    case 'bigint':
      return numFromBigInt(x);
    case 'string':
      return str(x);
    case 'object': {
      if (Array.isArray(x)) {
        const items: Value[] = new Array<Value>(x.length);
        for (let i = 0; i < x.length; i++) {
          path.push(`[${i}]`);
          items[i] = convertJS(x[i], path);
          path.pop();
        }
        return arr(items);
      }
      const proto: unknown = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null) {
        if (isValue(x)) return x;
        if (x instanceof Set) {
          let i = 0;
          return setOf(
            [...(x as Set<unknown>)].map((e) => {
              path.push(`{${i++}}`);
              const v = convertJS(e, path);
              path.pop();
              return v;
            }),
          );
        }
        if (x instanceof Map) {
          const b = new ObjectBuilder();
          for (const [k, v] of x as Map<unknown, unknown>) {
            const key = convertJS(k, path);
            path.push(`[${String(k)}]`);
            b.set(key, convertJS(v, path));
            path.pop();
          }
          return b.build();
        }
      }
      const b = new ObjectBuilder();
      const rec = x as Record<string, unknown>;
      for (const k in rec) {
        if (!Object.prototype.hasOwnProperty.call(rec, k)) continue;
        const v = rec[k];
        if (v === undefined) continue;
        path.push(`.${k}`);
        b.set(str(k), convertJS(v, path));
        path.pop();
      }
      return b.build();
    }
    default:
      throw new TypeError(`${path.join('')}: ${typeof x} is not representable in Rego`);
  }
}

/** True if x is a Rego value created by this module. */
export function isValue(x: unknown): x is Value {
  return (
    x instanceof NullValue ||
    x instanceof BooleanValue ||
    x instanceof NumberValue ||
    x instanceof StringValue ||
    x instanceof ArrayValue ||
    x instanceof SetValue ||
    x instanceof ObjectValue
  );
}

export type JSValue =
  null | boolean | number | bigint | string | JSValue[] | { [k: string]: JSValue };

/**
 * Converts a value to plain JS data the way OPA converts results to JSON: sets become sorted
 * arrays, objects with non-string keys get their keys' JSON text as key. Integers outside the
 * safe range become bigint; other numbers become JS numbers (use json.ts for exact text).
 */
export function toJS(v: Value): JSValue {
  switch (v.kind) {
    case 'null':
      return null;
    case 'boolean':
      return v.value;
    case 'number':
      if (v.big !== undefined) return v.big;
      return v.f;
    case 'string':
      return v.value;
    case 'array':
      return v.items.map(toJS);
    case 'set':
      return v.sorted().map(toJS);
    case 'object': {
      const out: { [k: string]: JSValue } = {};
      v.forEach((k, val) => {
        // defineProperty so a "__proto__" key stays an own property instead of setting the prototype.
        Object.defineProperty(out, k.kind === 'string' ? k.value : keyText(k), {
          value: toJS(val),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      });
      return out;
    }
  }
}

/** Text used for a non-string object key when converting to JSON (OPA marshals the key as JSON). */
function keyText(k: Value): string {
  switch (k.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(k.value);
    case 'number':
      return numberText(k);
    case 'string':
      return k.value;
    default:
      return JSON.stringify(toJS(k), (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  }
}

// ---------------------------------------------------------------------------------------------
// OPA's printed form (ast.Value.String), used by print(), sprintf %v and error messages.

const PRINTABLE_RE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote: a double-quoted string with Go escapes for non-printable runes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE_RE.test(ch)) out += ch;
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

/** OPA's text of a value: strings quoted, `set()` for the empty set, ", " separators, sorted sets/objects. */
export function valueToString(v: Value): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'string':
      return goQuote(v.value);
    case 'array':
      return `[${v.items.map(valueToString).join(', ')}]`;
    case 'set':
      return v.size === 0 ? 'set()' : `{${v.sorted().map(valueToString).join(', ')}}`;
    case 'object': {
      const parts: string[] = [];
      v.forEach((k, val) => {
        parts.push(`${valueToString(k)}: ${valueToString(val)}`);
      });
      return `{${parts.join(', ')}}`;
    }
  }
}
