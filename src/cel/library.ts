// How the environment's functions are declared and implemented: each library contributes
// overloads (for the checker) with an implementation each, and optionally runtime and static
// cost functions (Kubernetes' CostEstimator).
import { CelEvalError } from './errors.js';
import type { Overload } from './checker.js';
import type { CelT } from './types.js';
import type { CelValue } from './values.js';

/** What a function implementation may need besides its arguments. */
export interface CallContext {
  /** Calls back into the interpreter for optional `or`/`orValue` laziness and authorizer checks. */
  readonly authorizer?: Authorizer;
}

/** The `authorizer` variable's backing, provided by the caller (admission policies). */
export interface Authorizer {
  /** Whether the request's user may do `verb` on the resource or path; may fail with a reason. */
  check(attrs: AuthzAttributes): { allowed: boolean; reason: string; error?: string };
  /** The user name of the request (for serviceAccount() checks). */
  readonly user: string;
}

export interface AuthzAttributes {
  readonly path?: string;
  readonly group?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly verb: string;
  readonly user: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export type Impl = (args: CelValue[], ctx: CallContext) => CelValue;

/** One overload with its implementation. */
export interface FunctionOverload extends Overload {
  readonly impl: Impl;
}

/** A library: functions keyed by name (a member function's receiver is its first argument). */
export type Library = ReadonlyMap<string, readonly FunctionOverload[]>;

/** Builds a library from `name → overloads` entries. */
export function library(entries: Record<string, FunctionOverload[]>): Library {
  return new Map(Object.entries(entries));
}

export function member(id: string, args: CelT[], result: CelT, impl: Impl): FunctionOverload {
  return { id, member: true, args, result, impl };
}

export function global(id: string, args: CelT[], result: CelT, impl: Impl): FunctionOverload {
  return { id, member: false, args, result, impl };
}

/** Merges libraries; overloads of the same function name are concatenated. */
export function mergeLibraries(...libs: Library[]): Map<string, FunctionOverload[]> {
  const out = new Map<string, FunctionOverload[]>();
  for (const lib of libs)
    for (const [name, ovs] of lib) out.set(name, [...(out.get(name) ?? []), ...ovs]);
  return out;
}

export function fail(message: string): never {
  throw new CelEvalError(message);
}

export function asString(v: CelValue): string {
  if (typeof v !== 'string') fail('no such overload');
  return v;
}

export function asInt(v: CelValue): bigint {
  if (typeof v !== 'bigint') fail('no such overload');
  return v;
}
