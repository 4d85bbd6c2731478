// Comparing one kustomization directory with the kustomize v5.5.0 oracle: both build it, and
// either both print the same bytes or both fail. Shared by the differential and upstream tests.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { oracle } from '../../../testing/index.js';
import { buildKustomization } from '../../index.js';

/** Writes files (paths relative to `dir`) into `dir`. */
export function writeTree(dir: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [p, content] of Object.entries(files)) {
    const f = join(dir, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, content);
  }
}

interface OracleRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function runOracle(dir: string): Promise<OracleRun> {
  return new Promise((resolve) => {
    execFile(
      oracle('kustomize'),
      ['build', dir],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ ok: err === null, stdout, stderr }),
    );
  });
}

/** The first line where two outputs differ, for a failure message. */
export function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}: kustomize ${JSON.stringify(a[i] ?? '<end>')}, flotilla ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return 'identical';
}

export interface Comparison {
  /** kustomize built the directory. */
  readonly built: boolean;
  /** What differs (undefined when Flotilla agrees with kustomize). */
  readonly problem?: string;
  /** kustomize's last error line, when it fails. */
  readonly oracleError?: string;
}

/** Builds `dir` with kustomize and with Flotilla and says whether they agree. */
export async function compareWithOracle(dir: string): Promise<Comparison> {
  const want = await runOracle(dir);
  let got: string | undefined;
  let error = '';
  try {
    got = buildKustomization(dir).yaml;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  if (!want.ok) {
    const last = want.stderr.trim().split('\n').pop() ?? '';
    return got === undefined
      ? { built: false, oracleError: last }
      : {
          built: false,
          oracleError: last,
          problem: `kustomize fails (${last}) but Flotilla builds`,
        };
  }
  if (got === undefined)
    return { built: true, problem: `Flotilla fails: ${error.split('\n')[0] ?? ''}` };
  if (got !== want.stdout) return { built: true, problem: firstDifference(want.stdout, got) };
  return { built: true };
}
