// Finds the shared test corpora (upstream test suites and libraries copied with their SOURCE.md),
// which live outside the repository in `shared/corpora/<name>` beside the checkout — or beside
// a parent of it, as for the worktrees under /work/wt/ — or under $CORPORA_DIR.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * The git bundle of an upstream example repository (`shared/upstream-examples/<name>.bundle`,
 * found like the corpora, or under $UPSTREAM_EXAMPLES_DIR), or undefined when it is missing.
 */
export function findUpstreamExample(name: string): string | undefined {
  const env = process.env['UPSTREAM_EXAMPLES_DIR'];
  if (env) return existsSync(join(env, `${name}.bundle`)) ? join(env, `${name}.bundle`) : undefined;
  for (let dir = dirname(projectRoot); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'upstream-examples', `${name}.bundle`);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The `skip` option for a test that reads an upstream example (a failure under CI). */
export function upstreamExampleSkip(name: string): string | false {
  if (findUpstreamExample(name) !== undefined || underCi()) return false;
  return `upstream example ${name}.bundle not found in shared/upstream-examples`;
}

/** The path of an upstream example's bundle; throws (failing the test) when it is missing. */
export function upstreamExample(name: string): string {
  const path = findUpstreamExample(name);
  if (path === undefined) throw new Error(`upstream example ${name}.bundle not found`);
  return path;
}

const cloned = new Map<string, string>();

/**
 * A checkout of one of the shared upstream example repositories (`shared/upstream-examples/
 * NAME.bundle`, see its SOURCE.md), cloned once per process into a temporary folder; undefined
 * when the bundle is not on this machine.
 */
export function upstreamExampleCheckout(name: string): string | undefined {
  const done = cloned.get(name);
  if (done !== undefined) return done;
  const bundle = findUpstreamExample(name);
  if (bundle === undefined) return undefined;
  const dir = join(mkdtempSync(join(tmpdir(), `flotilla-${name}-`)), name);
  const r = spawnSync('git', ['clone', '--quiet', bundle, dir]);
  if (r.status !== 0) throw new Error(`git clone ${bundle}: ${r.stderr.toString()}`);
  cloned.set(name, dir);
  return dir;
}
