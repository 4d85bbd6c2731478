// What the tests of the flux-style commands run against: the local cluster (in this process) with
// the CRDs and the flux-system namespace, a Git repository served over HTTP, and the shipped
// `flotilla controller` in its own process (leader election on, its log in a file, as a user runs
// it outside the cluster). `flotilla(...)` runs the shipped CLI and `flux(...)` the flux oracle
// against the same cluster, so that their outputs can be compared.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient } from '../kube/index.js';
import { installCrds } from '../controller/index.js';
import { startControllerProcess, type ControllerProcess } from './controller-process.js';
import { startServedGitRepo, type ServedGitRepo } from './git-repo.js';
import { oracle } from './oracles.js';
import { runCli, type CliOptions, type CliResult } from './shipped-cli.js';

/** A fleet repository with one Kustomization path, ./apps: a ConfigMap `settings` in `apps`. */
export const APPS_FIXTURE: Readonly<Record<string, string>> = {
  'apps/kustomization.yaml': 'resources:\n- settings.yaml\n',
  'apps/settings.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  a: b\n',
};

export interface FluxCliEnv {
  readonly root: string;
  readonly kubeconfig: string;
  readonly client: KubeClient;
  readonly cluster: LocalCluster;
  readonly repo: ServedGitRepo;
  /** The controller's log file (`flotilla logs --log-file`). */
  readonly logFile: string;
  readonly controller: ControllerProcess | undefined;
  /** Runs the shipped `flotilla --kubeconfig K ARGS…`. */
  flotilla(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** Runs the flux oracle with the same kubeconfig (a test skips without it: oracleSkip('flux')). */
  flux(args: readonly string[]): Promise<CliResult>;
  stop(): Promise<void>;
}

export interface FluxCliEnvOptions {
  /** Start the controller process. @default true */
  readonly controller?: boolean;
  /** The fleet repository's first commit. */
  readonly files?: Readonly<Record<string, string>>;
  /** Namespaces to create besides flux-system. */
  readonly namespaces?: readonly string[];
}

/** Starts the environment; stop() ends everything it started. */
export async function startFluxCliEnv(options: FluxCliEnvOptions = {}): Promise<FluxCliEnv> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-fluxcli-'));
  const cluster = await startLocalCluster({ port: 0, inMemory: true, simulationDelayMs: 50 });
  const kubeconfig = join(root, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig);
  const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  await installCrds(client);
  for (const name of ['flux-system', ...(options.namespaces ?? [])])
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const repo = await startServedGitRepo();
  if (options.files) repo.commit(options.files);
  const logFile = join(root, 'controller.log');
  const controller =
    options.controller === false
      ? undefined
      : await startControllerProcess({
          kubeconfigPath: kubeconfig,
          leaderElection: true,
          args: ['--log-file', logFile],
        });
  const env = { HOME: root, KUBECONFIG: kubeconfig };
  return {
    root,
    kubeconfig,
    client,
    cluster,
    repo,
    logFile,
    controller,
    flotilla: (args, o = {}) =>
      runCli(['--kubeconfig', kubeconfig, ...args], { ...o, env: { ...env, ...o.env } }),
    flux: (args) =>
      new Promise((resolve) => {
        execFile(
          oracle('flux'),
          ['--kubeconfig', kubeconfig, ...args],
          { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8' },
          (err, stdout, stderr) =>
            resolve({
              code: err ? Number((err as { code?: number }).code ?? 1) : 0,
              stdout,
              stderr,
            }),
        );
      }),
    async stop() {
      await controller?.stop();
      await repo.close();
      client.close();
      await cluster.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
