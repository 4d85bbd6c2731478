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
export { hasOwnKey, ownValue, setOwnValue } from './own-keys.js';
export {
  answerMalformedUrl,
  decodePath,
  guardRequests,
  guardServer,
  parseRequestUrl,
} from './http-guard.js';
export type { GuardOptions, RequestHandler } from './http-guard.js';
export { MAX_NESTING_DEPTH, exceedsNestingDepth } from './nesting.js';
