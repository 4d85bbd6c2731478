// GitRepository sub-reconciler: fetches the new revision into the cached mirror, and meanwhile
// reads it twice side by side — the ancestry check of a tracked branch and the tree listing of
// the artifact — then refuses or reports a rewritten history.
import { Annotation } from '../../core/index.js';
import {
  CatFile,
  RefKind,
  checkHistory,
  commitOfRevision,
  fetchResolved,
  planTreeTarball,
  shortRefName,
  startBlobReader,
  type TreeTarballPlan,
} from '../../source/index.js';
import { failure } from '../runtime/reconcile-error.js';
import { fetchFailed } from './auth.js';
import { GitRepositoryCondition as C } from './conditions.js';
import { checkoutMessage } from './remote.js';
import { required, settle, type GitContext, type GitWork, type Settled } from './work.js';

/** Fetches the resolved commit and checks that a tracked branch moved forward. */
export async function reconcileFetch(ctx: GitContext, work: GitWork): Promise<void> {
  const mirror = required(work.mirror, 'mirror');
  const resolved = required(work.resolved, 'resolved ref');
  const { spec } = ctx.obj;
  const lastCommit = ctx.status.artifact
    ? commitOfRevision(ctx.status.artifact.revision)
    : undefined;
  const historyFrom = trackedBranchMoved(ctx, work, lastCommit) ? lastCommit : undefined;
  const fromObjects = work.includes.length === 0 && spec.recurseSubmodules !== true;
  let planning: Promise<Settled<TreeTarballPlan | undefined>> | undefined;
  const startPlan = () => {
    if (fromObjects) {
      planning ??= settle(
        planTreeTarball({
          mirror,
          commit: resolved.commit,
          specIgnore: spec.ignore,
          sparseCheckout: sparseDirs(ctx),
          ...(work.cat ? { catFile: work.cat } : {}),
        }),
      );
    }
    return planning;
  };
  await mirror.locked(async () => {
    try {
      // The readers of the new commit start once the fetch runs: starting a process costs
      // milliseconds (more in a large process, which forks), which the fetch then hides.
      const reader = new CatFile(mirror.dir);
      work.cat = reader;
      ctx.defer(() => reader.close());
      work.fetched = await fetchResolved(mirror, resolved, {
        catFile: reader,
        whileFetching: () => {
          reader.start();
          if (fromObjects && !work.blobReader) {
            const blobs = startBlobReader(mirror.dir);
            work.blobReader = blobs;
            ctx.defer(() => blobs.close());
          }
        },
        // The tree listing need not wait for the commit read.
        onFetched: () => void startPlan(),
      });
    } catch (e) {
      throw fetchFailed(ctx, failure('GitOperationFailed', checkoutMessage(e)));
    }
    [work.history, work.planned] = await Promise.all([
      historyFrom !== undefined
        ? settle(checkHistory(mirror, historyFrom, resolved.commit, work.cat))
        : undefined,
      startPlan(),
    ]);
  });
  ctx.conditions.delete(C.FetchFailed);
  checkRewrite(ctx, work, lastCommit);
}

/** Whether the reference is the branch of the stored artifact, now at another commit. */
function trackedBranchMoved(
  ctx: GitContext,
  work: GitWork,
  lastCommit: string | undefined,
): boolean {
  const resolved = required(work.resolved, 'resolved ref');
  const trackedBranch =
    resolved.refName?.startsWith('refs/heads/') === true && resolved.kind !== RefKind.Commit;
  const sameRef =
    ctx.status.artifact?.revision.startsWith(
      `${resolved.kind === RefKind.Name ? resolved.refName : shortRefName(resolved.refName ?? '')}@`,
    ) === true;
  return trackedBranch && sameRef && lastCommit !== undefined && lastCommit !== resolved.commit;
}

/** A tracked branch must move forward: warn about a force push, refuse it when asked to. */
function checkRewrite(ctx: GitContext, work: GitWork, lastCommit: string | undefined): void {
  const resolved = required(work.resolved, 'resolved ref');
  const history = work.history;
  if (!history) {
    // The branch is back at the last revision: a refusal is over.
    if (
      lastCommit === resolved.commit &&
      ctx.conditions.get(C.HistoryRewritten)?.reason === 'ImmutableHistory'
    )
      ctx.conditions.delete(C.HistoryRewritten);
    return;
  }
  if (!history.ok) throw history.error;
  if (!history.value.rewritten) {
    ctx.conditions.delete(C.HistoryRewritten);
    return;
  }
  const branch = shortRefName(resolved.refName ?? '');
  const message = `history of branch '${branch}' was rewritten: new head '${work.revision ?? ''}' does not descend from last fetched revision '${ctx.status.artifact?.revision ?? ''}'${history.value.lastCommitAvailable ? '' : ' (which the remote no longer has)'}`;
  ctx.event({ type: 'Warning', reason: 'HistoryRewritten', message });
  if (ctx.obj.metadata.annotations?.[Annotation.ImmutableHistory] === 'true') {
    const refused = `${message}; refusing to advance while annotation ${Annotation.ImmutableHistory} is "true"`;
    ctx.conditions.markTrue(C.HistoryRewritten, 'ImmutableHistory', refused);
    throw failure('HistoryRewritten', refused);
  }
  ctx.conditions.markTrue(C.HistoryRewritten, 'ForcePushed', message);
}

/** spec.sparseCheckout as git wants it (no leading `./`). */
export function sparseDirs(ctx: GitContext): string[] {
  return (ctx.obj.spec.sparseCheckout ?? []).map((p) => p.replace(/^\.\//, ''));
}
