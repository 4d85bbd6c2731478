// Resolves a GitRepository reference against a remote (one ls-remote) and fetches it into the mirror.
import { ErrorCategory, FlotillaError } from '../../core/index.js';
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

/** Makes sure the mirror holds the resolved commit (and tag object), fetching incrementally. */
export async function fetchResolved(mirror: GitMirror, resolved: ResolvedRef): Promise<void> {
  await mirror.ensure();
  if (resolved.kind !== RefKind.Commit) {
    // The revision changed, so the objects are almost never here yet: fetch straight away
    // (git negotiates away whatever the mirror already has) and check once afterwards.
    const ref = resolved.refName ?? '';
    await mirror.fetch([`+${ref}:${ref}`]);
    const wanted =
      resolved.tagObject !== undefined ? [resolved.commit, resolved.tagObject] : [resolved.commit];
    if (!(await mirror.hasObjects(wanted))) {
      throw new FlotillaError(
        `unable to resolve commit object for '${resolved.commit}': object not found after fetch (did the reference move meanwhile?)`,
        { reason: 'GitOperationFailed', category: ErrorCategory.Transient },
      );
    }
    return;
  }
  if (await mirror.hasCommit(resolved.commit)) return;
  if (resolved.refName !== undefined) {
    await mirror.fetch([`+${resolved.refName}:${resolved.refName}`]);
  } else {
    // Protocol v2 servers hand out any reachable commit by id; older ones need the refs.
    await mirror
      .fetch([resolved.commit])
      .catch(() => mirror.fetch(['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']));
  }
  if (!(await mirror.hasCommit(resolved.commit))) {
    throw new FlotillaError(
      `unable to resolve commit object for '${resolved.commit}': object not found`,
      {
        reason: 'GitOperationFailed',
        category: ErrorCategory.Transient,
        field: 'spec.ref.commit',
      },
    );
  }
}
