// Builds a commit's artifact tarball straight from the mirror's object database (no checkout),
// byte-identical to what the artifact store's writeTarball makes of a checkout of that commit.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createGzip, constants as zlibConstants, type ZlibOptions } from 'node:zlib';
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
import { CatFile } from './cat-file.js';
import { baseGitEnv, runGit } from './run-git.js';
import {
  USTAR_END,
  ustarHeader,
  ustarPadding,
  ustarTemplate,
  writeUstarHeader,
  type UstarTemplate,
} from './ustar.js';

export interface TreeTarballOptions {
  readonly mirror: GitMirror;
  readonly commit: string;
  /** The object's `spec.ignore`. */
  readonly specIgnore?: string | undefined;
  /** Directories to include (`spec.sparseCheckout`), without `./` or trailing `/`. */
  readonly sparseCheckout?: readonly string[];
  /** @default 6 (as the artifact store) */
  readonly gzipLevel?: number;
  /** Reads the `.sourceignore` blobs; by default one is started for this call if needed. */
  readonly catFile?: CatFile;
}

/** A `git cat-file --batch --buffer` started ahead (e.g. while fetching) for treeTarballStream. */
export interface BlobReader {
  readonly gitDir: string;
  readonly process: ChildProcessWithoutNullStreams;
  /** Kills the process if it is still running (harmless after it was used). */
  close(): void;
}

/** Starts a blob reader on a repository; the blobs need not be there yet. */
export function startBlobReader(gitDir: string): BlobReader {
  // --buffer: git writes through stdio buffers instead of flushing after every object.
  const proc = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch', '--buffer'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: baseGitEnv(),
  });
  proc.on('error', () => undefined); // reported by the stream that uses it
  return {
    gitDir,
    process: proc,
    close: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill();
    },
  };
}

/** What to write, in order: directories and files (with their blob ids). */
export interface TreeTarballPlan {
  readonly gitDir: string;
  readonly entries: readonly TarEntry[];
  readonly gzipLevel: number;
}

type TarEntry =
  | { readonly rel: string; readonly dir: true }
  | { readonly rel: string; readonly dir: false; readonly oid: string };

/** One blob of the commit's tree (regular file, executable or symlink). */
interface TreeBlob {
  readonly path: string;
  readonly oid: string;
  readonly link: boolean;
}

/**
 * Bytes of tar data handed to gzip per write: zlib costs a thread-pool round trip per write,
 * and large writes let it compress while this thread parses the next blobs.
 */
const WRITE_BATCH = 256 * 1024;
/** Tar bytes queued for gzip before git's output is paused (bounds memory). */
const GZIP_QUEUE = 4 * WRITE_BATCH;

/**
 * Lists the blobs of a commit (`git ls-tree -r -z`: one process whose text output is cheaper to
 * take apart than the binary trees read one by one), or returns undefined when the tree has a
 * gitlink (submodule). Paths are kept as git prints them with `-z` (unquoted).
 */
async function listBlobs(gitDir: string, commit: string): Promise<TreeBlob[] | undefined> {
  const out = (await runGit(['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit])).stdout;
  const blobs: TreeBlob[] = [];
  let pos = 0;
  while (pos < out.length) {
    let end = out.indexOf('\0', pos);
    if (end < 0) end = out.length;
    // `<mode> SP <type> SP <oid> TAB <path>`
    const sp1 = out.indexOf(' ', pos);
    const sp2 = out.indexOf(' ', sp1 + 1);
    const tab = out.indexOf('\t', sp2 + 1);
    if (sp1 < 0 || sp2 < 0 || tab < 0 || tab > end) {
      throw new Error(`unexpected git ls-tree output: ${out.slice(pos, end)}`);
    }
    const mode = out.slice(pos, sp1);
    if (mode === '160000') return undefined;
    if (out.slice(sp1 + 1, sp2) === 'blob') {
      const path = out.slice(tab + 1, end);
      blobs.push({ path, oid: out.slice(sp2 + 1, tab), link: mode === '120000' });
    }
    pos = end + 1;
  }
  return blobs;
}

/**
 * The artifact store's walk order of two paths: depth-first, names of each directory in byte
 * order (Go's `filepath.Walk`), which is path order with `/` below every other character.
 * UTF-16 order equals byte order below U+D800; beyond, the paths are compared as bytes.
 */
function walkOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 0x2f) return -1;
    if (y === 0x2f) return 1;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return compareNames(a.replaceAll('/', '\0'), b.replaceAll('/', '\0'));
  }
  return a.length - b.length;
}

/**
 * Sorts blobs into walk order. Git lists trees in nearly that order (it compares directory
 * names as if they ended in `/`), so one pass usually finds nothing to do.
 */
function sortWalkOrder(blobs: TreeBlob[]): void {
  for (let i = 1; i < blobs.length; i++) {
    if (walkOrder((blobs[i - 1] as TreeBlob).path, (blobs[i] as TreeBlob).path) > 0) {
      blobs.sort((x, y) => walkOrder(x.path, y.path));
      return;
    }
  }
}

/**
 * Plans the tarball of a commit, or returns undefined when the tree needs a real checkout:
 * submodules (gitlinks) or a symlinked `.sourceignore`. Blob contents are streamed, never held
 * whole, so file size does not matter.
 */
export async function planTreeTarball(
  options: TreeTarballOptions,
): Promise<TreeTarballPlan | undefined> {
  // Started only if the tree has .sourceignore files to read.
  const own = options.catFile ? undefined : new CatFile(options.mirror.dir);
  try {
    return await plan(options, (options.catFile ?? own) as CatFile);
  } finally {
    own?.close();
  }
}

async function plan(
  options: TreeTarballOptions,
  cat: CatFile,
): Promise<TreeTarballPlan | undefined> {
  const { mirror, commit } = options;
  const listed = await listBlobs(mirror.dir, commit);
  if (!listed) return undefined;
  const sparse = (options.sparseCheckout ?? []).map((d) =>
    d.replace(/^\.\//, '').replace(/\/+$/, ''),
  );
  let blobs = listed;
  if (sparse.length > 0) {
    const seen = new Set<string>();
    blobs = listed.filter((b) => {
      const d = sparse.find((s) => b.path.startsWith(`${s}/`));
      if (d !== undefined) seen.add(d);
      return d !== undefined;
    });
    for (const d of sparse) {
      if (!seen.has(d)) {
        throw new FlotillaError(`sparse checkout dir '${d}' does not exist in repository`, {
          reason: 'GitOperationFailed',
          category: ErrorCategory.Terminal,
          field: 'spec.sparseCheckout',
        });
      }
    }
  }
  sortWalkOrder(blobs);

  // .sourceignore files, parents first and siblings in name order (as loadSourceIgnoreFiles):
  // the walk order of their directories.
  const ignoreFiles: { domain: string; oid: string }[] = [];
  for (const b of blobs) {
    if (b.path !== SOURCE_IGNORE_FILE && !b.path.endsWith(`/${SOURCE_IGNORE_FILE}`)) continue;
    if (b.link) return undefined;
    const domain = b.path.slice(0, Math.max(0, b.path.length - SOURCE_IGNORE_FILE.length - 1));
    ignoreFiles.push({ domain, oid: b.oid });
  }
  ignoreFiles.sort((a, b) => walkOrder(a.domain, b.domain));
  const ruleSets: IgnoreRuleSet[] = [];
  if (ignoreFiles.length > 0) {
    const texts = await cat.read(ignoreFiles.map((f) => f.oid));
    ignoreFiles.forEach((f, i) => {
      const origin = f.domain === '' ? SOURCE_IGNORE_FILE : `${f.domain}/${SOURCE_IGNORE_FILE}`;
      const text = texts[i];
      if (text?.type !== 'blob') throw new Error(`cannot read ${origin} (blob ${f.oid})`);
      ruleSets.push({
        domain: f.domain,
        patterns: parseIgnoreText(text.body.toString('utf8')),
        origin,
      });
    });
  }
  const matcher = createSourceMatcher({ ruleSets, specIgnore: options.specIgnore });

  // The artifact store's walk over the sorted blobs: a directory's entry comes right before
  // its first blob; an ignored directory nothing can re-include is skipped whole; links are
  // left out (their directories stay, as a checkout has them).
  const entries: TarEntry[] = [];
  let current = ''; // the directory of the previous blob
  let pruned: string | undefined; // `<dir>/` of a skipped directory
  for (const b of blobs) {
    if (pruned !== undefined && b.path.startsWith(pruned)) continue;
    pruned = undefined;
    const slash = b.path.lastIndexOf('/');
    const dir = slash < 0 ? '' : b.path.slice(0, slash);
    if (dir !== current) {
      // Back up to the deepest directory holding both, then enter those down to `dir`.
      while (current !== '' && dir !== current && !dir.startsWith(`${current}/`)) {
        current = current.slice(0, Math.max(0, current.lastIndexOf('/')));
      }
      let skip = false;
      while (current.length < dir.length) {
        const next = dir.indexOf('/', current.length + 1);
        const childRel = next < 0 ? dir : dir.slice(0, next);
        current = childRel;
        const ignored = matcher.ignores(childRel, true);
        if (ignored && matcher.canPrune(childRel)) {
          pruned = `${childRel}/`;
          skip = true;
          break;
        }
        if (!ignored) entries.push({ rel: childRel, dir: true });
      }
      if (skip) continue;
    }
    if (b.link || matcher.ignores(b.path, false)) continue;
    entries.push({ rel: b.path, dir: false, oid: b.oid });
  }
  return { gitDir: mirror.dir, entries, gzipLevel: options.gzipLevel ?? 6 };
}

/** Tar bytes gathered into large buffers for gzip. */
class TarBuffer {
  #buf: Buffer = Buffer.allocUnsafe(WRITE_BATCH);
  #pos = 0;
  readonly #fileTemplate: UstarTemplate = ustarTemplate('file', ARTIFACT_FILE_MODE, ARTIFACT_MTIME);
  readonly #dirTemplate: UstarTemplate = ustarTemplate(
    'directory',
    ARTIFACT_DIR_MODE,
    ARTIFACT_MTIME,
  );

  readonly #free: Buffer[] = [];

  /** `emit` hands a batch on and calls `release` once the batch's buffer may be reused. */
  constructor(private readonly emit: (data: Buffer, release: () => void) => void) {}

  /** Appends bytes `start` to `end` of `data` (copied). */
  write(data: Buffer, start = 0, end = data.length): void {
    let off = start;
    while (off < end) {
      const n = data.copy(this.#buf, this.#pos, off, end);
      this.#pos += n;
      off += n;
      if (this.#pos === this.#buf.length) this.flush();
    }
  }

  /** Appends the header of a file or directory entry. */
  header(name: string, dir: boolean, size: number): void {
    if (this.#buf.length - this.#pos < 512) this.flush();
    const t = dir ? this.#dirTemplate : this.#fileTemplate;
    if (writeUstarHeader(t, name, size, this.#buf, this.#pos)) {
      this.#pos += 512;
      return;
    }
    const mode = dir ? ARTIFACT_DIR_MODE : ARTIFACT_FILE_MODE;
    this.write(ustarHeader(name, dir ? 'directory' : 'file', size, mode, ARTIFACT_MTIME));
  }

  /** Appends the zero padding after `size` bytes of entry data. */
  pad(size: number): void {
    const pad = ustarPadding(size);
    if (pad) this.write(pad);
  }

  flush(): void {
    if (this.#pos === 0) return;
    const full = this.#buf;
    const data = this.#pos === full.length ? full : full.subarray(0, this.#pos);
    // The handed-out buffer belongs to gzip until it is done with it, then it is reused:
    // fresh 256 KiB buffers for every batch cost more in garbage collection than in copying.
    this.#buf = this.#free.pop() ?? Buffer.allocUnsafe(WRITE_BATCH);
    this.#pos = 0;
    this.emit(data, () => this.#free.push(full));
  }
}

/**
 * Streams the planned tarball, gzipped: blobs come from one `git cat-file --batch --buffer` in
 * tar order; headers are filled into large buffers that gzip compresses on the thread pool
 * while the next blobs are parsed. Backpressure from the consumer pauses git's output.
 */
export function treeTarballStream(plan: TreeTarballPlan, reader?: BlobReader): Readable {
  if (reader && reader.gitDir !== plan.gitDir)
    throw new Error(`blob reader is for ${reader.gitDir}, not ${plan.gitDir}`);
  // A deep input queue: with zlib's default 16 KiB every batch would pause git until gzip is
  // done with it, so git, this thread and gzip would take turns instead of working together.
  // (zlib streams take stream options; @types/node's ZlibOptions omits them.)
  const gzipOptions: ZlibOptions & { writableHighWaterMark: number } = {
    level: plan.gzipLevel,
    memLevel: zlibConstants.Z_DEFAULT_MEMLEVEL,
    writableHighWaterMark: GZIP_QUEUE,
  };
  const gzip = createGzip(gzipOptions);
  const out = new PassThrough();
  const running: { git?: ChildProcessWithoutNullStreams } = {};
  gzip.on('error', (e) => out.destroy(e));
  gzip.pipe(out);
  const tar = new TarBuffer((data, release) => {
    if (!gzip.write(data, release)) running.git?.stdout.pause();
  });
  gzip.on('drain', () => running.git?.stdout.resume());

  const files = plan.entries.filter((e): e is Extract<TarEntry, { dir: false }> => !e.dir);
  let next = 0;
  const flushDirs = (): void => {
    while (next < plan.entries.length) {
      const e = plan.entries[next] as TarEntry;
      if (!e.dir) return;
      tar.header(`${e.rel}/`, true, 0);
      next++;
    }
  };
  const finish = (): void => {
    flushDirs();
    tar.write(USTAR_END);
    tar.flush();
    gzip.end();
  };
  const fail = (e: Error): void => {
    running.git?.kill();
    gzip.destroy(e);
    out.destroy(e);
  };

  if (files.length === 0) {
    reader?.close();
    finish();
    return out;
  }
  const proc = (reader ?? startBlobReader(plan.gitDir)).process;
  running.git = proc;
  proc.on('error', fail);
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) {
    // A reader started ahead that failed to start or died before this stream was attached.
    fail(
      new Error(
        `git cat-file is not running (exit ${proc.exitCode ?? proc.signalCode ?? 'unknown'})`,
      ),
    );
    return out;
  }
  proc.stderr.resume();
  let partial: Buffer | undefined; // an object header line split across chunks
  let fileIndex = 0;
  let need = -1; // bytes of the current blob still to copy; -1 while reading its header line
  let size = 0;
  proc.stdout.on('data', (data: Buffer) => {
    try {
      let chunk = data;
      if (partial) {
        chunk = Buffer.concat([partial, data]);
        partial = undefined;
      }
      let pos = 0;
      while (pos < chunk.length) {
        const f = files[fileIndex];
        if (!f) return;
        if (need < 0) {
          const nl = chunk.indexOf(10, pos);
          if (nl < 0) {
            partial = chunk.subarray(pos);
            return;
          }
          // `<oid> blob <size>`
          const head = chunk.toString('latin1', pos, nl);
          const sp = head.lastIndexOf(' ');
          size = Number(head.slice(sp + 1));
          if (head.slice(0, sp) !== `${f.oid} blob` || !Number.isInteger(size))
            throw new Error(`cannot read blob ${f.oid}: ${head}`);
          pos = nl + 1;
          flushDirs();
          tar.header(f.rel, false, size);
          need = size;
        }
        if (need > 0) {
          const take = Math.min(chunk.length - pos, need);
          tar.write(chunk, pos, pos + take);
          need -= take;
          pos += take;
          if (need > 0) return;
        }
        // cat-file ends every object with a newline.
        if (pos === chunk.length) return;
        pos++;
        tar.pad(size);
        need = -1;
        next++;
        fileIndex++;
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
