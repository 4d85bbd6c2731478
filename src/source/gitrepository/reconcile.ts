// Reconciles one GitRepository to its new status and events, independent of any Kubernetes client.
import { access, constants, cp, mkdir, mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, relative, resolve as resolvePath, sep } from 'node:path';
import type { Logger } from '../../core/index.js';
import { errorMessage, parseDuration, rfc3339, silentLogger } from '../../core/index.js';
import { extractTarball, type Artifact, type ArtifactStore } from '../artifact/index.js';
import {
  CatFile,
  GitMirror,
  RefKind,
  startBlobReader,
  checkHistory,
  checkoutCommit,
  commitOfRevision,
  fetchResolved,
  planTreeTarball,
  loadTrustedKeys,
  parseCommit,
  parseTag,
  planRef,
  prepareGitAuth,
  resolveRemoteRef,
  revisionString,
  shortRefName,
  transportOf,
  treeTarballStream,
  verifyObjectSignature,
  type GitAuth,
  type RefPlan,
  type ResolvedRef,
  type SecretData,
  type BlobReader,
  type FetchedRevision,
  type TreeTarballPlan,
} from '../git/index.js';
import { ConditionSet, GitRepositoryCondition } from './conditions.js';
import {
  GITREPOSITORY_KIND,
  GitVerificationMode,
  IMMUTABLE_HISTORY_ANNOTATION,
  RECONCILE_REQUESTED_AT,
  type GitRepository,
  type GitRepositoryEvent,
  type GitRepositoryInclude,
  type GitRepositoryStatus,
} from './types.js';

export interface GitRepositoryDeps {
  /** Data directory for the cached bare mirrors (`<dataDir>/git-mirrors`). */
  readonly dataDir: string;
  /** Where artifacts are written (the artifact colleague's store). */
  readonly store: ArtifactStore;
  /** Decoded data of a Secret in the object's namespace; throw when it cannot be read. */
  getSecret(namespace: string, name: string): Promise<SecretData>;
  /**
   * The artifact of another GitRepository (for `spec.include`): undefined when it has none
   * yet; throw when the object does not exist.
   */
  getArtifact(namespace: string, name: string): Promise<Artifact | undefined>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Parent of temporary checkout directories. @default /dev/shm when it has 1 GiB free, else os.tmpdir() */
  readonly tmpDir?: string;
}

export interface GitRepositoryReconcileResult {
  /** The complete new status, as Flux's source-controller would write it. */
  readonly status: GitRepositoryStatus;
  readonly events: readonly GitRepositoryEvent[];
  /** When to reconcile again (the interval; sooner for dependencies not ready); undefined when suspended or stalled. */
  readonly requeueAfterMs: number | undefined;
  /** True when a new artifact was stored in this run. */
  readonly newArtifact: boolean;
}

const EVENT_REVISION = 'source.toolkit.fluxcd.io/revision';
const EVENT_DIGEST = 'source.toolkit.fluxcd.io/digest';
/** How soon to retry an include whose artifact is not there yet (Flux's --requeue-dependency). */
const DEPENDENCY_REQUEUE_MS = 30_000;

/** A failure that ends the reconcile with a reason and message (Flux's serror.Generic/Stalling). */
class ReconcileFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly stalling = false,
    readonly requeueAfterMs?: number,
  ) {
    super(message);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function verificationMode(mode: string | undefined): GitVerificationMode {
  if (mode === undefined || mode === '' || mode === 'head' || mode === 'HEAD')
    return GitVerificationMode.HEAD;
  if (mode === 'Tag' || mode === 'TagAndHEAD') return mode;
  throw new ReconcileFailure(
    'InvalidVerificationMode',
    `invalid verification mode '${mode}'`,
    true,
  );
}

/** Flux's Commit.ShortMessage: the subject line, cut to 50 characters. */
function shortMessage(message: string): string {
  const subject = [...(message.split('\n')[0] ?? '')];
  return subject.length > 50 ? `${subject.slice(0, 50).join('')}...` : subject.join('');
}

/** Joins a relative path below root, refusing escapes (Flux's securejoin refuses them). */
function secureJoin(root: string, rel: string): string {
  const p = resolvePath(root, normalize(`/${rel}`).slice(1));
  if (p !== root && !p.startsWith(root + sep))
    throw new Error(`path '${rel}' escapes the artifact root`);
  return p;
}

/**
 * Reconciles a GitRepository: resolves the reference with one cheap round trip, fetches into
 * a cached mirror only when the revision changed, checks history and signatures, builds the
 * artifact, and returns the status and events exactly as Flux writes them. Running it twice
 * on the same input changes nothing the second time (no new artifact, same conditions).
 */
export async function reconcileGitRepository(
  obj: GitRepository,
  deps: GitRepositoryDeps,
): Promise<GitRepositoryReconcileResult> {
  const now = (deps.now ?? (() => new Date()))();
  const log = (deps.logger ?? silentLogger()).child({
    gitrepository: `${obj.metadata.namespace}/${obj.metadata.name}`,
  });
  const spec = obj.spec;
  const old = obj.status ?? {};
  const generation = obj.metadata.generation ?? 1;
  const annotations = obj.metadata.annotations ?? {};
  const requestedAt = annotations[RECONCILE_REQUESTED_AT];
  const withRequest = (s: GitRepositoryStatus): GitRepositoryStatus =>
    requestedAt !== undefined ? { ...s, lastHandledReconcileAt: requestedAt } : s;

  if (spec.suspend === true) {
    log.info('reconciliation is suspended for this object');
    return { status: old, events: [], requeueAfterMs: undefined, newArtifact: false };
  }

  const cond = new ConditionSet(old.conditions, generation, rfc3339(now));
  const events: GitRepositoryEvent[] = [];
  const owner = {
    kind: GITREPOSITORY_KIND,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
  const status: {
    -readonly [K in keyof GitRepositoryStatus]?: GitRepositoryStatus[K] | undefined;
  } = { ...old };
  const hadFailure = [
    GitRepositoryCondition.FetchFailed,
    GitRepositoryCondition.IncludeUnavailable,
    GitRepositoryCondition.StorageOperationFailed,
  ].some((t) => cond.isTrue(t));
  const oldDigest = old.artifact?.digest;

  let newArtifact = false;
  let timeoutMs: number;
  try {
    parseDuration(spec.interval, 'spec.interval');
    timeoutMs = parseDuration(spec.timeout ?? '60s', 'spec.timeout');
  } catch (e) {
    return finish(new ReconcileFailure('InvalidSpec', errorMessage(e), true));
  }

  cond.progressing('Progressing', 'reconciliation in progress');
  if (old.observedGeneration !== generation) {
    cond.progressing(
      'Progressing',
      `processing object: new generation ${old.observedGeneration ?? -1} -> ${generation}`,
    );
  }

  let auth: GitAuth | undefined;
  let cat: CatFile | undefined;
  let blobReader: BlobReader | undefined;
  const work = await mkdtemp(
    join(
      deps.tmpDir ?? (await defaultWorkRoot()),
      `flotilla-gitrepository-${obj.metadata.namespace}-${obj.metadata.name}-`,
    ),
  );
  try {
    // --- storage: drop an advertised artifact that vanished or no longer matches its digest.
    let artifactMissing = false;
    if (status.artifact) {
      const a = status.artifact;
      if (!(await deps.store.exists(a))) artifactMissing = true;
      else {
        try {
          await deps.store.verify(a);
        } catch (e) {
          events.push({
            type: 'Warning',
            reason: 'ArtifactVerificationFailed',
            message: `failed to verify integrity of artifact: ${errorMessage(e)}`,
          });
          await deps.store.remove(a);
          artifactMissing = true;
        }
      }
      if (artifactMissing) delete status.artifact;
    }
    if (status.artifact) {
      await deps.store
        .garbageCollect(owner, status.artifact)
        .catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'garbage collection failed'));
      status.artifact = { ...status.artifact, url: deps.store.urlFor(status.artifact.path) };
    } else {
      cond.progressing(
        'Progressing',
        artifactMissing ? 'building artifact: disappeared from storage' : 'building artifact',
      );
      cond.delete(GitRepositoryCondition.ArtifactInStorage);
    }

    // --- source
    if (cond.isFalse(GitRepositoryCondition.SourceVerified))
      cond.delete(GitRepositoryCondition.SourceVerified);
    try {
      transportOf(spec.url);
      if (!/^(https?|ssh|file|git):\/\//.test(spec.url)) new URL(spec.url);
    } catch (e) {
      throw fetchFailed(
        new ReconcileFailure(
          'URLInvalid',
          `failed to parse url '${spec.url}': ${errorMessage(e)}`,
          true,
        ),
      );
    }
    // A password in the URL would end up in git's argv (visible to every local user): refuse it.
    if (/^https?:\/\/[^/@]*:[^/@]*@/i.test(spec.url)) {
      throw fetchFailed(
        new ReconcileFailure(
          'URLInvalid',
          'credentials in spec.url are not supported: put username and password in the secretRef Secret',
          true,
        ),
      );
    }
    // Cloud-provider identities and proxies are not implemented: say so instead of ignoring them.
    if (spec.provider !== undefined && spec.provider !== 'generic') {
      throw fetchFailed(
        new ReconcileFailure(
          'InvalidProviderConfiguration',
          `spec.provider '${spec.provider}' is not supported by Flotilla; use 'generic' with a secretRef`,
          true,
        ),
      );
    }
    if (spec.proxySecretRef !== undefined) {
      throw fetchFailed(
        new ReconcileFailure(
          'InvalidProviderConfiguration',
          'spec.proxySecretRef is not supported by Flotilla',
          true,
        ),
      );
    }
    let secretData: SecretData | undefined;
    if (spec.secretRef) {
      try {
        secretData = await deps.getSecret(obj.metadata.namespace, spec.secretRef.name);
      } catch (e) {
        const ref = `${obj.metadata.namespace}/${spec.secretRef.name}`;
        throw fetchFailed(
          new ReconcileFailure(
            'AuthenticationFailed',
            `failed to get secret '${ref}': ${errorMessage(e)}`,
          ),
        );
      }
    }
    try {
      auth = await prepareGitAuth(spec.url, secretData, {
        tmpRoot: work,
        object: `${obj.metadata.namespace}/${obj.metadata.name}`,
      });
    } catch (e) {
      throw fetchFailed(
        new ReconcileFailure(
          'AuthenticationFailed',
          `failed to configure authentication options: ${errorMessage(e)}`,
        ),
      );
    }

    // Included artifacts (metadata only; contents are copied after checkout).
    const includes: Artifact[] = [];
    for (const incl of spec.include ?? []) {
      let a: Artifact | undefined;
      try {
        a = await deps.getArtifact(obj.metadata.namespace, incl.repository.name);
      } catch (e) {
        throw includeUnavailable(
          new ReconcileFailure(
            'NotFound',
            `could not get resource for include '${incl.repository.name}': ${errorMessage(e)}`,
            false,
            DEPENDENCY_REQUEUE_MS,
          ),
        );
      }
      if (!a)
        throw includeUnavailable(
          new ReconcileFailure(
            'NoArtifact',
            `no artifact available for include '${incl.repository.name}'`,
            false,
            DEPENDENCY_REQUEUE_MS,
          ),
        );
      includes.push(a);
    }
    cond.delete(GitRepositoryCondition.IncludeUnavailable);
    const includesChanged = !sameJson(
      includes.map((a) => a.digest),
      (old.includedArtifacts ?? []).map((a) => a.digest),
    );
    if (includesChanged && (spec.include ?? []).length + (old.includedArtifacts ?? []).length > 0) {
      const message = 'included artifacts differ from last observed includes';
      if (old.includedArtifacts)
        cond.markTrue(GitRepositoryCondition.ArtifactOutdated, 'IncludeChange', message);
      cond.progressing('Progressing', `building artifact: ${message}`);
    }
    cond.delete(GitRepositoryCondition.ArtifactOutdated);

    let plan: RefPlan;
    try {
      plan = planRef(spec.ref);
    } catch (e) {
      throw fetchFailed(
        new ReconcileFailure(
          'GitOperationFailed',
          `failed to checkout and determine revision: ${errorMessage(e)}`,
          true,
        ),
      );
    }
    const mirror = new GitMirror({ dataDir: deps.dataDir, url: spec.url, auth, timeoutMs });

    // One round trip: where does the reference point now?
    let resolved: ResolvedRef;
    try {
      resolved = await resolveRemoteRef(mirror, plan, spec.ref?.semver);
    } catch (e) {
      throw fetchFailed(
        new ReconcileFailure(
          'GitOperationFailed',
          `failed to checkout and determine revision: ${errorMessage(e)}`,
        ),
      );
    }
    const revision = revisionString(resolved);
    const contentChanged =
      includesChanged ||
      (spec.ignore ?? null) !== (old.observedIgnore ?? null) ||
      (spec.recurseSubmodules ?? false) !== (old.observedRecurseSubmodules ?? false) ||
      !sameJson(spec.include ?? [], old.observedInclude ?? []) ||
      !sameJson(spec.sparseCheckout ?? [], old.observedSparseCheckout ?? []);
    const mode = spec.verify ? verificationModeOrFail(spec.verify.mode) : undefined;
    const needsVerification =
      mode !== undefined &&
      (old.sourceVerificationMode !== mode ||
        !cond.isTrue(GitRepositoryCondition.SourceVerified) ||
        status.artifact?.revision !== revision);

    if (
      status.artifact?.revision === revision &&
      !contentChanged &&
      !needsVerification &&
      cond.isTrue(GitRepositoryCondition.ArtifactInStorage)
    ) {
      // Unchanged remote: no fetch, no artifact.
      log.info(`no changes since last reconcilation: observed revision '${revision}'`);
      cond.delete(GitRepositoryCondition.FetchFailed);
      // A refused rewrite is over once the branch is back at the last revision.
      if (cond.get(GitRepositoryCondition.HistoryRewritten)?.reason === 'ImmutableHistory')
        cond.delete(GitRepositoryCondition.HistoryRewritten);
      if (mode === undefined) {
        status.sourceVerificationMode = undefined;
        cond.delete(GitRepositoryCondition.SourceVerified);
      }
      cond.markTrue(
        GitRepositoryCondition.ArtifactInStorage,
        'Succeeded',
        `stored artifact for revision '${revision}'`,
      );
      if (hadFailure && status.artifact) {
        events.push({
          type: 'Normal',
          reason: 'Succeeded',
          message: `stored artifact for commit '${revision}'`,
          annotations: eventAnnotations(status.artifact),
        });
      }
      return finish(undefined);
    }

    // --- fetch, then two independent reads of the new commit side by side: the ancestry check
    // of a tracked branch and the tree listing of the artifact (read-only; used only if the
    // checks below pass).
    const lastCommit = status.artifact ? commitOfRevision(status.artifact.revision) : undefined;
    const trackedBranch =
      resolved.refName?.startsWith('refs/heads/') === true && resolved.kind !== RefKind.Commit;
    const sameRef =
      status.artifact?.revision.startsWith(
        `${resolved.kind === RefKind.Name ? resolved.refName : shortRefName(resolved.refName ?? '')}@`,
      ) === true;
    const historyFrom =
      trackedBranch && sameRef && lastCommit !== undefined && lastCommit !== resolved.commit
        ? lastCommit
        : undefined;
    const fromObjects = includes.length === 0 && spec.recurseSubmodules !== true;
    const sparseDirs = (spec.sparseCheckout ?? []).map((p) => p.replace(/^\.\//, ''));
    let planning: Promise<Settled<TreeTarballPlan | undefined>> | undefined;
    const startPlan = (): Promise<Settled<TreeTarballPlan | undefined>> | undefined => {
      if (fromObjects) {
        planning ??= settle(
          planTreeTarball({
            mirror,
            commit: resolved.commit,
            specIgnore: spec.ignore,
            sparseCheckout: sparseDirs,
            ...(cat ? { catFile: cat } : {}),
          }),
        );
      }
      return planning;
    };
    const { fetched, history, planned } = await mirror.locked(async () => {
      let fetchedRevision: FetchedRevision;
      try {
        // The readers of the new commit start once the fetch runs: starting a process costs
        // milliseconds (more in a large process, which forks), which the fetch then hides.
        const reader = new CatFile(mirror.dir);
        cat = reader;
        fetchedRevision = await fetchResolved(mirror, resolved, {
          catFile: reader,
          whileFetching: () => {
            reader.start();
            if (fromObjects) blobReader ??= startBlobReader(mirror.dir);
          },
          // The tree listing need not wait for the commit read.
          onFetched: () => void startPlan(),
        });
      } catch (e) {
        throw fetchFailed(
          new ReconcileFailure(
            'GitOperationFailed',
            `failed to checkout and determine revision: ${errorMessage(e)}`,
          ),
        );
      }
      const [h, p] = await Promise.all([
        historyFrom !== undefined
          ? settle(checkHistory(mirror, historyFrom, resolved.commit, cat))
          : undefined,
        startPlan(),
      ]);
      return { fetched: fetchedRevision, history: h, planned: p };
    });
    cond.delete(GitRepositoryCondition.FetchFailed);

    // --- history: a tracked branch must move forward.
    if (history) {
      if (!history.ok) throw history.error;
      const h = history.value;
      const branch = shortRefName(resolved.refName ?? '');
      if (h.rewritten) {
        const message = `history of branch '${branch}' was rewritten: new head '${revision}' does not descend from last fetched revision '${status.artifact?.revision ?? ''}'${h.lastCommitAvailable ? '' : ' (which the remote no longer has)'}`;
        events.push({ type: 'Warning', reason: 'HistoryRewritten', message });
        if (annotations[IMMUTABLE_HISTORY_ANNOTATION] === 'true') {
          const refused = `${message}; refusing to advance while annotation ${IMMUTABLE_HISTORY_ANNOTATION} is "true"`;
          cond.markTrue(GitRepositoryCondition.HistoryRewritten, 'ImmutableHistory', refused);
          throw new ReconcileFailure('HistoryRewritten', refused);
        }
        cond.markTrue(GitRepositoryCondition.HistoryRewritten, 'ForcePushed', message);
      } else {
        cond.delete(GitRepositoryCondition.HistoryRewritten);
      }
    } else if (
      lastCommit === resolved.commit &&
      cond.get(GitRepositoryCondition.HistoryRewritten)?.reason === 'ImmutableHistory'
    ) {
      // The branch is back at the last revision: the refusal is over.
      cond.delete(GitRepositoryCondition.HistoryRewritten);
    }

    // --- verification
    const commitObj = parseCommit(fetched.commit);
    if (mode === undefined) {
      status.sourceVerificationMode = undefined;
      cond.delete(GitRepositoryCondition.SourceVerified);
    } else {
      await verify(mirror, resolved, commitObj, mode);
    }

    // Mark the new revision before building.
    if (status.artifact?.revision !== revision) {
      const message = `new upstream revision '${revision}'`;
      if (status.artifact)
        cond.markTrue(GitRepositoryCondition.ArtifactOutdated, 'NewRevision', message);
      cond.progressing('Progressing', `building artifact: ${message}`);
    }

    // --- artifact: straight from the object database when nothing needs a real checkout (no
    // includes, no submodules), else from a checkout; both give byte-identical tarballs.
    const fileName = `${resolved.commit}.tar.gz`;
    const checkoutFailure = (e: unknown): ReconcileFailure => {
      const msg = errorMessage(e);
      return fetchFailed(
        new ReconcileFailure(
          'GitOperationFailed',
          msg.startsWith('sparse checkout')
            ? `failed to sparse checkout directories : ${msg}`
            : `failed to checkout and determine revision: ${msg}`,
        ),
      );
    };
    const storeArtifact = async (write: () => Promise<Artifact>): Promise<Artifact> => {
      try {
        return await write();
      } catch (e) {
        const f = new ReconcileFailure(
          'ArchiveOperationFailed',
          `unable to archive artifact to storage: ${errorMessage(e)}`,
        );
        cond.markTrue(GitRepositoryCondition.StorageOperationFailed, f.reason, f.message);
        throw f;
      }
    };
    let artifact: Artifact | undefined;
    if (planned) {
      if (!planned.ok) throw checkoutFailure(planned.error);
      const plan = planned.value;
      if (plan) {
        artifact = await storeArtifact(() =>
          mirror.locked(() =>
            deps.store.writeStream(owner, treeTarballStream(plan, blobReader), {
              revision,
              fileName,
            }),
          ),
        );
      }
    }
    if (!artifact) {
      const dir = join(work, 'checkout');
      await mkdir(dir);
      try {
        await mirror.locked(() =>
          checkoutCommit({
            mirror,
            commit: resolved.commit,
            dest: dir,
            sparseCheckout: sparseDirs,
            recurseSubmodules: spec.recurseSubmodules ?? false,
            dataDir: deps.dataDir,
            ...(auth ? { auth } : {}),
            timeoutMs,
          }),
        );
      } catch (e) {
        throw checkoutFailure(e);
      }
      try {
        await copyIncludes(dir, spec.include ?? [], includes, work, deps.store);
      } catch (e) {
        if (e instanceof ReconcileFailure)
          cond.markTrue(GitRepositoryCondition.StorageOperationFailed, e.reason, e.message);
        throw e;
      }
      artifact = await storeArtifact(() =>
        deps.store.archive(owner, dir, { revision, specIgnore: spec.ignore, fileName }),
      );
    }
    newArtifact = artifact.digest !== oldDigest;
    status.artifact = artifact;
    status.includedArtifacts = includes.length > 0 ? includes : undefined;
    status.observedIgnore = spec.ignore;
    status.observedRecurseSubmodules = spec.recurseSubmodules;
    status.observedInclude = spec.include;
    status.observedSparseCheckout = spec.sparseCheckout;
    cond.delete(GitRepositoryCondition.StorageOperationFailed);
    cond.delete(GitRepositoryCondition.ArtifactOutdated);
    cond.markTrue(
      GitRepositoryCondition.ArtifactInStorage,
      'Succeeded',
      `stored artifact for revision '${revision}'`,
    );
    await deps.store
      .garbageCollect(owner, artifact)
      .catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'garbage collection failed'));
    const message = `stored artifact for commit '${shortMessage(commitObj.message)}'`;
    if (newArtifact) {
      events.push({
        type: 'Normal',
        reason: 'NewArtifact',
        message,
        annotations: eventAnnotations(artifact),
      });
      log.info(message);
    } else if (hadFailure) {
      events.push({
        type: 'Normal',
        reason: 'Succeeded',
        message,
        annotations: eventAnnotations(artifact),
      });
    }
    return finish(undefined);
  } catch (e) {
    if (e instanceof ReconcileFailure) return finish(e);
    const f = new ReconcileFailure('ReconciliationFailed', errorMessage(e));
    return finish(f);
  } finally {
    cat?.close();
    blobReader?.close();
    await auth?.dispose();
    // Deleting thousands of checked-out files takes longer than building the artifact on a busy
    // machine; nothing depends on it, so it finishes after the result is returned.
    void rm(work, { recursive: true, force: true }).catch((e: unknown) =>
      log.warn({ err: errorMessage(e), dir: work }, 'cannot remove temporary checkout'),
    );
  }

  function verificationModeOrFail(m: string | undefined): GitVerificationMode {
    try {
      return verificationMode(m);
    } catch (e) {
      if (e instanceof ReconcileFailure)
        cond.markFalse(GitRepositoryCondition.SourceVerified, e.reason, e.message);
      throw e;
    }
  }

  function fetchFailed(f: ReconcileFailure): ReconcileFailure {
    cond.markTrue(GitRepositoryCondition.FetchFailed, f.reason, f.message);
    return f;
  }

  function includeUnavailable(f: ReconcileFailure): ReconcileFailure {
    cond.markTrue(GitRepositoryCondition.IncludeUnavailable, f.reason, f.message);
    return f;
  }

  async function verify(
    mirror: GitMirror,
    resolved: ResolvedRef,
    commitObj: ReturnType<typeof parseCommit>,
    mode: GitVerificationMode,
  ): Promise<void> {
    const fail = (reason: string, message: string, stalling = false): ReconcileFailure => {
      cond.markFalse(GitRepositoryCondition.SourceVerified, reason, message);
      return new ReconcileFailure(reason, message, stalling);
    };
    let keys;
    try {
      keys = await loadTrustedKeys(
        await deps.getSecret(obj.metadata.namespace, spec.verify?.secretRef.name ?? ''),
      );
    } catch (e) {
      throw fail('VerificationError', `PGP public keys secret error: ${errorMessage(e)}`);
    }
    const lines: string[] = [];
    if (mode === GitVerificationMode.Tag || mode === GitVerificationMode.TagAndHEAD) {
      const isTagRef = resolved.refName?.startsWith('refs/tags/') === true;
      if (!isTagRef)
        throw fail(
          'InvalidVerificationMode',
          "cannot verify tag object's signature if a tag reference is not specified",
          true,
        );
      const tagName = shortRefName(resolved.refName ?? '');
      const tag =
        resolved.tagObject !== undefined
          ? parseTag(await mirror.readObject('tag', resolved.tagObject))
          : undefined;
      if (!tag?.signature)
        throw fail(
          'InvalidGitObject',
          `cannot verify signature of tag '${tagName}' since it is not signed`,
        );
      try {
        lines.push(`tag '${tagName}' with key '${await verifyObjectSignature(tag, keys)}'`);
      } catch (e) {
        throw fail(
          'InvalidTagSignature',
          `signature verification of tag '${tagName}' failed: ${errorMessage(e)}`,
        );
      }
    }
    if (mode === GitVerificationMode.HEAD || mode === GitVerificationMode.TagAndHEAD) {
      try {
        lines.push(
          `commit '${resolved.commit}' with key '${await verifyObjectSignature(commitObj, keys)}'`,
        );
      } catch (e) {
        throw fail(
          'InvalidCommitSignature',
          `signature verification of commit '${resolved.commit}' failed: ${errorMessage(e)}`,
        );
      }
    }
    status.sourceVerificationMode = mode;
    cond.markTrue(
      GitRepositoryCondition.SourceVerified,
      'Succeeded',
      `verified signature of\n\t- ${lines.join('\n\t- ')}`,
    );
  }

  /** Summarises conditions the way Flux's summarize helper does and assembles the result. */
  function finish(failure: ReconcileFailure | undefined): GitRepositoryReconcileResult {
    let requeueAfterMs: number | undefined = intervalMsOrUndefined();
    if (failure === undefined) {
      cond.delete(GitRepositoryCondition.Reconciling);
      cond.delete(GitRepositoryCondition.Stalled);
      cond.summarise(undefined);
      status.observedGeneration = generation;
    } else if (failure.stalling) {
      cond.delete(GitRepositoryCondition.Reconciling);
      cond.markTrue(GitRepositoryCondition.Stalled, failure.reason, failure.message);
      cond.markFalse(GitRepositoryCondition.Ready, failure.reason, failure.message);
      status.observedGeneration = generation;
      requeueAfterMs = undefined;
      events.push({ type: 'Warning', reason: failure.reason, message: failure.message });
    } else {
      cond.delete(GitRepositoryCondition.Stalled);
      const r = cond.get(GitRepositoryCondition.Reconciling);
      cond.markTrue(
        GitRepositoryCondition.Reconciling,
        'ProgressingWithRetry',
        r?.message ?? 'reconciliation in progress',
      );
      cond.summarise({ reason: failure.reason, message: failure.message });
      if (failure.requeueAfterMs !== undefined) requeueAfterMs = failure.requeueAfterMs;
      events.push({ type: 'Warning', reason: failure.reason, message: failure.message });
    }
    const out: GitRepositoryStatus = withRequest(
      dropUndefined({ ...status, conditions: cond.list() }) as GitRepositoryStatus,
    );
    return { status: dropUndefined(out), events, requeueAfterMs, newArtifact };
  }

  function intervalMsOrUndefined(): number | undefined {
    try {
      return parseDuration(spec.interval, 'spec.interval');
    } catch {
      return undefined;
    }
  }
}

/**
 * Removes every artifact of a GitRepository that is being deleted (Flux's reconcileDelete);
 * the caller removes the finalizer afterwards. The shared git mirror is kept for other objects.
 */
export async function deleteGitRepositoryArtifacts(
  obj: GitRepository,
  deps: Pick<GitRepositoryDeps, 'store'>,
): Promise<void> {
  await deps.store.removeAll({
    kind: GITREPOSITORY_KIND,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  });
}

/** Enough free memory-backed space to check out into (container /dev/shm is often 64 MiB). */
const SHM_MIN_FREE = 1024 * 1024 * 1024;
let workRoot: Promise<string> | undefined;

/**
 * Where checkouts go by default: /dev/shm when it is a roomy tmpfs (writing thousands of small
 * files to a busy disk costs ten times more), otherwise the OS temp dir.
 */
function defaultWorkRoot(): Promise<string> {
  workRoot ??= statfs('/dev/shm')
    .then(async (st) => {
      if (st.bavail * st.bsize < SHM_MIN_FREE) return tmpdir();
      await access('/dev/shm', constants.W_OK);
      return '/dev/shm';
    })
    .catch(() => tmpdir());
  return workRoot;
}

function eventAnnotations(a: Artifact): Record<string, string> {
  return { [EVENT_REVISION]: a.revision, [EVENT_DIGEST]: a.digest };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Copies each included artifact's fromPath to toPath in the checkout (Flux's CopyToPath). */
async function copyIncludes(
  dir: string,
  specs: readonly GitRepositoryInclude[],
  artifacts: readonly Artifact[],
  work: string,
  store: ArtifactStore,
): Promise<void> {
  for (const [i, incl] of specs.entries()) {
    const artifact = artifacts[i];
    if (!artifact) continue;
    const name = incl.repository.name;
    const toRel = incl.toPath ?? name;
    let toPath: string;
    try {
      toPath = secureJoin(dir, toRel);
    } catch (e) {
      throw new ReconcileFailure(
        'IllegalPath',
        `path calculation for include '${name}' failed: ${errorMessage(e)}`,
      );
    }
    try {
      const extracted = await mkdtemp(join(work, 'include-'));
      await extractTarball(createReadStream(store.localPath(artifact.path)), extracted, {
        label: `include '${name}'`,
      });
      const from = secureJoin(extracted, incl.fromPath ?? '');
      const st = await stat(from);
      await mkdir(toPath, { recursive: true });
      if (st.isDirectory()) await cp(from, toPath, { recursive: true, force: true });
      else await cp(from, join(toPath, relative(extracted, from).split(sep).pop() ?? 'file'));
    } catch (e) {
      throw new ReconcileFailure(
        'CopyFailure',
        `failed to copy '${name}' include from ${incl.fromPath ?? ''} to ${toRel}: ${errorMessage(e)}`,
      );
    }
  }
}

/** A promise's outcome as a value, to be examined later (or never). */
type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
