// `flotilla controller`: runs the GitRepository and Kustomization controllers against the cluster
// of --kubeconfig (or the in-cluster config) until SIGINT/SIGTERM.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../core/index.js';
import { startControllers } from '../../controller/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { connect } from '../kube.js';
import { DEFAULT_TOWER_LISTEN, serveTower } from './tower.js';

interface Opts {
  data: string;
  concurrent: string;
  watchLabelSelector?: string;
  enableLeaderElection: boolean;
  leaderElectionNamespace: string;
  healthAddr: string;
  storageAddr: string;
  storageAdvAddr?: string;
  logLevel: string;
  tower: boolean;
  towerListen: string;
  towerAuthTokenFile?: string;
  towerAuthSecret?: string;
  towerEnvironment?: string;
  towerData: string;
}

function hostPort(value: string, flag: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  const port = Number(value.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`${flag}: expected HOST:PORT, got '${value}'`);
  }
  return { host: value.slice(0, i) || '0.0.0.0', port };
}

export function registerControllerCommand(program: Command): void {
  program
    .command('controller')
    .description('run the GitRepository and Kustomization controllers against a cluster')
    .option(
      '--data <dir>',
      'directory for artifacts, git mirrors and builds',
      '.flotilla/controller',
    )
    .option('--concurrent <n>', 'concurrent reconciles per kind', '4')
    .option(
      '--watch-label-selector <selector>',
      'reconcile only objects matching this label selector (sharding)',
    )
    .option('--enable-leader-election', 'run only while holding the leader Lease', false)
    .option('--leader-election-namespace <ns>', 'namespace of the leader Lease', 'flux-system')
    .option(
      '--health-addr <host:port>',
      'address of /healthz, /readyz and /metrics',
      '127.0.0.1:9440',
    )
    .option('--storage-addr <host:port>', 'address of the artifact server', '127.0.0.1:9090')
    .option(
      '--storage-adv-addr <host[:port]>',
      'address put into artifact URLs (default: the storage address)',
    )
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option('--tower', 'also serve Tower, the fleet dashboard, for this cluster', false)
    .option('--tower-listen <host:port>', 'with --tower: where Tower listens', DEFAULT_TOWER_LISTEN)
    .option('--tower-auth-token-file <file>', 'with --tower: logins from a static token file')
    .option(
      '--tower-auth-secret <namespace/name>',
      'with --tower: logins from a Secret (key tokens.csv)',
    )
    .option('--tower-environment <env>', 'with --tower: the environment of this cluster')
    .option(
      '--tower-data <dir>',
      'with --tower: where Tower keeps its Git mirrors',
      '.flotilla/tower',
    )
    .action(async (opts: Opts, command: Command) => {
      const ctx = contextFrom(command);
      const concurrency = Number(opts.concurrent);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new CliError(
          `--concurrent: expected a positive whole number, got '${opts.concurrent}'`,
        );
      }
      const level = ctx.options.verbose ? 'debug' : opts.logLevel;
      if (!['debug', 'info', 'warn', 'error'].includes(level))
        throw new CliError(`--log-level: unknown level '${level}'`);
      const logger = createLogger({ level: level as 'debug' | 'info' | 'warn' | 'error' });
      const client = await connect(ctx);
      const controllers = await startControllers({
        client,
        dataDir: resolve(opts.data),
        concurrency,
        logger,
        health: hostPort(opts.healthAddr, '--health-addr'),
        artifacts: {
          ...hostPort(opts.storageAddr, '--storage-addr'),
          ...(opts.storageAdvAddr ? { advertise: opts.storageAdvAddr } : {}),
        },
        ...(opts.watchLabelSelector ? { watchLabelSelector: opts.watchLabelSelector } : {}),
        ...(opts.enableLeaderElection
          ? { leaderElection: { namespace: opts.leaderElectionNamespace } }
          : {}),
      });
      logger.info(
        {
          identity: controllers.identity,
          health: controllers.healthUrl,
          artifacts: controllers.artifactUrl,
        },
        'controllers started',
      );
      const tower = opts.tower
        ? await serveTower({
            clusters: [
              {
                name: ctx.options.context ?? 'cluster',
                environment: opts.towerEnvironment ?? ctx.options.context ?? 'default',
                client,
              },
            ],
            listen: opts.towerListen,
            flag: '--tower-listen',
            data: opts.towerData,
            authTokenFile: opts.towerAuthTokenFile,
            authSecret: opts.towerAuthSecret,
            logger,
          }).catch(async (err: unknown) => {
            await controllers.stop();
            throw err;
          })
        : undefined;
      if (tower) logger.info({ url: tower.url }, 'Tower serving');
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          logger.info('stopping');
          Promise.all([tower?.stop(), controllers.stop()]).then(() => done(), done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      client.close();
    });
}
