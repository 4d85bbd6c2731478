// Reads `.sourceignore` files from a source tree, scoped to their directory as Flux does.
import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError, errorMessage } from '../../core/index.js';
import {
  SOURCE_IGNORE_FILE,
  createSourceMatcher,
  parseIgnoreText,
  type IgnoreBaseline,
  type IgnoreRuleSet,
  type SourceMatcher,
} from './source-matcher.js';

/**
 * Collects the patterns of every `.sourceignore` file below `dir` (parents before children,
 * siblings in name order, never descending into `.git`), each scoped to its own directory,
 * like Flux's `sourceignore.LoadIgnorePatterns`.
 */
export async function loadSourceIgnoreFiles(
  dir: string,
  listings?: DirListings,
): Promise<IgnoreRuleSet[]> {
  const out: IgnoreRuleSet[] = [];
  await collect(dir, '', out, listings);
  return out;
}

/**
 * Directory listings (absolute path → entries) a walk may keep for a later walk of the same
 * tree, such as the archiver's, so that each directory is read once.
 */
export type DirListings = Map<string, Dirent[]>;

async function collect(
  abs: string,
  rel: string,
  out: IgnoreRuleSet[],
  listings: DirListings | undefined,
): Promise<void> {
  const file = rel === '' ? SOURCE_IGNORE_FILE : `${rel}/${SOURCE_IGNORE_FILE}`;
  const entries = await readdir(abs, { withFileTypes: true });
  listings?.set(abs, entries);
  // Only directories that list the file try to read it: a failed open per directory (an
  // exception each) cost more than the rest of the walk.
  const listed = entries.find((e) => e.name === SOURCE_IGNORE_FILE);
  let text: string | undefined;
  if (listed && !listed.isDirectory()) {
    try {
      text = await readFile(join(abs, SOURCE_IGNORE_FILE), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A dangling symlink or a file removed meanwhile reads as absent.
      if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR') {
        throw new FlotillaError(`cannot read ${file}: ${errorMessage(err)}`, {
          reason: 'SourceIgnoreError',
          file,
          cause: err,
        });
      }
    }
  }
  if (text !== undefined) {
    out.push({ domain: rel, patterns: parseIgnoreText(text), origin: file });
  }
  const dirs = entries
    .filter((e) => e.isDirectory() && e.name !== '.git')
    .map((e) => e.name)
    .sort(compareNames);
  for (const name of dirs) {
    await collect(join(abs, name), rel === '' ? name : `${rel}/${name}`, out, listings);
  }
}

/**
 * Byte-wise (UTF-8) name order, as Go's `os.ReadDir` sorts. UTF-16 code unit order agrees with
 * it up to the first unit that is a surrogate or above (U+D800 and up), so only names that
 * differ there pay for encoding.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
  }
  return a.length - b.length;
}

export interface LoadSourceMatcherOptions {
  /** The object's `spec.ignore`. */
  readonly specIgnore?: string | undefined;
  /** @default IgnoreBaseline.Source */
  readonly baseline?: IgnoreBaseline;
  /** Filled with the directory listings of the walk, for the caller's own walk. */
  readonly listings?: DirListings;
}

/** Loads the tree's `.sourceignore` files and combines them with `spec.ignore` and a baseline. */
export async function loadSourceMatcher(
  dir: string,
  options: LoadSourceMatcherOptions = {},
): Promise<SourceMatcher> {
  const ruleSets = await loadSourceIgnoreFiles(dir, options.listings);
  return createSourceMatcher({
    ruleSets,
    specIgnore: options.specIgnore,
    ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
  });
}
