// `flotilla cluster start|kubeconfig`: run the embedded local cluster and print its kubeconfig.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../core/index.js';
import { readKubeconfig, startLocalCluster, KUBECONFIG_FILE } from '../../localcluster/index.js';
import { CliError } from '../errors.js';
import { contextFrom } from '../context.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new CliError(`--port: '${value}' is not a port number (0-65535)`);
  }
  return n;
}

export function registerClusterCommand(program: Command): void {
  const cluster = program
    .command('cluster')
    .description('run and inspect the embedded local Kubernetes-compatible cluster');

  cluster
    .command('start')
    .description('serve a local cluster over HTTPS on 127.0.0.1 until interrupted')
    .requiredOption('--data <dir>', 'directory for the cluster state, certificates and kubeconfig')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '6443')
    .option('--name <name>', 'cluster name in the kubeconfig', 'flotilla')
    .option('--in-memory', 'keep state in memory only (nothing survives a restart)', false)
    .action(
      async (
        opts: { data: string; port: string; name: string; inMemory: boolean },
        command: Command,
      ) => {
        const ctx = contextFrom(command);
        const dataDir = resolve(opts.data);
        const cluster = await startLocalCluster({
          dataDir,
          port: parsePort(opts.port),
          name: opts.name,
          inMemory: opts.inMemory,
          logger: createLogger({ level: ctx.options.verbose ? 'debug' : 'warn' }),
        });
        ctx.stdout.write(
          `local cluster serving at ${cluster.url}; kubeconfig written to ${cluster.kubeconfigPath ?? join(dataDir, KUBECONFIG_FILE)}\n`,
        );
        await new Promise<void>((done) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            cluster.stop().then(done, done);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      },
    );

  cluster
    .command('kubeconfig')
    .description('print the kubeconfig of a local cluster')
    .requiredOption('--data <dir>', 'the directory given to `cluster start`')
    .action((opts: { data: string }, command: Command) => {
      const ctx = contextFrom(command);
      try {
        ctx.stdout.write(readKubeconfig(resolve(opts.data)));
      } catch (err) {
        throw new CliError(
          `no kubeconfig in ${resolve(opts.data)}: start the cluster first with 'flotilla cluster start --data ${opts.data}' (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    });
}
