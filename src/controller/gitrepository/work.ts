// What one GitRepository reconcile needs (deps) and what its sub-reconcilers hand on to each
// other (work): the temporary directory, credentials, the mirror, the resolved reference…
import { access, constants, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../core/index.js';
import type {
  Artifact,
  BlobReader,
  CatFile,
  FetchedRevision,
  GitAuth,
  GitMirror,
  HistoryCheck,
  ResolvedRef,
  SecretData,
  TreeTarballPlan,
} from '../../source/index.js';
import type { StepContext } from '../runtime/kind.js';
import type { SourceDeps } from '../sources/artifact-storage.js';
import type { GitRepository, GitVerificationMode } from './types.js';

export interface GitRepositoryDeps extends SourceDeps {
  /** Data directory for the cached bare mirrors (`<dataDir>/git-mirrors`). */
  readonly dataDir: string;
  /** Decoded data of a Secret in the object's namespace; throw when it cannot be read. */
  getSecret(namespace: string, name: string): Promise<SecretData>;
  /**
   * The artifact of another GitRepository (for `spec.include`): undefined when it has none
   * yet; throw when the object does not exist.
   */
  getArtifact(namespace: string, name: string): Promise<Artifact | undefined>;
  /** Parent of temporary checkout directories. @default /dev/shm when it has 1 GiB free, else os.tmpdir() */
  readonly tmpDir?: string;
}

export type GitContext = StepContext<GitRepository, GitRepositoryDeps>;

/** A promise's outcome as a value, to be examined later (or never). */
export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** The scratch of one reconcile; each field is set by the step named beside it. */
export interface GitWork {
  /** reconcileAuth: this reconcile's temporary directory (removed afterwards). */
  dir?: string;
  auth?: GitAuth;
  /** reconcileIncludes: the included artifacts, in spec order. */
  includes: Artifact[];
  includesChanged: boolean;
  /** reconcileRemote */
  mirror?: GitMirror;
  resolved?: ResolvedRef;
  revision?: string;
  mode?: GitVerificationMode | undefined;
  /** reconcileFetch */
  fetched?: FetchedRevision;
  history?: Settled<HistoryCheck> | undefined;
  /** The tarball plan, when the artifact is built from the object database. */
  planned?: Settled<TreeTarballPlan | undefined> | undefined;
  cat?: CatFile;
  blobReader?: BlobReader;
}

export function newGitWork(): GitWork {
  return { includes: [], includesChanged: false };
}

/** A field an earlier step set; its absence is a bug in the step order. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal error: ${what} not set by an earlier step`);
  return value;
}

/** Creates the reconcile's temporary directory; it is removed after the reconcile. */
export async function workDir(ctx: GitContext, work: GitWork): Promise<string> {
  if (work.dir) return work.dir;
  const { namespace, name } = ctx.obj.metadata;
  const dir = await mkdtemp(
    join(
      ctx.deps.tmpDir ?? (await defaultWorkRoot()),
      `flotilla-gitrepository-${namespace}-${name}-`,
    ),
  );
  work.dir = dir;
  // Deleting thousands of checked-out files takes longer than building the artifact on a busy
  // machine; nothing depends on it, so it finishes after the result is returned.
  ctx.defer(() => {
    void rm(dir, { recursive: true, force: true }).catch((e: unknown) =>
      ctx.log.warn({ err: errorMessage(e), dir }, 'cannot remove temporary checkout'),
    );
  });
  return dir;
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
