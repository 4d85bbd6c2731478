// core: pure types and helpers shared by every layer (errors, logging, metrics). No I/O of its own.
export * from './errors.js';
export * from './logging.js';
export * from './metrics.js';
export * from './duration.js';
export * from './conditions.js';
export { ConditionSet } from './condition-set.js';
export { Annotation, EventAnnotation } from './annotations.js';
export {
  labelSelectorRequirements,
  matchesLabels,
  matchesRequirement,
  parseLabelSelector,
  splitSelectorTerms,
  type LabelOperator,
  type LabelRequirement,
  type LabelSelectorObject,
} from './label-selector.js';
export { lazyRequire } from './lazy-require.js';
export { createServingPki, type ServingPki, type ServingPkiOptions } from './serving-pki.js';
export { hasOwnKey, ownValue, setOwnValue } from './own-keys.js';
export {
  answerMalformedUrl,
  decodePath,
  guardRequests,
  guardServer,
  listen,
  parseRequestUrl,
} from './http-guard.js';
export type { GuardOptions, RequestHandler } from './http-guard.js';
export { MAX_NESTING_DEPTH, exceedsNestingDepth } from './nesting.js';
export * from './read-fs.js';
export {
  FieldErrorType,
  GoValue,
  OMIT_VALUE,
  fieldErrorBody,
  fieldErrorString,
  type FieldError,
} from './field-errors.js';
export {
  applyDefaults,
  pruneUnknown,
  validateSchema,
  type SchemaNode,
} from './structural-schema.js';
export { jsonEqual } from './json-equal.js';
export * from './k8s-names.js';
