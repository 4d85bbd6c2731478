// Flux's Git reference rules: precedence commit > name > semver > tag > branch, and revision strings.
import semver from 'semver';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import type { RemoteRef } from './remote-refs.js';

/** `spec.ref` of a GitRepository. */
export interface GitRepositoryRef {
  readonly branch?: string;
  readonly tag?: string;
  readonly semver?: string;
  readonly name?: string;
  readonly commit?: string;
}

/** Flux's default branch when `spec.ref` is empty (fluxcd/pkg/git DefaultBranch). */
export const DEFAULT_BRANCH = 'master';

/** Which field of the reference decided the checkout. */
export const RefKind = {
  Commit: 'commit',
  Name: 'name',
  SemVer: 'semver',
  Tag: 'tag',
  Branch: 'branch',
} as const;
export type RefKind = (typeof RefKind)[keyof typeof RefKind];

/** What must be asked of the remote to resolve a reference. */
export interface RefPlan {
  readonly kind: RefKind;
  /** Full ref to list and fetch (`refs/heads/main`, `refs/tags/v1`, `refs/pull/1/head`); none for semver and bare commits. */
  readonly refName?: string;
  /** True when all tags must be listed (semver). */
  readonly allTags: boolean;
  /** The commit asked for (commit kind only). */
  readonly commit?: string;
}

/** A reference resolved to a commit. */
export interface ResolvedRef {
  readonly kind: RefKind;
  /** Full ref name the commit was reached through; undefined for a bare commit. */
  readonly refName?: string;
  /** The commit id (annotated tags peeled). */
  readonly commit: string;
  /** The annotated tag object id, when the ref is an annotated tag. */
  readonly tagObject?: string;
}

function bad(message: string, field: string): FlotillaError {
  return new FlotillaError(message, {
    reason: 'InvalidReference',
    category: ErrorCategory.Terminal,
    field,
  });
}

/** Decides, by Flux's precedence, what to resolve. Throws on invalid input. */
export function planRef(ref: GitRepositoryRef | undefined): RefPlan {
  const r = ref ?? {};
  if (r.commit) {
    if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(r.commit))
      throw bad(
        `invalid commit '${r.commit}': expected a full 40 (SHA-1) or 64 (SHA-256) hex id`,
        'spec.ref.commit',
      );
    return r.branch
      ? {
          kind: RefKind.Commit,
          refName: `refs/heads/${r.branch}`,
          allTags: false,
          commit: r.commit,
        }
      : { kind: RefKind.Commit, allTags: false, commit: r.commit };
  }
  if (r.name) {
    if (!r.name.startsWith('refs/') || /\.\.|[\s~^:?*[\\]|@\{|\/$|\.lock$/.test(r.name))
      throw bad(
        `invalid reference name '${r.name}': expected a full Git reference such as 'refs/heads/main'`,
        'spec.ref.name',
      );
    return { kind: RefKind.Name, refName: r.name, allTags: false };
  }
  if (r.semver) {
    if (toNodeRange(r.semver) === null)
      throw bad(`semver parse error: invalid constraint '${r.semver}'`, 'spec.ref.semver');
    return { kind: RefKind.SemVer, allTags: true };
  }
  if (r.tag) return { kind: RefKind.Tag, refName: `refs/tags/${r.tag}`, allTags: false };
  return {
    kind: RefKind.Branch,
    refName: `refs/heads/${r.branch || DEFAULT_BRANCH}`,
    allTags: false,
  };
}

/**
 * Converts a Masterminds/semver constraint (what Flux parses) to a node-semver range.
 * Masterminds separates AND-ed comparators by commas; node-semver by spaces.
 */
export function toNodeRange(constraint: string): string | null {
  const normalised = constraint.replace(/\s*,\s*/g, ' ').trim();
  if (normalised === '') return null;
  return semver.validRange(normalised);
}

/**
 * Parses a tag as Flux does (fluxcd/pkg/version.ParseVersion): strict SemVer 2.0, optionally
 * prefixed with `v`. Returns undefined for tags that are not versions.
 */
export function parseTagVersion(tag: string): semver.SemVer | undefined {
  const body = tag.startsWith('v') ? tag.slice(1) : tag;
  if (!/^\d/.test(body)) return undefined;
  return semver.parse(body, { loose: false }) ?? undefined;
}

/**
 * Picks the highest tag matching a constraint. Masterminds lets prereleases match only when
 * the constraint names a prerelease; node-semver additionally requires the same
 * major.minor.patch, so a constraint with a prerelease here enables all prereleases.
 * Ties (versions equal but for `v` or build metadata) are returned together so the caller can
 * break them by commit time, as Flux does.
 */
export function selectSemverTags(constraint: string, tags: readonly string[]): string[] {
  const range = toNodeRange(constraint);
  if (range === null)
    throw bad(`semver parse error: invalid constraint '${constraint}'`, 'spec.ref.semver');
  const includePrerelease = /\d-[0-9A-Za-z]/.test(constraint);
  let best: semver.SemVer | undefined;
  let tied: string[] = [];
  for (const tag of [...tags].sort()) {
    const v = parseTagVersion(tag);
    if (!v || !semver.satisfies(v, range, { includePrerelease })) continue;
    const cmp = best === undefined ? 1 : semver.compare(v, best);
    if (cmp > 0) {
      best = v;
      tied = [tag];
    } else if (cmp === 0) tied.push(tag);
  }
  return tied;
}

/** Resolves a plan against listed remote refs (semver must already be reduced to one tag). */
export function resolveFromRemote(
  plan: RefPlan,
  refs: ReadonlyMap<string, RemoteRef>,
  url: string,
  semverTag?: string,
): ResolvedRef {
  const refName = plan.kind === RefKind.SemVer ? `refs/tags/${semverTag ?? ''}` : plan.refName;
  if (refName === undefined) throw new Error('resolveFromRemote needs a ref name');
  const r = refs.get(refName);
  if (!r) {
    const what =
      plan.kind === RefKind.Branch
        ? `branch '${refName.slice('refs/heads/'.length)}'`
        : plan.kind === RefKind.Tag
          ? `tag '${refName.slice('refs/tags/'.length)}'`
          : `reference '${refName}'`;
    throw new FlotillaError(
      `unable to clone '${url}': couldn't find remote ref '${refName}' (${what} not found)`,
      {
        reason: 'GitOperationFailed',
        category: ErrorCategory.Transient,
      },
    );
  }
  return r.peeled !== undefined
    ? { kind: plan.kind, refName, commit: r.peeled, tagObject: r.oid }
    : { kind: plan.kind, refName, commit: r.oid };
}

/** The short form Flux prints: everything after the second `/` of a full ref. */
export function shortRefName(refName: string): string {
  const parts = refName.split('/');
  return parts.length >= 3 ? parts.slice(2).join('/') : refName;
}

/** The hash digest Flux writes: `sha1:<hex>` (or `sha256:` for SHA-256 repositories). */
export function hashDigest(commit: string): string {
  return `${commit.length === 64 ? 'sha256' : 'sha1'}:${commit}`;
}

/**
 * The artifact revision exactly as Flux writes it: `main@sha1:<hex>`, `v1.0.0@sha1:<hex>`,
 * `refs/pull/1/head@sha1:<hex>` (spec.ref.name: absolute), or `sha1:<hex>` for a bare commit.
 */
export function revisionString(resolved: ResolvedRef): string {
  if (resolved.refName === undefined) return hashDigest(resolved.commit);
  const name = resolved.kind === RefKind.Name ? resolved.refName : shortRefName(resolved.refName);
  return `${name}@${hashDigest(resolved.commit)}`;
}

/** Extracts the commit id from a Flux revision (`main@sha1:abc`, `sha1:abc`, legacy `main/abc`). */
export function commitOfRevision(revision: string): string | undefined {
  const m =
    /(?:^|@)(?:sha1|sha256):([0-9a-f]{40,64})$/.exec(revision) ??
    /\/([0-9a-f]{40})$/.exec(revision);
  return m?.[1];
}
