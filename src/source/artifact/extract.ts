// Safe extraction of artifact tarballs: no path escapes, no links, bounded size (like Flux's Untar).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { FlotillaError } from '../../core/index.js';

/** Flux's `DefaultMaxUntarSize`: 100 MiB of file content. */
export const DEFAULT_MAX_EXTRACT_SIZE = 100 * 1024 * 1024;

export interface ExtractOptions {
  /**
   * Refuse archives whose files add up to more than this many bytes; -1 for no limit.
   * @default DEFAULT_MAX_EXTRACT_SIZE
   */
  readonly maxSize?: number;
  /** Named in error messages (e.g. the artifact URL). @default 'artifact' */
  readonly label?: string;
}

/** Returns the entry name as safe relative segments, or undefined when it must be refused. */
function safeSegments(name: string): string[] | undefined {
  if (name === '' || name.includes('\\') || name.includes('\0') || name.startsWith('/')) {
    return undefined;
  }
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return undefined;
  return segments;
}

/** One accepted entry of an artifact tarball: a directory, or a file with its bytes. */
export type TarballEntry =
  | { readonly type: 'directory'; readonly segments: readonly string[] }
  | {
      readonly type: 'file';
      readonly segments: readonly string[];
      readonly mode: number;
      readonly data: Buffer;
    };

/**
 * Reads a gzipped tarball entry by entry, refusing, with an error naming the entry, absolute
 * names, `..` segments, symbolic and hard links and special files, and stopping once the content
 * exceeds `maxSize`. Each accepted entry goes to `onEntry` (awaited, in archive order).
 */
export async function readTarball(
  source: Readable,
  onEntry: (entry: TarballEntry) => Promise<void> | void,
  options: ExtractOptions = {},
): Promise<{ files: number; bytes: number }> {
  const maxSize = options.maxSize ?? DEFAULT_MAX_EXTRACT_SIZE;
  const label = options.label ?? 'artifact';
  const fail = (entry: string, why: string): FlotillaError =>
    new FlotillaError(`${label}: tar entry '${entry}' ${why}`, {
      reason: 'ArtifactExtractFailed',
      file: entry,
    });
  const extract = tar.extract();
  let files = 0;
  let bytes = 0;
  const consume = async (): Promise<void> => {
    for await (const entry of extract) {
      const { header } = entry;
      const segments = safeSegments(header.name);
      if (!segments) throw fail(header.name, 'has an unsafe path');
      switch (header.type) {
        case 'directory':
          entry.resume();
          await onEntry({ type: 'directory', segments });
          break;
        case 'file':
        case 'contiguous-file': {
          bytes += header.size ?? 0;
          if (maxSize >= 0 && bytes > maxSize) {
            throw fail(header.name, `exceeds the maximum size of ${maxSize} bytes`);
          }
          if (segments.length === 0) throw fail(header.name, 'has no file name');
          const chunks: Buffer[] = [];
          for await (const c of entry) chunks.push(c as Buffer);
          const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
          await onEntry({ type: 'file', segments, mode: header.mode ?? 0o644, data });
          files++;
          break;
        }
        case 'symlink':
        case 'link':
          throw fail(header.name, 'is a link, which is not allowed in an artifact');
        default:
          throw fail(header.name, `has unsupported type '${String(header.type)}'`);
      }
    }
  };
  await Promise.all([
    pipeline(source, createGunzip({ chunkSize: 64 * 1024 }), extract),
    consume(),
  ]).catch((err: unknown) => {
    extract.destroy();
    if (err instanceof FlotillaError) throw err;
    throw new FlotillaError(`${label}: cannot extract: ${(err as Error).message}`, {
      reason: 'ArtifactExtractFailed',
      cause: err,
    });
  });
  return { files, bytes };
}

/**
 * Extracts a gzipped tarball into `dir` (created if missing), with `readTarball`'s checks.
 * Files are created exclusively: an entry named twice is an error.
 */
export async function extractTarball(
  source: Readable,
  dir: string,
  options: ExtractOptions = {},
): Promise<{ files: number; bytes: number }> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const made = new Set<string>([root]);
  const ensureDir = async (abs: string): Promise<void> => {
    if (made.has(abs)) return;
    await mkdir(abs, { recursive: true, mode: 0o755 });
    made.add(abs);
  };
  return readTarball(
    source,
    async (entry) => {
      const abs = join(root, ...entry.segments);
      if (abs !== root && !abs.startsWith(root + sep)) {
        throw new FlotillaError(`tar entry '${entry.segments.join('/')}' escapes the target`, {
          reason: 'ArtifactExtractFailed',
          file: entry.segments.join('/'),
        });
      }
      if (entry.type === 'directory') return ensureDir(abs);
      await ensureDir(dirname(abs));
      await writeFile(abs, entry.data, { mode: (entry.mode & 0o777) | 0o600, flag: 'wx' });
    },
    options,
  );
}
