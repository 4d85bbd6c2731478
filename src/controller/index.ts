// controller: the controller runtime and the reconcilers of Flux's kinds, composed by startControllers.
export { WorkQueue } from './runtime/work-queue.js';
export type { Reconcile, ReconcileResult, WorkQueueOptions } from './runtime/work-queue.js';
export { jitter } from './runtime/jitter.js';
export { LeaderElector } from './runtime/leader-election.js';
export type { LeaderElectionOptions } from './runtime/leader-election.js';
export { EventRecorder, EventType } from './runtime/event-recorder.js';
export { ControllerManager, REQUESTED_AT_ANNOTATION } from './runtime/manager.js';
export type { ControllerRegistration, ObjectKey } from './runtime/manager.js';
export { startHealthServer } from './runtime/health-server.js';
export { startControllers } from './controllers.js';
export type { ControllersOptions, RunningControllers } from './controllers.js';
export { CRD_DIR, installCrds, loadCrds } from './crds.js';
export * from './kustomization/types.js';
export {
  kustomizationController,
  fluxBuild,
  targetClients as kustomizationTargetClients,
} from './kustomization/controller.js';
export { kustomizationReconciler, withCommonMetadata } from './kustomization/reconciler.js';
export { readSecret } from './sources/secrets.js';
export { loadSubstituteFrom } from './kustomization/variables.js';
export type { BuildInput, BuildManifests } from './kustomization/reconciler.js';
export { gitRepositoryController } from './sources/gitrepository.js';
export { bucketController } from './sources/bucket.js';
