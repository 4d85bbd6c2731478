// Operand checks for the extended built-ins, with OPA's topdown/builtins error wording.
import { builtinError, operandError, RegoError } from '../errors.js';
import type { ArrayValue, NumberValue, ObjectValue, Value } from '../value.js';

/** "NAME: operand N must be T but got G" or "... must be one of {A, B} but got G". */
export function typeErr(
  name: string,
  pos: number,
  got: Value,
  ...expected: readonly string[]
): RegoError {
  const want = expected.length === 1 ? expected[0]! : `one of {${expected.join(', ')}}`;
  return operandError(name, pos, `must be ${want} but got ${got.kind}`);
}

/** "NAME: operand N must be array of Ts but got array containing G". */
export function elementErr(
  name: string,
  pos: number,
  composite: Value,
  got: Value,
  expected: string,
): RegoError {
  return operandError(
    name,
    pos,
    `must be ${composite.kind} of ${expected}s but got ${composite.kind} containing ${got.kind}`,
  );
}

export function stringArg(name: string, args: readonly Value[], pos: number): string {
  const v = args[pos - 1]!;
  if (v.kind !== 'string') throw typeErr(name, pos, v, 'string');
  return v.value;
}

export function numberArg(name: string, args: readonly Value[], pos: number): NumberValue {
  const v = args[pos - 1]!;
  if (v.kind !== 'number') throw typeErr(name, pos, v, 'number');
  return v;
}

/** builtins.IntOperand: a number that is an integer (Go int: 64 bits). */
export function intArg(name: string, args: readonly Value[], pos: number): number {
  const n = numberArg(name, args, pos);
  const b = n.toBigInt();
  if (b === undefined)
    throw operandError(name, pos, 'must be integer number but got floating-point number');
  if (b > 9223372036854775807n || b < -9223372036854775808n) {
    throw operandError(name, pos, 'must be integer number but got floating-point number');
  }
  return Number(b);
}

export function objectArg(name: string, args: readonly Value[], pos: number): ObjectValue {
  const v = args[pos - 1]!;
  if (v.kind !== 'object') throw typeErr(name, pos, v, 'object');
  return v;
}

export function arrayArg(name: string, args: readonly Value[], pos: number): ArrayValue {
  const v = args[pos - 1]!;
  if (v.kind !== 'array') throw typeErr(name, pos, v, 'array');
  return v;
}

/** Wraps a failure of library code as "NAME: message" (eval_builtin_error). */
export function wrapError(name: string, e: unknown): RegoError {
  if (e instanceof RegoError) return e;
  return builtinError(name, e instanceof Error ? e.message : String(e));
}

/** Runs f and turns any non-Rego exception into an eval_builtin_error of the named built-in. */
export function guarded<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw wrapError(name, e);
  }
}
