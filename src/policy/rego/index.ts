// The Rego engine: parse, compile and evaluate OPA policies (v0 and v1 syntax) in process.
export { compile, compileParsed, Policy } from './eval-query.js';
export type {
  CompileOptions,
  DetailedResult,
  EvalOptions,
  QueryResult,
  RegoModuleSource,
} from './eval-query.js';
export { parseModule, parseQuery, RegoVersion } from './parser.js';
export type { Module, Term, Expr, Rule } from './ast.js';
export { runTests } from './test-runner.js';
export type { TestOutcome, TestResult, TestRunOptions, TestTraceEvent } from './test-runner.js';
export type { ParseOptions } from './parser.js';
export { RegoError, RegoErrorCode, isRegoError } from './errors.js';
export { defaultBuiltins } from './builtin-registry.js';
export { UNSUPPORTED_BUILTINS } from './compiler.js';
export type { Value } from './value.js';
export {
  EMPTY_OBJECT,
  fromJS,
  ObjectBuilder,
  objectFromRecord,
  str,
  toJS,
  valueToString,
} from './value.js';
export { parseYAML, YamlSyntaxError } from './yaml.js';
export { parseJSON, toJSON } from './json.js';
