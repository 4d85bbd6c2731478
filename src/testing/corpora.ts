// Finds the shared test corpora (upstream test suites and libraries copied with their SOURCE.md),
// which live outside the repository in `shared/corpora/<name>` beside the checkout — or beside
// a parent of it, as for the worktrees under /work/wt/ — or under $CORPORA_DIR.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from './oracles.js';

/** The folder of a shared corpus, or undefined when it is not on this machine. */
export function findCorpus(name: string): string | undefined {
  const env = process.env['CORPORA_DIR'];
  if (env) return existsSync(join(env, name)) ? join(env, name) : undefined;
  for (let dir = dirname(projectRoot); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'corpora', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const underCi = (): boolean => process.env['CI'] === 'true' || process.env['CI'] === '1';

/**
 * The `skip` option for a test that reads a corpus: false when it is present (or under CI, where
 * {@link corpus} then fails the test), else the reason.
 */
export function corpusSkip(name: string): string | false {
  if (findCorpus(name) !== undefined || underCi()) return false;
  return `corpus ${name} not found in shared/corpora beside the checkout (or $CORPORA_DIR)`;
}

/** The folder of a corpus; throws (failing the test) when it is missing. */
export function corpus(name: string): string {
  const dir = findCorpus(name);
  if (dir === undefined)
    throw new Error(`corpus ${name} not found (shared/corpora or $CORPORA_DIR)`);
  return dir;
}
