// The HelmRelease controller: the kind's reconciler with the chart download, remote clusters
// and impersonation (spec.kubeConfig, spec.serviceAccountName), and the watches that re-trigger
// a release when its HelmChart has a new artifact or a dependency becomes ready.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { FlotillaError } from '../../core/index.js';
import { httpGetBytes, type Artifact, type ArtifactStore } from '../../source/index.js';
import type { ControllerRegistration, ObjectKey, Watch } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { targetClients } from '../runtime/target-clients.js';
import { helmChartOf } from './chart.js';
import { helmReleaseKind } from './kind.js';
import { HELMRELEASE_API_VERSION, HELMRELEASE_KIND, type HelmRelease } from './types.js';

export interface HelmReleaseControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  /** This process's artifact storage (charts it stored are read from disk). */
  readonly store?: ArtifactStore;
  readonly artifactUrl?: (artifact: Artifact) => Promise<string | undefined>;
  readonly requeueDependencyMs?: number;
}

export function helmReleaseController(
  options: HelmReleaseControllerOptions,
): ControllerRegistration {
  const { store } = options;
  const fetchChart = async (artifact: Artifact): Promise<Buffer> => {
    let data: Buffer;
    if (store && (await store.exists(artifact).catch(() => false)))
      data = await readFile(store.localPath(artifact.path));
    else {
      const url = options.artifactUrl ? await options.artifactUrl(artifact) : artifact.url;
      if (url === undefined)
        throw new FlotillaError(
          `artifact '${artifact.path}' is not in this controller's storage yet`,
          { reason: 'ArtifactFailed' },
        );
      data = await httpGetBytes(url);
    }
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (digest !== artifact.digest)
      throw new FlotillaError(
        `artifact '${artifact.path}' has digest ${digest}, expected ${artifact.digest}`,
        { reason: 'ArtifactFailed' },
      );
    return data;
  };
  return reconcilerFor({
    ...options,
    kind: helmReleaseKind,
    deps: {
      client: options.client,
      targetClient: targetClients<HelmRelease>(options.client, options.fence),
      fetchChart,
      managers: new Map(),
      ...(options.requeueDependencyMs !== undefined
        ? { requeueDependencyMs: options.requeueDependencyMs }
        : {}),
    },
    watches: helmReleaseWatches(),
  });
}

function helmReleaseWatches(): Watch[] {
  const keyOf = (hr: HelmRelease): ObjectKey => ({
    namespace: hr.metadata.namespace,
    name: hr.metadata.name,
  });
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      map: (chart: KubeObject, cached: readonly KubeObject[]) => {
        const revision = (chart['status'] as { artifact?: { revision?: string } } | undefined)
          ?.artifact?.revision;
        if (!revision) return [];
        return (cached as unknown as HelmRelease[])
          .filter((hr) => {
            const ref = helmChartOf(hr);
            return (
              ref !== undefined &&
              ref.name === chart.metadata.name &&
              ref.namespace === chart.metadata.namespace &&
              hr.status?.lastAttemptedRevision !== revision
            );
          })
          .map(keyOf);
      },
    },
    {
      apiVersion: HELMRELEASE_API_VERSION,
      kind: HELMRELEASE_KIND,
      map: (dep: KubeObject, cached: readonly KubeObject[]) => {
        const ready = ((dep['status'] as HelmRelease['status'])?.conditions ?? []).some(
          (c) => c.type === 'Ready' && c.status === 'True',
        );
        if (!ready) return [];
        return (cached as unknown as HelmRelease[])
          .filter((hr) =>
            (hr.spec.dependsOn ?? []).some(
              (d) =>
                d.name === dep.metadata.name &&
                (d.namespace ?? hr.metadata.namespace) === dep.metadata.namespace,
            ),
          )
          .map(keyOf);
      },
    },
  ];
}
