// Operand checks shared by the core built-ins: each returns the unwrapped operand or throws OPA's type error.

import { operandElementError, operandError, operandTypeError } from '../errors.js';
import type { ArrayValue, NumberValue, ObjectValue, SetValue, Value } from '../value.js';

export function stringOperand(name: string, v: Value, pos: number): string {
  if (v.kind !== 'string') throw operandTypeError(name, pos, v.kind, 'string');
  return v.value;
}

export function numberOperand(name: string, v: Value, pos: number): NumberValue {
  if (v.kind !== 'number') throw operandTypeError(name, pos, v.kind, 'number');
  return v;
}

/** builtins.IntOperand: a number that is an integer (OPA: "must be integer number but got floating-point number"). */
export function intOperand(name: string, v: Value, pos: number): number {
  const n = numberOperand(name, v, pos);
  const i = n.toSafeInt();
  if (i === undefined)
    throw operandError(name, pos, 'must be integer number but got floating-point number');
  return i;
}

/** builtins.BigIntOperand: any integer-valued number (1.0 counts), as bigint. */
export function bigIntOperand(name: string, v: Value, pos: number): bigint {
  if (v.kind !== 'number') throw operandTypeError(name, pos, v.kind, 'integer');
  const d = v.toDecimal();
  if (d.e >= 0) return d.m * 10n ** BigInt(d.e);
  const div = 10n ** BigInt(-d.e);
  if (d.m % div !== 0n)
    throw operandError(name, pos, 'must be integer number but got floating-point number');
  return d.m / div;
}

export function arrayOperand(name: string, v: Value, pos: number): ArrayValue {
  if (v.kind !== 'array') throw operandTypeError(name, pos, v.kind, 'array');
  return v;
}

export function setOperand(name: string, v: Value, pos: number): SetValue {
  if (v.kind !== 'set') throw operandTypeError(name, pos, v.kind, 'set');
  return v;
}

export function objectOperand(name: string, v: Value, pos: number): ObjectValue {
  if (v.kind !== 'object') throw operandTypeError(name, pos, v.kind, 'object');
  return v;
}

/** builtins.StringSliceOperand: an array or set of strings. */
export function stringsOperand(name: string, v: Value, pos: number): string[] {
  let items: readonly Value[];
  if (v.kind === 'array') items = v.items;
  else if (v.kind === 'set') items = v.sorted();
  else throw operandTypeError(name, pos, v.kind, 'array', 'set');
  return items.map((x) => {
    if (x.kind !== 'string') throw operandElementError(name, pos, v.kind, x.kind, 'string');
    return x.value;
  });
}

/** Elements of an array or set operand (sets in sorted order). */
export function collectionOperand(name: string, v: Value, pos: number): readonly Value[] {
  if (v.kind === 'array') return v.items;
  if (v.kind === 'set') return v.sorted();
  throw operandTypeError(name, pos, v.kind, 'set', 'array');
}
