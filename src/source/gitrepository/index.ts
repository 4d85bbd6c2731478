// gitrepository: reconciles Flux GitRepository objects into artifacts, status and events.
export { ConditionSet, GitRepositoryCondition } from './conditions.js';
export {
  deleteGitRepositoryArtifacts,
  reconcileGitRepository,
  type GitRepositoryDeps,
  type GitRepositoryReconcileResult,
} from './reconcile.js';
export * from './types.js';
