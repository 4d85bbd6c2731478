// Sprig's list functions (list.go, numeric.go's until/untilStep/seq) with Go's errors and panics.
import { GoInt, T, T2, nilOf, setGoType, typeOf, typedSlice, sliceOf } from '../value.js';
import type { GoFunc, GoValue } from '../value.js';
import { toInt } from './cast.js';
import { GoPanic, fn } from './def.js';
import { deepEqual, isEmpty, kindOrPanic, sliceItems } from './reflect.js';
import { GoError } from '../value.js';

const A = T.any;
const SA = T2.sliceAny;

/** The elements of `list`, or the "Cannot … on type K" error of the must- variant. */
function items(list: GoValue, what: string): GoValue[] {
  const kind = kindOrPanic(list);
  const xs = sliceItems(list);
  if (xs === undefined) throw new GoError(`Cannot ${what} on type ${kind}`);
  return xs;
}

/** A must- function and its panicking twin (the panic's text is the same error). */
function pair(
  name: string,
  params: GoFunc['params'],
  result: GoFunc['result'],
  impl: (...a: never[]) => GoValue,
  variadic?: GoFunc['variadic'],
): Record<string, GoFunc> {
  const opts = variadic ? { variadic } : {};
  const plain = (...a: never[]): GoValue => {
    try {
      return impl(...a);
    } catch (e) {
      if (e instanceof GoError) throw new GoPanic(e.message);
      throw e;
    }
  };
  const mustName = 'must' + name[0]?.toUpperCase() + name.slice(1);
  return {
    [name]: fn(params, result, plain, opts),
    [mustName]: fn(params, result, impl, { ...opts, errors: true }),
  };
}

function push(list: GoValue, v: GoValue): GoValue {
  return [...items(list, 'push'), v];
}
function prepend(list: GoValue, v: GoValue): GoValue {
  return [v, ...items(list, 'prepend')];
}
function chunk(size: number, list: GoValue): GoValue {
  const xs = items(list, 'chunk');
  const l = xs.length;
  const cs = Math.floor((l - 1) / size) + 1;
  const out: GoValue[] = [];
  for (let i = 0; i < cs; i++) {
    let clen = size;
    if (i === cs - 1) {
      clen = Math.floor(l % size);
      if (clen === 0) clen = size;
    }
    out.push(xs.slice(i * size, i * size + clen));
  }
  return setGoType(out, sliceOf(SA));
}
function last(list: GoValue): GoValue {
  const xs = items(list, 'find last');
  return xs.length === 0 ? null : xs[xs.length - 1];
}
function first(list: GoValue): GoValue {
  const xs = items(list, 'find first');
  return xs.length === 0 ? null : xs[0];
}
function rest(list: GoValue): GoValue {
  const xs = items(list, 'find rest');
  return xs.length === 0 ? nilOf([], SA) : xs.slice(1);
}
function initial(list: GoValue): GoValue {
  const xs = items(list, 'find initial');
  return xs.length === 0 ? nilOf([], SA) : xs.slice(0, -1);
}
function reverse(list: GoValue): GoValue {
  return [...items(list, 'find reverse')].reverse();
}
function compact(list: GoValue): GoValue {
  return items(list, 'compact').filter((x) => !isEmpty(x));
}
function uniq(list: GoValue): GoValue {
  const dest: GoValue[] = [];
  for (const x of items(list, 'find uniq')) if (!dest.some((d) => deepEqual(x, d))) dest.push(x);
  return dest;
}
function without(list: GoValue, ...omit: GoValue[]): GoValue {
  return items(list, 'find without').filter((x) => !omit.some((o) => deepEqual(x, o)));
}
function has(needle: GoValue, haystack: GoValue): boolean {
  if (haystack === null || haystack === undefined) return false;
  const kind = kindOrPanic(haystack);
  const xs = sliceItems(haystack);
  if (xs === undefined) throw new GoError(`Cannot find has on type ${kind}`);
  return xs.some((x) => deepEqual(needle, x));
}
function sprigSlice(list: GoValue, ...indices: GoValue[]): GoValue {
  const kind = kindOrPanic(list);
  const xs = sliceItems(list);
  if (xs === undefined) throw new GoError(`list should be type of slice or array but ${kind}`);
  if (xs.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt(indices[0])) : 0;
  const end = indices.length < 2 ? xs.length : Number(toInt(indices[1]));
  if (start < 0 || end < start || end > xs.length) {
    throw new GoPanic('reflect.Value.Slice: slice index out of bounds');
  }
  const t = typeOf(list);
  if (list instanceof Uint8Array) return list.subarray(start, end);
  const out = xs.slice(start, end);
  return t && t !== SA ? setGoType(out, t) : out;
}
function concat(...lists: GoValue[]): GoValue {
  let res: GoValue[] = nilOf([], SA);
  for (const l of lists) {
    const kind = kindOrPanic(l);
    const xs = sliceItems(l);
    if (xs === undefined) throw new GoPanic(`Cannot concat type ${kind} as list`);
    if (xs.length > 0) res = [...res, ...xs];
  }
  return res;
}

function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}
function ints(xs: number[]): GoValue {
  return typedSlice(
    xs.map((x) => new GoInt(T.int, BigInt(x))),
    T2.sliceInt,
  );
}
function seq(...params: number[]): string {
  let increment = 1;
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const start = 1;
      const end = params[0] as number;
      if (end < start) increment = -1;
      return untilStep(start, end + increment, increment).join(' ');
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      if (end < start) {
        increment = -1;
        if (step > 0) return '';
      }
      return untilStep(start, end + increment, step).join(' ');
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      return untilStep(start, end + step, step).join(' ');
    }
    default:
      return '';
  }
}

export const listFuncs: Readonly<Record<string, GoFunc>> = {
  list: fn([], SA, (...v: GoValue[]) => v, { variadic: A }),
  tuple: fn([], SA, (...v: GoValue[]) => v, { variadic: A }),
  ...pair('push', [A, A], SA, push),
  ...pair('append', [A, A], SA, push),
  ...pair('prepend', [A, A], SA, prepend),
  ...pair('chunk', [T.int, A], sliceOf(SA), chunk),
  ...pair('last', [A], A, last),
  ...pair('first', [A], A, first),
  ...pair('rest', [A], SA, rest),
  ...pair('initial', [A], SA, initial),
  ...pair('reverse', [A], SA, reverse),
  ...pair('compact', [A], SA, compact),
  ...pair('uniq', [A], SA, uniq),
  ...pair('without', [A], SA, without, A),
  ...pair('has', [A, A], T.bool, has),
  ...pair('slice', [A], A, sprigSlice, A),
  concat: fn([], A, concat, { variadic: A }),
  until: fn([T.int], T2.sliceInt, (count: number) => ints(untilStep(0, count, count < 0 ? -1 : 1))),
  untilStep: fn([T.int, T.int, T.int], T2.sliceInt, (a: number, b: number, c: number) =>
    ints(untilStep(a, b, c)),
  ),
  seq: fn([], T.string, seq, { variadic: T.int }),
};
