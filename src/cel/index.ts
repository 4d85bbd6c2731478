// cel: the Kubernetes CEL environment (libraries, type checking, cost model and evaluation) over
// @bufbuild/cel, shared by the local cluster's CRD validation rules and the policy engines.
export {
  KubernetesCelEnv,
  parseFormatted,
  CEL_LIMITS,
  KUBERNETES_LIBRARIES,
  AUTHORIZER_TYPE,
  type CelProgram,
  type CelEnvOptions,
} from './env.js';
export {
  CelCompileError,
  CelEvalError,
  COST_LIMIT_MESSAGE,
  formatIssues,
  type CelIssue,
} from './errors.js';
export { T, formatType, type CelT } from './types.js';
export {
  schemaDeclType,
  maxCardinality,
  escapeName,
  MAX_REQUEST_SIZE,
  type OpenApiSchema,
  type DeclType,
} from './schema-types.js';
export {
  fromJson,
  CelOptional,
  celEquals,
  isCelList,
  isCelMap,
  type CelValue,
  type JsonStringParser,
} from './values.js';
export { authorizerValue } from './lib/authz.js';
export { MATH, ENCODERS, STRINGS_V3 } from './lib/extensions.js';
export type { Authorizer, AuthzAttributes, CallContext, Library } from './library.js';
export type { CostEstimate } from './cost.js';
export * from './admission/index.js';
