// The shipped `flotilla` command for end-to-end tests: bin/flotilla.js over the esbuild bundle
// (dist/bundle/flotilla.cjs) that `npm run build` makes, run as child processes — never the
// TypeScript sources. A bundle older than the sources is rebuilt first, so a test never runs
// stale code.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from './oracles.js';

const BIN = join(projectRoot, 'bin', 'flotilla.js');
const BUNDLE = join(projectRoot, 'dist', 'bundle', 'flotilla.cjs');

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

const bundleTime = (): number => statSync(BUNDLE, { throwIfNoEntry: false })?.mtimeMs ?? 0;

let checked = false;

/**
 * The path of bin/flotilla.js, after making sure its bundle is built from the current sources:
 * when it is missing or older than a source file, `scripts/build-cli.js` (the bundling step of
 * `npm run build`) runs once, under a lock shared by concurrent test files.
 */
export async function shippedCli(): Promise<string> {
  if (checked) return BIN;
  const lock = join(projectRoot, 'dist', '.bundle-build.lock');
  mkdirSync(join(projectRoot, 'dist'), { recursive: true });
  for (;;) {
    if (bundleTime() >= newestSource(join(projectRoot, 'src'))) break;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it; a lock older than 2 minutes was left by a killed run.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmdirSync(lock);
      await sleep(250);
      continue;
    }
    try {
      if (bundleTime() < newestSource(join(projectRoot, 'src'))) {
        console.log('# dist/bundle is older than src/: rebuilding it (scripts/build-cli.js)');
        execFileSync(process.execPath, [join(projectRoot, 'scripts', 'build-cli.js')], {
          cwd: projectRoot,
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      }
    } finally {
      rmdirSync(lock);
    }
  }
  checked = true;
  return BIN;
}

/** A running `flotilla …` process with its combined output kept for assertions and failures. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The last lines of the output. */
  tail(lines?: number): string;
  /** Resolves with the first output line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash, nothing cleaned up. */
  kill(): Promise<void>;
}

/** Runs `node bin/flotilla.js ARGS` (the shipped command) in `cwd`. */
export async function startCli(
  args: readonly string[],
  options: {
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
    /** Flags for node itself, before bin/flotilla.js (e.g. `--heapsnapshot-signal=SIGUSR2`). */
    readonly nodeOptions?: readonly string[];
  } = {},
): Promise<CliProcess> {
  const bin = await shippedCli();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  // The test runner's loader (tsx) must not leak into the shipped command.
  delete env['NODE_OPTIONS'];
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), bin, ...args], {
    cwd: options.cwd ?? projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const w of waiters) w();
    });
  });
  const tail = (lines = 40) => out.split('\n').slice(-lines).join('\n');
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return {
    child,
    output: () => out,
    tail,
    exited,
    stop,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for output ${pattern}:\n${tail()}`));
        }, timeoutMs);
        const check = () => {
          const line = out.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`flotilla exited before printing ${pattern}:\n${tail()}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}
