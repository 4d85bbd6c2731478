// The Kustomization kind (kustomize.toolkit.fluxcd.io/v1) on the reconciler contract: Flux's
// kustomize-controller phases as sub-reconcilers — dependencies, source, build, apply, prune,
// health, ready — each leaving a clear condition. A failed phase never deletes or half-applies:
// every object is dry-run before anything is written, and prune runs only after a good apply.
import type { ReconcileOutcome, ReconcilerKind } from '../runtime/kind.js';
import { reconcileObject } from '../runtime/reconcile-object.js';
import { reconcileApply, reconcilePrune } from './apply.js';
import { reconcileBuild } from './build.js';
import { kustomizationConditions } from './conditions.js';
import { reconcileDependencies } from './dependencies.js';
import { finalizeKustomization } from './finalize.js';
import { reconcileHealth, reconcileReady } from './health.js';
import { reconcileSource } from './source.js';
import {
  KUSTOMIZATION_API_VERSION,
  KUSTOMIZATION_KIND,
  type Kustomization,
  type KustomizationStatus,
} from './types.js';
import type { KustomizationDeps, KustomizationWork } from './work.js';

export const kustomizationKind: ReconcilerKind<
  Kustomization,
  KustomizationDeps,
  KustomizationWork
> = {
  apiVersion: KUSTOMIZATION_API_VERSION,
  kind: KUSTOMIZATION_KIND,
  conditions: kustomizationConditions,
  work: () => ({}),
  steps: [
    reconcileDependencies,
    reconcileSource,
    reconcileBuild,
    reconcileApply,
    reconcilePrune,
    reconcileHealth,
    reconcileReady,
  ],
  finalize: finalizeKustomization,
};

/** Reconciles one Kustomization (status, events, requeue); the objects are applied for real. */
export function reconcileKustomization(
  ks: Kustomization,
  deps: KustomizationDeps,
): Promise<ReconcileOutcome<KustomizationStatus>> {
  return reconcileObject(kustomizationKind, ks, deps);
}
