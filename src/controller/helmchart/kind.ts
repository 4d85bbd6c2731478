// The HelmChart kind (source.toolkit.fluxcd.io/v1) on the reconciler contract: its
// sub-reconcilers in Flux's order and its conditions; reconcileHelmChart runs them on one object
// without any Kubernetes client (tests).
import type { ReconcileOutcome, ReconcilerKind } from '../runtime/kind.js';
import { reconcileObject } from '../runtime/reconcile-object.js';
import { markReconciling, reconcileStorage, removeArtifacts } from '../sources/artifact-storage.js';
import { reconcileHelmChartArtifact } from './artifact.js';
import { helmChartConditions } from './conditions.js';
import { reconcileHelmChartSource } from './source.js';
import {
  HELMCHART_API_VERSION,
  HELMCHART_KIND,
  type HelmChart,
  type HelmChartStatus,
} from './types.js';
import type { HelmChartDeps, HelmChartWork } from './work.js';

export const helmChartKind: ReconcilerKind<HelmChart, HelmChartDeps, HelmChartWork> = {
  apiVersion: HELMCHART_API_VERSION,
  kind: HELMCHART_KIND,
  conditions: helmChartConditions,
  failureReason: 'ChartPullError',
  steps: [markReconciling, reconcileStorage, reconcileHelmChartSource, reconcileHelmChartArtifact],
  finalize: removeArtifacts(HELMCHART_KIND),
};

/** Reconciles one HelmChart: builds the chart from its source and stores it when it changed. */
export function reconcileHelmChart(
  obj: HelmChart,
  deps: HelmChartDeps,
): Promise<ReconcileOutcome<HelmChartStatus>> {
  return reconcileObject(helmChartKind, obj, deps);
}
