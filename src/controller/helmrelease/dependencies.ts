// HelmRelease sub-reconciler for dependsOn: a HelmRelease waits until each HelmRelease it
// depends on is Ready for its current generation (Flux's checkDependencies).
import { findCondition } from '../../core/index.js';
import type { KubeObject } from '../../kube/index.js';
import { waiting } from '../runtime/reconcile-error.js';
import { ReleaseReason } from './conditions.js';
import { HELMRELEASE_API_VERSION, HELMRELEASE_KIND, type HelmRelease } from './types.js';
import type { HelmReleaseContext } from './work.js';

export async function reconcileReleaseDependencies(ctx: HelmReleaseContext): Promise<void> {
  for (const dep of ctx.obj.spec.dependsOn ?? []) {
    const namespace = dep.namespace ?? ctx.obj.metadata.namespace;
    const other = await ctx.deps.client.getOrUndefined<KubeObject & HelmRelease>({
      apiVersion: HELMRELEASE_API_VERSION,
      kind: HELMRELEASE_KIND,
      namespace,
      name: dep.name,
    });
    const ready =
      other !== undefined &&
      other.status?.observedGeneration === other.metadata.generation &&
      findCondition(other.status?.conditions, 'Ready')?.status === 'True';
    if (!ready) {
      const what = other ? 'is not ready' : 'not found';
      throw waiting(
        ReleaseReason.DependencyNotReady,
        `dependency '${namespace}/${dep.name}' ${what}`,
        ctx.deps.requeueDependencyMs ?? 30_000,
        'Normal',
      );
    }
  }
}
