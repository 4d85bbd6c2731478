// Bucket sub-reconciler: archives the downloaded objects as the new artifact (unless the stored
// one already has this revision) and points `latest.tar.gz` (status.url) at it.
import { mkdir } from 'node:fs/promises';
import { ConditionType, Reason, errorMessage } from '../../core/index.js';
import { notifyArtifact, ownerOf, storeArtifact } from '../sources/artifact-storage.js';
import { bucketConditions } from './conditions.js';
import type { BucketContext, BucketWork } from './work.js';

/** Stores a new artifact when the revision changed; ArtifactInStorage says which one is stored. */
export async function reconcileBucketArtifact(ctx: BucketContext, work: BucketWork): Promise<void> {
  const revision = work.revision ?? '';
  const owner = ownerOf(ctx);
  const { store } = ctx.deps;
  let artifact = ctx.status.artifact;
  if (!artifact || artifact.revision !== revision) {
    const tree = work.tree ?? '';
    artifact = await storeArtifact(ctx, async () => {
      await mkdir(tree, { recursive: true });
      return store.archive(owner, tree, {
        revision,
        matcher: null,
        fileName: `${revision.replace(/^sha256:/, '')}.tar.gz`,
      });
    });
    ctx.status.artifact = artifact;
    ctx.status.observedIgnore = ctx.obj.spec.ignore;
    ctx.status.url = await store.linkLatest(owner, artifact).catch((err: unknown) => {
      ctx.log.debug({ err: errorMessage(err) }, 'failed to update status URL symlink');
      return ctx.status.url;
    });
    ctx.artifactChanged = true;
    ctx.conditions.delete(ConditionType.StorageOperationFailed);
  } else {
    ctx.log.debug({ revision }, `artifact up-to-date with remote revision: '${revision}'`);
  }
  ctx.conditions.delete(ConditionType.ArtifactOutdated);
  ctx.conditions.markTrue(
    ConditionType.ArtifactInStorage,
    Reason.Succeeded,
    `stored artifact: revision '${artifact.revision}'`,
  );
  notifyArtifact(
    ctx,
    bucketConditions.failures ?? [],
    artifact,
    `stored artifact with ${work.fileCount} fetched files from '${ctx.obj.spec.bucketName}' bucket`,
  );
}
