// Rego errors with OPA's error codes and message wording (ast/errors.go and topdown/errors.go).

/** OPA's error codes. */
export const RegoErrorCode = {
  ParseError: 'rego_parse_error',
  CompileError: 'rego_compile_error',
  TypeError: 'rego_type_error',
  UnsafeVarError: 'rego_unsafe_var_error',
  RecursionError: 'rego_recursion_error',
  InvalidBuiltinError: 'rego_invalid_builtin_error',
  EvalConflictError: 'eval_conflict_error',
  EvalTypeError: 'eval_type_error',
  EvalBuiltinError: 'eval_builtin_error',
  EvalWithMergeError: 'eval_with_merge_error',
  EvalCancelError: 'eval_cancel_error',
  EvalInternalError: 'eval_internal_error',
} as const;
export type RegoErrorCode = (typeof RegoErrorCode)[keyof typeof RegoErrorCode];

/** Where an error happened: file (may be empty), 1-based row and column. */
export interface RegoLocation {
  readonly file: string;
  readonly row: number;
  readonly col: number;
}

/**
 * A Rego error. `detail` is OPA's bare message; `message` is the formatted form OPA prints
 * ("file:row: code: detail", or "row:col: code: detail" without a file, or "code: detail").
 */
export class RegoError extends Error {
  override readonly name = 'RegoError';
  /** Mutable so the evaluator can attach the location of the call that failed. */
  location: RegoLocation | undefined;

  constructor(
    readonly code: RegoErrorCode,
    readonly detail: string,
    location?: RegoLocation,
  ) {
    super(formatRegoError(code, detail, location));
    this.location = location;
  }

  /** A copy of this error at the given location (keeps an existing location). */
  at(location: RegoLocation | undefined): RegoError {
    if (this.location !== undefined || location === undefined) return this;
    return new RegoError(this.code, this.detail, location);
  }
}

/** OPA's Error() formatting: file:row prefix when a file is known, else row:col. */
export function formatRegoError(
  code: string,
  detail: string,
  location: RegoLocation | undefined,
): string {
  const msg = `${code}: ${detail}`;
  if (location === undefined) return msg;
  const prefix =
    location.file.length > 0
      ? `${location.file}:${location.row}`
      : `${location.row}:${location.col}`;
  return `${prefix}: ${msg}`;
}

export function isRegoError(e: unknown): e is RegoError {
  return e instanceof RegoError;
}

/**
 * builtins.NewOperandTypeErr as topdown reports it: "NAME: operand N must be T but got G", or with
 * several expected types "NAME: operand N must be one of {T1, T2} but got G". `got` is OPA's type
 * name of the actual value (value.ts typeName).
 */
export function operandTypeError(
  name: string,
  pos: number,
  got: string,
  ...expected: readonly string[]
): RegoError {
  const want = expected.length === 1 ? expected[0]! : `one of {${expected.join(', ')}}`;
  return new RegoError(
    RegoErrorCode.EvalTypeError,
    `${name}: operand ${pos} must be ${want} but got ${got}`,
  );
}

/**
 * builtins.NewOperandElementErr: "NAME: operand N must be array of strings but got array
 * containing number" (several expected: "must be set of (any of) {a, b} but got ...").
 */
export function operandElementError(
  name: string,
  pos: number,
  composite: string,
  got: string,
  ...expected: readonly string[]
): RegoError {
  const want = expected.length === 1 ? `${expected[0]!}s` : `(any of) {${expected.join(', ')}}`;
  return new RegoError(
    RegoErrorCode.EvalTypeError,
    `${name}: operand ${pos} must be ${composite} of ${want} but got ${composite} containing ${got}`,
  );
}

/** builtins.NewOperandEnumErr: "NAME: operand N must be X" or "... must be one of {a, b}". */
export function operandEnumError(
  name: string,
  pos: number,
  ...expected: readonly string[]
): RegoError {
  const want = expected.length === 1 ? expected[0]! : `one of {${expected.join(', ')}}`;
  return new RegoError(RegoErrorCode.EvalTypeError, `${name}: operand ${pos} must be ${want}`);
}

/** builtins.NewOperandErr: "NAME: operand N MESSAGE", a type error with free text. */
export function operandError(name: string, pos: number, message: string): RegoError {
  return new RegoError(RegoErrorCode.EvalTypeError, `${name}: operand ${pos} ${message}`);
}

/** "NAME: MESSAGE" with code eval_builtin_error: any other built-in failure. */
export function builtinError(name: string, message: string): RegoError {
  return new RegoError(RegoErrorCode.EvalBuiltinError, `${name}: ${message}`);
}
