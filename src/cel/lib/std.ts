// CEL's standard functions. Operators are implemented here (with cel-go's error wording:
// "integer overflow", "division by zero"…); conversions, time accessors, string functions and
// the strings extension (v2, as Kubernetes enables it) are @bufbuild/cel's implementations.
import { celEnv, celFunc, CelScalar, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { fail, global, library, member, type FunctionOverload, type Library } from '../library.js';
import { T, type CelT } from '../types.js';
import {
  celCompare,
  celEquals,
  celList,
  celMap,
  celUint,
  isCelList,
  isCelMap,
  isCelUint,
  typeName,
  listSemantics,
  sameKeys,
  semanticList,
  type CelList,
  type CelValue,
} from '../values.js';

const BUF = celEnv({ funcs: strings }).funcs;

/**
 * @bufbuild/cel's time and conversion functions read an evaluation context that only its own
 * planner sets; running our evaluation inside a one-call planned program provides it.
 */
let pending: (() => unknown) | undefined;
let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
const RUN_INSIDE = plan(
  celEnv({
    funcs: [
      celFunc('flotilla_run', [], CelScalar.BOOL, () => {
        const f = pending;
        pending = undefined;
        try {
          outcome = { ok: true, value: f?.() };
        } catch (e) {
          outcome = { ok: false, error: e };
        }
        return true;
      }),
    ],
  }),
  parse('flotilla_run()'),
);

function takeOutcome(): typeof outcome {
  return outcome;
}

export function withBufContext<R>(fn: () => R): R {
  const outer = pending;
  pending = fn;
  try {
    outcome = undefined;
    RUN_INSIDE();
    const o = takeOutcome();
    if (o === undefined) throw new Error('CEL evaluation did not run');
    if (!o.ok) throw o.error;
    return o.value as R;
  } finally {
    pending = outer;
  }
}

const MIN_INT = -(2n ** 63n);
const MAX_INT = 2n ** 63n - 1n;
const MAX_UINT = 2n ** 64n - 1n;

/** cel-go's messages for @bufbuild/cel's runtime errors. */
function celGoMessage(m: string): string {
  if (/divide by zero/.test(m)) return 'division by zero';
  if (/modulus by zero/.test(m)) return 'modulus by zero';
  if (/^uint overflow/.test(m)) return 'unsigned integer overflow';
  if (/overflow/.test(m)) return 'integer overflow';
  return m;
}

/** An implementation by @bufbuild/cel's function of the same name. */
function buf(name: string, isMember: boolean) {
  return (args: CelValue[]): CelValue => {
    const group = BUF.find(name);
    const r = isMember
      ? group?.call(0, args[0] as never, args.slice(1) as never[])
      : group?.call(0, undefined, args as never[]);
    if (r === undefined) fail('no such overload');
    if (isCelError(r)) fail(celGoMessage(r.message));
    return r;
  };
}

const A = T.param('A');
const B = T.param('B');

function int(v: bigint): bigint {
  if (v < MIN_INT || v > MAX_INT) fail('integer overflow');
  return v;
}

function uint(v: bigint): CelValue {
  if (v < 0n || v > MAX_UINT) fail('unsigned integer overflow');
  return celUint(v);
}

type NumOp = (a: bigint, b: bigint) => bigint;

function arith(name: string, op: NumOp, dop: (a: number, b: number) => number): FunctionOverload[] {
  const ov: FunctionOverload[] = [
    global(`${name}_int64`, [T.int, T.int], T.int, ([a, b]) => int(op(a as bigint, b as bigint))),
    global(`${name}_uint64`, [T.uint, T.uint], T.uint, ([a, b]) =>
      uint(op(uintOf(a as CelValue), uintOf(b as CelValue))),
    ),
    global(`${name}_double`, [T.double, T.double], T.double, ([a, b]) =>
      dop(a as number, b as number),
    ),
  ];
  return ov;
}

function uintOf(v: CelValue): bigint {
  if (!isCelUint(v)) fail('no such overload');
  return v.value;
}

function divide(a: bigint, b: bigint): bigint {
  if (b === 0n) fail('division by zero');
  return a / b;
}

function modulo(a: bigint, b: bigint): bigint {
  if (b === 0n) fail('modulus by zero');
  return a % b;
}

function compare(name: string, ok: (c: number) => boolean): FunctionOverload[] {
  const types: CelT[] = [
    T.bool,
    T.int,
    T.uint,
    T.double,
    T.string,
    T.bytes,
    T.timestamp,
    T.duration,
  ];
  const impl = ([a, b]: CelValue[]): CelValue => {
    const c = celCompare(a as CelValue, b as CelValue);
    if (c === undefined) fail('no such overload');
    return Number.isNaN(c) ? false : ok(c);
  };
  const out = types.map((t) =>
    global(`${name}_${t.k === 'prim' ? t.name : ''}`, [t, t], T.bool, impl),
  );
  const nums: CelT[] = [T.int, T.uint, T.double];
  for (const x of nums)
    for (const y of nums)
      if (x !== y)
        out.push(
          global(
            `${name}_${(x as { name: string }).name}_${(y as { name: string }).name}`,
            [x, y],
            T.bool,
            impl,
          ),
        );
  return out;
}

function sizeOf(v: CelValue): bigint {
  if (typeof v === 'string') return BigInt([...v].length);
  if (v instanceof Uint8Array) return BigInt(v.length);
  if (isCelList(v) || isCelMap(v)) return BigInt(v.size);
  fail('no such overload');
}

function index(args: CelValue[]): CelValue {
  const [c, k] = args as [CelValue, CelValue];
  if (isCelList(c)) {
    let i: bigint;
    if (typeof k === 'bigint') i = k;
    else if (isCelUint(k)) i = k.value;
    else if (typeof k === 'number' && Number.isInteger(k)) i = BigInt(k);
    else fail('unsupported index type');
    if (i < 0n || i >= BigInt(c.size)) fail(`index out of bounds: ${i}`);
    return c.get(Number(i)) as CelValue;
  }
  if (isCelMap(c)) {
    const v = mapGet(c, k);
    if (v === undefined) fail(`no such key: ${keyString(k)}`);
    return v;
  }
  fail('no such overload');
}

/** A map lookup with CEL's numeric key equivalence (1, 1u and 1.0 find the same entry). */
export function mapGet(m: ReadonlyMap<unknown, unknown>, k: CelValue): CelValue | undefined {
  if (typeof k === 'string' || typeof k === 'boolean' || typeof k === 'bigint')
    return (m as { get(k: unknown): CelValue | undefined }).get(k);
  if (isCelUint(k)) return (m as { get(k: unknown): CelValue | undefined }).get(k.value);
  if (typeof k === 'number' && Number.isInteger(k))
    return (m as { get(k: unknown): CelValue | undefined }).get(BigInt(k));
  return undefined;
}

export function keyString(k: CelValue): string {
  if (isCelUint(k)) return String(k.value);
  if (typeof k === 'string' || typeof k === 'bigint' || typeof k === 'boolean') return String(k);
  return typeName(k);
}

function inList(args: CelValue[]): CelValue {
  const [v, c] = args as [CelValue, CelValue];
  if (isCelList(c)) {
    for (const x of c) if (celEquals(x, v)) return true;
    return false;
  }
  if (isCelMap(c)) return mapGet(c, v) !== undefined;
  fail('no such overload');
}

function add(args: CelValue[]): CelValue {
  const [a, b] = args as [CelValue, CelValue];
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (isCelList(a) && isCelList(b)) return concat(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }
  return buf('_+_', false)(args);
}

/** `+` on lists: a set list adds what it lacks, a map list merges by keys (Kubernetes' lists). */
function concat(a: CelList, b: CelList): CelValue {
  const sem = listSemantics(a);
  if (sem === undefined) return celList([...a, ...b]);
  const out = [...a] as CelValue[];
  for (const y of b as Iterable<CelValue>) {
    if (sem.kind === 'set') {
      if (!out.some((x) => celEquals(x, y))) out.push(y);
    } else {
      const i = out.findIndex((x) => sameKeys(x, y, sem.keys));
      if (i >= 0) out[i] = y;
      else out.push(y);
    }
  }
  return semanticList(out, sem);
}

function mapInsert(args: CelValue[]): CelValue {
  const m = args[0];
  if (!isCelMap(m)) fail('no such overload');
  const out = new Map<unknown, unknown>(m);
  if (args.length === 3) {
    if (mapGet(m, args[1] as CelValue) !== undefined)
      fail(`insert failed: key ${keyString(args[1] as CelValue)} already exists`);
    out.set(args[1], args[2]);
  } else {
    const entry = args[1];
    if (!isCelMap(entry)) fail('no such overload');
    for (const [k, v] of entry) {
      if (out.has(k)) fail(`insert failed: key ${keyString(k)} already exists`);
      out.set(k, v);
    }
  }
  return celMap(out as never);
}

const timeGetters = [
  'getFullYear',
  'getMonth',
  'getDate',
  'getDayOfMonth',
  'getDayOfWeek',
  'getDayOfYear',
  'getHours',
  'getMinutes',
  'getSeconds',
  'getMilliseconds',
];

function timeLibrary(): Record<string, FunctionOverload[]> {
  const out: Record<string, FunctionOverload[]> = {};
  for (const g of timeGetters) {
    const impl = buf(g, true);
    const ovs = [
      member(`timestamp_to_${g}`, [T.timestamp], T.int, impl),
      member(`timestamp_to_${g}_with_tz`, [T.timestamp, T.string], T.int, impl),
    ];
    if (['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'].includes(g))
      ovs.push(member(`duration_to_${g}`, [T.duration], T.int, impl));
    out[g] = ovs;
  }
  return out;
}

const CONVERSION_TARGET: Record<string, string> = {
  int: 'int',
  uint: 'uint',
  double: 'double',
  bool: 'bool',
  timestamp: 'google.protobuf.Timestamp',
  duration: 'google.protobuf.Duration',
};

/** A conversion whose string parse failure reads as cel-go's `type conversion error`. */
function conversion(name: string) {
  const impl = buf(name, false);
  const target = CONVERSION_TARGET[name];
  return (args: CelValue[]): CelValue => {
    try {
      return impl(args);
    } catch (e) {
      if (target !== undefined && typeof args[0] === 'string')
        fail(`type conversion error from 'string' to '${target}'`);
      throw e;
    }
  };
}

function conversions(): Record<string, FunctionOverload[]> {
  const conv = (name: string, from: CelT[], to: CelT): FunctionOverload[] =>
    from.map((f) =>
      global(`${name}_from_${(f as { name?: string }).name ?? 'x'}`, [f], to, conversion(name)),
    );
  return {
    int: conv('int', [T.int, T.uint, T.double, T.string, T.timestamp], T.int),
    uint: conv('uint', [T.int, T.uint, T.double, T.string], T.uint),
    double: conv('double', [T.int, T.uint, T.double, T.string], T.double),
    string: conv(
      'string',
      [T.int, T.uint, T.double, T.string, T.bool, T.bytes, T.timestamp, T.duration],
      T.string,
    ),
    bytes: conv('bytes', [T.bytes, T.string], T.bytes),
    bool: conv('bool', [T.bool, T.string], T.bool),
    timestamp: conv('timestamp', [T.string, T.int, T.timestamp], T.timestamp),
    duration: conv('duration', [T.string, T.duration], T.duration),
    dyn: [global('to_dyn', [A], T.dyn, ([a]) => a as CelValue)],
    type: [global('type', [A], T.type(A), ([a]) => runtimeType(a as CelValue))],
  };
}

/** A value's type as a value (compared with `int`, `string`… in expressions). */
export class CelTypeValue {
  constructor(readonly name: string) {}
}

function runtimeType(v: CelValue): CelValue {
  return new TypeValueOpaque(typeName(v));
}

import { CelOpaque } from '../values.js';

/** `type(x)` values; equal when they name the same type. */
export class TypeValueOpaque extends CelOpaque {
  readonly typeName = 'type';
  constructor(readonly name: string) {
    super();
  }
  equals(other: CelOpaque): boolean {
    return other instanceof TypeValueOpaque && other.name === this.name;
  }
}

const stringsExt = (): Record<string, FunctionOverload[]> => {
  const m = (id: string, args: CelT[], result: CelT, name: string): FunctionOverload =>
    member(id, args, result, buf(name, true));
  return {
    charAt: [m('string_char_at_int', [T.string, T.int], T.string, 'charAt')],
    indexOf: [
      m('string_index_of_string', [T.string, T.string], T.int, 'indexOf'),
      m('string_index_of_string_int', [T.string, T.string, T.int], T.int, 'indexOf'),
    ],
    lastIndexOf: [
      m('string_last_index_of_string', [T.string, T.string], T.int, 'lastIndexOf'),
      m('string_last_index_of_string_int', [T.string, T.string, T.int], T.int, 'lastIndexOf'),
    ],
    lowerAscii: [m('string_lower_ascii', [T.string], T.string, 'lowerAscii')],
    upperAscii: [m('string_upper_ascii', [T.string], T.string, 'upperAscii')],
    replace: [
      m('string_replace_string_string', [T.string, T.string, T.string], T.string, 'replace'),
      m(
        'string_replace_string_string_int',
        [T.string, T.string, T.string, T.int],
        T.string,
        'replace',
      ),
    ],
    split: [
      m('string_split_string', [T.string, T.string], T.list(T.string), 'split'),
      m('string_split_string_int', [T.string, T.string, T.int], T.list(T.string), 'split'),
    ],
    substring: [
      m('string_substring_int', [T.string, T.int], T.string, 'substring'),
      m('string_substring_int_int', [T.string, T.int, T.int], T.string, 'substring'),
    ],
    trim: [m('string_trim', [T.string], T.string, 'trim')],
    join: [
      m('list_join', [T.list(T.string)], T.string, 'join'),
      m('list_join_string', [T.list(T.string), T.string], T.string, 'join'),
    ],
    format: [m('string_format', [T.string, T.list(T.dyn)], T.string, 'format')],
    'strings.quote': [global('strings_quote', [T.string], T.string, buf('strings.quote', false))],
  };
};

/** The standard library plus the strings extension. */
export const STD: Library = library({
  '_+_': [
    ...arith(
      'add',
      (a, b) => a + b,
      (a, b) => a + b,
    ),
    global('add_string', [T.string, T.string], T.string, add),
    global('add_bytes', [T.bytes, T.bytes], T.bytes, add),
    global('add_list', [T.list(A), T.list(A)], T.list(A), add),
    global('add_timestamp_duration', [T.timestamp, T.duration], T.timestamp, add),
    global('add_duration_timestamp', [T.duration, T.timestamp], T.timestamp, add),
    global('add_duration_duration', [T.duration, T.duration], T.duration, add),
  ],
  '_-_': [
    ...arith(
      'subtract',
      (a, b) => a - b,
      (a, b) => a - b,
    ),
    global(
      'subtract_timestamp_timestamp',
      [T.timestamp, T.timestamp],
      T.duration,
      buf('_-_', false),
    ),
    global(
      'subtract_timestamp_duration',
      [T.timestamp, T.duration],
      T.timestamp,
      buf('_-_', false),
    ),
    global('subtract_duration_duration', [T.duration, T.duration], T.duration, buf('_-_', false)),
  ],
  '_*_': arith(
    'multiply',
    (a, b) => a * b,
    (a, b) => a * b,
  ),
  '_/_': arith('divide', divide, (a, b) => a / b),
  '_%_': arith('modulo', modulo, () => fail('no such overload')).slice(0, 2),
  '-_': [
    global('negate_int64', [T.int], T.int, ([a]) => int(-(a as bigint))),
    global('negate_double', [T.double], T.double, ([a]) => -(a as number)),
  ],
  '!_': [global('logical_not', [T.bool], T.bool, ([a]) => !(a as boolean))],
  '_==_': [global('equals', [A, A], T.bool, ([a, b]) => celEquals(a as CelValue, b as CelValue))],
  '_!=_': [
    global('not_equals', [A, A], T.bool, ([a, b]) => !celEquals(a as CelValue, b as CelValue)),
  ],
  '_<_': compare('less', (c) => c < 0),
  '_<=_': compare('less_equals', (c) => c <= 0),
  '_>_': compare('greater', (c) => c > 0),
  '_>=_': compare('greater_equals', (c) => c >= 0),
  '_&&_': [global('logical_and', [T.bool, T.bool], T.bool, ([a, b]) => a === true && b === true)],
  '_||_': [global('logical_or', [T.bool, T.bool], T.bool, ([a, b]) => a === true || b === true)],
  '_?_:_': [
    global('conditional', [T.bool, A, A], A, ([c, a, b]) => (c === true ? a : b) as CelValue),
  ],
  '@not_strictly_false': [global('not_strictly_false', [T.bool], T.bool, ([a]) => a !== false)],
  '@in': [
    global('in_list', [A, T.list(A)], T.bool, inList),
    global('in_map', [A, T.map(A, B)], T.bool, inList),
  ],
  '_[_]': [
    global('index_list', [T.list(A), T.int], A, index),
    global('index_map', [T.map(A, B), A], B, index),
  ],
  size: [
    global('size_string', [T.string], T.int, ([a]) => sizeOf(a as CelValue)),
    global('size_bytes', [T.bytes], T.int, ([a]) => sizeOf(a as CelValue)),
    global('size_list', [T.list(A)], T.int, ([a]) => sizeOf(a as CelValue)),
    global('size_map', [T.map(A, B)], T.int, ([a]) => sizeOf(a as CelValue)),
    member('string_size', [T.string], T.int, ([a]) => sizeOf(a as CelValue)),
    member('bytes_size', [T.bytes], T.int, ([a]) => sizeOf(a as CelValue)),
    member('list_size', [T.list(A)], T.int, ([a]) => sizeOf(a as CelValue)),
    member('map_size', [T.map(A, B)], T.int, ([a]) => sizeOf(a as CelValue)),
  ],
  contains: [member('contains_string', [T.string, T.string], T.bool, buf('contains', true))],
  startsWith: [member('starts_with_string', [T.string, T.string], T.bool, buf('startsWith', true))],
  endsWith: [member('ends_with_string', [T.string, T.string], T.bool, buf('endsWith', true))],
  matches: [
    member('matches_string', [T.string, T.string], T.bool, buf('matches', true)),
    global('matches', [T.string, T.string], T.bool, buf('matches', false)),
  ],
  'cel.@mapInsert': [
    global('cel_map_insert_key_value', [T.map(A, B), A, B], T.map(A, B), mapInsert),
    global('cel_map_insert_map', [T.map(A, B), T.map(A, B)], T.map(A, B), mapInsert),
  ],
  ...conversions(),
  ...timeLibrary(),
  ...stringsExt(),
});

export { int as checkedInt, uint as checkedUint, sizeOf };
