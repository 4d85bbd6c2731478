// HelmRepository sub-reconciler: stores the fetched index as the artifact (`index-<digest>.yaml`)
// unless the stored one already has this revision.
import { Readable } from 'node:stream';
import { ConditionType, Reason } from '../../core/index.js';
import { notifyArtifact, storeArtifact } from '../sources/artifact-storage.js';
import { helmRepositoryConditions } from './conditions.js';
import type { HelmRepositoryContext, HelmRepositoryWork } from './work.js';

/** Stores a new index; ArtifactInStorage says which revision is stored. */
export async function reconcileHelmRepositoryArtifact(
  ctx: HelmRepositoryContext,
  work: HelmRepositoryWork,
): Promise<void> {
  const revision = work.revision ?? '';
  let artifact = ctx.status.artifact;
  if (work.index && (!artifact || artifact.revision !== revision)) {
    const data = work.index;
    artifact = await storeArtifact(ctx, (owner) =>
      ctx.deps.store.writeStream(owner, Readable.from([data]), {
        revision,
        fileName: `index-${revision.replace(/^sha256:/, '')}.yaml`,
      }),
    );
    ctx.status.artifact = artifact;
    ctx.artifactChanged = true;
    ctx.conditions.delete(ConditionType.StorageOperationFailed);
  }
  if (!artifact) return;
  ctx.status.url = artifact.url;
  ctx.conditions.delete(ConditionType.ArtifactOutdated);
  ctx.conditions.markTrue(
    ConditionType.ArtifactInStorage,
    Reason.Succeeded,
    `stored artifact: revision '${artifact.revision}'`,
  );
  notifyArtifact(
    ctx,
    helmRepositoryConditions.failures ?? [],
    artifact,
    `stored fetched index of size ${humanSize(work.size ?? artifact.size)} from '${ctx.obj.spec.url}'`,
  );
}

/** docker/go-units HumanSize, as Flux's event message prints sizes (e.g. `2.43kB`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(4))}${units[i] ?? 'B'}`;
}
