// controller: the controller runtime (work queue, jitter, ...) and one folder per reconciled kind.
export { WorkQueue } from './runtime/work-queue.js';
export type { Reconcile, ReconcileResult, WorkQueueOptions } from './runtime/work-queue.js';
export { jitter } from './runtime/jitter.js';
