// Container image references split as registries read them, and tags ordered as versions.
import semver from 'semver';

export interface ImageRef {
  /** Registry and repository, without tag or digest (`docker.io/library/nginx` stays `nginx`). */
  readonly repository: string;
  /** The tag; `latest` when neither tag nor digest is given; `@sha256:…` (short) for a digest only. */
  readonly tag: string;
}

export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A colon after the last slash separates the tag (a colon before it is a registry port).
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  }
  return { repository: rest, tag: digest ? `@${digest.slice(0, 19)}` : 'latest' };
}

/** The version a tag names (`v1.4`, `1.4.2`, `1.4.2-rc.1`), undefined for other tags. */
export function tagVersion(tag: string): semver.SemVer | undefined {
  if (!/^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?$/.test(tag)) return undefined;
  const exact = semver.parse(tag.replace(/^v/, ''), { loose: true });
  if (exact) return exact;
  return semver.coerce(tag) ?? undefined;
}

/** The newest of the tags that name versions, undefined when none does. */
export function newestTag(tags: Iterable<string>): string | undefined {
  let best: { tag: string; version: semver.SemVer } | undefined;
  for (const tag of tags) {
    const version = tagVersion(tag);
    if (!version) continue;
    if (!best || semver.gt(version, best.version)) best = { tag, version };
  }
  return best?.tag;
}

/** True when `tag` names a version older than `latest`; tags that are not versions are never outdated. */
export function isOutdated(tag: string, latest: string | undefined): boolean {
  if (latest === undefined) return false;
  const a = tagVersion(tag);
  const b = tagVersion(latest);
  return a !== undefined && b !== undefined && semver.lt(a, b);
}
