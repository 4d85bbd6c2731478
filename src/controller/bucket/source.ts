// Bucket sub-reconciler: the credentials of spec.secretRef and spec.certSecretRef, the provider's
// client, the object index (its digest is the revision) and, when the revision changed, the
// objects themselves.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionType,
  ErrorCategory,
  FlotillaError,
  Reason,
  errorMessage,
} from '../../core/index.js';
import {
  BucketReason,
  createBucketClient,
  fetchEtagIndex,
  fetchIndexFiles,
  type BucketClient,
  type BucketSecretData,
} from '../../source/index.js';
import { fetchFailed } from './spec.js';
import type { BucketContext, BucketWork } from './work.js';

/** Lists the bucket and downloads its objects when their index digest is a new revision. */
export async function reconcileBucketSource(ctx: BucketContext, work: BucketWork): Promise<void> {
  const { spec, metadata } = ctx.obj;
  let client: BucketClient;
  try {
    const secret = await secretOf(ctx, 'spec.secretRef', spec.secretRef?.name);
    const certSecret = await secretOf(ctx, 'spec.certSecretRef', spec.certSecretRef?.name);
    client = (ctx.deps.createClient ?? createBucketClient)({
      spec,
      object: ctx.objectName,
      secret,
      secretName: spec.secretRef?.name,
      certSecret,
      ...(ctx.deps.env ? { env: ctx.deps.env } : {}),
    });
  } catch (err) {
    throw fetchFailed(ctx, err);
  }
  const dir = await mkdtemp(
    join(ctx.deps.tmpDir ?? tmpdir(), `bucket-${metadata.namespace}-${metadata.name}-`),
  );
  ctx.defer(() => rm(dir, { recursive: true, force: true }));
  const signal = AbortSignal.timeout(ctx.timeoutMs ?? 60_000);
  try {
    const index = await fetchEtagIndex(client, {
      bucketName: spec.bucketName,
      prefix: spec.prefix ?? '',
      specIgnore: spec.ignore,
      tmpDir: join(dir, 'scratch'),
      object: ctx.objectName,
      signal,
    });
    const artifact = ctx.status.artifact;
    if (!artifact || artifact.revision !== index.digest()) {
      work.tree = join(dir, 'tree');
      await fetchIndexFiles(client, index, {
        bucketName: spec.bucketName,
        dir: work.tree,
        object: ctx.objectName,
        signal,
        ...(ctx.deps.fetchConcurrency === undefined
          ? {}
          : { concurrency: ctx.deps.fetchConcurrency }),
        onVanished: (key) =>
          ctx.log.info(
            { key },
            `indexed object '${key}' disappeared from '${spec.bucketName}' bucket`,
          ),
      });
      const message = `new upstream revision '${index.digest()}'`;
      if (artifact)
        ctx.conditions.markTrue(ConditionType.ArtifactOutdated, Reason.NewRevision, message);
      ctx.progressing(`building artifact: ${message}`);
    }
    // After the download: objects that vanished meanwhile have left the index.
    work.revision = index.digest();
    work.fileCount = index.size;
  } catch (err) {
    throw fetchFailed(ctx, err);
  } finally {
    client.close();
  }
  ctx.conditions.delete(ConditionType.FetchFailed);
}

/** A Secret's data; a missing Secret is an AuthenticationFailed failure naming it. */
async function secretOf(
  ctx: BucketContext,
  field: string,
  name: string | undefined,
): Promise<BucketSecretData | undefined> {
  if (name === undefined) return undefined;
  const ref = `${ctx.obj.metadata.namespace}/${name}`;
  const data = await ctx.deps.getSecret(ctx.obj.metadata.namespace, name).catch((err: unknown) => {
    throw new FlotillaError(`failed to get secret '${ref}': ${errorMessage(err)}`, {
      reason: BucketReason.AuthenticationFailed,
      object: ctx.objectName,
      field,
      category: ErrorCategory.Transient,
    });
  });
  if (!data) {
    throw new FlotillaError(`failed to get secret '${ref}': not found`, {
      reason: BucketReason.AuthenticationFailed,
      object: ctx.objectName,
      field,
      category: ErrorCategory.RetryLater,
    });
  }
  return data;
}
