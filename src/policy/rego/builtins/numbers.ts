// Number built-ins: to_number, numbers.range, numbers.range_step, bits.*, and the deprecated casts (cast_*, set_diff).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError, operandError, operandTypeError } from '../errors.js';
import {
  arr,
  goQuote,
  num,
  numFromBigInt,
  numFromText,
  setOf,
  type NumberValue,
  type Value,
} from '../value.js';
import { bigIntOperand, setOperand } from './operands.js';

const GO_FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A Go-syntax decimal float text (strconv.ParseFloat's decimal form) as an exact number, or undefined. */
export function parseGoDecimal(text: string): NumberValue | undefined {
  if (!GO_FLOAT_RE.test(text)) return undefined;
  let t = text.startsWith('+') ? text.slice(1) : text;
  const neg = t.startsWith('-');
  if (neg) t = t.slice(1);
  const [m0 = '', exp] = t.split(/[eE]/);
  let mant = m0;
  if (mant.startsWith('.')) mant = '0' + mant;
  if (mant.endsWith('.')) mant = mant.slice(0, -1);
  mant = mant.replace(/^0+(?=\d)/, '');
  const expPart = exp === undefined ? '' : `e${exp}`;
  return numFromText((neg ? '-' : '') + mant + expPart);
}

const SPECIAL_FLOATS = new Set(['nan', 'inf', 'infinity']);

function toNumber(v: Value): Value {
  switch (v.kind) {
    case 'null':
      return num(0);
    case 'boolean':
      return num(v.value ? 1 : 0);
    case 'number':
      return v;
    case 'string': {
      const lower = v.value.toLowerCase().replace(/^[+-]+/, '');
      if (SPECIAL_FLOATS.has(lower))
        throw operandTypeError('to_number', 1, v.kind, 'valid number string');
      const n = parseGoDecimal(v.value);
      if (n === undefined) {
        throw builtinError(
          'to_number',
          `strconv.ParseFloat: parsing ${goQuote(v.value)}: invalid syntax`,
        );
      }
      if (!Number.isFinite(n.f)) {
        throw builtinError(
          'to_number',
          `strconv.ParseFloat: parsing ${goQuote(v.value)}: value out of range`,
        );
      }
      return n;
    }
    default:
      throw operandTypeError('to_number', 1, v.kind, 'null', 'boolean', 'number', 'string');
  }
}

function range(from: bigint, to: bigint, step: bigint): Value {
  const out: Value[] = [];
  if (from <= to) for (let i = from; i <= to; i += step) out.push(numFromBigInt(i));
  else for (let i = from; i >= to; i -= step) out.push(numFromBigInt(i));
  return arr(out);
}

function bits2(name: string, f: (x: bigint, y: bigint) => bigint): BuiltinDef {
  return {
    name,
    args: [T.number, T.number],
    result: T.number,
    impl: ([a, b]) => numFromBigInt(f(bigIntOperand(name, a!, 1), bigIntOperand(name, b!, 2))),
  };
}

function shift(name: string, f: (x: bigint, s: bigint) => bigint): BuiltinDef {
  return {
    name,
    args: [T.number, T.number],
    result: T.number,
    impl: ([a, b]) => {
      const x = bigIntOperand(name, a!, 1);
      const s = bigIntOperand(name, b!, 2);
      if (s < 0n)
        throw operandError(
          name,
          2,
          'must be an unsigned integer number but got a negative integer',
        );
      return numFromBigInt(f(x, s));
    },
  };
}

function cast(name: string, kind: Value['kind'], result = T.any): BuiltinDef {
  return {
    name,
    deprecated: true,
    args: [T.any],
    result,
    impl: ([v]) => {
      if (v!.kind !== kind) throw operandTypeError(name, 1, v!.kind, kind);
      return v;
    },
  };
}

export const NUMBER_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'to_number',
    args: [T.anyOf(T.null, T.boolean, T.number, T.string)],
    result: T.number,
    impl: ([v]) => toNumber(v!),
  },
  {
    name: 'numbers.range',
    args: [T.number, T.number],
    result: T.arrayOf(T.number),
    impl: ([a, b]) =>
      range(bigIntOperand('numbers.range', a!, 1), bigIntOperand('numbers.range', b!, 2), 1n),
  },
  {
    name: 'numbers.range_step',
    args: [T.number, T.number, T.number],
    result: T.arrayOf(T.number),
    impl: ([a, b, c]) => {
      const from = bigIntOperand('numbers.range_step', a!, 1);
      const to = bigIntOperand('numbers.range_step', b!, 2);
      const step = bigIntOperand('numbers.range_step', c!, 3);
      if (step <= 0n) throw builtinError('numbers.range_step', 'step must be a positive integer');
      return range(from, to, step);
    },
  },
  bits2('bits.or', (x, y) => x | y),
  bits2('bits.and', (x, y) => x & y),
  bits2('bits.xor', (x, y) => x ^ y),
  {
    name: 'bits.negate',
    args: [T.number],
    result: T.number,
    impl: ([a]) => numFromBigInt(~bigIntOperand('bits.negate', a!, 1)),
  },
  shift('bits.lsh', (x, s) => x << s),
  shift('bits.rsh', (x, s) => x >> s),
  // Deprecated casts OPA still ships (v0 policies use them).
  {
    name: 'cast_array',
    deprecated: true,
    args: [T.any],
    result: T.arrayOf(T.any),
    impl: (args) => {
      const v = args[0]!;
      if (v.kind === 'array') return v;
      if (v.kind === 'set') return arr(v.sorted());
      throw operandTypeError('cast_array', 1, v.kind, 'array', 'set');
    },
  },
  {
    name: 'cast_set',
    deprecated: true,
    args: [T.any],
    result: T.setOf(T.any),
    impl: (args) => {
      const v = args[0]!;
      if (v.kind === 'set') return v;
      if (v.kind === 'array') return setOf(v.items);
      throw operandTypeError('cast_set', 1, v.kind, 'set', 'array');
    },
  },
  cast('cast_string', 'string', T.string),
  cast('cast_boolean', 'boolean', T.boolean),
  cast('cast_null', 'null', T.null),
  cast('cast_object', 'object', T.objectOf(T.any, T.any)),
  {
    name: 'set_diff',
    deprecated: true,
    args: [T.setOf(T.any), T.setOf(T.any)],
    result: T.setOf(T.any),
    impl: ([a, b]) => {
      const x = setOperand('set_diff', a!, 1);
      const y = setOperand('set_diff', b!, 2);
      return setOf(x.unordered().filter((e) => !y.has(e)));
    },
  },
];
