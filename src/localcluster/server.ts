// startLocalCluster: wires storage, registry, controllers and the HTTPS server together and
// writes DATA/kubeconfig once the server listens.
import { createServer, type Server } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { FlotillaError, guardServer, listen, silentLogger, type Logger } from '../core/index.js';
import { loadOrCreatePki } from './pki.js';
import { resolveAdminToken } from './admin-token.js';
import {
  createPrivateFile,
  restrictSecretFiles,
  securePrivateDir,
  writePrivateFile,
} from './private-files.js';
import { buildKubeconfig, KUBECONFIG_FILE } from './kubeconfig.js';
import { ObjectStore } from './store.js';
import { ResourceRegistry } from './registry.js';
import { ObjectApi } from './object-api.js';
import { serviceIpAllocators } from './ip-allocator.js';
import { OpenApiService } from './openapi.js';
import { createRouter } from './router.js';
import { startControllers } from './controllers.js';
import { lockDataDir } from './data-lock.js';
import { RbacAuthorizer } from './rbac/authorizer.js';

export interface LocalClusterOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Directory for the database, PKI and kubeconfig. Required unless inMemory. */
  readonly dataDir?: string;
  /** Keep objects in memory only (the PKI and kubeconfig still go to dataDir when given). @default false */
  readonly inMemory?: boolean;
  /** Cluster, context and CA name. @default 'flotilla-local' */
  readonly name?: string;
  /** @default silentLogger() */
  readonly logger?: Logger;
  /** Simulate workload controllers (status of Deployments, Jobs, ...; LoadBalancer IPs; PVC binding). @default true */
  readonly simulate?: boolean;
  /** Delay before simulated workloads report progress and readiness. @default 1000 */
  readonly simulationDelayMs?: number;
  /** How long a deleted namespace waits before the objects in it are deleted. @default 500 */
  readonly namespaceDeletionDelayMs?: number;
  /** How often watches that allow bookmarks get one. @default 60000 */
  readonly bookmarkIntervalMs?: number;
  /** Watch events kept for resuming watches; older versions get 410 Gone. @default 20000 */
  readonly watchHistory?: number;
  /**
   * Bytes of objects (as JSON) the watch history may hold besides its count; the oldest events go
   * first. @default 16777216 (16 MiB)
   */
  readonly watchHistoryBytes?: number;
  /**
   * Unsent bytes a watcher may fall behind by before the server closes it (kube-apiserver closes
   * unresponsive watchers; clients re-list). @default 16777216 (16 MiB)
   */
  readonly watchBacklogBytes?: number;
}

export interface LocalCluster {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** A kubeconfig (YAML) with the CA, server and admin token. */
  readonly kubeconfig: string;
  /** DATA/kubeconfig when a data directory is used. */
  readonly kubeconfigPath?: string;
  readonly token: string;
  readonly caPem: string;
  readonly port: number;
  /** Stops serving, ends open watches and closes the database. */
  stop(): Promise<void>;
}

const DB_FILE = 'cluster.db';

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const logger = options.logger ?? silentLogger();
  const name = options.name ?? 'flotilla-local';
  const inMemory = options.inMemory === true || options.dataDir === undefined;
  const dataDir = options.dataDir;
  // a taken port fails at once, before any file is written or controller started
  if (options.port !== undefined && options.port !== 0) await assertPortFree(options.port);
  if (dataDir !== undefined) securePrivateDir(dataDir, logger);
  // only a persistent database needs the directory to itself
  const unlock = dataDir !== undefined && !inMemory ? lockDataDir(dataDir) : () => undefined;
  try {
    return await serve(options, logger, name, inMemory, dataDir, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function serve(
  options: LocalClusterOptions,
  logger: Logger,
  name: string,
  inMemory: boolean,
  dataDir: string | undefined,
  unlock: () => void,
): Promise<LocalCluster> {
  if (dataDir !== undefined) restrictSecretFiles(dataDir, logger);
  const pki = await loadOrCreatePki(dataDir, name);
  const dbPath = inMemory || dataDir === undefined ? ':memory:' : join(dataDir, DB_FILE);
  if (dbPath !== ':memory:') createPrivateFile(dbPath);
  const store = new ObjectStore({
    path: dbPath,
    ...(options.watchHistory === undefined ? {} : { watchHistory: options.watchHistory }),
    ...(options.watchHistoryBytes === undefined
      ? {}
      : { watchHistoryBytes: options.watchHistoryBytes }),
  });
  const kubeconfigFile = dataDir === undefined ? undefined : join(dataDir, KUBECONFIG_FILE);
  const { token, digest } = resolveAdminToken(
    store,
    kubeconfigFile !== undefined && existsSync(kubeconfigFile)
      ? readFileSync(kubeconfigFile, 'utf8')
      : undefined,
  );
  store.hub.onListenerError = (err) => logger.error({ err }, 'a storage event listener failed');
  const registry = new ResourceRegistry();
  const ips = serviceIpAllocators(store.list('services'));
  const controllers = startControllers({
    store,
    registry,
    logger,
    loadBalancerIps: ips.loadBalancerIps,
    simulationDelayMs: options.simulationDelayMs ?? 1000,
    simulate: options.simulate ?? true,
    namespaceDeletionDelayMs: options.namespaceDeletionDelayMs ?? 500,
    caPem: pki.caPem,
    signingKeyPem: pki.keyPem,
    makeApi: (deps) => new ObjectApi({ store, ips: ips.clusterIps, ...deps }),
  });
  await controllers.ready();
  const api = controllers.api;
  const authorizer = new RbacAuthorizer(store);
  const openapi = new OpenApiService(
    registry,
    controllers.builtinComponents,
    controllers.crdSchema,
  );
  const sockets = new Set<Socket>();
  let port = 0;
  const router = createRouter({
    rest: {
      api,
      authorizer,
      tokens: controllers.tokens,
      registry,
      patcher: controllers.patcher,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60000,
      ...(options.watchBacklogBytes === undefined
        ? {}
        : { watchBacklogBytes: options.watchBacklogBytes }),
      onSlowWatcher: (resource, backlog) =>
        logger.warn(
          { resource, backlog },
          'closed a watcher that does not keep up with its events',
        ),
    },
    openapi,
    access: { adminTokenDigest: digest, authorizer, tokens: controllers.tokens },
    serverAddress: () => `127.0.0.1:${port}`,
    logger,
    isReady: () => true,
  });
  const server: Server = createServer(
    { cert: pki.certPem, key: pki.keyPem, keepAliveTimeout: 30000 },
    router,
  );
  guardServer(server, { logger, server: 'local cluster' });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  try {
    port = await listenLocal(server, options.port ?? 0);
  } catch (err) {
    // nothing may keep the process alive or hold the database after a failed start
    controllers.stop();
    store.close();
    throw err;
  }
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = buildKubeconfig({ name, server: url, caPem: pki.caPem, token });
  if (kubeconfigFile !== undefined) writePrivateFile(kubeconfigFile, kubeconfig);
  const kubeconfigPath = kubeconfigFile;
  logger.info({ url, dataDir, inMemory }, 'local cluster serving');
  let stopped = false;
  return {
    url,
    kubeconfig,
    ...(kubeconfigPath === undefined ? {} : { kubeconfigPath }),
    token,
    caPem: pki.caPem,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
      store.close();
      unlock();
    },
  };
}

function portError(port: number, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new FlotillaError(
      `cannot serve the local cluster on 127.0.0.1:${port}: the port is already in use (choose another with --port)`,
      { reason: 'PortInUse', cause: err },
    );
  return err instanceof Error ? err : new Error(String(err));
}

/** Core's `listen` on 127.0.0.1, with a taken port reported as a typed PortInUse error. */
async function listenLocal(server: NetServer, port: number): Promise<number> {
  try {
    return await listen(server, port, '127.0.0.1');
  } catch (err) {
    throw portError(port, err);
  }
}

/** Listens on the port and lets it go: whether `listen` will succeed a moment later. */
async function assertPortFree(port: number): Promise<void> {
  const probe = createNetServer();
  await listenLocal(probe, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
