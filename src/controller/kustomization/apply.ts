// Kustomization sub-reconcilers: staged server-side apply of the rendered objects (dry-run of
// everything first, so a failure applies nothing), the inventory, then the prune of what left it.
import type { KubeObject } from '../../kube/index.js';
import { ErrorCategory, FlotillaError, Reason } from '../../core/index.js';
import {
  ResourceManager,
  inventoryOfChangeSet,
  kustomizationOwnerLabels,
  type Inventory,
} from '../../apply/index.js';
import { asReasoned } from './reasons.js';
import type { Kustomization } from './types.js';
import { cacheKey, type KustomizationContext, type KustomizationWork } from './work.js';

/** Applies the rendered objects to the target cluster and records the new inventory. */
export async function reconcileApply(
  ctx: KustomizationContext,
  work: KustomizationWork,
): Promise<void> {
  const ks = ctx.obj;
  work.objects = withCommonMetadata(work.rendered ?? [], ks);
  const target = ctx.deps.targetClient ? await ctx.deps.targetClient(ks) : ctx.deps.client;
  const manager = ctx.deps.cache.manager(
    cacheKey(ks),
    target,
    () =>
      new ResourceManager(target, {
        ownerLabels: kustomizationOwnerLabels(ks.metadata.name, ks.metadata.namespace ?? 'default'),
        logger: ctx.log,
      }),
  );
  work.manager = manager;
  ctx.fence();
  try {
    work.changeSet = await manager.applyAll(work.objects, { force: ks.spec.force ?? false });
  } catch (err) {
    throw asReasoned(err, Reason.ReconciliationFailed);
  }
  // From the change set: it has the namespaces the engine filled in for namespaced kinds.
  work.inventory = inventoryOfChangeSet(work.changeSet);
  ctx.status.inventory = { entries: [...work.inventory.entries] };
}

/** With spec.prune, deletes what the previous inventory had and the new one has not. */
export async function reconcilePrune(
  ctx: KustomizationContext,
  work: KustomizationWork,
): Promise<void> {
  if (!ctx.obj.spec.prune || !work.manager || !work.inventory || !work.changeSet) return;
  const previous: Inventory | undefined = ctx.obj.status?.inventory;
  ctx.fence();
  const pruned = await work.manager.prune(previous, work.inventory);
  work.inventory = pruned.inventory;
  ctx.status.inventory = { entries: [...pruned.inventory.entries] };
  work.changeSet.append(pruned.changeSet.entries);
  if (pruned.failures.length > 0) {
    throw new FlotillaError(
      `prune failed: ${pruned.failures.map((f) => `${f.subject}: ${f.message}`).join('; ')}`,
      { reason: Reason.PruneFailed, category: ErrorCategory.Transient },
    );
  }
}

/** Adds spec.commonMetadata labels and annotations to every object, as Flux does after the build. */
export function withCommonMetadata(objects: KubeObject[], ks: Kustomization): KubeObject[] {
  const common = ks.spec.commonMetadata;
  if (!common?.labels && !common?.annotations) return objects;
  return objects.map((o) => ({
    ...o,
    metadata: {
      ...o.metadata,
      ...(common.labels ? { labels: { ...o.metadata.labels, ...common.labels } } : {}),
      ...(common.annotations
        ? { annotations: { ...o.metadata.annotations, ...common.annotations } }
        : {}),
    },
  }));
}
