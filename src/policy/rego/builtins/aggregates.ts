// Aggregate built-ins: count, sum, product, max, min, sort, all, any, internal.member_2/3 (OPA's aggregates.go).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { operandElementError, operandTypeError } from '../errors.js';
import { arr, bool, compare, equal, num, numFromBigInt, TRUE, type Value } from '../value.js';
import { exactInt } from './arithmetic.js';
import {
  bfAdd,
  bfFromBigInt,
  bfMul,
  bigFloatToNumber,
  toBigFloat,
  type BigFloat,
} from './big-float.js';

function numbers(name: string, v: Value): readonly Value[] {
  if (v.kind === 'array') return v.items;
  if (v.kind === 'set') return v.sorted();
  throw operandTypeError(name, 1, v.kind, 'set', 'array');
}

function accumulate(
  name: string,
  v: Value,
  init: bigint,
  exact: (x: bigint, y: bigint) => bigint,
  float: (x: BigFloat, y: BigFloat) => BigFloat,
): Value {
  const items = numbers(name, v);
  let acc = init;
  let isExact = true;
  for (const x of items) {
    const i = x.kind === 'number' ? exactInt(x) : undefined;
    if (i === undefined) {
      isExact = false;
      break;
    }
    acc = exact(acc, i);
  }
  if (isExact) return numFromBigInt(acc);
  let f = bfFromBigInt(init);
  for (const x of items) {
    if (x.kind !== 'number') throw operandElementError(name, 1, v.kind, x.kind, 'number');
    f = float(f, toBigFloat(x));
  }
  return bigFloatToNumber(f);
}

/** Fast sum of small JS integers (the common case); undefined if any element is not one. */
function smallSum(v: Value): number | undefined {
  if (v.kind !== 'array' && v.kind !== 'set') return undefined;
  let s = 0;
  for (const x of v.kind === 'array' ? v.items : v.unordered()) {
    if (
      x.kind !== 'number' ||
      x.text !== undefined ||
      x.big !== undefined ||
      !Number.isInteger(x.f)
    )
      return undefined;
    s += x.f;
  }
  return Number.isSafeInteger(s) ? s : undefined;
}

function all(v: Value): boolean {
  const items = v.kind === 'array' ? v.items : v.kind === 'set' ? v.unordered() : undefined;
  if (items === undefined) throw operandTypeError('all', 1, v.kind, 'array', 'set');
  return items.every((x) => equal(x, TRUE));
}

function any(v: Value): boolean {
  if (v.kind === 'set') return v.has(TRUE);
  if (v.kind === 'array') return v.items.some((x) => equal(x, TRUE));
  throw operandTypeError('any', 1, v.kind, 'array', 'set');
}

function member(x: Value, c: Value): boolean {
  switch (c.kind) {
    case 'set':
      return c.has(x);
    case 'array':
      return c.items.some((e) => equal(e, x));
    case 'object':
      return c.unorderedValues().some((e) => equal(e, x));
    default:
      return false;
  }
}

function memberWithKey(key: Value, val: Value, c: Value): boolean {
  switch (c.kind) {
    case 'set':
      return c.has(key) && equal(key, val);
    case 'object': {
      const got = c.get(key);
      return got !== undefined && equal(got, val);
    }
    case 'array': {
      if (key.kind !== 'number') return false;
      const i = key.toSafeInt();
      const got = i === undefined ? undefined : c.items[i];
      return got !== undefined && equal(got, val);
    }
    default:
      return false;
  }
}

const COLLECTION = T.anyOf(T.setOf(T.any), T.arrayOf(T.any));
const NUMBERS = T.anyOf(T.setOf(T.number), T.arrayOf(T.number));

export const AGGREGATE_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'count',
    args: [T.anyOf(T.string, T.arrayOf(T.any), T.objectOf(T.any, T.any), T.setOf(T.any))],
    result: T.number,
    impl: (args) => {
      const v = args[0]!;
      switch (v.kind) {
        case 'array':
          return num(v.items.length);
        case 'object':
        case 'set':
          return num(v.size);
        case 'string': {
          let n = 0;
          for (const _ of v.value) n++;
          return num(n);
        }
        default:
          throw operandTypeError('count', 1, v.kind, 'array', 'object', 'set', 'string');
      }
    },
  },
  {
    name: 'sum',
    args: [NUMBERS],
    result: T.number,
    impl: ([v]) => {
      const s = smallSum(v!);
      if (s !== undefined) return num(s);
      return accumulate('sum', v!, 0n, (x, y) => x + y, bfAdd);
    },
  },
  {
    name: 'product',
    args: [NUMBERS],
    result: T.number,
    impl: ([v]) => accumulate('product', v!, 1n, (x, y) => x * y, bfMul),
  },
  {
    name: 'max',
    args: [COLLECTION],
    result: T.any,
    impl: ([v]) => {
      const items = numbers('max', v!);
      if (items.length === 0) return undefined;
      return items.reduce((m, x) => (compare(m, x) <= 0 ? x : m));
    },
  },
  {
    name: 'min',
    args: [COLLECTION],
    result: T.any,
    impl: ([v]) => {
      const items = numbers('min', v!);
      if (items.length === 0) return undefined;
      return items.reduce((m, x) => (compare(m, x) >= 0 ? x : m));
    },
  },
  {
    name: 'sort',
    args: [COLLECTION],
    result: T.arrayOf(T.any),
    impl: (args) => {
      const v = args[0]!;
      if (v.kind === 'set') return arr(v.sorted());
      if (v.kind === 'array') return arr([...v.items].sort(compare));
      throw operandTypeError('sort', 1, v.kind, 'set', 'array');
    },
  },
  // Deprecated in OPA (v0 policies still call them).
  {
    name: 'all',
    deprecated: true,
    args: [COLLECTION],
    result: T.boolean,
    impl: ([v]) => bool(all(v!)),
  },
  {
    name: 'any',
    deprecated: true,
    args: [COLLECTION],
    result: T.boolean,
    impl: ([v]) => bool(any(v!)),
  },
  {
    name: 'internal.member_2',
    args: [T.any, T.any],
    result: T.boolean,
    impl: ([x, c]) => bool(member(x!, c!)),
  },
  {
    name: 'internal.member_3',
    args: [T.any, T.any, T.any],
    result: T.boolean,
    impl: ([k, v, c]) => bool(memberWithKey(k!, v!, c!)),
  },
];
