// Kubernetes' quantity library: resource.Quantity parsed exactly (a rational with decimal and
// binary suffixes), compared, added and converted as apimachinery does.
import { fail, global, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { CelOpaque, type CelValue } from '../values.js';

export const QUANTITY_TYPE = T.opaque('kubernetes.Quantity');

const FORMAT_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const FORMAT_ERR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** An exact quantity num/den (den > 0). */
export class Quantity extends CelOpaque {
  readonly typeName = 'kubernetes.Quantity';
  constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {
    super();
  }
  compare(o: Quantity): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  equals(o: CelOpaque): boolean {
    return o instanceof Quantity && this.compare(o) === 0;
  }
  add(o: Quantity, sign: bigint): Quantity {
    return reduce(this.num * o.den + sign * o.num * this.den, this.den * o.den);
  }
  asInt64(): bigint | undefined {
    if (this.num % this.den !== 0n) return undefined;
    const v = this.num / this.den;
    return v < -(2n ** 63n) || v >= 2n ** 63n ? undefined : v;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

function reduce(num: bigint, den: bigint): Quantity {
  const g = gcd(num, den);
  return new Quantity(num / g, den / g);
}

/** apimachinery's resource.ParseQuantity (value only; the canonical form is not needed here). */
export function parseQuantity(s: string): Quantity | string {
  if (s.length === 0) return 'quantities must match the regular expression';
  const m = FORMAT_RE.exec(s);
  if (m === null) return FORMAT_ERR;
  const numStr = m[1] ?? '';
  const suffix = m[2] ?? '';
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(numStr)) return 'unable to parse numeric part of quantity';
  let exp10 = 0;
  let exp2 = 0;
  if (suffix in DECIMAL) exp10 = DECIMAL[suffix] ?? 0;
  else if (suffix in BINARY) exp2 = BINARY[suffix] ?? 0;
  else if (/^[eE][-+]?\d+$/.test(suffix)) exp10 = Number(suffix.slice(1));
  else return "unable to parse quantity's suffix";
  const neg = numStr.startsWith('-');
  const digits = numStr.replace(/^[+-]/, '');
  const [int = '', frac = ''] = digits.split('.');
  let num = BigInt(int + frac || '0');
  let den = 10n ** BigInt(frac.length);
  if (neg) num = -num;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  num *= 2n ** BigInt(exp2);
  return reduce(num, den);
}

function q(v: CelValue): Quantity {
  if (!(v instanceof Quantity)) fail('no such overload');
  return v;
}

function toQuantity(v: CelValue): Quantity {
  if (typeof v === 'bigint') return new Quantity(v, 1n);
  return q(v);
}

export const QUANTITY: Library = library({
  quantity: [
    global('string_to_quantity', [T.string], QUANTITY_TYPE, ([s]) => {
      const r = parseQuantity(s as string);
      if (typeof r === 'string') fail(r);
      return r;
    }),
  ],
  isQuantity: [
    global(
      'is_quantity_string',
      [T.string],
      T.bool,
      ([s]) => typeof parseQuantity(s as string) !== 'string',
    ),
  ],
  sign: [
    member('quantity_sign', [QUANTITY_TYPE], T.int, ([a]) => {
      const n = q(a as CelValue).num;
      return n > 0n ? 1n : n < 0n ? -1n : 0n;
    }),
  ],
  isGreaterThan: [
    member(
      'quantity_is_greater_than',
      [QUANTITY_TYPE, QUANTITY_TYPE],
      T.bool,
      ([a, b]) => q(a as CelValue).compare(q(b as CelValue)) > 0,
    ),
  ],
  isLessThan: [
    member(
      'quantity_is_less_than',
      [QUANTITY_TYPE, QUANTITY_TYPE],
      T.bool,
      ([a, b]) => q(a as CelValue).compare(q(b as CelValue)) < 0,
    ),
  ],
  compareTo: [
    member('quantity_compare_to', [QUANTITY_TYPE, QUANTITY_TYPE], T.int, ([a, b]) =>
      BigInt(q(a as CelValue).compare(q(b as CelValue))),
    ),
  ],
  asApproximateFloat: [
    member('quantity_get_float', [QUANTITY_TYPE], T.double, ([a]) => {
      const x = q(a as CelValue);
      return Number(x.num) / Number(x.den);
    }),
  ],
  asInteger: [
    member('quantity_get_int', [QUANTITY_TYPE], T.int, ([a]) => {
      const v = q(a as CelValue).asInt64();
      if (v === undefined) fail('cannot convert value to integer');
      return v;
    }),
  ],
  isInteger: [
    member(
      'quantity_is_integer',
      [QUANTITY_TYPE],
      T.bool,
      ([a]) => q(a as CelValue).asInt64() !== undefined,
    ),
  ],
  add: [
    member('quantity_add', [QUANTITY_TYPE, QUANTITY_TYPE], QUANTITY_TYPE, ([a, b]) =>
      q(a as CelValue).add(toQuantity(b as CelValue), 1n),
    ),
    member('quantity_add_int', [QUANTITY_TYPE, T.int], QUANTITY_TYPE, ([a, b]) =>
      q(a as CelValue).add(toQuantity(b as CelValue), 1n),
    ),
  ],
  sub: [
    member('quantity_sub', [QUANTITY_TYPE, QUANTITY_TYPE], QUANTITY_TYPE, ([a, b]) =>
      q(a as CelValue).add(toQuantity(b as CelValue), -1n),
    ),
    member('quantity_sub_int', [QUANTITY_TYPE, T.int], QUANTITY_TYPE, ([a, b]) =>
      q(a as CelValue).add(toQuantity(b as CelValue), -1n),
    ),
  ],
});
