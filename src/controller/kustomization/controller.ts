// The Kustomization controller's registration: the reconciler, the Flux build, remote clusters
// from spec.kubeConfig, and the watches that re-trigger reconciles (a source's new artifact, a
// dependency becoming ready).
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { ArtifactTreeCache } from '../../source/index.js';
import type { ControllerRegistration, ObjectKey, Watch } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { targetClients } from '../runtime/target-clients.js';
import { fluxBuild } from './build.js';
import { kustomizationKind } from './kind.js';
import type { SourceArtifact } from './source.js';
import { KUSTOMIZATION_API_VERSION, KUSTOMIZATION_KIND, type Kustomization } from './types.js';
import { KustomizationCache } from './work.js';

export interface KustomizationControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  /** The source artifacts builds read, unpacked in memory once per digest. @default a new cache */
  readonly artifacts?: ArtifactTreeCache;
  readonly requeueDependencyMs?: number;
  readonly healthPollMs?: number;
  /** Where to download a source artifact from (see KustomizationDeps.artifactUrl). */
  readonly artifactUrl?: (artifact: SourceArtifact) => Promise<string | undefined>;
}

export function kustomizationController(
  options: KustomizationControllerOptions,
): ControllerRegistration {
  return reconcilerFor({
    ...options,
    kind: kustomizationKind,
    deps: {
      client: options.client,
      build: fluxBuild,
      artifacts: options.artifacts ?? new ArtifactTreeCache(),
      targetClient: targetClients(options.client, options.fence),
      cache: new KustomizationCache(),
      ...(options.artifactUrl ? { artifactUrl: options.artifactUrl } : {}),
      ...(options.requeueDependencyMs !== undefined
        ? { requeueDependencyMs: options.requeueDependencyMs }
        : {}),
      ...(options.healthPollMs !== undefined ? { healthPollMs: options.healthPollMs } : {}),
    },
    watches: kustomizationWatches(),
  });
}

/**
 * What re-triggers a Kustomization besides its own changes: a source's new artifact, and a
 * dependency becoming ready.
 */
function kustomizationWatches(): Watch[] {
  const refersTo = (ks: Kustomization, kind: string, source: KubeObject) =>
    ks.spec.sourceRef.kind === kind &&
    ks.spec.sourceRef.name === source.metadata.name &&
    (ks.spec.sourceRef.namespace ?? ks.metadata.namespace) === source.metadata.namespace;
  const keyOf = (o: KubeObject): ObjectKey => ({
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name ?? '',
  });
  const sourceWatch = (kind: string) => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind,
    map: (source: KubeObject, cached: readonly KubeObject[]) => {
      const revision = (source['status'] as { artifact?: { revision?: string } } | undefined)
        ?.artifact?.revision;
      if (!revision) return [];
      // A new revision, or any change of the source (e.g. a new artifact URL) while the
      // Kustomization is failing, is worth a reconcile.
      return (cached as Kustomization[])
        .filter(
          (ks) =>
            refersTo(ks, kind, source) &&
            (ks.status?.lastAttemptedRevision !== revision ||
              !ks.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
        )
        .map(keyOf);
    },
  });
  return [
    sourceWatch('GitRepository'),
    sourceWatch('Bucket'),
    {
      // A Kustomization that became ready releases the ones that depend on it.
      apiVersion: KUSTOMIZATION_API_VERSION,
      kind: KUSTOMIZATION_KIND,
      map: (changed: KubeObject, cached: readonly KubeObject[]) => {
        const ready = (changed as Kustomization).status?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        );
        if (!ready) return [];
        return (cached as Kustomization[])
          .filter(
            (ks) =>
              (ks.spec.dependsOn ?? []).some(
                (d) =>
                  d.name === changed.metadata.name &&
                  (d.namespace ?? ks.metadata.namespace) === changed.metadata.namespace,
              ) && !ks.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          )
          .map(keyOf);
      },
    },
  ];
}
