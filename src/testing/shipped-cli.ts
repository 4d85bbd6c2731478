// The product entry as users run it, for end-to-end tests of the CLI and the controllers:
// bin/flotilla.js over a bundle that scripts/build-cli.js builds from the current sources into a
// temporary tree (never the shared dist/), once per test process.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './oracles.js';

let built: Promise<string> | undefined;

/**
 * The path of a `bin/flotilla.js` that runs the bundle of the current sources. The tree is
 * removed when the process exits.
 */
export function shippedCli(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const tree = mkdtempSync(join(tmpdir(), 'flotilla-bin-'));
  process.once('exit', () => rmSync(tree, { recursive: true, force: true }));
  // The same layout as a checkout: bin/ next to dist/bundle/, packages from node_modules.
  mkdirSync(join(tree, 'bin'));
  copyFileSync(join(projectRoot, 'bin', 'flotilla.js'), join(tree, 'bin', 'flotilla.js'));
  copyFileSync(join(projectRoot, 'bin', 'package.json'), join(tree, 'bin', 'package.json'));
  symlinkSync(join(projectRoot, 'node_modules'), join(tree, 'node_modules'));
  await promisify(execFile)(process.execPath, [
    join(projectRoot, 'scripts', 'build-cli.js'),
    '--outdir',
    join(tree, 'dist', 'bundle'),
  ]);
  return join(tree, 'bin', 'flotilla.js');
}
