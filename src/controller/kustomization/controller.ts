// The Kustomization controller's registration: the reconciler, the Flux build, remote clusters
// from spec.kubeConfig, and the watches that re-trigger reconciles (a source's new artifact, a
// dependency becoming ready).
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import type { ControllerRegistration, ObjectKey, Watch } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { readSecret } from '../runtime/secrets.js';
import { fluxBuild } from './build.js';
import { kustomizationKind } from './kind.js';
import type { SourceArtifact } from './source.js';
import { KUSTOMIZATION_API_VERSION, KUSTOMIZATION_KIND, type Kustomization } from './types.js';
import { KustomizationCache } from './work.js';

export interface KustomizationControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  /** Where artifacts are extracted for builds. */
  readonly workDir: string;
  readonly requeueDependencyMs?: number;
  readonly healthPollMs?: number;
  /** Where to download a source artifact from (see KustomizationDeps.artifactUrl). */
  readonly artifactUrl?: (artifact: SourceArtifact) => Promise<string | undefined>;
}

/**
 * The client to apply with: the cluster of spec.kubeConfig (cached by Secret version) or the
 * controller's own, acting as spec.serviceAccountName when set (as Flux impersonates it).
 */
function targetClients(
  client: KubeClient,
  fence: (() => void) | undefined,
): (ks: Kustomization) => Promise<KubeClient> {
  const remote = new Map<string, { version: string; client: KubeClient }>();
  const impersonating = new Map<string, KubeClient>();
  const asServiceAccount = (base: KubeClient, baseKey: string, ks: Kustomization): KubeClient => {
    const sa = ks.spec.serviceAccountName;
    if (!sa) return base;
    const namespace = ks.metadata.namespace ?? 'default';
    const key = `${baseKey}|${namespace}/${sa}`;
    let c = impersonating.get(key);
    if (!c) {
      c = base.impersonating(`system:serviceaccount:${namespace}:${sa}`, [
        'system:serviceaccounts',
        `system:serviceaccounts:${namespace}`,
      ]);
      impersonating.set(key, c);
    }
    return c;
  };
  return async (ks) => {
    const ref = ks.spec.kubeConfig?.secretRef;
    if (!ref) return asServiceAccount(client, 'local', ks);
    const namespace = ks.metadata.namespace ?? 'default';
    const secret = await client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace,
      name: ref.name,
    });
    const key = `${namespace}/${ref.name}`;
    const cached = remote.get(key);
    const version = secret.metadata.resourceVersion ?? '';
    if (cached && cached.version === version)
      return asServiceAccount(cached.client, `${key}@${version}`, ks);
    const data = await readSecret(client, namespace, ref.name);
    const field = ref.key ?? (data['value'] ? 'value' : 'value.yaml');
    const kubeconfig = data[field];
    if (!kubeconfig) {
      throw new FlotillaError(`Secret '${key}' has no key '${field}' with a kubeconfig`, {
        reason: 'ReconciliationFailed',
        category: ErrorCategory.RetryLater,
        object: `Secret/${key}`,
        field: 'spec.kubeConfig.secretRef',
      });
    }
    cached?.client.close();
    const remoteClient = await KubeClient.fromKubeConfig({
      yaml: Buffer.from(kubeconfig).toString('utf8'),
    });
    // Writes to a remote cluster are fenced by this controller's lease like any other.
    const c = fence ? remoteClient.guarded(fence) : remoteClient;
    remote.set(key, { version, client: c });
    return asServiceAccount(c, `${key}@${version}`, ks);
  };
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
      workDir: options.workDir,
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
