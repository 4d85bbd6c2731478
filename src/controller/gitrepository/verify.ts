// GitRepository sub-reconciler for spec.verify: the signatures of the tag and/or the commit
// (OpenPGP or SSH) checked against the keys of spec.verify.secretRef.
import { Reason, errorMessage } from '../../core/index.js';
import {
  loadTrustedKeys,
  parseCommit,
  parseTag,
  shortRefName,
  verifyObjectSignature,
  type TrustedKeys,
} from '../../source/index.js';
import {
  failedCondition,
  failure,
  stalling,
  type ReconcileError,
} from '../runtime/reconcile-error.js';
import { GitRepositoryCondition as C } from './conditions.js';
import { GitVerificationMode } from './types.js';
import { required, type GitContext, type GitWork } from './work.js';

/** Verifies the fetched revision's signatures; SourceVerified says how it went. */
export async function reconcileVerification(ctx: GitContext, work: GitWork): Promise<void> {
  const mode = work.mode;
  if (mode === undefined) {
    ctx.status.sourceVerificationMode = undefined;
    ctx.conditions.delete(C.SourceVerified);
    return;
  }
  const fail = (err: ReconcileError) =>
    failedCondition(ctx.conditions, C.SourceVerified, err, 'False');
  let keys: TrustedKeys;
  try {
    const secret = ctx.obj.spec.verify?.secretRef.name ?? '';
    keys = await loadTrustedKeys(await ctx.deps.getSecret(ctx.obj.metadata.namespace, secret));
  } catch (e) {
    throw fail(failure('VerificationError', `PGP public keys secret error: ${errorMessage(e)}`));
  }
  const lines: string[] = [];
  if (mode === GitVerificationMode.Tag || mode === GitVerificationMode.TagAndHEAD)
    lines.push(await verifyTag(ctx, work, keys, fail));
  if (mode === GitVerificationMode.HEAD || mode === GitVerificationMode.TagAndHEAD) {
    const commit = required(work.resolved, 'resolved ref').commit;
    const commitObj = parseCommit(required(work.fetched, 'fetched revision').commit);
    try {
      lines.push(`commit '${commit}' with key '${await verifyObjectSignature(commitObj, keys)}'`);
    } catch (e) {
      throw fail(
        failure(
          'InvalidCommitSignature',
          `signature verification of commit '${commit}' failed: ${errorMessage(e)}`,
        ),
      );
    }
  }
  ctx.status.sourceVerificationMode = mode;
  ctx.conditions.markTrue(
    C.SourceVerified,
    Reason.Succeeded,
    `verified signature of\n\t- ${lines.join('\n\t- ')}`,
  );
}

/** Verifies the signature of the annotated tag the reference names. */
async function verifyTag(
  ctx: GitContext,
  work: GitWork,
  keys: TrustedKeys,
  fail: (err: ReconcileError) => ReconcileError,
): Promise<string> {
  const resolved = required(work.resolved, 'resolved ref');
  if (resolved.refName?.startsWith('refs/tags/') !== true)
    throw fail(
      stalling(
        'InvalidVerificationMode',
        "cannot verify tag object's signature if a tag reference is not specified",
      ),
    );
  const tagName = shortRefName(resolved.refName);
  const tag =
    resolved.tagObject !== undefined
      ? parseTag(await required(work.mirror, 'mirror').readObject('tag', resolved.tagObject))
      : undefined;
  if (!tag?.signature)
    throw fail(
      failure(
        'InvalidGitObject',
        `cannot verify signature of tag '${tagName}' since it is not signed`,
      ),
    );
  try {
    return `tag '${tagName}' with key '${await verifyObjectSignature(tag, keys)}'`;
  } catch (e) {
    throw fail(
      failure(
        'InvalidTagSignature',
        `signature verification of tag '${tagName}' failed: ${errorMessage(e)}`,
      ),
    );
  }
}
