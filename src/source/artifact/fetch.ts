// The consumer side: downloads an artifact, verifies its digest, then extracts it safely, to a
// directory or into memory.
import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ErrorCategory, FlotillaError, MemoryFs, errorMessage } from '../../core/index.js';
import { createDigester, parseDigest } from './digest.js';
import {
  DEFAULT_MAX_EXTRACT_SIZE,
  extractTarball,
  readTarball,
  type ExtractOptions,
} from './extract.js';

export interface FetchArtifactOptions extends ExtractOptions {
  /**
   * Abort when no response arrives within this many milliseconds.
   * @default 60000
   */
  readonly timeoutMs?: number;
  /**
   * Abort a download larger than this many bytes (compressed); -1 for no limit. Like Flux's
   * fetcher `maxDownloadSize`, it keeps a misbehaving server from filling the disk.
   * @default DEFAULT_MAX_EXTRACT_SIZE (100 MiB)
   */
  readonly maxDownloadSize?: number;
}

export interface FetchedArtifact {
  readonly dir: string;
  readonly digest: string;
  readonly size: number;
  readonly files: number;
}

function request(url: URL, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(url, { timeout: timeoutMs }, resolvePromise);
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** The URL of an artifact, checked: http or https only. */
function parseArtifactUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FlotillaError(`invalid artifact URL '${url}'`, {
      reason: 'InvalidURL',
      field: 'artifact.url',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FlotillaError(`unsupported artifact URL scheme '${parsed.protocol}' in '${url}'`, {
      reason: 'InvalidURL',
      field: 'artifact.url',
    });
  }
  return parsed;
}

/**
 * Downloads the (compressed) artifact at `url` into memory and checks it against
 * `expectedDigest` (`sha256:<hex>`); nothing of it is used unless the digest matches.
 */
export async function downloadArtifact(
  url: string,
  expectedDigest: string,
  options: FetchArtifactOptions = {},
): Promise<Buffer> {
  const { algorithm } = parseDigest(expectedDigest, 'artifact.digest');
  const parsed = parseArtifactUrl(url);
  let res: IncomingMessage;
  try {
    res = await request(parsed, options.timeoutMs ?? 60_000);
  } catch (err) {
    if (err instanceof FlotillaError) throw err;
    throw new FlotillaError(`cannot download artifact '${url}': ${errorMessage(err)}`, {
      reason: 'ArtifactFetchFailed',
      category: ErrorCategory.Transient,
      cause: err,
    });
  }
  if (res.statusCode !== 200) {
    res.resume();
    throw new FlotillaError(
      `cannot download artifact '${url}': HTTP ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim(),
      { reason: 'ArtifactFetchFailed', category: ErrorCategory.RetryLater },
    );
  }
  const limit = options.maxDownloadSize ?? DEFAULT_MAX_EXTRACT_SIZE;
  const tooBig = (n: number): FlotillaError =>
    new FlotillaError(
      `artifact '${url}' is ${n} bytes or more, over the maximum download size of ${limit} bytes`,
      { reason: 'ArtifactFetchFailed', category: ErrorCategory.Terminal },
    );
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (limit >= 0 && Number.isFinite(declared) && declared > limit) {
    res.destroy();
    throw tooBig(declared);
  }
  const digester = createDigester(algorithm);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (limit >= 0 && size > limit) {
        res.destroy();
        throw tooBig(size);
      }
      digester.hash.update(chunk);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof FlotillaError) throw err;
    throw new FlotillaError(`cannot download artifact '${url}': ${errorMessage(err)}`, {
      reason: 'ArtifactFetchFailed',
      category: ErrorCategory.Transient,
      cause: err,
    });
  }
  const actual = digester.digest();
  if (actual !== expectedDigest) {
    throw new FlotillaError(
      `artifact '${url}' digest mismatch: expected ${expectedDigest}, got ${actual}; refusing to use it`,
      { reason: 'ArtifactDigestMismatch', category: ErrorCategory.RetryLater },
    );
  }
  return Buffer.concat(chunks, size);
}

/**
 * Downloads the artifact at `url`, checks it against `expectedDigest` (`sha256:<hex>`) and
 * extracts it into `destDir`, which must not exist or be empty. Nothing is written to
 * `destDir` unless the digest matches and the whole archive extracts cleanly.
 */
export async function fetchArtifact(
  url: string,
  expectedDigest: string,
  destDir: string,
  options: FetchArtifactOptions = {},
): Promise<FetchedArtifact> {
  parseDigest(expectedDigest, 'artifact.digest');
  parseArtifactUrl(url);
  const dest = resolve(destDir);
  const existing = await readdir(dest).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing && existing.length > 0) {
    throw new FlotillaError(`destination '${dest}' is not empty`, {
      reason: 'InvalidPath',
      file: dest,
    });
  }
  const tarball = await downloadArtifact(url, expectedDigest, options);
  await mkdir(dirname(dest), { recursive: true });
  const staging = await mkdtemp(join(dirname(dest), `.${basename(dest)}.fetch-`));
  try {
    const tree = join(staging, 'tree');
    const { files } = await extractTarball(Readable.from([tarball]), tree, {
      label: url,
      ...options,
    });
    if (existing) await rmdir(dest);
    await rename(tree, dest);
    return { dir: dest, digest: expectedDigest, size: tarball.length, files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Downloads and verifies the artifact at `url` like `fetchArtifact`, and unpacks it into memory
 * under `mount`, a path that exists nowhere on disk (builds read it through `ReadFs`).
 */
export async function fetchArtifactTree(
  url: string,
  expectedDigest: string,
  mount: string,
  options: FetchArtifactOptions = {},
): Promise<MemoryFs> {
  const tarball = await downloadArtifact(url, expectedDigest, options);
  const tree = new MemoryFs(mount);
  await readTarball(
    Readable.from([tarball]),
    (entry) => {
      if (entry.type === 'directory') return tree.addDir(entry.segments);
      const name = entry.segments.join('/');
      if (tree.kind(posix.join(mount, name)) !== undefined) {
        throw new FlotillaError(`${url}: tar entry '${name}' appears twice`, {
          reason: 'ArtifactExtractFailed',
          file: name,
        });
      }
      tree.addFile(entry.segments, entry.data);
    },
    { label: url, ...options },
  );
  return tree;
}
