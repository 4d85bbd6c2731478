// The product entry as users run it, for end-to-end tests of the CLI: bin/flotilla.js over the
// bundle scripts/build-cli.js makes, built once per test file into a temporary tree laid out as a
// checkout (bin/ beside dist/bundle/, node_modules linked), never into the shared dist/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './oracles.js';

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ShippedCli {
  /** Runs `flotilla ARGS` (synchronously) in `cwd`, with colours off. */
  run(args: readonly string[], options?: { readonly cwd?: string }): ProcessResult;
  /** Removes the temporary tree. */
  dispose(): void;
}

/** Builds the bundle into a temporary tree and returns a runner for its bin/flotilla.js. */
export function buildShippedCli(): ShippedCli {
  const tree = mkdtempSync(join(tmpdir(), 'flotilla-shipped-'));
  mkdirSync(join(tree, 'bin'));
  for (const f of ['flotilla.js', 'package.json']) {
    copyFileSync(join(projectRoot, 'bin', f), join(tree, 'bin', f));
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(tree, 'node_modules'));
  const built = spawnSync(
    process.execPath,
    [join(projectRoot, 'scripts', 'build-cli.js'), '--outdir', join(tree, 'dist', 'bundle')],
    { encoding: 'utf8' },
  );
  if (built.status !== 0) {
    rmSync(tree, { recursive: true, force: true });
    throw new Error(`building the CLI bundle failed: ${built.stderr}`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  delete env['NODE_OPTIONS'];
  const bin = join(tree, 'bin', 'flotilla.js');
  return {
    run(args, options = {}) {
      const r = spawnSync(process.execPath, [bin, ...args], {
        env,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    dispose() {
      rmSync(tree, { recursive: true, force: true });
    },
  };
}
