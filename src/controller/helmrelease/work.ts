// What one HelmRelease reconcile needs (deps) and what its sub-reconcilers hand on.
import type { KubeClient } from '../../kube/index.js';
import type { ResourceManager } from '../../apply/index.js';
import type { Chart, ChartFile } from '../../render/index.js';
import type { Artifact } from '../../source/index.js';
import type { ReconcileDeps, StepContext } from '../runtime/kind.js';
import type { HelmRelease } from './types.js';

export interface HelmReleaseDeps extends ReconcileDeps {
  /** Client of the cluster the HelmRelease lives in. */
  readonly client: KubeClient;
  /** Client of the cluster to install into (spec.kubeConfig, spec.serviceAccountName). @default client */
  readonly targetClient?: (hr: HelmRelease) => Promise<KubeClient>;
  /** The chart package of a HelmChart's artifact (digest checked). */
  readonly fetchChart: (artifact: Artifact) => Promise<Buffer>;
  /** Wait before looking at unready dependencies or charts again. @default 30_000 */
  readonly requeueDependencyMs?: number;
  /** One resource manager per release and target (its memory of objects in sync). */
  readonly managers: Map<string, { target: KubeClient; manager: ResourceManager }>;
}

export type HelmReleaseContext = StepContext<HelmRelease, HelmReleaseDeps>;

export interface HelmReleaseWork {
  /** reconcileReleaseChart */
  chart?: Chart;
  files?: readonly ChartFile[];
  chartRevision?: string;
  chartDigest?: string;
  /** reconcileValues */
  values?: Record<string, unknown>;
  configDigest?: string;
}
