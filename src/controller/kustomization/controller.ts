// The Kustomization controller's registration: the reconciler, the Flux build, remote clusters
// from spec.kubeConfig, and the watches that re-trigger reconciles (a source's new artifact, a
// dependency becoming ready).
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { ErrorCategory, FlotillaError, type Logger } from '../../core/index.js';
import { buildFluxKustomization } from '../../render/index.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import type { ControllerRegistration, ObjectKey } from '../runtime/manager.js';
import { readSecret } from '../sources/secrets.js';
import { kustomizationReconciler, type BuildInput } from './reconciler.js';
import { KUSTOMIZATION_API_VERSION, KUSTOMIZATION_KIND, type Kustomization } from './types.js';

export interface KustomizationControllerOptions {
  readonly client: KubeClient;
  /** Where artifacts are extracted for builds. */
  readonly workDir: string;
  readonly recorder?: EventRecorder;
  readonly requeueDependencyMs?: number;
  readonly healthPollMs?: number;
  readonly logger?: Logger;
}

/** The Flux build of a Kustomization, as the reconciler's build phase. */
export function fluxBuild(input: BuildInput): Promise<KubeObject[]> {
  const spec = input.kustomization.spec;
  return Promise.resolve(
    buildFluxKustomization({
      root: input.root,
      dir: input.dir,
      overlay: {
        ...(spec.targetNamespace ? { targetNamespace: spec.targetNamespace } : {}),
        ...(spec.namePrefix ? { namePrefix: spec.namePrefix } : {}),
        ...(spec.nameSuffix ? { nameSuffix: spec.nameSuffix } : {}),
        ...(spec.components ? { components: spec.components } : {}),
        ...(spec.patches
          ? {
              patches: spec.patches.map((p) => ({
                patch: p.patch,
                ...(p.target ? { target: { ...p.target } } : {}),
              })),
            }
          : {}),
        ...(spec.images ? { images: spec.images } : {}),
      },
      postBuild: spec.postBuild !== undefined,
      substituteFrom: input.substituteFrom,
      ...(spec.postBuild?.substitute ? { substitute: spec.postBuild.substitute } : {}),
    }) as KubeObject[],
  );
}

/**
 * The client to apply with: the cluster of spec.kubeConfig (cached by Secret version) or the
 * controller's own, acting as spec.serviceAccountName when set (as Flux impersonates it).
 */
export function targetClients(client: KubeClient): (ks: Kustomization) => Promise<KubeClient> {
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
    const c = await KubeClient.fromKubeConfig({ yaml: Buffer.from(kubeconfig).toString('utf8') });
    remote.set(key, { version, client: c });
    return asServiceAccount(c, `${key}@${version}`, ks);
  };
}

export function kustomizationController(
  options: KustomizationControllerOptions,
): ControllerRegistration {
  const reconcile = kustomizationReconciler({
    client: options.client,
    build: fluxBuild,
    workDir: options.workDir,
    targetClient: targetClients(options.client),
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...(options.requeueDependencyMs !== undefined
      ? { requeueDependencyMs: options.requeueDependencyMs }
      : {}),
    ...(options.healthPollMs !== undefined ? { healthPollMs: options.healthPollMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
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
  return {
    name: 'kustomization',
    apiVersion: KUSTOMIZATION_API_VERSION,
    kind: KUSTOMIZATION_KIND,
    reconcile,
    watches: [
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
    ],
  };
}
