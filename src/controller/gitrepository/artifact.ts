// GitRepository sub-reconciler: builds the artifact of the new revision — straight from the
// object database when nothing needs a real checkout (no includes, no submodules), else from a
// checkout with the includes copied in; both give byte-identical tarballs — and stores it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Reason, errorMessage } from '../../core/index.js';
import {
  checkoutCommit,
  parseCommit,
  treeTarballStream,
  type Artifact,
  type ArtifactOwner,
} from '../../source/index.js';
import { failedCondition, failure, ReconcileError } from '../runtime/reconcile-error.js';
import { notifyArtifact, ownerOf, storeArtifact } from '../sources/artifact-storage.js';
import { fetchFailed } from './auth.js';
import { GitRepositoryCondition as C, gitRepositoryConditions } from './conditions.js';
import { sparseDirs } from './fetch.js';
import { copyIncludes } from './include.js';
import { checkoutMessage } from './remote.js';
import { required, workDir, type GitContext, type GitWork } from './work.js';

/** Stores the artifact of the fetched revision and records it in the status. */
export async function reconcileArtifact(ctx: GitContext, work: GitWork): Promise<void> {
  const revision = required(work.revision, 'revision');
  const { spec } = ctx.obj;
  if (ctx.status.artifact?.revision !== revision) {
    const message = `new upstream revision '${revision}'`;
    if (ctx.status.artifact)
      ctx.conditions.markTrue(C.ArtifactOutdated, Reason.NewRevision, message);
    ctx.progressing(`building artifact: ${message}`);
  }
  const artifact = (await fromObjects(ctx, work)) ?? (await fromCheckout(ctx, work));
  ctx.artifactChanged = artifact.digest !== ctx.obj.status?.artifact?.digest;
  Object.assign(ctx.status, {
    artifact,
    includedArtifacts: work.includes.length > 0 ? work.includes : undefined,
    observedIgnore: spec.ignore,
    observedRecurseSubmodules: spec.recurseSubmodules,
    observedInclude: spec.include,
    observedSparseCheckout: spec.sparseCheckout,
  });
  ctx.conditions.delete(C.StorageOperationFailed);
  ctx.conditions.delete(C.ArtifactOutdated);
  ctx.conditions.markTrue(
    C.ArtifactInStorage,
    Reason.Succeeded,
    `stored artifact for revision '${revision}'`,
  );
  ctx.fence();
  await ctx.deps.store
    .garbageCollect(ownerOf(ctx), artifact)
    .catch((e: unknown) => ctx.log.warn({ err: errorMessage(e) }, 'garbage collection failed'));
  const commit = parseCommit(required(work.fetched, 'fetched revision').commit);
  notifyArtifact(
    ctx,
    gitRepositoryConditions.failures ?? [],
    artifact,
    `stored artifact for commit '${shortMessage(commit.message)}'`,
  );
}

/** The artifact streamed from the object database, when the fetch step planned one. */
async function fromObjects(ctx: GitContext, work: GitWork): Promise<Artifact | undefined> {
  const planned = work.planned;
  if (!planned) return undefined;
  if (!planned.ok) throw checkoutFailure(ctx, planned.error);
  const plan = planned.value;
  if (!plan) return undefined;
  const mirror = required(work.mirror, 'mirror');
  return store(ctx, work, (owner, fileName) =>
    mirror.locked(() =>
      ctx.deps.store.writeStream(owner, treeTarballStream(plan, work.blobReader), {
        revision: required(work.revision, 'revision'),
        fileName,
      }),
    ),
  );
}

/** The artifact archived from a checkout, with the included artifacts copied in. */
async function fromCheckout(ctx: GitContext, work: GitWork): Promise<Artifact> {
  const mirror = required(work.mirror, 'mirror');
  const resolved = required(work.resolved, 'resolved ref');
  const root = await workDir(ctx, work);
  const dir = join(root, 'checkout');
  await mkdir(dir);
  try {
    await mirror.locked(() =>
      checkoutCommit({
        mirror,
        commit: resolved.commit,
        dest: dir,
        sparseCheckout: sparseDirs(ctx),
        recurseSubmodules: ctx.obj.spec.recurseSubmodules ?? false,
        dataDir: ctx.deps.dataDir,
        ...(work.auth ? { auth: work.auth } : {}),
        timeoutMs: ctx.timeoutMs ?? 60_000,
      }),
    );
  } catch (e) {
    throw checkoutFailure(ctx, e);
  }
  try {
    await copyIncludes(dir, ctx.obj.spec.include ?? [], work.includes, root, ctx.deps.store);
  } catch (e) {
    if (e instanceof ReconcileError)
      throw failedCondition(ctx.conditions, C.StorageOperationFailed, e);
    throw e;
  }
  return store(ctx, work, (owner, fileName) =>
    ctx.deps.store.archive(owner, dir, {
      revision: required(work.revision, 'revision'),
      specIgnore: ctx.obj.spec.ignore,
      fileName,
    }),
  );
}

/** Writes the artifact as `<commit>.tar.gz`. */
function store(
  ctx: GitContext,
  work: GitWork,
  write: (owner: ArtifactOwner, fileName: string) => Promise<Artifact>,
): Promise<Artifact> {
  const fileName = `${required(work.resolved, 'resolved ref').commit}.tar.gz`;
  return storeArtifact(ctx, (owner) => write(owner, fileName));
}

function checkoutFailure(ctx: GitContext, e: unknown): ReconcileError {
  const msg = errorMessage(e);
  return fetchFailed(
    ctx,
    failure(
      'GitOperationFailed',
      msg.startsWith('sparse checkout')
        ? `failed to sparse checkout directories : ${msg}`
        : checkoutMessage(e),
    ),
  );
}

/** Flux's Commit.ShortMessage: the subject line, cut to 50 characters. */
function shortMessage(message: string): string {
  const subject = [...(message.split('\n')[0] ?? '')];
  return subject.length > 50 ? `${subject.slice(0, 50).join('')}...` : subject.join('');
}
