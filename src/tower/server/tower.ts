// Starts Tower: the fleet's watches, the JSON API and live stream, and the web app, from one Node
// HTTP(S) server. By default it listens on 127.0.0.1 only and is read-only; listening on any other
// address without a login configured is refused.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FlotillaError, errorMessage, silentLogger, type Logger } from '../../core/index.js';
import type { KubeClient } from '../../kube/index.js';
import { apiRouter } from './api.js';
import { AppActions } from './apps/actions.js';
import type { AppProvider } from './apps/provider.js';
import { Rollbacks } from './apps/rollback.js';
import { Authenticator } from './auth.js';
import { AppRenderer } from './diff/renderer.js';
import { Fleet } from './fleet.js';
import { HttpError } from './http/errors.js';
import { LiveStream } from './http/live.js';
import { securityHeaders, sendError } from './http/respond.js';
import { StaticFiles } from './http/static-files.js';

export interface TowerClusterOptions {
  /** Display name (e.g. the kubeconfig context). */
  readonly name: string;
  /** The environment the cluster belongs to (staging, production, …). */
  readonly environment: string;
  readonly client: KubeClient;
}

export interface TowerOptions {
  readonly clusters: readonly TowerClusterOptions[];
  /** Git mirrors and render folders. */
  readonly dataDir: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Logins: a static token file and/or a Secret holding one. Without either, Tower is read-only. */
  readonly auth?: {
    readonly tokenFile?: string;
    readonly secret?: {
      readonly client: KubeClient;
      readonly namespace: string;
      readonly name: string;
      readonly key?: string;
    };
  };
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly logger?: Logger;
  /** The built web app. @default dist/tower/web of the package */
  readonly webRoot?: string;
  /** @default the Kustomization provider */
  readonly providers?: readonly AppProvider[];
  /** How long to wait for the clusters' first lists before serving. @default 20000 */
  readonly syncTimeoutMs?: number;
  /** How often source repositories are fetched without a new revision. @default 60000 */
  readonly repoIntervalMs?: number;
}

export interface RunningTower {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly fleet: Fleet;
  stop(): Promise<void>;
}

/** Loopback addresses: the only ones Tower listens on without a login. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Host headers a loopback Tower answers (anything else may be DNS rebinding). */
function allowedHosts(host: string, port: number): Set<string> {
  return new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export async function startTower(options: TowerOptions): Promise<RunningTower> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? silentLogger();
  const auth = new Authenticator({
    ...(options.auth?.tokenFile === undefined ? {} : { tokenFile: options.auth.tokenFile }),
    ...(options.auth?.secret === undefined ? {} : { secret: options.auth.secret }),
  });
  if (!isLoopback(host) && !auth.configured) {
    throw new FlotillaError(
      `refusing to listen on ${host} without authentication: configure logins (a token file or Secret), or listen on 127.0.0.1`,
      { reason: 'InsecureListen', field: '--listen' },
    );
  }
  if (options.clusters.length === 0) {
    throw new FlotillaError('Tower needs at least one cluster', { reason: 'NoClusters' });
  }
  const files = new StaticFiles(options.webRoot);
  if (auth.configured) await auth.load();

  const fleet = new Fleet({
    clusters: options.clusters.map((c) => ({
      name: c.name,
      environment: c.environment,
      client: c.client,
    })),
    dataDir: options.dataDir,
    logger: log,
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.repoIntervalMs === undefined ? {} : { repoIntervalMs: options.repoIntervalMs }),
  });
  const renderer = new AppRenderer(join(options.dataDir, 'work'));
  const rollbacks = new Rollbacks(fleet, renderer, join(options.dataDir, 'work'));
  const actions = new AppActions(
    fleet,
    rollbacks,
    `${hostname()}-${randomBytes(4).toString('hex')}`,
  );
  await withTimeout(fleet.start(), options.syncTimeoutMs ?? 20_000, log);
  const live = new LiveStream(fleet);
  const router = apiRouter({
    fleet,
    auth,
    renderer,
    actions,
    live,
    secure: options.tls !== undefined,
  });

  let hosts: Set<string> | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    securityHeaders(res);
    if (hosts && !hosts.has(String(req.headers.host ?? ''))) {
      throw new HttpError(
        421,
        'MisdirectedRequest',
        `Tower answers only to ${[...hosts].join(', ')}`,
      );
    }
    const url = new URL(req.url ?? '/', 'http://tower.invalid');
    if (url.pathname.startsWith('/api/')) {
      const found = router.match(req.method ?? 'GET', url.pathname);
      if ('allowed' in found) {
        if (found.allowed.length > 0) {
          res.setHeader('Allow', found.allowed.join(', '));
          throw new HttpError(
            405,
            'MethodNotAllowed',
            `${req.method ?? ''} is not allowed on ${url.pathname}`,
          );
        }
        throw new HttpError(404, 'NotFound', `no API at ${url.pathname}`);
      }
      await found.handler({ req, res, url, params: found.params });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      throw new HttpError(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed here`);
    }
    files.serve(req, res, url.pathname);
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof HttpError))
        log.warn({ err: errorMessage(err), url: req.url }, 'request failed');
      sendError(req, res, err);
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(listener);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      reject(
        new FlotillaError(`cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, {
          reason: 'ListenFailed',
          cause: err,
        }),
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (isLoopback(host)) hosts = allowedHosts(host.includes(':') ? `[${host}]` : host, port);
  const scheme = options.tls ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info(
    { url, clusters: [...fleet.clusters.keys()], readOnly: !auth.configured },
    'Tower serving',
  );
  return {
    url,
    fleet,
    stop: async () => {
      live.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      actions.close();
      await fleet.stop();
    },
  };
}

async function withTimeout(p: Promise<void>, ms: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn({ ms }, 'not every cluster answered in time; serving what is known');
      resolve();
    }, ms);
  });
  try {
    await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
