// The policy layer: the Rego engine (Gatekeeper compatibility, admission and audit build on it).
export * from './rego/index.js';
