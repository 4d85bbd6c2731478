// A cached bare mirror of one remote URL: cheap ref listing, incremental fetches, checkouts.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import type { GitAuth } from './auth.js';
import { canListInProcess, lsRefs } from './ls-refs.js';
import { parseLsRemote, type RemoteRef } from './remote-refs.js';
import { runGit, type RunGitResult } from './run-git.js';

export interface GitMirrorOptions {
  /** The data directory; mirrors live in `<dataDir>/git-mirrors/<hash>.git`. */
  readonly dataDir: string;
  readonly url: string;
  /** Credentials for this remote; none for public remotes. */
  readonly auth?: GitAuth;
  /** Per git operation. @default 60000 */
  readonly timeoutMs?: number;
  /** List refs of git:// and http(s):// remotes without starting git. @default true */
  readonly inProcessListing?: boolean;
}

/** Normalises a URL for mirror keying: lower-case scheme and host, no userinfo, no trailing slash. */
export function normaliseGitUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([^/]*)(.*)$/i.exec(url.trim());
  if (!m) return url.trim().replace(/\/+$/, '');
  const scheme = (m[1] ?? '').toLowerCase();
  let host = (m[2] ?? '').toLowerCase();
  if ((scheme === 'https' && host.endsWith(':443')) || (scheme === 'http' && host.endsWith(':80')))
    host = host.replace(/:\d+$/, '');
  return `${scheme}://${host}${(m[3] ?? '').replace(/\/+$/, '')}`;
}

const locks = new Map<string, Promise<void>>();

/** Fetches per mirror directory in this process, for MAINTENANCE_EVERY. */
const fetchCounts = new Map<string, number>();
/** Every how many fetches of a mirror git runs its automatic maintenance (gc --auto). */
const MAINTENANCE_EVERY = 16;

/** Serialises work on one mirror within this process (two objects may share a URL). */
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const next = new Promise<void>((r) => (release = r));
  const chained = prev.then(() => next);
  locks.set(key, chained);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(key) === chained) locks.delete(key);
  }
}

/** A bare repository that caches one remote's objects; fetches add only what is new. */
export class GitMirror {
  readonly url: string;
  readonly dir: string;
  private readonly auth: GitAuth | undefined;
  private readonly timeoutMs: number;
  private readonly inProcess: boolean;

  constructor(options: GitMirrorOptions) {
    this.inProcess = options.inProcessListing ?? true;
    this.url = options.url;
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    const key = createHash('sha256')
      .update(normaliseGitUrl(options.url))
      .digest('hex')
      .slice(0, 32);
    this.dir = join(options.dataDir, 'git-mirrors', `${key}.git`);
  }

  /** Runs fn while holding this mirror's lock. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(this.dir, fn);
  }

  private git(
    args: readonly string[],
    extra: {
      okCodes?: number[];
      input?: string;
      env?: Record<string, string>;
      onSpawn?: () => void;
    } = {},
  ): Promise<RunGitResult> {
    return runGit(['--git-dir', this.dir, ...args], {
      env: { ...this.auth?.env, ...extra.env },
      secrets: this.auth?.secrets ?? [],
      timeoutMs: this.timeoutMs,
      ...(extra.okCodes ? { okCodes: extra.okCodes } : {}),
      ...(extra.input !== undefined ? { input: extra.input } : {}),
      ...(extra.onSpawn ? { onSpawn: extra.onSpawn } : {}),
    });
  }

  /** Creates the bare repository if it does not exist (atomically, via rename). */
  async ensure(): Promise<void> {
    if (
      await stat(join(this.dir, 'HEAD')).then(
        () => true,
        () => false,
      )
    )
      return;
    const parent = join(this.dir, '..');
    await mkdir(parent, { recursive: true });
    const tmp = await mkdtemp(join(parent, '.init-'));
    await runGit(['init', '-q', '--bare', tmp]);
    // Fetches add one pack each; let git's auto gc consolidate them, in the foreground (while
    // this mirror's lock is held) so it never races a checkout. Unreachable objects (force-pushed
    // commits) survive for git's default two weeks, which history checks rely on.
    await runGit(['--git-dir', tmp, 'config', 'gc.autoDetach', 'false']);
    await runGit(['--git-dir', tmp, 'config', 'core.logAllRefUpdates', 'false']);
    try {
      await rename(tmp, this.dir);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      if (
        !(await stat(join(this.dir, 'HEAD')).then(
          () => true,
          () => false,
        ))
      )
        throw e;
    }
  }

  /**
   * One round trip: lists the remote refs with these exact names (all refs when none), with
   * annotated tags peeled. git:// and http(s):// are listed in-process (no git process).
   */
  async lsRemote(names: readonly string[] = []): Promise<Map<string, RemoteRef>> {
    const refs = await this.list(names, false);
    if (names.length === 0) return refs;
    // Listing matches by prefix (v2) or by name tail (ls-remote); keep exact matches only.
    const wanted = new Set(names);
    return new Map([...refs].filter(([name]) => wanted.has(name)));
  }

  /** One round trip: lists all tags of the remote (with peeled commits). */
  async lsRemoteTags(): Promise<Map<string, RemoteRef>> {
    return this.list(['refs/tags/'], true);
  }

  private async list(names: readonly string[], tags: boolean): Promise<Map<string, RemoteRef>> {
    if (this.inProcess && canListInProcess(this.url)) {
      return lsRefs(this.url, {
        prefixes: names,
        timeoutMs: this.timeoutMs,
        secrets: this.auth?.secrets ?? [],
        ...(this.auth?.http ? { http: this.auth.http } : {}),
      });
    }
    // Peeled `^{}` lines only print when asked for by name.
    const patterns = tags
      ? ['--tags']
      : names.flatMap((p) => (p.startsWith('refs/tags/') ? [p, `${p}^{}`] : [p]));
    const res = await runGit(
      ['ls-remote', ...(tags ? ['--tags'] : []), '--', this.url, ...(tags ? [] : patterns)],
      {
        env: this.auth?.env ?? {},
        secrets: this.auth?.secrets ?? [],
        timeoutMs: this.timeoutMs,
      },
    );
    return parseLsRemote(res.stdout);
  }

  /** Points a local ref at an object already in the mirror (keeps it from garbage collection). */
  async updateRef(name: string, oid: string): Promise<void> {
    await this.git(['update-ref', name, oid]);
  }

  /**
   * Fetches the given refspecs into the mirror (objects already present are not transferred).
   * `onSpawn` runs once git fetch has started.
   */
  async fetch(refspecs: readonly string[], onSpawn?: () => void): Promise<void> {
    await this.ensure();
    // git fetch starts `git maintenance run --auto` (a process of its own, which decides
    // whether to gc) after every fetch; once every MAINTENANCE_EVERY fetches is enough for a
    // mirror, which gains at most a few dozen loose objects per fetch.
    const n = fetchCounts.get(this.dir) ?? 0;
    fetchCounts.set(this.dir, n + 1);
    const maintenance = n % MAINTENANCE_EVERY === 0 ? [] : ['--no-auto-maintenance'];
    await this.git(
      [
        'fetch',
        '-q',
        '--no-tags',
        '--no-write-fetch-head',
        ...maintenance,
        '--',
        this.url,
        ...refspecs,
      ],
      onSpawn ? { onSpawn } : {},
    );
  }

  /** True when the mirror holds the commit. */
  async hasCommit(oid: string): Promise<boolean> {
    if (!/^[0-9a-f]{4,64}$/i.test(oid)) return false;
    const r = await this.git(['cat-file', '-e', `${oid}^{commit}`], { okCodes: [0, 1, 128] });
    return r.code === 0;
  }

  /** Resolves a (possibly abbreviated) commit id to the full id, if present. */
  async resolveCommit(rev: string): Promise<string | undefined> {
    const r = await this.git(['rev-parse', '-q', '--verify', `${rev}^{commit}`], {
      okCodes: [0, 1, 128],
    });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /**
   * Whether `ancestor` is reachable from `descendant`; undefined when either commit is not in
   * the mirror.
   */
  async ancestry(ancestor: string, descendant: string): Promise<boolean | undefined> {
    const r = await this.git(['merge-base', '--is-ancestor', ancestor, descendant], {
      okCodes: [0, 1, 128],
    });
    return r.code === 128 ? undefined : r.code === 0;
  }

  /** True when `ancestor` is reachable from `descendant`. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.git(['merge-base', '--is-ancestor', ancestor, descendant], {
      okCodes: [0, 1],
    });
    return r.code === 0;
  }

  /** The raw body of an object (`commit` or `tag`). */
  async readObject(type: 'commit' | 'tag', oid: string): Promise<Buffer> {
    return (await this.git(['cat-file', type, oid])).stdoutBuffer;
  }

  /** The type of an object (`commit`, `tag`, `tree`, `blob`). */
  async objectType(oid: string): Promise<string> {
    return (await this.git(['cat-file', '-t', oid])).stdout.trim();
  }

  /** Reads a file of a commit, or undefined when absent. */
  async readFile(commit: string, path: string): Promise<Buffer | undefined> {
    const r = await runGit(['--git-dir', this.dir, 'cat-file', 'blob', `${commit}:${path}`], {
      okCodes: [0, 128],
    });
    return r.code === 0 ? r.stdoutBuffer : undefined;
  }

  /** Lists gitlink (submodule) entries of a commit: path → commit id. */
  async gitlinks(commit: string): Promise<Map<string, string>> {
    const r = await this.git(['ls-tree', '-r', '-z', commit]);
    const out = new Map<string, string>();
    for (const entry of r.stdout.split('\0')) {
      const m = /^160000 commit ([0-9a-f]+)\t(.*)$/s.exec(entry);
      if (m?.[1] && m[2] !== undefined) out.set(m[2], m[1]);
    }
    return out;
  }

  /**
   * Writes the tree of a commit into `dest` (which must exist): the whole tree, or only the
   * given directories (sparse checkout). Uses a throw-away index so the mirror stays bare.
   */
  async checkout(commit: string, dest: string, sparseDirs: readonly string[] = []): Promise<void> {
    const indexDir = await mkdtemp(join(this.dir, 'checkout-'));
    try {
      const env = { GIT_INDEX_FILE: join(indexDir, 'index') };
      const wt = ['--git-dir', this.dir, '--work-tree', dest];
      await runGit([...wt, 'read-tree', commit], { env, timeoutMs: this.timeoutMs });
      if (sparseDirs.length === 0) {
        await runGit([...wt, 'checkout-index', '-a', '-f'], { env, timeoutMs: this.timeoutMs });
        return;
      }
      for (const d of sparseDirs) {
        const t = await this.git(['ls-tree', '-d', commit, '--', d.replace(/\/+$/, '')]);
        if (t.stdout.trim() === '') {
          throw new FlotillaError(`sparse checkout dir '${d}' does not exist in repository`, {
            reason: 'GitOperationFailed',
            category: ErrorCategory.Terminal,
            field: 'spec.sparseCheckout',
          });
        }
      }
      const files = await runGit(
        [...wt, 'ls-files', '-z', '--', ...sparseDirs.map((d) => `${d.replace(/\/+$/, '')}/`)],
        { env },
      );
      await runGit([...wt, 'checkout-index', '-f', '-z', '--stdin'], {
        env,
        input: files.stdout,
        timeoutMs: this.timeoutMs,
      });
    } finally {
      await rm(indexDir, { recursive: true, force: true });
    }
  }
}
