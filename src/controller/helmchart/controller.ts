// The HelmChart controller: the kind's reconciler with what it reads from the cluster (its
// source, the repository's Secrets) and the artifacts of other sources, and the watches that
// rebuild a chart when its source has a new artifact.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { FlotillaError } from '../../core/index.js';
import {
  fetchArtifact,
  httpGetBytes,
  type Artifact,
  type ArtifactStore,
} from '../../source/index.js';
import type { ControllerRegistration, ObjectKey, Watch } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { readSecret } from '../runtime/secrets.js';
import { helmChartKind } from './kind.js';
import type { HelmChart } from './types.js';
import type { ChartSourceObject } from './work.js';

const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';

export interface HelmChartControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  readonly store: ArtifactStore;
  /** Where to download another source's artifact from (this process's storage when it has it). */
  readonly artifactUrl?: (artifact: Artifact) => Promise<string | undefined>;
  readonly tmpDir?: string;
}

export function helmChartController(options: HelmChartControllerOptions): ControllerRegistration {
  const { client, store } = options;
  const urlOf = async (artifact: Artifact): Promise<string> => {
    const url = options.artifactUrl ? await options.artifactUrl(artifact) : artifact.url;
    if (url === undefined) {
      throw new FlotillaError(
        `artifact '${artifact.path}' is not in this controller's storage yet`,
        {
          reason: 'NoSourceArtifact',
        },
      );
    }
    return url;
  };
  return reconcilerFor({
    ...options,
    kind: helmChartKind,
    deps: {
      store,
      ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}),
      getSecret: (ns, name) => readSecret(client, ns, name),
      getSource: (kind, namespace, name) =>
        client.getOrUndefined<KubeObject & ChartSourceObject>({
          apiVersion: SOURCE_API_VERSION,
          kind,
          namespace,
          name,
        }),
      readArtifact: async (artifact) => {
        const local = (await store.exists(artifact).catch(() => false))
          ? await readFile(store.localPath(artifact.path))
          : await httpGetBytes(await urlOf(artifact));
        const digest = `sha256:${createHash('sha256').update(local).digest('hex')}`;
        if (digest !== artifact.digest) {
          throw new FlotillaError(
            `artifact '${artifact.path}' has digest ${digest}, expected ${artifact.digest}`,
            { reason: 'ArtifactVerificationFailed' },
          );
        }
        return local;
      },
      extractArtifact: async (artifact, dir) => {
        await fetchArtifact(await urlOf(artifact), artifact.digest, dir);
      },
    },
    watches: helmChartWatches(),
  });
}

/** A source's new artifact rebuilds the HelmCharts that refer to it. */
function helmChartWatches(): Watch[] {
  return ['HelmRepository', 'GitRepository', 'Bucket'].map((kind) => ({
    apiVersion: SOURCE_API_VERSION,
    kind,
    map: (source: KubeObject, cached: readonly KubeObject[]): ObjectKey[] => {
      const revision = (source['status'] as { artifact?: { revision?: string } } | undefined)
        ?.artifact?.revision;
      if (!revision) return [];
      return (cached as unknown as HelmChart[])
        .filter(
          (c) =>
            c.spec.sourceRef.kind === kind &&
            c.spec.sourceRef.name === source.metadata.name &&
            c.metadata.namespace === source.metadata.namespace &&
            c.status?.observedSourceArtifactRevision !== revision,
        )
        .map((c) => ({ namespace: c.metadata.namespace, name: c.metadata.name }));
    },
  }));
}
