// Builds a commit's artifact tarball straight from the mirror's object database (no checkout),
// byte-identical to what the artifact store's writeTarball makes of a checkout of that commit.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import { ErrorCategory, FlotillaError } from '../../core/index.js';
import { ARTIFACT_DIR_MODE, ARTIFACT_FILE_MODE, ARTIFACT_MTIME } from '../artifact/index.js';
import {
  SOURCE_IGNORE_FILE,
  compareNames,
  createSourceMatcher,
  parseIgnoreText,
  type IgnoreRuleSet,
} from '../ignore/index.js';
import type { GitMirror } from './mirror.js';
import { baseGitEnv, runGit } from './run-git.js';
import { USTAR_END, ustarHeader, ustarPadding } from './ustar.js';

export interface TreeTarballOptions {
  readonly mirror: GitMirror;
  readonly commit: string;
  /** The object's `spec.ignore`. */
  readonly specIgnore?: string | undefined;
  /** Directories to include (`spec.sparseCheckout`), without `./` or trailing `/`. */
  readonly sparseCheckout?: readonly string[];
  /** @default 6 (as the artifact store) */
  readonly gzipLevel?: number;
}

/** What to write, in order: directories and files (with their blob ids). */
export interface TreeTarballPlan {
  readonly gitDir: string;
  readonly entries: readonly TarEntry[];
  readonly gzipLevel: number;
}

type TarEntry =
  | { readonly rel: string; readonly dir: true }
  | { readonly rel: string; readonly dir: false; readonly oid: string; readonly size: number };

/** Bytes of tar data handed to gzip per write. */
const WRITE_BATCH = 256 * 1024;

interface TreeNode {
  readonly dirs: Map<string, TreeNode>;
  readonly files: Map<string, { oid: string; size: number; link: boolean }>;
}

function node(): TreeNode {
  return { dirs: new Map(), files: new Map() };
}

/**
 * Plans the tarball of a commit, or returns undefined when the tree needs a real checkout:
 * submodules (gitlinks) or a symlinked `.sourceignore`. Blob contents are streamed, never held
 * whole, so file size does not matter.
 */
export async function planTreeTarball(
  options: TreeTarballOptions,
): Promise<TreeTarballPlan | undefined> {
  const { mirror, commit } = options;
  const ls = await runGit(['--git-dir', mirror.dir, 'ls-tree', '-r', '-z', '-l', commit]);
  const sparse = (options.sparseCheckout ?? []).map((d) =>
    d.replace(/^\.\//, '').replace(/\/+$/, ''),
  );
  const root = node();
  const seenSparse = new Set<string>();
  for (const line of ls.stdout.split('\0')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const [mode, type, oid, size] = line.slice(0, tab).split(/\s+/);
    const path = line.slice(tab + 1);
    if (mode === '160000') return undefined;
    if (type !== 'blob' || oid === undefined) continue;
    if (sparse.length > 0) {
      const d = sparse.find((s) => path.startsWith(`${s}/`));
      if (d === undefined) continue;
      seenSparse.add(d);
    }
    const bytes = Number(size);
    const parts = path.split('/');
    const name = parts.pop() ?? '';
    let n = root;
    for (const p of parts) {
      let next = n.dirs.get(p);
      if (!next) {
        next = node();
        n.dirs.set(p, next);
      }
      n = next;
    }
    const link = mode === '120000';
    if (link && name === SOURCE_IGNORE_FILE) return undefined;
    n.files.set(name, { oid, size: bytes, link });
  }
  for (const d of sparse) {
    if (!seenSparse.has(d)) {
      throw new FlotillaError(`sparse checkout dir '${d}' does not exist in repository`, {
        reason: 'GitOperationFailed',
        category: ErrorCategory.Terminal,
        field: 'spec.sparseCheckout',
      });
    }
  }

  // .sourceignore files, parents first and siblings in name order (as loadSourceIgnoreFiles).
  const ignoreFiles: { domain: string; oid: string }[] = [];
  const collect = (n: TreeNode, rel: string): void => {
    const f = n.files.get(SOURCE_IGNORE_FILE);
    if (f && !f.link) ignoreFiles.push({ domain: rel, oid: f.oid });
    for (const name of [...n.dirs.keys()].sort(compareNames)) {
      collect(n.dirs.get(name) as TreeNode, rel === '' ? name : `${rel}/${name}`);
    }
  };
  collect(root, '');
  const ruleSets: IgnoreRuleSet[] = [];
  if (ignoreFiles.length > 0) {
    const texts = await readBlobs(
      mirror.dir,
      ignoreFiles.map((f) => f.oid),
    );
    ignoreFiles.forEach((f, i) => {
      const origin = f.domain === '' ? SOURCE_IGNORE_FILE : `${f.domain}/${SOURCE_IGNORE_FILE}`;
      ruleSets.push({
        domain: f.domain,
        patterns: parseIgnoreText((texts[i] ?? Buffer.alloc(0)).toString('utf8')),
        origin,
      });
    });
  }
  const matcher = createSourceMatcher({ ruleSets, specIgnore: options.specIgnore });

  // The artifact store's walk: names in byte order, directories depth-first, links skipped.
  const entries: TarEntry[] = [];
  const walk = (n: TreeNode, rel: string): void => {
    const names = [...new Set([...n.dirs.keys(), ...n.files.keys()])].sort(compareNames);
    for (const name of names) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const dir = n.dirs.get(name);
      if (dir) {
        const ignored = matcher.ignores(childRel, true);
        if (ignored && matcher.canPrune(childRel)) continue;
        if (!ignored) entries.push({ rel: childRel, dir: true });
        walk(dir, childRel);
        continue;
      }
      const f = n.files.get(name);
      if (!f || f.link) continue;
      if (matcher.ignores(childRel, false)) continue;
      entries.push({ rel: childRel, dir: false, oid: f.oid, size: f.size });
    }
  };
  walk(root, '');
  return { gitDir: mirror.dir, entries, gzipLevel: options.gzipLevel ?? 6 };
}

/** Reads whole blobs with one `git cat-file --batch`. */
async function readBlobs(gitDir: string, oids: readonly string[]): Promise<Buffer[]> {
  const r = await runGit(['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: `${oids.join('\n')}\n`,
  });
  const out: Buffer[] = [];
  let off = 0;
  const buf = r.stdoutBuffer;
  for (let i = 0; i < oids.length; i++) {
    const nl = buf.indexOf(10, off);
    const head = buf.subarray(off, nl).toString('utf8').split(' ');
    const size = Number(head[2]);
    if (head[1] !== 'blob' || Number.isNaN(size))
      throw new Error(`cannot read blob ${oids[i] ?? ''}: ${head.join(' ')}`);
    out.push(buf.subarray(nl + 1, nl + 1 + size));
    off = nl + 1 + size + 1;
  }
  return out;
}

/**
 * Streams the planned tarball, gzipped: blobs come from one `git cat-file --batch` in tar
 * order; headers are encoded like tar-stream's and handed to gzip in large writes (zlib costs
 * a thread-pool round trip per write). Backpressure from the consumer pauses git's output.
 */
export function treeTarballStream(plan: TreeTarballPlan): Readable {
  const gzip = createGzip({ level: plan.gzipLevel, memLevel: zlibConstants.Z_DEFAULT_MEMLEVEL });
  const out = new PassThrough();
  const running: { git?: ChildProcessWithoutNullStreams } = {};
  gzip.on('error', (e) => out.destroy(e));
  gzip.pipe(out);
  let batch: Buffer[] = [];
  let batched = 0;
  const flushBatch = (): void => {
    if (batched === 0) return;
    const data = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    if (!gzip.write(data)) running.git?.stdout.pause();
  };
  const push = (b: Buffer): void => {
    if (b.length === 0) return;
    batch.push(b);
    batched += b.length;
    if (batched >= WRITE_BATCH) flushBatch();
  };
  gzip.on('drain', () => running.git?.stdout.resume());

  const files = plan.entries.filter((e): e is Extract<TarEntry, { dir: false }> => !e.dir);
  let next = 0;
  const flushDirs = (): void => {
    while (next < plan.entries.length) {
      const e = plan.entries[next] as TarEntry;
      if (!e.dir) return;
      push(ustarHeader(`${e.rel}/`, 'directory', 0, ARTIFACT_DIR_MODE, ARTIFACT_MTIME));
      next++;
    }
  };
  const finish = (): void => {
    flushDirs();
    push(USTAR_END);
    flushBatch();
    gzip.end();
  };
  const fail = (e: Error): void => {
    running.git?.kill();
    gzip.destroy(e);
    out.destroy(e);
  };

  if (files.length === 0) {
    finish();
    return out;
  }
  const proc = spawn('git', ['--git-dir', plan.gitDir, 'cat-file', '--batch'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: baseGitEnv(),
  });
  running.git = proc;
  proc.on('error', fail);
  proc.stderr.resume();
  let pending: Buffer = Buffer.alloc(0);
  let fileIndex = 0;
  let headerDone = false;
  let need = 0;
  proc.stdout.on('data', (chunk: Buffer) => {
    try {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const f = files[fileIndex];
        if (!f) return;
        if (!headerDone) {
          const nl = pending.indexOf(10);
          if (nl < 0) return;
          const head = pending.subarray(0, nl).toString('utf8').split(' ');
          if (head[0] !== f.oid || head[1] !== 'blob' || Number(head[2]) !== f.size)
            throw new Error(`cannot read blob ${f.oid}: ${head.join(' ')}`);
          need = f.size;
          headerDone = true;
          pending = pending.subarray(nl + 1);
          flushDirs();
          push(ustarHeader(f.rel, 'file', f.size, ARTIFACT_FILE_MODE, ARTIFACT_MTIME));
        }
        if (need > 0) {
          const take = Math.min(pending.length, need);
          push(pending.subarray(0, take));
          need -= take;
          pending = pending.subarray(take);
          if (need > 0) return;
        }
        // cat-file ends every object with a newline.
        if (pending.length === 0) return;
        pending = pending.subarray(1);
        const pad = ustarPadding(f.size);
        if (pad) push(pad);
        next++;
        fileIndex++;
        headerDone = false;
        if (fileIndex === files.length) {
          finish();
          return;
        }
      }
    } catch (e) {
      fail(e as Error);
    }
  });
  proc.on('close', (code) => {
    if (fileIndex < files.length)
      fail(new Error(`git cat-file exited (${code ?? 'signal'}) before all blobs were read`));
  });
  proc.stdin.on('error', () => undefined);
  proc.stdin.end(`${files.map((f) => f.oid).join('\n')}\n`);
  return out;
}
