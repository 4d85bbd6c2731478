// The Kubernetes CEL environment shared by the local cluster (CRD validation rules) and the
// policy engines: the libraries kube-apiserver v1.36 enables, compile (parse, check, estimate)
// and evaluation with the per-call cost limit.
import { parseCel } from './ast.js';
import { check, type CheckedExpr } from './checker.js';
import { callCost, estimateCost, type CostEstimate } from './cost.js';
import { CelCompileError } from './errors.js';
import { Interpreter, type EvalResult } from './interpreter.js';
import {
  mergeLibraries,
  type CallContext,
  type FunctionOverload,
  type Library,
} from './library.js';
import { AUTHZ, AUTHORIZER_TYPE } from './lib/authz.js';
import { FORMAT } from './lib/format.js';
import { EXT_LISTS, LISTS, SETS } from './lib/lists.js';
import { NET } from './lib/net.js';
import { OPTIONAL } from './lib/optional.js';
import { QUANTITY } from './lib/quantity.js';
import { REGEX } from './lib/regex.js';
import { SEMVER } from './lib/semver.js';
import { STD, withBufContext } from './lib/std.js';
import { URLS } from './lib/urls.js';
import { T, formatType, type CelT } from './types.js';
import type { CelValue, JsonStringParser } from './values.js';

/** kube-apiserver's limits (k8s.io/apiserver/pkg/apis/cel). */
export const CEL_LIMITS = {
  /** runtime cost one expression may spend */
  perCallLimit: 1_000_000,
  /** runtime cost all rules of one object may spend */
  runtimeBudget: 10_000_000,
  /** static estimate one expression may have */
  staticPerExpression: 10_000_000,
  /** static estimate all rules of one CRD version may have */
  staticPerCrd: 100_000_000,
  maxMessageExpressionLength: 5 * 1024,
} as const;

/** The libraries of kube-apiserver v1.36's base environment, in one function table. */
export const KUBERNETES_LIBRARIES: readonly Library[] = [
  STD,
  OPTIONAL,
  LISTS,
  EXT_LISTS,
  SETS,
  REGEX,
  URLS,
  QUANTITY,
  NET,
  FORMAT,
  SEMVER,
  AUTHZ,
];

export interface CelEnvOptions {
  /** variables and their types */
  readonly variables: ReadonlyMap<string, CelT>;
  /** more libraries on top of Kubernetes' (callers' own functions) */
  readonly libraries?: readonly Library[];
}

/** A compiled expression: its checked tree, static cost estimate and evaluator. */
export interface CelProgram {
  readonly source: string;
  readonly checked: CheckedExpr;
  readonly outputType: CelT;
  readonly estimate: CostEstimate;
  /** whether the expression references a variable (e.g. `oldSelf`) */
  uses(variable: string): boolean;
  /** Evaluates; throws CelEvalError (with costLimit set when the limit cancelled it). */
  evaluate(vars: ReadonlyMap<string, CelValue>, limit?: number, ctx?: CallContext): EvalResult;
}

export class KubernetesCelEnv {
  readonly functions: Map<string, FunctionOverload[]>;

  constructor(private readonly options: CelEnvOptions) {
    this.functions = mergeLibraries(...KUBERNETES_LIBRARIES, ...(options.libraries ?? []));
  }

  /** A copy with more (or other) variables. */
  extend(variables: ReadonlyMap<string, CelT>): KubernetesCelEnv {
    return new KubernetesCelEnv({
      ...this.options,
      variables: new Map([...this.options.variables, ...variables]),
    });
  }

  /** Parses, type-checks and estimates; throws CelCompileError with cel-go's wording. */
  compile(source: string): CelProgram {
    const parsed = parseCel(source);
    const checked = check({ variables: this.options.variables, functions: this.functions }, parsed);
    const interp = new Interpreter(checked, this.functions, callCost);
    const estimate = estimateCost(checked);
    return {
      source,
      checked,
      outputType: checked.output,
      estimate,
      uses: (v) => checked.varRefs.has(v),
      evaluate: (vars, limit = CEL_LIMITS.perCallLimit, ctx = {}) => interp.eval(vars, limit, ctx),
    };
  }
}

/**
 * Values of schema formats Kubernetes types specially: `date-time`/`date` strings as timestamps,
 * `duration` strings as durations, `byte` strings as bytes (invalid strings stay strings).
 */
export const parseFormatted: JsonStringParser = (typeName, s) => {
  switch (typeName) {
    case 'timestamp':
    case 'duration': {
      const impl = (STD.get(typeName) ?? []).find((o) => o.args[0] === T.string)?.impl;
      if (impl === undefined) return undefined;
      try {
        return withBufContext(() => impl([s], {}));
      } catch {
        return undefined;
      }
    }
    case 'bytes':
      return new Uint8Array(Buffer.from(s, 'base64'));
    default:
      return undefined;
  }
};

/** `compile` that reports a wrong output type as Kubernetes does. */
export function compileWithOutput(
  env: KubernetesCelEnv,
  source: string,
  output: CelT,
  what: string,
): CelProgram {
  const p = env.compile(source);
  if (formatType(p.outputType) !== formatType(output)) throw new CelOutputTypeError(what);
  return p;
}

export class CelOutputTypeError extends Error {
  constructor(what: string) {
    super(`${what}`);
    this.name = 'CelOutputTypeError';
  }
}

export { AUTHORIZER_TYPE, CelCompileError };
