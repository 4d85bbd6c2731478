// Go math/big.Float at 64-bit precision, as OPA's arithmetic uses it for non-integers, with big.Float.Text's shortest formatting.

import { numFromText, type NumberValue } from '../value.js';

const PREC = 64;
const MIN_MANT = 1n << BigInt(PREC - 1);
const MAX_MANT = 1n << BigInt(PREC);

/** value = (neg ? -1 : 1) * mant * 2^exp; mant is 0 or in [2^63, 2^64). */
export interface BigFloat {
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

const ZERO: BigFloat = { neg: false, mant: 0n, exp: 0 };

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Rounds p/q * 2^shift (p, q > 0) to 64 bits, to nearest even (big.Float's default mode). */
function roundRational(neg: boolean, p: bigint, q: bigint, shift: number): BigFloat {
  if (p === 0n) return { neg, mant: 0n, exp: 0 };
  let k = bitLen(p) - bitLen(q) - PREC;
  for (;;) {
    const num = k >= 0 ? p : p << BigInt(-k);
    const den = k >= 0 ? q << BigInt(k) : q;
    let m = num / den;
    if (m >= MAX_MANT) {
      k++;
      continue;
    }
    if (m < MIN_MANT) {
      k--;
      continue;
    }
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (m & 1n) === 1n)) m++;
    if (m === MAX_MANT) return { neg, mant: m >> 1n, exp: k + 1 + shift };
    return { neg, mant: m, exp: k + shift };
  }
}

/** big.Float.SetString of a number's exact decimal text at precision 64. */
export function toBigFloat(n: NumberValue): BigFloat {
  const { m, e } = n.toDecimal();
  if (m === 0n) return ZERO;
  const neg = m < 0n;
  const a = neg ? -m : m;
  return e >= 0
    ? roundRational(neg, a * 10n ** BigInt(e), 1n, 0)
    : roundRational(neg, a, 10n ** BigInt(-e), 0);
}

function signed(x: BigFloat): bigint {
  return x.neg ? -x.mant : x.mant;
}

function fromExact(v: bigint, exp: number): BigFloat {
  if (v === 0n) return ZERO;
  return roundRational(v < 0n, v < 0n ? -v : v, 1n, exp);
}

export function bfAdd(a: BigFloat, b: BigFloat): BigFloat {
  if (a.mant === 0n) return b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const sum = (signed(a) << BigInt(a.exp - e)) + (signed(b) << BigInt(b.exp - e));
  return fromExact(sum, e);
}

export function bfNeg(a: BigFloat): BigFloat {
  return { neg: !a.neg, mant: a.mant, exp: a.exp };
}

export function bfSub(a: BigFloat, b: BigFloat): BigFloat {
  return bfAdd(a, bfNeg(b));
}

export function bfMul(a: BigFloat, b: BigFloat): BigFloat {
  const neg = a.neg !== b.neg;
  if (a.mant === 0n || b.mant === 0n) return { neg, mant: 0n, exp: 0 };
  return roundRational(neg, a.mant * b.mant, 1n, a.exp + b.exp);
}

/** Quotient; the caller rejects a zero divisor. */
export function bfQuo(a: BigFloat, b: BigFloat): BigFloat {
  const neg = a.neg !== b.neg;
  if (a.mant === 0n) return { neg, mant: 0n, exp: 0 };
  return roundRational(neg, a.mant, b.mant, a.exp - b.exp);
}

export function bfIsInt(a: BigFloat): boolean {
  if (a.mant === 0n || a.exp >= 0) return true;
  return a.exp > -PREC && (a.mant & ((1n << BigInt(-a.exp)) - 1n)) === 0n;
}

/** Truncates towards zero to an integer (big.Float.Int). */
export function bfTrunc(a: BigFloat): bigint {
  const v = a.exp >= 0 ? a.mant << BigInt(a.exp) : a.mant >> BigInt(-a.exp);
  return a.neg ? -v : v;
}

export function bfFromBigInt(i: bigint): BigFloat {
  return fromExact(i, 0);
}

export function bfCmp(a: BigFloat, b: BigFloat): number {
  const d = bfSub(a, b);
  return d.mant === 0n ? 0 : d.neg ? -1 : 1;
}

/** Shortest decimal digits (no trailing zeros) and decimal point position that round-trip at 64 bits. */
function shortest(a: BigFloat): { digits: string; dp: number } {
  // Scale x, and its half-ulp neighbours, to integers over 10^K.
  const m2 = a.mant * 2n;
  const e2 = a.exp - 1;
  let xi: bigint;
  let lo: bigint;
  let hi: bigint;
  let k: number;
  if (e2 >= 0) {
    const s = 1n << BigInt(e2);
    [xi, lo, hi, k] = [m2 * s, (m2 - 1n) * s, (m2 + 1n) * s, 0];
  } else {
    k = -e2;
    const f = 5n ** BigInt(k);
    [xi, lo, hi] = [m2 * f, (m2 - 1n) * f, (m2 + 1n) * f];
  }
  const inclusive = (a.mant & 1n) === 0n;
  const s = xi.toString();
  const len = s.length;
  for (let n = 1; n <= len; n++) {
    const unit = 10n ** BigInt(len - n);
    const down = (xi / unit) * unit;
    const up = down + unit;
    const okDown = down > lo || (inclusive && down === lo);
    const okUp = up < hi || (inclusive && up === hi);
    let pick: bigint | undefined;
    if (okDown && okUp) {
      const dd = xi - down;
      const du = up - xi;
      pick = dd < du ? down : du < dd ? up : ((down / unit) & 1n) === 0n ? down : up;
    } else if (okDown) pick = down;
    else if (okUp) pick = up;
    if (pick !== undefined) return trimDigits(pick.toString(), k);
  }
  return trimDigits(s, k);
}

function trimDigits(intDigits: string, k: number): { digits: string; dp: number } {
  const dp = intDigits.length - k;
  return { digits: intDigits.replace(/0+$/, '') || '0', dp };
}

/**
 * builtins.FloatToNumber: integers in 'f' format, others in 'g' format, both with the shortest
 * digits (big.Float.Text(fmt, -1)).
 */
export function bigFloatToNumber(a: BigFloat): NumberValue {
  const text = bigFloatText(a);
  const n = numFromText(text);
  if (n === undefined) throw new Error(`internal: bad float text ${text}`);
  return n;
}

export function bigFloatText(a: BigFloat): string {
  const sign = a.neg ? '-' : '';
  if (a.mant === 0n) return sign + '0';
  const { digits, dp } = shortest(a);
  if (bfIsInt(a)) return sign + digits.padEnd(dp, '0');
  const exp = dp - 1;
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  return `${sign}${digits.slice(0, dp).padEnd(dp, '0')}${digits.length > dp ? '.' + digits.slice(dp) : ''}`;
}
