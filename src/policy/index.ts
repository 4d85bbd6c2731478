// The policy layer: the Rego engine, Gatekeeper's constraint framework (Rego and CEL engines),
// gator's test suites, the admission webhook and the audit.
export * from './rego/index.js';
export * from './gatekeeper/index.js';
export * from './verify/index.js';
export * from './admission/index.js';
export * from './audit/index.js';
