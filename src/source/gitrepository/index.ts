// gitrepository: reconciles Flux GitRepository objects into artifacts, status and events.
export { ConditionType, Conditions } from './conditions.js';
export { parseDuration } from './duration.js';
export {
  reconcileGitRepository,
  type GitRepositoryDeps,
  type GitRepositoryReconcileResult,
} from './reconcile.js';
export * from './types.js';
