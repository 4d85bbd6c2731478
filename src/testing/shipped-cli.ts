// The shipped `flotilla` command for end-to-end tests: bin/flotilla.js over the esbuild bundle
// that scripts/build-cli.js makes (the bundling step of `npm run build`), in a temporary tree laid
// out like a checkout (bin/, dist/bundle/, node_modules linked). Never the TypeScript sources
// through tsx, which can hide what only the bundle does; never the shared dist/, which other
// processes may be running. The tree is built once per test run and shared by its test files.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { projectRoot } from './oracles.js';

const run = promisify(execFile);

/** Newest modification time of the product's sources (tests and test helpers excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'testing' || entry.name === 'testdata') continue;
      newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the shipped layout into `tree` (an empty or missing directory): bin/flotilla.js and
 * its package.json, node_modules linked to the checkout's, and the bundle in dist/bundle.
 * Returns the path of bin/flotilla.js.
 */
export async function buildShippedTree(tree: string): Promise<string> {
  mkdirSync(join(tree, 'bin'), { recursive: true });
  const bin = join(tree, 'bin', 'flotilla.js');
  copyFileSync(join(projectRoot, 'bin', 'flotilla.js'), bin);
  copyFileSync(join(projectRoot, 'bin', 'package.json'), join(tree, 'bin', 'package.json'));
  if (!existsSync(join(tree, 'node_modules')))
    symlinkSync(join(projectRoot, 'node_modules'), join(tree, 'node_modules'));
  await run(process.execPath, [
    join(projectRoot, 'scripts', 'build-cli.js'),
    '--outdir',
    join(tree, 'dist', 'bundle'),
  ]);
  return bin;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TREE_PREFIX = 'flotilla-shipped-';

/** Removes the trees of test runs whose runner is gone. */
function removeStaleTrees(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${TREE_PREFIX}(\\d+)(\\.lock)?$`).exec(name);
    if (m === null || alive(Number(m[1]))) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

let entry: Promise<string> | undefined;

/**
 * The path of the shipped bin/flotilla.js, built from the current sources. Test files run as
 * child processes of one runner: the first to get here builds the tree under a lock, keyed by
 * the runner's PID, and the others use it; a tree older than the sources is built again.
 */
export function shippedCli(): Promise<string> {
  entry ??= (async () => {
    removeStaleTrees();
    const tree = join(tmpdir(), `${TREE_PREFIX}${process.ppid}`);
    const lock = `${tree}.lock`;
    const stamp = join(tree, '.built');
    const bin = join(tree, 'bin', 'flotilla.js');
    const current = (): boolean =>
      existsSync(stamp) &&
      Number(readFileSync(stamp, 'utf8')) >= newestSource(join(projectRoot, 'src'));
    for (;;) {
      if (current()) return bin;
      try {
        mkdirSync(lock);
      } catch {
        await sleep(200); // another test file is building it
        continue;
      }
      try {
        if (!current()) {
          const sources = newestSource(join(projectRoot, 'src'));
          rmSync(tree, { recursive: true, force: true });
          await buildShippedTree(tree);
          writeFileSync(stamp, String(sources));
        }
      } finally {
        rmdirSync(lock);
      }
    }
  })();
  return entry;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Flags for node itself, before the entry. */
  readonly nodeFlags?: readonly string[];
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a user's shell would give: no test runner options, no colours. */
function cliEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env };
  delete out['NODE_OPTIONS'];
  delete out['NODE_TEST_CONTEXT'];
  return out;
}

/** Runs `flotilla ARGS…` to completion (without blocking this process's event loop). */
export async function runCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const bin = await shippedCli();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeFlags ?? []), bin, ...args],
      {
        env: cliEnv(options.env),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      },
      (err, stdout, stderr) =>
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

/** A running `flotilla …` process with its output kept for assertions and failure messages. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout matches `pattern`; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code (null when ended by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code; SIGKILL after 10 s. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `flotilla ARGS…` as a long-running process (`up`, `controller`, `cluster start`). */
export async function startCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliProcess> {
  const bin = await shippedCli();
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), bin, ...args], {
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, timeoutMs = 90_000) {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > end || child.exitCode !== null || child.signalCode !== null)
          throw new Error(
            `flotilla ${args.join(' ')}: did not print ${pattern} (exit ${child.exitCode}); stdout:\n${out}\nstderr:\n${err.slice(-4000)}`,
          );
        await sleep(50);
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A synchronous runner of the shipped entry, for tests that run many short commands in a row. */
export interface ShippedCli {
  /** Runs `flotilla ARGS` (synchronously) in `cwd`, with colours off. */
  run(args: readonly string[], options?: { readonly cwd?: string }): CliResult;
}

/** Builds (or reuses) the shipped tree, then returns a synchronous runner of its bin/flotilla.js. */
export async function shippedCliRunner(): Promise<ShippedCli> {
  const bin = await shippedCli();
  return {
    run(args, options = {}) {
      const r = spawnSync(process.execPath, [bin, ...args], {
        env: cliEnv(undefined),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
