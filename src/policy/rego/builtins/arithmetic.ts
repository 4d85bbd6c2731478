// Arithmetic built-ins (plus, minus, mul, div, rem, abs, round, ceil, floor) with OPA's int / big.Int / big.Float semantics.

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError, operandTypeError } from '../errors.js';
import {
  EMPTY_SET,
  num,
  numFromBigInt,
  SetBuilder,
  type NumberValue,
  type Value,
} from '../value.js';
import {
  bfAdd,
  bfFromBigInt,
  bfIsInt,
  bfMul,
  bfNeg,
  bfQuo,
  bfSub,
  bfTrunc,
  bigFloatToNumber,
  toBigFloat,
  type BigFloat,
} from './big-float.js';
import { numberOperand } from './operands.js';

/** A plain JS integer when the number is an integer literal in the safe range (OPA's int64 fast path). */
function plainInt(n: NumberValue): number | undefined {
  if (n.big !== undefined || !Number.isSafeInteger(n.f)) return undefined;
  if (n.text !== undefined && !/^-?[0-9]+$/.test(n.text)) return undefined;
  return n.f;
}

/** builtins.NumberToInt: any integer-valued number (also 1.0 and 1e2) as an exact bigint. */
export function exactInt(n: NumberValue): bigint | undefined {
  const p = plainInt(n);
  if (p !== undefined) return BigInt(p);
  if (n.big !== undefined) return n.big;
  const d = n.toDecimal();
  if (d.e >= 0) return d.m * 10n ** BigInt(d.e);
  const div = 10n ** BigInt(-d.e);
  return d.m % div === 0n ? d.m / div : undefined;
}

function intResult(r: number): NumberValue {
  return Number.isSafeInteger(r) ? num(r) : numFromBigInt(BigInt(r));
}

interface ArithOp {
  readonly small?: (x: number, y: number) => NumberValue | undefined;
  readonly exact?: (x: bigint, y: bigint) => bigint;
  readonly float?: (x: BigFloat, y: BigFloat) => BigFloat;
  readonly noFloat?: string;
}

function evalArith(name: string, op: ArithOp, a: NumberValue, b: NumberValue): NumberValue {
  const x = plainInt(a);
  const y = plainInt(b);
  if (x !== undefined && y !== undefined && op.small) {
    const r = op.small(x, y);
    if (r !== undefined) return r;
  }
  if (op.exact) {
    const xi = exactInt(a);
    const yi = exactInt(b);
    if (xi !== undefined && yi !== undefined) return numFromBigInt(op.exact(xi, yi));
  }
  if (!op.float) throw builtinError(name, op.noFloat ?? 'unsupported operand');
  return bigFloatToNumber(op.float(toBigFloat(a), toBigFloat(b)));
}

const PLUS: ArithOp = { small: (x, y) => intResult(x + y), exact: (x, y) => x + y, float: bfAdd };
const MINUS: ArithOp = { small: (x, y) => intResult(x - y), exact: (x, y) => x - y, float: bfSub };
const MUL: ArithOp = {
  small: (x, y) => {
    const r = x * y;
    return Number.isSafeInteger(r) ? num(r) : undefined;
  },
  exact: (x, y) => x * y,
  float: bfMul,
};

function divideByZero(): never {
  throw builtinError('div', 'divide by zero');
}

const DIV: ArithOp = {
  small: (x, y) => {
    if (y === 0) divideByZero();
    return x !== 0 && x % y === 0 ? intResult(x / y) : undefined;
  },
  float: (x, y) => {
    if (y.mant === 0n) divideByZero();
    return bfQuo(x, y);
  },
};

const REM: ArithOp = {
  small: (x, y) => {
    if (y === 0) throw builtinError('rem', 'modulo by zero');
    return num(x % y === 0 ? 0 : x % y);
  },
  exact: (x, y) => {
    if (y === 0n) throw builtinError('rem', 'modulo by zero');
    return x % y;
  },
  noFloat: 'modulo on floating-point number',
};

function binary(name: string, op: ArithOp): BuiltinDef {
  return {
    name,
    args: [T.number, T.number],
    result: T.number,
    impl: ([a, b]) => evalArith(name, op, numberOperand(name, a!, 1), numberOperand(name, b!, 2)),
  };
}

const HALF = toBigFloat(num(0.5));
const ONE = bfFromBigInt(1n);

function unary(
  name: string,
  small: (x: number) => number,
  float: (x: BigFloat) => BigFloat,
): BuiltinDef {
  return {
    name,
    args: [T.number],
    result: T.number,
    impl: ([a]) => {
      const n = numberOperand(name, a!, 1);
      const x = plainInt(n);
      if (x !== undefined) return intResult(small(x));
      return bigFloatToNumber(float(toBigFloat(n)));
    },
  };
}

const isNegative = (x: BigFloat): boolean => x.neg && x.mant !== 0n;
const truncated = (x: BigFloat): BigFloat => bfFromBigInt(bfTrunc(x));

/** minus: numbers, or set difference. */
function minus(args: readonly Value[]): Value {
  const [a, b] = args as [Value, Value];
  if (a.kind === 'number' && b.kind === 'number') return evalArith('minus', MINUS, a, b);
  if (a.kind === 'set' && b.kind === 'set') {
    const out = new SetBuilder();
    for (const e of a.unordered()) if (!b.has(e)) out.add(e);
    return out.size === 0 ? EMPTY_SET : out.build();
  }
  if (a.kind !== 'number' && a.kind !== 'set')
    throw operandTypeError('minus', 1, a.kind, 'number', 'set');
  if (a.kind === 'set') throw operandTypeError('minus', 2, b.kind, 'set');
  throw operandTypeError('minus', 2, b.kind, 'number');
}

export const ARITHMETIC_BUILTINS: readonly BuiltinDef[] = [
  binary('plus', PLUS),
  {
    name: 'minus',
    args: [T.anyOf(T.number, T.setOf(T.any)), T.anyOf(T.number, T.setOf(T.any))],
    result: T.anyOf(T.number, T.setOf(T.any)),
    impl: minus,
  },
  binary('mul', MUL),
  binary('div', DIV),
  binary('rem', REM),
  unary('abs', Math.abs, (x) => (x.neg ? bfNeg(x) : x)),
  unary(
    'round',
    (x) => x,
    (x) => truncated(x.neg ? bfSub(x, HALF) : bfAdd(x, HALF)),
  ),
  // OPA decides by the sign bit of the truncated value, so ceil(-0.5) is 1 and floor(-0.5) is 0
  // (the truncation is +0); kept as OPA does it.
  unary(
    'ceil',
    (x) => x,
    (x) => {
      const t = truncated(x);
      return isNegative(t) || bfIsInt(x) ? t : bfAdd(t, ONE);
    },
  ),
  unary(
    'floor',
    (x) => x,
    (x) => {
      const t = truncated(x);
      return !isNegative(t) || bfIsInt(x) ? t : bfSub(t, ONE);
    },
  ),
];
