// Runs the `opa` oracle (v1.22, built from its Go module) for tests that compare the Rego engine
// and `flotilla rego` with it.
import { spawnSync } from 'node:child_process';
import { oracle } from './oracles.js';
import type { CliResult } from './shipped-cli.js';

/** Runs `opa ARGS` synchronously (throws when the oracle is not built). */
export function runOpa(
  args: readonly string[],
  options: { readonly cwd?: string; readonly input?: string } = {},
): CliResult {
  const r = spawnSync(oracle('opa'), args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
