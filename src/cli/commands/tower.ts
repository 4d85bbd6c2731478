// `flotilla tower`: serves Tower, the fleet dashboard, for the clusters of one or more kubeconfig
// contexts, until SIGINT/SIGTERM. Also the pieces `flotilla controller --tower` and `flotilla up`
// use to serve it beside the controllers.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { FlotillaError, createLogger, errorMessage, type Logger } from '../../core/index.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../kube/index.js';
import { startTower, type RunningTower, type TowerClusterOptions } from '../../tower/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';

/** Where Tower listens unless told otherwise. */
export const DEFAULT_TOWER_LISTEN = '127.0.0.1:9300';

interface Opts {
  listen: string;
  environment: string[];
  authTokenFile?: string;
  authSecret?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  data: string;
  logLevel: string;
}

/** `HOST:PORT` (IPv6 in brackets). */
export function parseListen(value: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new CliError(`${flag}: expected HOST:PORT (e.g. 127.0.0.1:9300), got '${value}'`);
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** `CONTEXT=ENV` pairs of --environment. */
function environments(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0 || i === p.length - 1)
      throw new CliError(`--environment: expected CONTEXT=ENVIRONMENT, got '${p}'`);
    out.set(p.slice(0, i), p.slice(i + 1));
  }
  return out;
}

/** `NAMESPACE/NAME` of --auth-secret. */
export function parseSecretRef(value: string, flag: string): { namespace: string; name: string } {
  const [namespace, name, extra] = value.split('/');
  if (!namespace || !name || extra !== undefined)
    throw new CliError(`${flag}: expected NAMESPACE/NAME, got '${value}'`);
  return { namespace, name };
}

/**
 * The environment of a cluster: --environment, else the `environment` key of the ConfigMap
 * kube-system/flotilla-cluster in the cluster, else the context's name.
 */
async function environmentOf(
  client: KubeClient,
  context: string,
  given: Map<string, string>,
): Promise<string> {
  const flag = given.get(context);
  if (flag) return flag;
  const info = await client
    .getOrUndefined<KubeObject & { data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-system',
      name: 'flotilla-cluster',
    })
    .catch(() => undefined);
  return info?.data?.['environment'] || context;
}

export interface TowerServeOptions {
  readonly clusters: readonly TowerClusterOptions[];
  readonly listen: string;
  readonly flag: string;
  readonly data: string;
  readonly authTokenFile?: string | undefined;
  readonly authSecret?: string | undefined;
  readonly tlsCertFile?: string | undefined;
  readonly tlsKeyFile?: string | undefined;
  readonly logger: Logger;
}

/** Starts Tower from command-line style options (shared by tower, controller --tower and up). */
export async function serveTower(o: TowerServeOptions): Promise<RunningTower> {
  const { host, port } = parseListen(o.listen, o.flag);
  if ((o.tlsCertFile === undefined) !== (o.tlsKeyFile === undefined)) {
    throw new CliError('--tls-cert-file and --tls-key-file go together');
  }
  const first = o.clusters[0];
  const secret =
    o.authSecret === undefined ? undefined : parseSecretRef(o.authSecret, '--auth-secret');
  try {
    return await startTower({
      clusters: o.clusters,
      dataDir: resolve(o.data),
      host,
      port,
      logger: o.logger,
      auth: {
        ...(o.authTokenFile === undefined ? {} : { tokenFile: resolve(o.authTokenFile) }),
        ...(secret && first ? { secret: { client: first.client, ...secret } } : {}),
      },
      ...(o.tlsCertFile && o.tlsKeyFile
        ? { tls: { cert: readFileSync(o.tlsCertFile), key: readFileSync(o.tlsKeyFile) } }
        : {}),
    });
  } catch (err) {
    if (err instanceof FlotillaError && err.reason === 'InsecureListen') {
      const prefix = o.flag.replace(/listen$/, '');
      throw new CliError(
        `${o.flag}: refusing to listen on ${host} without authentication: give ${prefix}auth-token-file or ${prefix}auth-secret, or listen on 127.0.0.1`,
      );
    }
    throw new CliError(errorMessage(err));
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerTowerCommand(program: Command): void {
  program
    .command('tower')
    .description('serve Tower, the fleet dashboard, for one or more clusters (kubeconfig contexts)')
    .addHelpText(
      'after',
      '\nEach --context (repeatable) is a cluster; without one, the current context.',
    )
    .option(
      '--listen <host:port>',
      'address to serve on (other than loopback needs a login)',
      DEFAULT_TOWER_LISTEN,
    )
    .option('--environment <context=env>', 'the environment of a context (repeatable)', collect, [])
    .option(
      '--auth-token-file <file>',
      'logins: a static token file (token,user,uid,"group1,group2")',
    )
    .option(
      '--auth-secret <namespace/name>',
      'logins: a Secret with the same CSV under key tokens.csv',
    )
    .option('--tls-cert-file <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key-file <file>', 'the key of --tls-cert-file (PEM)')
    .option('--data <dir>', 'where Tower keeps its Git mirrors', '.flotilla/tower')
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(async (opts: Opts, command: Command) => {
      const ctx = contextFrom(command);
      const level = ctx.options.verbose ? 'debug' : opts.logLevel;
      if (!['debug', 'info', 'warn', 'error'].includes(level))
        throw new CliError(`--log-level: unknown level '${level}'`);
      const logger = createLogger({ level: level as 'debug' | 'info' | 'warn' | 'error' });
      const given = environments(opts.environment);
      const names = ctx.options.contexts.length > 0 ? ctx.options.contexts : [undefined];
      if (new Set(names).size !== names.length)
        throw new CliError('--context: each context may be given once');
      const clusters: TowerClusterOptions[] = [];
      try {
        for (const context of names) {
          const kc = loadKubeConfig({
            ...(ctx.options.kubeconfig ? { path: ctx.options.kubeconfig } : {}),
            ...(context ? { context } : {}),
          });
          const client = await KubeClient.fromKubeConfig({
            ...(ctx.options.kubeconfig ? { path: ctx.options.kubeconfig } : {}),
            context: kc.contextName,
          });
          clusters.push({
            name: kc.contextName,
            environment: await environmentOf(client, kc.contextName, given),
            client,
          });
        }
        for (const name of given.keys()) {
          if (!clusters.some((c) => c.name === name))
            throw new CliError(`--environment: '${name}' is not one of the contexts shown`);
        }
        const tower = await serveTower({
          clusters,
          listen: opts.listen,
          flag: '--listen',
          data: opts.data,
          authTokenFile: opts.authTokenFile,
          authSecret: opts.authSecret,
          tlsCertFile: opts.tlsCertFile,
          tlsKeyFile: opts.tlsKeyFile,
          logger,
        });
        const mode = opts.authTokenFile || opts.authSecret ? 'actions need a login' : 'read-only';
        ctx.stdout.write(
          `Tower serving ${tower.url} (${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, ${mode})\n`,
        );
        await new Promise<void>((done) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            tower.stop().then(done, done);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      } finally {
        for (const c of clusters) c.client.close();
      }
    });
}
