// Lists a bucket into an etag index (with ignore rules) and downloads the indexed objects, as Flux does.
import { readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { FlotillaError, errorMessage } from '../../core/index.js';
import {
  IgnoreBaseline,
  SOURCE_IGNORE_FILE,
  createSourceMatcher,
  parseIgnoreText,
} from '../ignore/index.js';
import { BucketReason } from './client-factory.js';
import { ObjectIndex } from './object-index.js';
import type { BucketClient } from './provider.js';

export interface FetchIndexOptions {
  readonly bucketName: string;
  readonly prefix: string;
  readonly specIgnore?: string | undefined;
  /** A scratch directory (the `.sourceignore` object is downloaded into it). */
  readonly tmpDir: string;
  readonly object: string;
  readonly signal?: AbortSignal;
}

function opError(message: string, object: string, cause?: unknown): FlotillaError {
  return new FlotillaError(message, {
    reason: BucketReason.BucketOperationFailed,
    object,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Flux's `fetchEtagIndex`: checks the bucket exists, reads `.sourceignore` at the bucket root
 * plus `spec.ignore` (no default exclusions for buckets), and indexes every remaining object
 * under the prefix (keys ending in `/` and the `.sourceignore` object itself are left out).
 */
export async function fetchEtagIndex(
  client: BucketClient,
  options: FetchIndexOptions,
): Promise<ObjectIndex> {
  const { bucketName, object, signal } = options;
  let exists: boolean;
  try {
    exists = await client.bucketExists(bucketName, signal);
  } catch (err) {
    throw opError(
      `failed to confirm existence of '${bucketName}' bucket: ${errorMessage(err)}`,
      object,
      err,
    );
  }
  if (!exists) throw opError(`bucket '${bucketName}' not found`, object);

  const ignorePath = join(options.tmpDir, SOURCE_IGNORE_FILE);
  let ignoreText = '';
  try {
    await client.getObject(bucketName, SOURCE_IGNORE_FILE, ignorePath, signal);
    ignoreText = await readFile(ignorePath, 'utf8');
    await rm(ignorePath, { force: true });
  } catch (err) {
    if (!client.isObjectNotFound(err)) {
      throw opError(
        `failed to get Etag for '${SOURCE_IGNORE_FILE}' object: ${errorMessage(err)}`,
        object,
        err,
      );
    }
  }
  const matcher = createSourceMatcher({
    baseline: IgnoreBaseline.None,
    ruleSets: [
      {
        domain: '',
        patterns: parseIgnoreText(ignoreText),
        origin: `${bucketName}/${SOURCE_IGNORE_FILE}`,
      },
    ],
    specIgnore: options.specIgnore,
  });

  const index = new ObjectIndex();
  try {
    await client.visitObjects(
      bucketName,
      options.prefix,
      (key, etag) => {
        if (key.endsWith('/') || key === SOURCE_IGNORE_FILE) return;
        if (matcher.ignores(key, false)) return;
        index.add(key, etag);
      },
      signal,
    );
  } catch (err) {
    throw opError(
      `indexation of objects from bucket '${bucketName}' failed: ${errorMessage(err)}`,
      object,
      err,
    );
  }
  return index;
}

export interface FetchFilesOptions {
  readonly bucketName: string;
  /** Where objects are written, at their key's path. */
  readonly dir: string;
  readonly object: string;
  /** Downloads in flight at once. @default 16 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Told about objects that vanished between listing and download. */
  readonly onVanished?: (key: string) => void;
}

/** The local path of an object key, refusing keys that would escape `dir`. */
export function objectPath(dir: string, key: string, object: string): string {
  const root = resolve(dir);
  const segments = key.split('/');
  const abs = resolve(root, ...segments);
  if (segments.some((s) => s === '..') || !abs.startsWith(root + sep)) {
    throw opError(`object key '${key}' would be written outside the artifact directory`, object);
  }
  return abs;
}

/**
 * Flux's `fetchIndexFiles`: downloads every indexed object with bounded concurrency, updates
 * the index with the etag each download returned, and drops objects that disappeared.
 */
export async function fetchIndexFiles(
  client: BucketClient,
  index: ObjectIndex,
  options: FetchFilesOptions,
): Promise<void> {
  const keys = index.keys();
  const concurrency = Math.max(1, options.concurrency ?? 16);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < keys.length) {
      const key = keys[next++] as string;
      const path = objectPath(options.dir, key, options.object);
      try {
        const etag = await client.getObject(options.bucketName, key, path, options.signal);
        if (etag !== '' && etag !== index.get(key)) index.add(key, etag);
      } catch (err) {
        if (client.isObjectNotFound(err)) {
          index.delete(key);
          options.onVanished?.(key);
          continue;
        }
        failed = true;
        throw opError(
          `fetch from bucket '${options.bucketName}' failed: failed to get '${key}' object: ${errorMessage(err)}`,
          options.object,
          err,
        );
      }
    }
  };
  // Wait for every worker (so nothing writes after we return), then report the first failure.
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(concurrency, Math.max(1, keys.length)) }, worker),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
