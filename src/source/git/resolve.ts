// Resolves a GitRepository reference against a remote (one ls-remote) and fetches it into the mirror.
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import { CatFile } from './cat-file.js';
import type { GitMirror } from './mirror.js';
import { parseCommit } from './objects.js';
import {
  RefKind,
  resolveFromRemote,
  selectSemverTags,
  type RefPlan,
  type ResolvedRef,
} from './ref.js';

/**
 * Finds the commit a reference points at with a single `git ls-remote` (none for a bare
 * commit). For semver, tags whose versions tie are fetched to break the tie by commit time.
 */
export async function resolveRemoteRef(
  mirror: GitMirror,
  plan: RefPlan,
  semverConstraint?: string,
): Promise<ResolvedRef> {
  if (plan.kind === RefKind.Commit) {
    const commit = plan.commit ?? '';
    return plan.refName === undefined
      ? { kind: plan.kind, commit }
      : { kind: plan.kind, refName: plan.refName, commit };
  }
  if (plan.kind === RefKind.SemVer) {
    const refs = await mirror.lsRemoteTags();
    const tags = [...refs.keys()]
      .filter((n) => n.startsWith('refs/tags/'))
      .map((n) => n.slice('refs/tags/'.length));
    const tied = selectSemverTags(semverConstraint ?? '', tags);
    if (tied.length === 0) {
      throw new FlotillaError(`no match found for semver: ${semverConstraint ?? ''}`, {
        reason: 'GitOperationFailed',
        category: ErrorCategory.Transient,
        field: 'spec.ref.semver',
      });
    }
    let chosen = tied[0] ?? '';
    if (tied.length > 1) {
      // Same version, different tag text (v-prefix or build metadata): Flux picks the newest commit.
      await mirror.fetch(tied.map((t) => `+refs/tags/${t}:refs/tags/${t}`));
      let bestTime = -Infinity;
      for (const t of tied) {
        const r = resolveFromRemote(plan, refs, mirror.url, t);
        const time = parseCommit(await mirror.readObject('commit', r.commit)).committerTime;
        if (time >= bestTime) {
          bestTime = time;
          chosen = t;
        }
      }
    }
    return resolveFromRemote(plan, refs, mirror.url, chosen);
  }
  const refs = await mirror.lsRemote(plan.refName === undefined ? [] : [plan.refName]);
  return resolveFromRemote(plan, refs, mirror.url);
}

/** The resolved objects, read from the mirror once they are there. */
export interface FetchedRevision {
  /** The raw commit object. */
  readonly commit: Buffer;
  /** The raw annotated tag object, when the reference is one. */
  readonly tag?: Buffer;
}

/**
 * Makes sure the mirror holds the resolved commit (and tag object), fetching incrementally, and
 * returns them: the presence check and the read are one `git cat-file` request (on `catFile`
 * when given, which may have been started before the fetch).
 */
export interface FetchResolvedOptions {
  /** Reads the objects; by default one is started for this call. */
  readonly catFile?: CatFile;
  /**
   * Runs once git fetch has started (or right away when no fetch is needed), e.g. to start other
   * processes without delaying the fetch.
   */
  readonly whileFetching?: () => void;
  /**
   * Runs once the objects should be in the mirror, before they are read: work on the new
   * commit (listing its tree) can start alongside the read.
   */
  readonly onFetched?: () => void;
}

export async function fetchResolved(
  mirror: GitMirror,
  resolved: ResolvedRef,
  options: FetchResolvedOptions = {},
): Promise<FetchedRevision> {
  await mirror.ensure();
  const own = options.catFile ? undefined : new CatFile(mirror.dir);
  try {
    return await fetchAndRead(mirror, resolved, (options.catFile ?? own) as CatFile, options);
  } finally {
    own?.close();
  }
}

async function fetchAndRead(
  mirror: GitMirror,
  resolved: ResolvedRef,
  cat: CatFile,
  { whileFetching, onFetched }: FetchResolvedOptions,
): Promise<FetchedRevision> {
  const read = async (): Promise<FetchedRevision | undefined> => {
    const wanted =
      resolved.tagObject !== undefined ? [resolved.commit, resolved.tagObject] : [resolved.commit];
    const [commit, tag] = await cat.read(wanted);
    if (commit?.type !== 'commit') return undefined;
    if (resolved.tagObject === undefined) return { commit: commit.body };
    return tag ? { commit: commit.body, tag: tag.body } : undefined;
  };
  if (resolved.kind !== RefKind.Commit) {
    // The revision changed, so the objects are almost never here yet: fetch straight away
    // (git negotiates away whatever the mirror already has) and check once afterwards.
    const ref = resolved.refName ?? '';
    await mirror.fetch([`+${ref}:${ref}`], whileFetching);
    onFetched?.();
    const fetched = await read();
    if (!fetched) {
      throw new FlotillaError(
        `unable to resolve commit object for '${resolved.commit}': object not found after fetch (did the reference move meanwhile?)`,
        { reason: 'GitOperationFailed', category: ErrorCategory.Transient },
      );
    }
    return fetched;
  }
  const present = await read();
  if (present) {
    whileFetching?.();
    onFetched?.();
    return present;
  }
  if (resolved.refName !== undefined) {
    await mirror.fetch([`+${resolved.refName}:${resolved.refName}`], whileFetching);
  } else {
    // Protocol v2 servers hand out any reachable commit by id; older ones need the refs.
    await mirror
      .fetch([resolved.commit], whileFetching)
      .catch(() => mirror.fetch(['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']));
  }
  onFetched?.();
  const fetched = await read();
  if (!fetched) {
    throw new FlotillaError(
      `unable to resolve commit object for '${resolved.commit}': object not found`,
      {
        reason: 'GitOperationFailed',
        category: ErrorCategory.Transient,
        field: 'spec.ref.commit',
      },
    );
  }
  return fetched;
}
