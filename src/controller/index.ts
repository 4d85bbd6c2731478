// controller: the controller runtime and the reconcilers of Flux's kinds, composed by startControllers.
export { WorkQueue } from './runtime/work-queue.js';
export type { Reconcile, ReconcileResult, WorkQueueOptions } from './runtime/work-queue.js';
export { jitter } from './runtime/jitter.js';
export { LeaderElector } from './runtime/leader-election.js';
export type { LeaderElectionOptions } from './runtime/leader-election.js';
export { EventRecorder, EventType } from './runtime/event-recorder.js';
export { ControllerManager } from './runtime/manager.js';
export type { ControllerRegistration, ObjectKey } from './runtime/manager.js';
export { startHealthServer } from './runtime/health-server.js';
export { startControllers } from './controllers.js';
export type { ControllersOptions, RunningControllers } from './controllers.js';
export { CRD_DIR, installCrds, loadCrds } from './crds.js';
export * from './kustomization/types.js';
export { kustomizationController } from './kustomization/controller.js';
export { targetClients as kustomizationTargetClients } from './runtime/target-clients.js';
export { fluxBuild } from './kustomization/build.js';
export { withCommonMetadata } from './kustomization/apply.js';
export { kustomizationKind, reconcileKustomization } from './kustomization/kind.js';
export { readSecret } from './runtime/secrets.js';
export { loadSubstituteFrom } from './kustomization/variables.js';
export type { BuildInput, BuildManifests, KustomizationDeps } from './kustomization/work.js';
export * from './gitrepository/types.js';
export { GitRepositoryCondition } from './gitrepository/conditions.js';
export {
  deleteGitRepositoryArtifacts,
  gitRepositoryKind,
  reconcileGitRepository,
} from './gitrepository/kind.js';
export type { GitRepositoryDeps } from './gitrepository/work.js';
export { gitRepositoryController } from './gitrepository/controller.js';
export { bucketKind, reconcileBucket } from './bucket/kind.js';
export type { BucketReconcileDeps } from './bucket/work.js';
export { bucketController } from './bucket/controller.js';
// The reconciler contract, for new kinds.
export * from './runtime/kind.js';
export * from './runtime/reconcile-error.js';
export { reconcileObject } from './runtime/reconcile-object.js';
export {
  reconcilerFor,
  type ReconcilerOptions,
  type RuntimeOptions,
} from './runtime/reconciler.js';
export { ReconcileMetrics } from './runtime/reconcile-metrics.js';
