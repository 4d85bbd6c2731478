// Kustomization sub-reconciler for dependsOn: a Kustomization waits until each dependency is
// Ready at its source's current revision.
import type { KubeClient } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import { Reason, errorMessage, findCondition, formatDuration } from '../../core/index.js';
import { waiting } from '../runtime/reconcile-error.js';
import type { Kustomization } from './types.js';
import { KUSTOMIZATION_API_VERSION, KUSTOMIZATION_KIND } from './types.js';
import { resolveSource } from './source.js';
import type { KustomizationContext } from './work.js';

/**
 * Returns undefined when every dependency is ready, or a message naming the first one that
 * is not, as Flux's kustomize-controller words it.
 */
export async function checkDependencies(
  client: KubeClient,
  ks: Kustomization,
): Promise<string | undefined> {
  const namespace = ks.metadata.namespace ?? 'default';
  for (const dep of ks.spec.dependsOn ?? []) {
    const depNs = dep.namespace ?? namespace;
    const name = `${depNs}/${dep.name}`;
    let other: Kustomization;
    try {
      other = await client.get<Kustomization>({
        apiVersion: KUSTOMIZATION_API_VERSION,
        kind: KUSTOMIZATION_KIND,
        namespace: depNs,
        name: dep.name,
      });
    } catch (err) {
      if (isNotFound(err)) return `dependency '${name}' not found`;
      throw err;
    }
    const gen = other.metadata.generation;
    if (other.status?.observedGeneration !== gen) {
      return `dependency '${name}' is not ready`;
    }
    if (findCondition(other.status?.conditions, 'Ready')?.status !== 'True') {
      return `dependency '${name}' is not ready`;
    }
    // A dependency built from the same source must have applied the source's current revision.
    const sameSource =
      other.spec.sourceRef.kind === ks.spec.sourceRef.kind &&
      other.spec.sourceRef.name === ks.spec.sourceRef.name &&
      (other.spec.sourceRef.namespace ?? depNs) === (ks.spec.sourceRef.namespace ?? namespace);
    if (sameSource) {
      const { artifact } = await resolveSource(client, other.spec.sourceRef, depNs);
      if (other.status?.lastAppliedRevision !== artifact.revision) {
        return `dependency '${name}' revision is not up to date`;
      }
    }
  }
  return undefined;
}

/**
 * Sub-reconciler: nothing is fetched or applied before every dependency is ready; until then
 * Ready=False DependencyNotReady and another look after requeueDependencyMs.
 */
export async function reconcileDependencies(ctx: KustomizationContext): Promise<void> {
  const notReady = await checkDependencies(ctx.deps.client, ctx.obj).catch((err: unknown) =>
    errorMessage(err),
  );
  if (notReady === undefined) return;
  const wait = ctx.deps.requeueDependencyMs ?? 30_000;
  throw waiting(
    Reason.DependencyNotReady,
    `Dependencies do not meet ready condition (${notReady}), retrying in ${formatDuration(wait)}`,
    wait,
    'Normal',
  );
}
