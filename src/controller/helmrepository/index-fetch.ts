// HelmRepository sub-reconciler: downloads index.yaml with the repository's credentials, checks
// it, and when its digest (the revision) changed hands it on to be stored.
import { createHash } from 'node:crypto';
import { ConditionType, FlotillaError, Reason, errorMessage } from '../../core/index.js';
import { httpGetBytes, indexUrlOf, parseIndexFile } from '../../source/index.js';
import { failedCondition, failure } from '../runtime/reconcile-error.js';
import { helmClientOptions } from './client-options.js';
import { HelmReason } from './conditions.js';
import type { HelmRepositoryContext, HelmRepositoryWork } from './work.js';

/** Fetches and validates the index; FetchFailed says what went wrong. */
export async function reconcileHelmIndex(
  ctx: HelmRepositoryContext,
  work: HelmRepositoryWork,
): Promise<void> {
  const { spec } = ctx.obj;
  const indexUrl = indexUrlOf(spec.url);
  let data: Buffer;
  try {
    const options = await helmClientOptions(ctx.obj, ctx.deps.getSecret);
    data = await httpGetBytes(indexUrl, {
      ...options,
      timeoutMs: ctx.timeoutMs ?? 60_000,
      signal: ctx.signal,
    });
    parseIndexFile(data, indexUrl);
  } catch (err) {
    // Secrets that cannot be read are AuthenticationFailed; anything else is the index's fault.
    const secretFailed =
      err instanceof FlotillaError &&
      err.reason === HelmReason.AuthenticationFailed &&
      !/^failed to fetch/.test(err.message);
    throw failedCondition(
      ctx.conditions,
      ConditionType.FetchFailed,
      secretFailed
        ? failure(HelmReason.AuthenticationFailed, errorMessage(err), err)
        : failure(
            HelmReason.IndexationFailed,
            `failed to fetch Helm repository index: ${errorMessage(err)}`,
            err,
          ),
    );
  }
  const revision = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  work.revision = revision;
  work.size = data.length;
  const artifact = ctx.status.artifact;
  if (!artifact || artifact.revision !== revision) {
    work.index = data;
    const message = `new index revision '${revision}'`;
    if (artifact)
      ctx.conditions.markTrue(ConditionType.ArtifactOutdated, Reason.NewRevision, message);
    ctx.progressing(`building artifact: ${message}`);
  }
  ctx.conditions.delete(ConditionType.FetchFailed);
}
