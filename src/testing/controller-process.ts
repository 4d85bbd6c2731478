// `flotilla controller` as a user runs it — the shipped command in its own process — against the
// cluster of a kubeconfig file, with free ports for its health and artifact servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from './shipped-cli.js';
import { until } from './until.js';

export interface ControllerProcessOptions {
  readonly kubeconfigPath: string;
  /** Campaign for the leader Lease (`--enable-leader-election`). @default false */
  readonly leaderElection?: boolean;
  /** More flags for `flotilla controller`. */
  readonly args?: readonly string[];
  /** Not above info: the runner waits for the info line "controllers started". @default 'info' */
  readonly logLevel?: 'debug' | 'info';
  /** Flags for node itself (e.g. `--heapsnapshot-signal=SIGUSR2`). */
  readonly nodeFlags?: readonly string[];
}

export interface ControllerProcess {
  readonly child: CliProcess['child'];
  /** The identity it logged (the holder it writes into the leader Lease). */
  readonly identity: string;
  /** The last lines of its log (stderr). */
  tail(lines?: number): string;
  /** SIGTERM (SIGKILL after 10 s); resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing released. */
  kill(): Promise<void>;
}

/**
 * Starts `flotilla controller` and resolves once it logged "controllers started" (with leader
 * election: campaigning, not necessarily leading). Its data folder is removed when it exits.
 */
export async function startControllerProcess(
  options: ControllerProcessOptions,
): Promise<ControllerProcess> {
  const data = mkdtempSync(join(tmpdir(), 'flotilla-controller-'));
  const proc = await startCli(
    [
      '--kubeconfig',
      options.kubeconfigPath,
      'controller',
      '--data',
      data,
      '--health-addr',
      '127.0.0.1:0',
      '--storage-addr',
      '127.0.0.1:0',
      '--log-level',
      options.logLevel ?? 'info',
      ...(options.leaderElection ? ['--enable-leader-election'] : []),
      ...(options.args ?? []),
    ],
    options.nodeFlags ? { nodeFlags: options.nodeFlags } : {},
  );
  void proc.exited.then(() => rmSync(data, { recursive: true, force: true }));
  const tail = (lines = 40) => proc.stderr().split('\n').slice(-lines).join('\n');
  let line: string;
  try {
    line = await until(
      'flotilla controller to start',
      () => {
        if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}`);
        return proc
          .stderr()
          .split('\n')
          .find((l) => l.includes('"controllers started"'));
      },
      { timeoutMs: 90_000, state: () => tail() },
    );
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  const identity = (JSON.parse(line) as { identity?: string }).identity ?? '';
  return {
    child: proc.child,
    identity,
    tail,
    async stop() {
      await proc.stop();
    },
    async kill() {
      await proc.stop('SIGKILL');
    },
  };
}
