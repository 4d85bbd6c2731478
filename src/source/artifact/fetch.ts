// The consumer side: downloads an artifact, verifies its digest, then extracts it safely.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCategory, FlotillaError, errorMessage } from '../../core/index.js';
import { createDigester, parseDigest } from './digest.js';
import { DEFAULT_MAX_EXTRACT_SIZE, extractTarball, type ExtractOptions } from './extract.js';

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
  const { algorithm } = parseDigest(expectedDigest, 'artifact.digest');
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
  await mkdir(dirname(dest), { recursive: true });
  const staging = await mkdtemp(join(dirname(dest), `.${basename(dest)}.fetch-`));
  try {
    const tarball = join(staging, 'artifact.tar.gz');
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
    const digester = createDigester(algorithm);
    let size = 0;
    const limit = options.maxDownloadSize ?? DEFAULT_MAX_EXTRACT_SIZE;
    const declared = Number(res.headers['content-length'] ?? NaN);
    const tooBig = (n: number): FlotillaError =>
      new FlotillaError(
        `artifact '${url}' is ${n} bytes or more, over the maximum download size of ${limit} bytes`,
        { reason: 'ArtifactFetchFailed', category: ErrorCategory.Terminal },
      );
    if (limit >= 0 && Number.isFinite(declared) && declared > limit) {
      res.destroy();
      throw tooBig(declared);
    }
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        digester.hash.update(chunk);
        size += chunk.length;
        if (limit >= 0 && size > limit) {
          cb(tooBig(size));
          return;
        }
        cb(null, chunk);
      },
    });
    try {
      await pipeline(res, tap, createWriteStream(tarball, { mode: 0o600 }));
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
    const tree = join(staging, 'tree');
    const { files } = await extractTarball(createReadStream(tarball), tree, {
      label: url,
      ...options,
    });
    if (existing) await rmdir(dest);
    await rename(tree, dest);
    return { dir: dest, digest: actual, size, files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
