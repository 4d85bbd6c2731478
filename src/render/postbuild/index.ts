// postbuild: Flux's post-build variable substitution (spec.postBuild) over rendered objects.
export { envsubst, SubstitutionError } from './envsubst.js';
export type { EvalOptions, Lookup } from './envsubst.js';
export { mergeVariables, substituteVariables, SUBSTITUTE_ANNOTATION } from './substitute.js';
export type { KubeObject } from './substitute.js';
export type { SubstituteOptions } from './substitute.js';
