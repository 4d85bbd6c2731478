// GitRepository sub-reconciler: where the reference points now, with one cheap round trip to the
// remote; when nothing changed since the stored artifact, the reconcile ends here (no fetch).
import { Reason, errorMessage } from '../../core/index.js';
import {
  GitMirror,
  planRef,
  resolveRemoteRef,
  revisionString,
  type RefPlan,
  type ResolvedRef,
} from '../../source/index.js';
import { DONE, type StepResult } from '../runtime/kind.js';
import { failedCondition, failure, stalling } from '../runtime/reconcile-error.js';
import { notifyArtifact } from '../sources/artifact-storage.js';
import { fetchFailed } from './auth.js';
import { GitRepositoryCondition as C, gitRepositoryConditions } from './conditions.js';
import { GitVerificationMode } from './types.js';
import type { GitContext, GitWork } from './work.js';

/** Resolves the reference; returns DONE when the stored artifact is still current. */
export async function reconcileRemote(ctx: GitContext, work: GitWork): Promise<StepResult> {
  const { spec } = ctx.obj;
  let plan: RefPlan;
  try {
    plan = planRef(spec.ref);
  } catch (e) {
    throw fetchFailed(ctx, stalling('GitOperationFailed', checkoutMessage(e)));
  }
  const mirror = new GitMirror({
    dataDir: ctx.deps.dataDir,
    url: spec.url,
    ...(work.auth ? { auth: work.auth } : {}),
    timeoutMs: ctx.timeoutMs ?? 60_000,
  });
  work.mirror = mirror;
  let resolved: ResolvedRef;
  try {
    resolved = await resolveRemoteRef(mirror, plan, spec.ref?.semver);
  } catch (e) {
    throw fetchFailed(ctx, failure('GitOperationFailed', checkoutMessage(e)));
  }
  work.resolved = resolved;
  const revision = revisionString(resolved);
  work.revision = revision;
  work.mode = spec.verify ? verificationMode(ctx, spec.verify.mode) : undefined;
  if (!unchanged(ctx, work, revision)) return undefined;

  ctx.log.info(`no changes since last reconcilation: observed revision '${revision}'`);
  ctx.conditions.delete(C.FetchFailed);
  // A refused rewrite is over once the branch is back at the last revision.
  if (ctx.conditions.get(C.HistoryRewritten)?.reason === 'ImmutableHistory')
    ctx.conditions.delete(C.HistoryRewritten);
  if (work.mode === undefined) {
    ctx.status.sourceVerificationMode = undefined;
    ctx.conditions.delete(C.SourceVerified);
  }
  ctx.conditions.markTrue(
    C.ArtifactInStorage,
    Reason.Succeeded,
    `stored artifact for revision '${revision}'`,
  );
  const artifact = ctx.status.artifact;
  if (artifact)
    notifyArtifact(
      ctx,
      gitRepositoryConditions.failures ?? [],
      artifact,
      `stored artifact for commit '${revision}'`,
    );
  return DONE;
}

/** Whether the stored artifact was built from this revision with the current spec. */
function unchanged(ctx: GitContext, work: GitWork, revision: string): boolean {
  const { spec, status } = ctx.obj;
  const old = status ?? {};
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const contentChanged =
    work.includesChanged ||
    (spec.ignore ?? null) !== (old.observedIgnore ?? null) ||
    (spec.recurseSubmodules ?? false) !== (old.observedRecurseSubmodules ?? false) ||
    !same(spec.include ?? [], old.observedInclude ?? []) ||
    !same(spec.sparseCheckout ?? [], old.observedSparseCheckout ?? []);
  const needsVerification =
    work.mode !== undefined &&
    (old.sourceVerificationMode !== work.mode ||
      !ctx.conditions.isTrue(C.SourceVerified) ||
      ctx.status.artifact?.revision !== revision);
  return (
    ctx.status.artifact?.revision === revision &&
    !contentChanged &&
    !needsVerification &&
    ctx.conditions.isTrue(C.ArtifactInStorage)
  );
}

/** spec.verify.mode; `head` is Flux's backwards-compatible spelling of `HEAD`. */
function verificationMode(ctx: GitContext, mode: string | undefined): GitVerificationMode {
  if (mode === undefined || mode === '' || mode === 'head' || mode === 'HEAD')
    return GitVerificationMode.HEAD;
  if (mode === 'Tag' || mode === 'TagAndHEAD') return mode;
  throw failedCondition(
    ctx.conditions,
    C.SourceVerified,
    stalling('InvalidVerificationMode', `invalid verification mode '${mode}'`),
    'False',
  );
}

/** The message of a failed git operation, as Flux words it. */
export function checkoutMessage(e: unknown): string {
  return `failed to checkout and determine revision: ${errorMessage(e)}`;
}
