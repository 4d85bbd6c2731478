// Builds deterministic gzipped tarballs of a source tree, normalised the way Flux's storage does.
import { createReadStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { createGzip, constants as zlibConstants, type ZlibOptions } from 'node:zlib';
import * as tar from 'tar-stream';
import { FlotillaError, errorMessage } from '../../core/index.js';
import {
  compareNames,
  loadSourceMatcher,
  type DirListings,
  type SourceMatcher,
} from '../ignore/index.js';
import { createDigester } from './digest.js';

/** Flux writes every file as 0644 and every directory as 0755, whatever the tree says. */
export const ARTIFACT_FILE_MODE = 0o644;
export const ARTIFACT_DIR_MODE = 0o755;
/** Every entry gets the same time (the Unix epoch), so the digest depends on content only. */
export const ARTIFACT_MTIME = new Date(0);

/** Files up to this size are read in one go; larger ones are streamed. */
const BUFFERED_FILE_LIMIT = 4 * 1024 * 1024;
/** Entries handed to the packer before waiting for it to catch up (bounds memory). */
const ENTRY_BATCH = 64;
/** tar-stream pushes headers, bodies and padding separately; gzip gets them in chunks this big. */
const GZIP_INPUT_CHUNK = 256 * 1024;

export interface BuildArtifactOptions {
  /**
   * Which paths to leave out. `undefined` applies Flux's GitRepository rules: the tree's
   * `.sourceignore` files, `specIgnore` and Flux's default exclusions. `null` keeps every
   * regular file (Flux filters Bucket objects while listing, not while archiving).
   * @default undefined
   */
  readonly matcher?: SourceMatcher | null | undefined;
  /** The object's `spec.ignore`, used when `matcher` is undefined. */
  readonly specIgnore?: string | undefined;
  /**
   * gzip level. Flux uses Go's default (6).
   * @default 6
   */
  readonly gzipLevel?: number;
}

export interface TarballResult {
  /** `sha256:<hex>` of the gzipped bytes. */
  readonly digest: string;
  /** Size of the gzipped bytes. */
  readonly size: number;
  /** Regular files written. */
  readonly files: number;
}

interface TreeEntry {
  readonly rel: string;
  readonly abs: string;
  readonly dir: boolean;
}

/**
 * Lists what goes into the tarball, in Flux's order (a depth-first walk with the names of each
 * directory in byte order, as Go's `filepath.Walk`). Symbolic links and special files are
 * skipped, as Flux skips anything that is neither a regular file nor a directory.
 */
async function listTree(
  root: string,
  matcher: SourceMatcher | null,
  listings: DirListings,
): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = listings.get(abs) ?? (await readdir(abs, { withFileTypes: true }));
    entries.sort((a, b) => compareNames(a.name, b.name));
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      const childAbs = join(abs, e.name);
      if (e.isDirectory()) {
        const ignored = matcher?.ignores(childRel, true) ?? false;
        if (ignored && matcher?.canPrune(childRel) !== false) continue;
        if (!ignored) out.push({ rel: childRel, abs: childAbs, dir: true });
        await walk(childAbs, childRel);
      } else if (e.isFile()) {
        if (matcher?.ignores(childRel, false) ?? false) continue;
        out.push({ rel: childRel, abs: childAbs, dir: false });
      }
    }
  };
  await walk(root, '');
  return out;
}

/** Reads a small file, or returns null for a large one (streamed instead). */
async function readSmall(abs: string): Promise<Buffer | null> {
  const fh = await open(abs, 'r');
  try {
    const { size } = await fh.stat();
    if (size > BUFFERED_FILE_LIMIT) return null;
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** How many files are read ahead of the packer (the thread pool runs 4 reads at once). */
const READ_AHEAD = 32;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function addEntry(
  pack: tar.Pack,
  header: Partial<tar.Header> & { name: string },
  body?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (body) pack.entry(header, body, cb);
    else pack.entry(header, cb);
  });
}

async function addStreamedFile(pack: tar.Pack, name: string, abs: string): Promise<void> {
  const handle = await open(abs, 'r');
  try {
    const { size } = await handle.stat();
    let sink!: ReturnType<tar.Pack['entry']>;
    const done = new Promise<void>((resolve, reject) => {
      sink = pack.entry(baseHeader(name, 'file', size), (err) => (err ? reject(err) : resolve()));
    });
    // tar-stream's entries are streamx streams: feed them by hand, honouring backpressure.
    const source = createReadStream('', { fd: handle, autoClose: false, start: 0, end: size - 1 });
    for await (const chunk of source) {
      if (!sink.write(chunk as Buffer)) await once(sink, 'drain');
    }
    sink.end(Buffer.alloc(0));
    await done;
  } finally {
    await handle.close();
  }
}

function baseHeader(
  name: string,
  type: 'file' | 'directory',
  size = 0,
): Partial<tar.Header> & { name: string } {
  return {
    name,
    type,
    size,
    mode: type === 'directory' ? ARTIFACT_DIR_MODE : ARTIFACT_FILE_MODE,
    mtime: ARTIFACT_MTIME,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
  };
}

/**
 * Writes a gzipped tarball of `dir` to `out` and returns its digest and size. Entries are
 * regular files and directories only, in a stable order, with normalised modes, owners and
 * times: the same tree always gives the same bytes.
 */
export async function writeTarball(
  dir: string,
  out: Writable,
  options: BuildArtifactOptions = {},
): Promise<TarballResult> {
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new FlotillaError(`invalid source directory '${dir}': not a directory`, {
      reason: 'InvalidPath',
      file: dir,
    });
  }
  // Loading the .sourceignore files walks the whole tree; its listings serve the archive's walk.
  const listings: DirListings = new Map();
  const matcher =
    options.matcher === undefined
      ? await loadSourceMatcher(dir, { specIgnore: options.specIgnore, listings })
      : options.matcher;
  const entries = await listTree(dir, matcher, listings);

  const digester = createDigester();
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      digester.hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const pack = tar.pack();
  // A queue of a few coalesced chunks: with zlib's default 16 KiB each chunk would wait for the
  // previous one to be compressed, so reading files and compressing would take turns.
  // (zlib streams take stream options; @types/node's ZlibOptions omits them.)
  const gzipOptions: ZlibOptions & { writableHighWaterMark: number } = {
    level: options.gzipLevel ?? 6,
    memLevel: zlibConstants.Z_DEFAULT_MEMLEVEL,
    writableHighWaterMark: 4 * GZIP_INPUT_CHUNK,
  };
  const gzip = createGzip(gzipOptions);
  // Coalesce tar-stream's many small pushes: one zlib call per 512-byte header is slow.
  let held: Buffer[] = [];
  let heldBytes = 0;
  const coalesce = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes < GZIP_INPUT_CHUNK) {
        cb();
        return;
      }
      const merged = Buffer.concat(held, heldBytes);
      held = [];
      heldBytes = 0;
      cb(null, merged);
    },
    flush(cb) {
      cb(null, heldBytes > 0 ? Buffer.concat(held, heldBytes) : undefined);
    },
  });
  const piped = pipeline(pack, coalesce, gzip, tap, out);

  let files = 0;
  const feed = async (): Promise<void> => {
    // Entries are queued without waiting for each; every ENTRY_BATCH we wait for the packer.
    let queued: Promise<void>[] = [];
    const drain = async (): Promise<void> => {
      const batch = queued;
      queued = [];
      await Promise.all(batch);
    };
    const queue = (p: Promise<void>): void => {
      p.catch(() => undefined); // awaited in drain()
      queued.push(p);
    };
    // Small files are read ahead in parallel: one read at a time, each a few thread-pool round
    // trips, would leave the packer waiting; none is read synchronously on the event loop.
    const reads = new Map<number, Promise<Buffer | null>>();
    let readFrom = 0;
    const readAhead = (i: number): Promise<Buffer | null> => {
      for (; readFrom < Math.min(entries.length, i + READ_AHEAD); readFrom++) {
        const e = entries[readFrom] as TreeEntry;
        if (e.dir) continue;
        const p = readSmall(e.abs);
        p.catch(() => undefined); // awaited in order below
        reads.set(readFrom, p);
      }
      const p = reads.get(i) as Promise<Buffer | null>;
      reads.delete(i);
      return p;
    };
    for (let i = 0; i < entries.length; i++) {
      if (queued.length >= ENTRY_BATCH) {
        await drain();
        await yieldToLoop();
      }
      const e = entries[i] as TreeEntry;
      if (e.dir) {
        queue(addEntry(pack, baseHeader(`${e.rel}/`, 'directory')));
        continue;
      }
      let body: Buffer | null;
      try {
        body = await readAhead(i);
      } catch (err) {
        throw new FlotillaError(`cannot read '${e.rel}': ${errorMessage(err)}`, {
          reason: 'ArchiveOperationFailed',
          file: e.rel,
          cause: err,
        });
      }
      if (body) {
        queue(addEntry(pack, baseHeader(e.rel, 'file', body.length), body));
      } else {
        await drain();
        await addStreamedFile(pack, e.rel, e.abs);
      }
      files++;
    }
    await drain();
    pack.finalize();
  };
  try {
    await Promise.all([
      feed().catch((err: unknown) => {
        pack.destroy(err as Error);
        throw err;
      }),
      piped,
    ]);
  } catch (err) {
    if (err instanceof FlotillaError) throw err;
    throw new FlotillaError(`cannot archive '${dir}': ${errorMessage(err)}`, {
      reason: 'ArchiveOperationFailed',
      file: dir,
      cause: err,
    });
  }
  return { digest: digester.digest(), size, files };
}

/**
 * Builds the artifact tarball of `dir` in memory and returns it with its digest and size.
 * Use `ArtifactStore.archive` to write it straight into storage instead.
 */
export async function buildArtifact(
  dir: string,
  options: BuildArtifactOptions = {},
): Promise<TarballResult & { readonly tarball: Buffer }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const result = await writeTarball(dir, sink, options);
  return { ...result, tarball: Buffer.concat(chunks) };
}
