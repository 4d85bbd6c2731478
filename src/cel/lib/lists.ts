// List functions: Kubernetes' lists library (isSorted, sum, min, max, indexOf, lastIndexOf),
// cel-go's lists extension v3 (slice, flatten, distinct, reverse, sort, lists.range) and sets.
import { fail, global, library, member, type FunctionOverload, type Library } from '../library.js';
import { T, type CelT } from '../types.js';
import { celCompare, celEquals, celList, isCelList, type CelValue } from '../values.js';
import { STD } from './std.js';

const A = T.param('A');

function items(v: CelValue): CelValue[] {
  if (!isCelList(v)) fail('no such overload');
  return [...v] as CelValue[];
}

function cmp(a: CelValue, b: CelValue): number {
  const c = celCompare(a, b);
  if (c === undefined) fail('no such overload');
  return c;
}

function extreme(name: string, sign: number) {
  return ([l]: CelValue[]): CelValue => {
    const xs = items(l as CelValue);
    if (xs.length === 0) fail(`${name} called on empty list`);
    let best = xs[0] as CelValue;
    for (const x of xs) if (cmp(x, best) * sign > 0) best = x;
    return best;
  };
}

const ADD = STD.get('_+_') ?? [];

function sum([l]: CelValue[]): CelValue {
  const xs = items(l as CelValue);
  let acc: CelValue | undefined;
  for (const x of xs) {
    if (acc === undefined) acc = x;
    else {
      const o = ADD.find(
        (ov) => ov.id !== 'add_list' && matchesPrim(ov.args[0] as CelT, acc as CelValue),
      );
      if (o === undefined) fail('no such overload');
      acc = o.impl([acc, x], {});
    }
  }
  return acc ?? 0n;
}

function matchesPrim(t: CelT, v: CelValue): boolean {
  if (t.k !== 'prim') return false;
  return (
    (t.name === 'int' && typeof v === 'bigint') ||
    (t.name === 'double' && typeof v === 'number') ||
    (t.name === 'uint' && typeof v === 'object' && v !== null && 'value' in v) ||
    (t.name === 'duration' && typeof v === 'object')
  );
}

const comparable: CelT[] = [
  T.int,
  T.uint,
  T.double,
  T.bool,
  T.string,
  T.bytes,
  T.duration,
  T.timestamp,
];
const summable: CelT[] = [T.int, T.uint, T.double, T.duration];
const nm = (t: CelT): string => (t.k === 'prim' ? t.name : 'x');

function sumZero(t: CelT): () => CelValue {
  return () => (t === T.double ? 0 : 0n);
}

export const LISTS: Library = library({
  isSorted: comparable.map((t) =>
    member(`list_${nm(t)}_is_sorted_bool`, [T.list(t)], T.bool, ([l]) => {
      const xs = items(l as CelValue);
      for (let i = 1; i < xs.length; i++)
        if (cmp(xs[i - 1] as CelValue, xs[i] as CelValue) > 0) return false;
      return true;
    }),
  ),
  sum: summable.map((t) =>
    member(`list_${nm(t)}_sum_${nm(t)}`, [T.list(t)], t, (a) =>
      items(a[0] as CelValue).length === 0 ? sumZero(t)() : sum(a),
    ),
  ),
  max: comparable.map((t) =>
    member(`list_${nm(t)}_max_${nm(t)}`, [T.list(t)], t, extreme('max', 1)),
  ),
  min: comparable.map((t) =>
    member(`list_${nm(t)}_min_${nm(t)}`, [T.list(t)], t, extreme('min', -1)),
  ),
  indexOf: [
    member('list_a_index_of_int', [T.list(A), A], T.int, ([l, v]) =>
      BigInt(items(l as CelValue).findIndex((x) => celEquals(x, v as CelValue))),
    ),
  ],
  lastIndexOf: [
    member('list_a_last_index_of_int', [T.list(A), A], T.int, ([l, v]) => {
      const xs = items(l as CelValue);
      for (let i = xs.length - 1; i >= 0; i--)
        if (celEquals(xs[i] as CelValue, v as CelValue)) return BigInt(i);
      return -1n;
    }),
  ],
});

function flatten(xs: CelValue[], depth: bigint): CelValue[] {
  const out: CelValue[] = [];
  for (const x of xs) {
    if (isCelList(x) && depth > 0n) out.push(...flatten([...x] as CelValue[], depth - 1n));
    else out.push(x);
  }
  return out;
}

/** cel-go ext.Lists(ListsVersion(3)). */
export const EXT_LISTS: Library = library({
  slice: [
    member('list_slice', [T.list(A), T.int, T.int], T.list(A), ([l, s, e]) => {
      const xs = items(l as CelValue);
      const start = s as bigint;
      const end = e as bigint;
      if (start < 0n || end < 0n)
        fail(`cannot slice(${start}, ${end}), negative indexes not supported`);
      if (start > end)
        fail(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
      if (end > BigInt(xs.length))
        fail(`cannot slice(${start}, ${end}), list is length ${xs.length}`);
      return celList(xs.slice(Number(start), Number(end)) as never[]);
    }),
  ],
  flatten: [
    member('list_flatten', [T.list(T.list(A))], T.list(A), ([l]) =>
      celList(flatten(items(l as CelValue), 1n) as never[]),
    ),
    member('list_flatten_int', [T.list(T.dyn), T.int], T.list(T.dyn), ([l, d]) => {
      if ((d as bigint) < 0n) fail('level must be non-negative');
      return celList(flatten(items(l as CelValue), d as bigint) as never[]);
    }),
  ],
  'lists.range': [
    global('lists_range', [T.int], T.list(T.int), ([n]) => {
      const out: bigint[] = [];
      for (let i = 0n; i < (n as bigint); i++) out.push(i);
      return celList(out);
    }),
  ],
  distinct: [
    member('list_distinct', [T.list(A)], T.list(A), ([l]) => {
      const out: CelValue[] = [];
      for (const x of items(l as CelValue)) if (!out.some((y) => celEquals(x, y))) out.push(x);
      return celList(out as never[]);
    }),
  ],
  reverse: [
    member('list_reverse', [T.list(A)], T.list(A), ([l]) =>
      celList(items(l as CelValue).reverse() as never[]),
    ),
  ],
  '@sortByAssociatedKeys': comparable.map((t) =>
    global(`list_${nm(t)}_sortByAssociatedKeys`, [T.list(A), T.list(t)], T.list(A), ([l, k]) => {
      const xs = items(l as CelValue);
      const keys = items(k as CelValue);
      const order = xs
        .map((_, i) => i)
        .sort((i, j) => cmp(keys[i] as CelValue, keys[j] as CelValue));
      return celList(order.map((i) => xs[i]) as never[]);
    }),
  ),
  sort: comparable.map((t) =>
    member(`list_${nm(t)}_sort`, [T.list(t)], T.list(t), ([l]) =>
      celList([...items(l as CelValue)].sort(cmp) as never[]),
    ),
  ),
});

function asSet(v: CelValue): CelValue[] {
  return items(v);
}

/** cel-go ext.Sets(). */
export const SETS: Library = library({
  'sets.contains': [
    global('list_sets_contains_list', [T.list(A), T.list(A)], T.bool, ([a, b]) =>
      asSet(b as CelValue).every((y) => asSet(a as CelValue).some((x) => celEquals(x, y))),
    ),
  ],
  'sets.equivalent': [
    global('list_sets_equivalent_list', [T.list(A), T.list(A)], T.bool, ([a, b]) => {
      const xs = asSet(a as CelValue);
      const ys = asSet(b as CelValue);
      return (
        xs.every((x) => ys.some((y) => celEquals(x, y))) &&
        ys.every((y) => xs.some((x) => celEquals(x, y)))
      );
    }),
  ],
  'sets.intersects': [
    global('list_sets_intersects_list', [T.list(A), T.list(A)], T.bool, ([a, b]) =>
      asSet(a as CelValue).some((x) => asSet(b as CelValue).some((y) => celEquals(x, y))),
    ),
  ],
});

export type { FunctionOverload };
