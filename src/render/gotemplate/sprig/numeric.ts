// Sprig's arithmetic: int64 operations through cast, float operations through shopspring/decimal,
// max/min/round/ceil/floor, atoi and toDecimal, with Go's division-by-zero panics.
import { sprint } from '../fmt.js';
import { parseInt64 } from '../strconv.js';
import { T } from '../value.js';
import type { GoFunc, GoValue } from '../value.js';
import { floatToInt64, toFloat64, toInt, toInt64 } from './cast.js';
import { GoPanic, fn } from './def.js';

const A = T.any;

function wrap64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** A shopspring/decimal value: value × 10^exp, exact. */
interface Dec {
  readonly value: bigint;
  readonly exp: number;
}

function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new GoPanic(`Cannot create a Decimal from ${sprint([f])}`);
  if (f === 0) return { value: 0n, exp: 0 };
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(f.toExponential()) as RegExpExecArray;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const dp = Number(m[4]) + 1;
  return { value: BigInt((m[1] ?? '') + digits), exp: dp - digits.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.exp, b.exp);
  return [a.value * 10n ** BigInt(a.exp - e), b.value * 10n ** BigInt(b.exp - e), e];
}

function decAdd(a: Dec, b: Dec): Dec {
  const [x, y, e] = align(a, b);
  return { value: x + y, exp: e };
}
function decSub(a: Dec, b: Dec): Dec {
  const [x, y, e] = align(a, b);
  return { value: x - y, exp: e };
}
function decMul(a: Dec, b: Dec): Dec {
  return { value: a.value * b.value, exp: a.exp + b.exp };
}
/** Decimal.Div: DivRound with DivisionPrecision 16 (half away from zero). */
function decDiv(d: Dec, d2: Dec): Dec {
  const precision = 16;
  if (d2.value === 0n) throw new GoPanic('decimal division by 0');
  const scale = -precision;
  const e = d.exp - d2.exp - scale;
  let aa: bigint;
  let bb: bigint;
  let scalerest: number;
  if (e < 0) {
    aa = d.value;
    bb = d2.value * 10n ** BigInt(-e);
    scalerest = d.exp;
  } else {
    aa = d.value * 10n ** BigInt(e);
    bb = d2.value;
    scalerest = scale + d2.exp;
  }
  const q = aa / bb;
  const r = aa % bb;
  const rv2 = (r < 0n ? -r : r) * 2n;
  // Compare 2·|r|·10^(scalerest+precision) with |d2|.
  const absD2 = d2.value < 0n ? -d2.value : d2.value;
  const left: Dec = { value: rv2, exp: scalerest + precision };
  const [l, rr] = align(left, { value: absD2, exp: d2.exp });
  const qd: Dec = { value: q, exp: scale };
  if (l < rr) return qd;
  const one: Dec = { value: 1n, exp: -precision };
  if (d.value < 0n !== d2.value < 0n && d.value !== 0n && d2.value !== 0n) return decSub(qd, one);
  return decAdd(qd, one);
}
function decFloat(d: Dec): number {
  return Number(`${d.value}e${d.exp}`);
}

function decimalOp(a: GoValue, b: GoValue[], op: (x: Dec, y: Dec) => Dec): number {
  let prt = decFromFloat(toFloat64(a));
  for (const x of b) prt = op(prt, decFromFloat(toFloat64(x)));
  return decFloat(prt);
}

function round(a: GoValue, p: number, ...rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? (rOpt[0] as number) : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, p);
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

export const numericFuncs: Readonly<Record<string, GoFunc>> = {
  atoi: fn([T.string], T.int, (a: string) => {
    try {
      return parseInt64(a.startsWith('+') || a.startsWith('-') ? a : a, 10, 64);
    } catch {
      return 0n;
    }
  }),
  int64: fn([A], T.int64, toInt64),
  int: fn([A], T.int, toInt),
  float64: fn([A], T.float64, toFloat64),
  toDecimal: fn([A], T.int64, (v: GoValue) => {
    try {
      return parseInt64(sprint([v ?? null]), 8, 64);
    } catch {
      return 0n;
    }
  }),
  add1: fn([A], T.int64, (i: GoValue) => wrap64(toInt64(i) + 1n)),
  add: fn(
    [],
    T.int64,
    (...xs: GoValue[]) => xs.reduce<bigint>((a, b) => wrap64(a + toInt64(b)), 0n),
    { variadic: A },
  ),
  sub: fn([A, A], T.int64, (a: GoValue, b: GoValue) => wrap64(toInt64(a) - toInt64(b))),
  div: fn([A, A], T.int64, (a: GoValue, b: GoValue) => {
    const d = toInt64(b);
    if (d === 0n) throw new GoPanic('runtime error: integer divide by zero');
    return wrap64(toInt64(a) / d);
  }),
  mod: fn([A, A], T.int64, (a: GoValue, b: GoValue) => {
    const d = toInt64(b);
    if (d === 0n) throw new GoPanic('runtime error: integer divide by zero');
    return toInt64(a) % d;
  }),
  mul: fn(
    [A],
    T.int64,
    (a: GoValue, ...v: GoValue[]) => v.reduce<bigint>((x, y) => wrap64(x * toInt64(y)), toInt64(a)),
    {
      variadic: A,
    },
  ),
  randInt: fn([T.int, T.int], T.int, (min: number, max: number) => {
    if (max - min <= 0) throw new GoPanic('invalid argument to Intn');
    return Math.floor(Math.random() * (max - min)) + min;
  }),
  add1f: fn([A], T.float64, (i: GoValue) => decimalOp(i, [1], decAdd)),
  addf: fn([], T.float64, (...i: GoValue[]) => decimalOp(0, i, decAdd), { variadic: A }),
  subf: fn([A], T.float64, (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, decSub), {
    variadic: A,
  }),
  divf: fn([A], T.float64, (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, decDiv), {
    variadic: A,
  }),
  mulf: fn([A], T.float64, (a: GoValue, ...v: GoValue[]) => decimalOp(a, v, decMul), {
    variadic: A,
  }),
  biggest: fn(
    [A],
    T.int64,
    (a: GoValue, ...i: GoValue[]) =>
      i.reduce<bigint>((x, y) => (toInt64(y) > x ? toInt64(y) : x), toInt64(a)),
    {
      variadic: A,
    },
  ),
  max: fn(
    [A],
    T.int64,
    (a: GoValue, ...i: GoValue[]) =>
      i.reduce<bigint>((x, y) => (toInt64(y) > x ? toInt64(y) : x), toInt64(a)),
    {
      variadic: A,
    },
  ),
  min: fn(
    [A],
    T.int64,
    (a: GoValue, ...i: GoValue[]) =>
      i.reduce<bigint>((x, y) => (toInt64(y) < x ? toInt64(y) : x), toInt64(a)),
    {
      variadic: A,
    },
  ),
  maxf: fn(
    [A],
    T.float64,
    (a: GoValue, ...i: GoValue[]) =>
      i.reduce<number>((x, y) => goMax(x, toFloat64(y)), toFloat64(a)),
    {
      variadic: A,
    },
  ),
  minf: fn(
    [A],
    T.float64,
    (a: GoValue, ...i: GoValue[]) =>
      i.reduce<number>((x, y) => goMin(x, toFloat64(y)), toFloat64(a)),
    {
      variadic: A,
    },
  ),
  ceil: fn([A], T.float64, (a: GoValue) => Math.ceil(toFloat64(a))),
  floor: fn([A], T.float64, (a: GoValue) => Math.floor(toFloat64(a))),
  round: fn([A, T.int], T.float64, round, { variadic: T.float64 }),
};

/** math.Max / math.Min (NaN wins, signed zeros ordered). */
function goMax(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}
function goMin(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}

export { floatToInt64 };
