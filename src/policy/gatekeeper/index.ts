// Gatekeeper compatibility: ConstraintTemplates (Rego and K8sNativeValidation), constraints and
// their CRDs, matching, input.review, data.inventory and the review client.
export {
  CONFIG_GROUP,
  CONSTRAINTS_GROUP,
  CONSTRAINT_VERSIONS,
  Engine,
  EnforcementAction,
  EnforcementPoint,
  Process,
  TARGET_NAME,
  TEMPLATES_GROUP,
} from './constants.js';
export { GatekeeperError, GatekeeperReason, isGatekeeperError } from './errors.js';
export {
  DEFAULT_ENGINES,
  engineFor,
  parseConstraintTemplate,
  type ConstraintTemplate,
  type TemplateCode,
} from './template.js';
export { constraintCrd, constraintSchema, matchSchema } from './constraint-crd.js';
export {
  constraintIdentity,
  parseConstraint,
  type Constraint,
  type ScopedEnforcementAction,
} from './constraint.js';
export {
  matches,
  MatchError,
  parseMatch,
  wildcardMatches,
  type Match,
  type Matchable,
} from './match.js';
export { normalizeRequest, requestForObject, reviewInput, type ReviewSubject } from './review.js';
export { Inventory, inventoryPath } from './inventory.js';
export {
  ConstraintClient,
  scopedActions,
  type ClientOptions,
  type ReviewOptions,
  type ReviewResult,
} from './client.js';
