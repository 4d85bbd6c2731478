// `flotilla up`: the whole GitOps loop on one machine — a local cluster, a fleet Git repository
// served over HTTP, the CRDs, a GitRepository and a root Kustomization, the controllers, and a
// live status table; a commit in the working copy is applied within seconds.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Annotation, createLogger, errorMessage, type Logger } from '../../core/index.js';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { startLocalCluster } from '../../localcluster/index.js';
import { startGitHttpServer } from '../../source/index.js';
import { ResourceManager } from '../../apply/index.js';
import { installCrds, startControllers } from '../../controller/index.js';
import { contextFrom } from '../context.js';
import { renderTable } from '../output.js';
import { paint } from '../style.js';
import { fluxColumns, readyOf, revisionOf } from '../flux-tables.js';
import { ensureFleetRepo, headCommit } from '../up/fleet-repo.js';
import type { RunningTower } from '../../tower/index.js';
import { DEFAULT_TOWER_LISTEN, parseListen, serveTower } from './tower.js';

interface UpOptions {
  data: string;
  path: string;
  exitWhenReady: boolean;
  timeout: string;
  tower: boolean;
  towerListen: string;
}

const NS = 'flux-system';

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run the whole GitOps loop on the embedded local cluster (what `npm start` runs)')
    .option(
      '--data <dir>',
      'where the cluster, the fleet repository and artifacts are kept',
      '.flotilla',
    )
    .option(
      '--path <path>',
      'the directory of the fleet repository this cluster reconciles',
      './clusters/staging',
    )
    .option(
      '--exit-when-ready',
      'stop once everything is Ready (for scripts); exit 1 if that takes longer than --timeout',
      false,
    )
    .option('--timeout <seconds>', 'with --exit-when-ready: how long to wait', '300')
    .option(
      '--tower-listen <host:port>',
      'where Tower, the fleet dashboard, listens (another free port if it is taken)',
      DEFAULT_TOWER_LISTEN,
    )
    .option('--no-tower', 'do not serve Tower')
    .action(async (opts: UpOptions, command: Command) => {
      const ctx = contextFrom(command);
      const out = ctx.stdout;
      const say = (line: string) => out.write(`${line}\n`);
      // The status table shows failures; logs are for --verbose.
      const logger = createLogger({ level: ctx.options.verbose ? 'debug' : 'error' });
      const data = resolve(opts.data);
      const repoDir = join(data, 'fleet');

      const seeded = await ensureFleetRepo(repoDir);
      const gitAuth = fleetCredentials(data);
      const cluster = await startLocalCluster({ dataDir: join(data, 'cluster'), port: 0, logger });
      const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
      // Pushes (Tower's rollback commits) need credentials, which the GitRepository holds too.
      const gitServer = await startGitHttpServer({
        root: data,
        logger,
        basicAuth: gitAuth,
        allowPush: true,
      });
      const stops: (() => Promise<void>)[] = [
        () => cluster.stop(),
        () => Promise.resolve(client.close()),
        () => gitServer.close(),
      ];
      const stopAll = async () => {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      };
      try {
        say(`${paint(out, 'bold', 'Flotilla')} — GitOps on the embedded local cluster`);
        say(
          `  cluster      ${cluster.url}  (kubeconfig: ${cluster.kubeconfigPath ?? join(data, 'cluster', 'kubeconfig')})`,
        );
        say(
          `  fleet repo   ${repoDir}  (${seeded.created ? 'created from examples/fleet' : 'resumed'}; served at ${gitServer.url}/fleet/.git)`,
        );
        await installCrds(client);
        await new ResourceManager(client).applyAll(
          bootstrapObjects(`${gitServer.url}/fleet/.git`, opts.path, gitAuth),
        );
        const controllers = await startControllers({
          client,
          dataDir: join(data, 'controller'),
          health: false,
          requeueDependencyMs: 2000,
          healthPollMs: 500,
          logger,
        });
        stops.push(() => controllers.stop());
        say(`  controllers  running (GitRepository, Kustomization); reconciling ${opts.path}`);
        const tower = opts.tower
          ? await startUpTower(client, data, opts.towerListen, logger)
          : undefined;
        if (tower) stops.push(() => tower.stop());
        say('');

        let head = await headCommit(repoDir);
        const requestSource = async () =>
          client.patch(
            {
              apiVersion: 'source.toolkit.fluxcd.io/v1',
              kind: 'GitRepository',
              namespace: NS,
              name: 'fleet',
            },
            'merge',
            {
              metadata: {
                annotations: { [Annotation.ReconcileRequestedAt]: new Date().toISOString() },
              },
            },
          );
        await requestSource();

        const deadline = Date.now() + Number(opts.timeout) * 1000;
        let lastTable = '';
        let drawnLines = 0;
        let announcedReady = false;
        const applied = new Map<string, string>();
        let stopping = false;
        const finished = new Promise<number>((resolveExit) => {
          const onSignal = () => {
            if (stopping) return;
            stopping = true;
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            say('\nstopping…');
            resolveExit(0);
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);

          const tick = async () => {
            const now = await headCommit(repoDir).catch(() => head);
            if (now.sha !== head.sha) {
              head = now;
              say(`new commit ${now.sha.slice(0, 7)} “${now.subject}” — reconciling`);
              await requestSource();
            }
            const objects = await listFlux(client);
            const table = renderTable(objects, [
              { header: 'kind', value: (o) => o.kind },
              ...fluxColumns(false),
            ]);
            if (table !== lastTable) {
              if (ctx.stdout.isTTY && drawnLines > 0) out.write(`\u001b[${drawnLines}A\u001b[J`);
              out.write(table);
              drawnLines = table.split('\n').length - 1;
              lastTable = table;
            }
            const kustomizations = objects.filter((o) => o.kind === 'Kustomization');
            for (const ks of kustomizations) {
              const rev = revisionOf(ks);
              const prev = applied.get(ks.metadata.name ?? '');
              if (announcedReady && readyOf(ks) === 'True' && prev !== undefined && prev !== rev) {
                say(
                  paint(out, 'green', `✔ Kustomization/${ks.metadata.name ?? ''} applied ${rev}`),
                );
                drawnLines = 0;
              }
              if (readyOf(ks) === 'True') applied.set(ks.metadata.name ?? '', rev);
            }
            const allReady =
              objects.length > 1 &&
              kustomizations.length > 0 &&
              objects.every((o) => readyOf(o) === 'True');
            if (allReady && !announcedReady) {
              announcedReady = true;
              drawnLines = 0;
              say('');
              say(paint(out, 'green', '✔ All sources and Kustomizations are Ready.'));
              if (tower) {
                say(
                  `  Tower        ${paint(out, 'bold', tower.url)}  (the fleet in your browser; to act, log in with the token in ${join(data, 'tower', 'tokens.csv')})`,
                );
              }
              if (opts.exitWhenReady) {
                resolveExit(0);
                return;
              }
              say('');
              say('Make a change and watch it roll out:');
              say(`  cd ${repoDir}`);
              say('  sed -i "s/count: 1/count: 2/" apps/staging/kustomization.yaml');
              say('  git commit -am "Scale podinfo to 2 replicas"');
              say(
                'Flotilla notices the commit and applies it within seconds. Press Ctrl-C to stop; run again to resume.',
              );
              say('');
            }
            if (opts.exitWhenReady && !announcedReady && Date.now() > deadline) {
              say(paint(out, 'red', `not everything became Ready within ${opts.timeout}s`));
              resolveExit(1);
            }
          };
          const loop = async () => {
            while (!stopping) {
              try {
                await tick();
              } catch (err) {
                logger.debug({ err: errorMessage(err) }, 'status refresh failed');
              }
              if (stopping) break;
              await new Promise((r) => setTimeout(r, 500));
            }
          };
          loop().then(
            () => undefined,
            () => undefined,
          );
        });
        process.exitCode = await finished;
        stopping = true;
      } finally {
        await stopAll();
      }
    });
}

/** The objects `up` creates: the flux-system namespace, the fleet GitRepository and its credentials, and the root Kustomization. */
function bootstrapObjects(
  url: string,
  path: string,
  auth: { username: string; password: string },
): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'fleet-git', namespace: NS },
      stringData: { username: auth.username, password: auth.password },
    },
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'fleet', namespace: NS },
      spec: { url, interval: '1m', ref: { branch: 'main' }, secretRef: { name: 'fleet-git' } },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'flux-system', namespace: NS },
      spec: {
        interval: '10m',
        path,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'fleet' },
      },
    },
  ];
}

/** The fleet repository's credentials (kept in the data folder, so a second run resumes). */
function fleetCredentials(data: string): { username: string; password: string } {
  const file = join(data, 'git-password');
  if (!existsSync(file)) {
    mkdirSync(data, { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return { username: 'flotilla', password: readFileSync(file, 'utf8').trim() };
}

/**
 * Tower for the local cluster, with a login for this machine's user (a token in
 * DATA/tower/tokens.csv); on another free port when the asked one is taken.
 */
async function startUpTower(
  client: KubeClient,
  data: string,
  listen: string,
  logger: Logger,
): Promise<RunningTower> {
  const dir = join(data, 'tower');
  const tokens = join(dir, 'tokens.csv');
  if (!existsSync(tokens)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      tokens,
      `${randomBytes(24).toString('base64url')},admin,admin,"system:masters"\n`,
      {
        mode: 0o600,
      },
    );
  }
  const serve = (at: string) =>
    serveTower({
      clusters: [{ name: 'local', environment: 'staging', client }],
      listen: at,
      flag: '--tower-listen',
      data: dir,
      authTokenFile: tokens,
      logger,
    });
  return serve(listen).catch((err: unknown) => {
    if (!/EADDRINUSE/.test(errorMessage(err))) throw err;
    return serve(`${parseListen(listen, '--tower-listen').host}:0`);
  });
}

async function listFlux(client: KubeClient): Promise<KubeObject[]> {
  const [sources, kustomizations] = await Promise.all([
    client.list(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
      { namespace: NS },
    ),
    client.list(
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      { namespace: NS },
    ),
  ]);
  return [...sources.items, ...kustomizations.items];
}
