// `flotilla controller` as a user runs it — the shipped command in its own process — against the
// cluster of a kubeconfig file, with free ports for its health and artifact servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from './shipped-cli.js';

export interface ControllerProcessOptions {
  readonly kubeconfigPath: string;
  /** Campaign for the leader Lease (`--enable-leader-election`). @default false */
  readonly leaderElection?: boolean;
  /** More flags for `flotilla controller`. */
  readonly args?: readonly string[];
  /** Not above info: the runner waits for the info line "controllers started". @default 'info' */
  readonly logLevel?: 'debug' | 'info';
  /** Flags for node itself (see startCli). */
  readonly nodeOptions?: readonly string[];
}

export interface ControllerProcess extends CliProcess {
  /** The identity it logged (the holder it writes into the leader Lease). */
  readonly identity: string;
}

/**
 * Starts `flotilla controller` and resolves once it logged "controllers started" (with leader
 * election: campaigning, not necessarily leading). Its data folder is removed when it stops.
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
    options.nodeOptions ? { nodeOptions: options.nodeOptions } : {},
  );
  void proc.exited.then(() => rmSync(data, { recursive: true, force: true }));
  let line: string;
  try {
    line = await proc.waitForLine(/controllers started/);
  } catch (err) {
    await proc.kill();
    throw err;
  }
  const identity = (JSON.parse(line) as { identity?: string }).identity ?? '';
  return Object.assign(proc, { identity });
}
