// Kustomization deletion: prune what the inventory lists unless the deletionPolicy orphans it
// (or the object is suspended); the runtime removes the finalizer afterwards.
import { ErrorCategory, FlotillaError, Reason } from '../../core/index.js';
import { ResourceManager, entryToRef, kustomizationOwnerLabels } from '../../apply/index.js';
import { silentLogger } from '../../core/index.js';
import type { Kustomization } from './types.js';
import { cacheKey, type KustomizationDeps } from './work.js';

/** Deletes the inventory as spec.deletionPolicy says and forgets the object's caches. */
export async function finalizeKustomization(
  ks: Kustomization,
  deps: KustomizationDeps,
): Promise<void> {
  deps.cache.forget(cacheKey(ks));
  const policy = ks.spec.deletionPolicy ?? 'MirrorPrune';
  const prune =
    policy === 'Delete' ||
    policy === 'WaitForTermination' ||
    (policy === 'MirrorPrune' && ks.spec.prune);
  const entries = ks.status?.inventory?.entries ?? [];
  if (!prune || ks.spec.suspend || entries.length === 0) return;
  const target = deps.targetClient ? await deps.targetClient(ks) : deps.client;
  const manager = new ResourceManager(target, {
    ownerLabels: kustomizationOwnerLabels(ks.metadata.name, ks.metadata.namespace ?? 'default'),
    logger: deps.logger ?? silentLogger(),
  });
  const refs = entries.map((e) => {
    const m = entryToRef(e);
    return {
      apiVersion: m.apiVersion,
      kind: m.kind,
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
    };
  });
  deps.fence?.();
  const result = await manager.deleteAll(refs);
  if (result.failures.length > 0) {
    throw new FlotillaError(
      `finalizer: could not delete ${result.failures.map((f) => f.subject).join(', ')}`,
      { reason: Reason.PruneFailed, category: ErrorCategory.Transient },
    );
  }
  if (policy !== 'WaitForTermination') return;
  for (const r of refs) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (await target.getOrUndefined(r))) {
      await new Promise((res) => setTimeout(res, 500));
    }
  }
}
