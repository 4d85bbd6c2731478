// A compact way to declare a Go function's signature for the template engine.
import type { GoFunc, GoType, GoValue } from '../value.js';

export interface FnOptions {
  /** The element type of a final ...T parameter. */
  readonly variadic?: GoType;
  /** The function has a second, error result. */
  readonly errors?: boolean;
}

/** A template function: its Go parameter types, its result type and its implementation. */
export function fn(
  params: readonly GoType[],
  result: GoType,
  call: (...args: never[]) => GoValue | bigint,
  opts: FnOptions = {},
): GoFunc {
  return {
    params,
    result,
    call: call as (...a: GoValue[]) => GoValue | bigint,
    ...(opts.variadic ? { variadic: opts.variadic } : {}),
    ...(opts.errors ? { errors: true } : {}),
  };
}

/** A Go panic inside a template function: the template reports it as the call's error. */
export class GoPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoPanic';
  }
}
