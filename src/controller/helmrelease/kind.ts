// The HelmRelease kind (helm.toolkit.fluxcd.io/v2) on the reconciler contract: its
// sub-reconcilers in helm-controller's order and its conditions; on deletion the release is
// uninstalled and the generated HelmChart deleted.
import { errorMessage } from '../../core/index.js';
import { HELMCHART_API_VERSION, HELMCHART_KIND } from '../helmchart/types.js';
import type { ReconcileOutcome, ReconcilerKind } from '../runtime/kind.js';
import { reconcileObject } from '../runtime/reconcile-object.js';
import { chartTemplateObject, helmChartOf, reconcileReleaseChart } from './chart.js';
import { helmReleaseConditions } from './conditions.js';
import { reconcileReleaseDependencies } from './dependencies.js';
import { managerForDeps, reconcileRelease, uninstallRelease } from './release.js';
import { checkHelmReleaseSpec } from './spec.js';
import { ReleaseStorage } from './storage.js';
import {
  HELMRELEASE_API_VERSION,
  HELMRELEASE_KIND,
  releaseNameOf,
  storageNamespaceOf,
  type HelmRelease,
  type HelmReleaseStatus,
} from './types.js';
import { reconcileValues } from './values.js';
import type { HelmReleaseDeps, HelmReleaseWork } from './work.js';

export const helmReleaseKind: ReconcilerKind<HelmRelease, HelmReleaseDeps, HelmReleaseWork> = {
  apiVersion: HELMRELEASE_API_VERSION,
  kind: HELMRELEASE_KIND,
  conditions: helmReleaseConditions,
  failureReason: 'ReconciliationFailed',
  steps: [
    checkHelmReleaseSpec,
    reconcileReleaseDependencies,
    reconcileReleaseChart,
    reconcileValues,
    reconcileRelease,
  ],
  finalize: async (hr, deps) => {
    if (hr.spec.suspend) return;
    const target = deps.targetClient ? await deps.targetClient(hr) : deps.client;
    const storage = new ReleaseStorage(target, storageNamespaceOf(hr));
    const last = (await storage.history(releaseNameOf(hr))).at(-1);
    const ctx = { obj: hr, fence: () => deps.fence?.(), timeoutMs: undefined };
    if (last && last.info.status !== 'uninstalled')
      await uninstallRelease(
        ctx,
        storage,
        managerForDeps(deps, hr, target),
        last,
        hr.spec.uninstall?.keepHistory ?? false,
      );
    const chart = chartTemplateObject(hr);
    const ref = helmChartOf(hr);
    if (chart && ref) {
      deps.fence?.();
      await deps.client
        .delete({ apiVersion: HELMCHART_API_VERSION, kind: HELMCHART_KIND, ...ref })
        .catch((err: unknown) =>
          deps.logger?.debug({ err: errorMessage(err) }, 'HelmChart already gone'),
        );
    }
    deps.managers.delete(`${hr.metadata.namespace}/${hr.metadata.name}`);
  },
};

/** Reconciles one HelmRelease (tests call it with a client of their cluster). */
export function reconcileHelmRelease(
  obj: HelmRelease,
  deps: HelmReleaseDeps,
): Promise<ReconcileOutcome<HelmReleaseStatus>> {
  return reconcileObject(helmReleaseKind, obj, deps);
}
