// Writes a commit's tree (optionally sparse, optionally with submodules) into a directory.
import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import type { GitAuth } from './auth.js';
import { GitMirror } from './mirror.js';
import { runGit } from './run-git.js';

export interface CheckoutOptions {
  readonly mirror: GitMirror;
  readonly commit: string;
  /** Existing, empty directory to write into. */
  readonly dest: string;
  /** Directories to check out instead of the whole tree (`spec.sparseCheckout`). */
  readonly sparseCheckout?: readonly string[];
  /** Check out submodules too, recursively (`spec.recurseSubmodules`). @default false */
  readonly recurseSubmodules?: boolean;
  /** Where submodule mirrors are cached. */
  readonly dataDir: string;
  /** Credentials used for submodules too, as Flux does. */
  readonly auth?: GitAuth;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

/** How deep submodules of submodules are followed (go-git's DefaultSubmoduleRecursionDepth). */
const MAX_SUBMODULE_DEPTH = 10;

/** Resolves a submodule URL relative to its superproject's URL, as `git submodule` does. */
export function resolveSubmoduleUrl(parentUrl: string, url: string): string {
  if (!url.startsWith('./') && !url.startsWith('../')) return url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(parentUrl)) {
    return new URL(url, parentUrl.replace(/\/+$/, '') + '/').toString().replace(/\/+$/, '');
  }
  const scp = /^([^/:]+@[^/:]+:)(.*)$/.exec(parentUrl);
  if (scp) return scp[1] + posix.normalize(posix.join(scp[2] ?? '', url));
  return posix.normalize(posix.join(parentUrl, url));
}

/** Checks out a commit; with recurseSubmodules, each submodule comes from its own cached mirror. */
export async function checkoutCommit(options: CheckoutOptions, depth = 0): Promise<void> {
  await options.mirror.checkout(options.commit, options.dest, options.sparseCheckout ?? []);
  if (!options.recurseSubmodules) return;
  const links = await options.mirror.gitlinks(options.commit);
  if (links.size === 0) return;
  if (depth >= MAX_SUBMODULE_DEPTH) {
    throw new FlotillaError(`submodules nested deeper than ${MAX_SUBMODULE_DEPTH} levels`, {
      reason: 'GitOperationFailed',
      category: ErrorCategory.Terminal,
      field: 'spec.recurseSubmodules',
    });
  }
  const modules = await readGitmodules(options.mirror, options.commit);
  const sparse = (options.sparseCheckout ?? []).map((d) =>
    d.replace(/^\.\//, '').replace(/\/+$/, ''),
  );
  for (const [path, sha] of links) {
    if (sparse.length > 0 && !sparse.some((d) => path === d || path.startsWith(`${d}/`))) continue;
    const url = modules.get(path);
    if (url === undefined) {
      throw new FlotillaError(`submodule '${path}' has no url in .gitmodules`, {
        reason: 'GitOperationFailed',
        category: ErrorCategory.Terminal,
        file: '.gitmodules',
      });
    }
    const subUrl = resolveSubmoduleUrl(options.mirror.url, url);
    const sub = new GitMirror({
      dataDir: options.dataDir,
      url: subUrl,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    await sub.locked(async () => {
      await sub.ensure();
      if (!(await sub.hasCommit(sha))) {
        await sub
          .fetch([sha])
          .catch(() => sub.fetch(['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']));
      }
      if (!(await sub.hasCommit(sha))) {
        throw new FlotillaError(`submodule '${path}': commit ${sha} not found in '${subUrl}'`, {
          reason: 'GitOperationFailed',
          category: ErrorCategory.Transient,
        });
      }
      const dest = join(options.dest, path);
      await mkdir(dest, { recursive: true });
      await checkoutCommit(
        { ...options, mirror: sub, commit: sha, dest, sparseCheckout: [] },
        depth + 1,
      );
    });
  }
}

/** Reads `.gitmodules` of a commit: submodule path → url. */
async function readGitmodules(mirror: GitMirror, commit: string): Promise<Map<string, string>> {
  const r = await runGit(
    [
      '--git-dir',
      mirror.dir,
      'config',
      '--blob',
      `${commit}:.gitmodules`,
      '-z',
      '--get-regexp',
      '^submodule\\..*\\.(path|url)$',
    ],
    {
      okCodes: [0, 1, 128],
    },
  );
  const paths = new Map<string, string>();
  const urls = new Map<string, string>();
  for (const entry of r.stdout.split('\0')) {
    const nl = entry.indexOf('\n');
    if (nl < 0) continue;
    const key = entry.slice(0, nl);
    const value = entry.slice(nl + 1);
    const m = /^submodule\.(.*)\.(path|url)$/.exec(key);
    if (!m?.[1]) continue;
    (m[2] === 'path' ? paths : urls).set(m[1], value);
  }
  const out = new Map<string, string>();
  for (const [name, path] of paths) {
    const url = urls.get(name);
    if (url !== undefined) out.set(path, url);
  }
  return out;
}
