// apply: Flotilla's apply engine — staged server-side apply with drift detection, diff, wait, prune, health.
export * from './changeset.js';
export * from './object-id.js';
export * from './inventory.js';
export * from './sort.js';
export * from './options.js';
export * from './normalize.js';
export * from './drift.js';
export * from './errors.js';
export * from './cleanup.js';
export * from './verified-cache.js';
export * from './mask.js';
export * from './human-diff.js';
export { stageOf } from './apply.js';
export type { DiffResult } from './diff.js';
export type { DeleteFailure, PruneResult } from './delete.js';
export type { ObjectHealth } from './wait.js';
export * from './resource-manager.js';
export * from './health/index.js';
