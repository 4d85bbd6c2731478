// merge: the local cluster's patch engines (JSON, merge, strategic merge), server-side apply and built-in schemas. Pure functions, no I/O.
export type { KubeObject, SchemaNode } from './types.js';
export { PatchError, ApplyConflictError } from './errors.js';
export type { ApplyConflict, ConflictCause, ConflictingManager } from './errors.js';
export { loadBuiltinSchemas } from './builtin-schemas.js';
export type { BuiltinSchemas } from './builtin-schemas.js';
export { applyJsonPatch } from './json-patch.js';
export { jsonClone } from './json-value.js';
export { applyMergePatch } from './merge-patch.js';
export { serverSideApply, trackUpdate } from './server-side-apply.js';
export {
  applyStrategicMergePatch,
  STRATEGIC_MERGE_PATCH_UNSUPPORTED,
} from './strategic-merge-patch.js';
