// Runs Flotilla's controllers in one process against one cluster: the source controllers
// (GitRepository, Bucket) with their artifact storage and server, and the Kustomization controller —
// behind leader election when asked — plus the health and metrics endpoints.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { createMetricsRegistry, silentLogger, type Logger, type Registry } from '../core/index.js';
import {
  ArtifactStore,
  BUCKET_KIND,
  startArtifactServer,
  type ArtifactServer,
} from '../source/index.js';
import { GITREPOSITORY_KIND } from './gitrepository/types.js';
import { EventRecorder } from './runtime/event-recorder.js';
import { startHealthServer, type HealthServer } from './runtime/health-server.js';
import { LeaderElector } from './runtime/leader-election.js';
import { ControllerManager } from './runtime/manager.js';
import { ReconcileMetrics } from './runtime/reconcile-metrics.js';
import type { ObjectKey } from './runtime/manager.js';
import type { SourceArtifact } from './kustomization/source.js';
import { bucketController } from './bucket/controller.js';
import { gitRepositoryController } from './gitrepository/controller.js';
import { helmChartController } from './helmchart/controller.js';
import { HELMCHART_KIND } from './helmchart/types.js';
import { helmReleaseController } from './helmrelease/controller.js';
import { helmRepositoryController } from './helmrepository/controller.js';
import { HELMREPOSITORY_KIND } from './helmrepository/types.js';
import { kustomizationController } from './kustomization/controller.js';

export interface ControllersOptions {
  readonly client: KubeClient;
  /** Artifacts, git mirrors and build folders live here. */
  readonly dataDir: string;
  /** Concurrent reconciles per kind (Flux's --concurrent). @default 4 */
  readonly concurrency?: number;
  /** Reconcile only objects matching this label selector (sharding). */
  readonly watchLabelSelector?: string;
  /** Reconcile only this namespace. @default all namespaces */
  readonly namespace?: string;
  /** Campaign for a Lease before reconciling. @default undefined (no leader election) */
  readonly leaderElection?: {
    readonly namespace: string;
    /** @default 'flotilla-controller-leader' */
    readonly name?: string;
    readonly leaseDurationMs?: number;
    readonly renewDeadlineMs?: number;
    readonly retryPeriodMs?: number;
  };
  /** Health/metrics endpoint; false turns it off. @default { host: '127.0.0.1', port: 0 } */
  readonly health?: { readonly host?: string; readonly port?: number } | false;
  /** Artifact server address. @default { host: '127.0.0.1', port: 0 } */
  readonly artifacts?: {
    readonly host?: string;
    readonly port?: number;
    /** Address put into artifact URLs (Flux's --storage-adv-addr), e.g. a Service's DNS name. */
    readonly advertise?: string;
  };
  readonly requeueDependencyMs?: number;
  readonly healthPollMs?: number;
  readonly minRetryDelayMs?: number;
  readonly metrics?: Registry;
  readonly logger?: Logger;
}

export interface RunningControllers {
  readonly identity: string;
  readonly artifactUrl: string;
  readonly healthUrl: string | undefined;
  isLeader(): boolean;
  /** Resolves when no reconcile is queued or running (delayed requeues do not count). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startControllers(options: ControllersOptions): Promise<RunningControllers> {
  const log = options.logger ?? silentLogger();
  const metrics = options.metrics ?? createMetricsRegistry();
  const identity = `${hostname()}-${randomBytes(4).toString('hex')}`;
  const store = await ArtifactStore.open({ root: join(options.dataDir, 'artifacts') });
  const artifactServer: ArtifactServer = await startArtifactServer({
    store,
    host: options.artifacts?.host ?? '127.0.0.1',
    port: options.artifacts?.port ?? 0,
    logger: log,
    advertise: options.artifacts?.advertise === undefined,
  });
  if (options.artifacts?.advertise) store.setHostname(options.artifacts.advertise);
  let elector: LeaderElector | undefined;
  // With leader election, every write (status, events, objects applied, artifacts stored) first
  // checks that the lease cannot have been taken over: a paused leader writes nothing stale.
  const fence = options.leaderElection
    ? () => {
        if (!elector) throw new Error('not leading');
        elector.checkLease();
      }
    : undefined;
  const client = fence ? options.client.guarded(fence) : options.client;
  const reconcileMetrics = new ReconcileMetrics(metrics);
  const recorderFor = (controller: string) =>
    new EventRecorder({
      client,
      controller: `flotilla/${controller}`,
      instance: identity,
      logger: log,
    });

  let manager: ControllerManager | undefined;
  let ready = false;
  const startManager = async () => {
    const m = new ControllerManager({
      client: options.client,
      concurrency: options.concurrency ?? 4,
      metrics,
      logger: log,
      ...(options.watchLabelSelector ? { watchLabelSelector: options.watchLabelSelector } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.minRetryDelayMs !== undefined
        ? { minRetryDelayMs: options.minRetryDelayMs }
        : {}),
    });
    const runtime = (controller: string, recorder: EventRecorder) => ({
      client,
      recorder,
      metrics: reconcileMetrics,
      logger: log.child({ controller }),
      ...(fence ? { fence } : {}),
    });
    const sourceRecorder = recorderFor('source-controller');
    m.register(
      gitRepositoryController({
        ...runtime('gitrepository', sourceRecorder),
        store,
        dataDir: options.dataDir,
      }),
    );
    m.register(bucketController({ ...runtime('bucket', sourceRecorder), store }));
    m.register(helmRepositoryController({ ...runtime('helmrepository', sourceRecorder), store }));
    const resolveArtifact = artifactResolver(store, (kind, key) =>
      m.cached(SOURCE_API_VERSION, kind, key),
    );
    m.register(
      helmChartController({
        ...runtime('helmchart', sourceRecorder),
        store,
        artifactUrl: resolveArtifact,
        tmpDir: join(options.dataDir, 'work'),
      }),
    );
    m.register(
      kustomizationController({
        ...runtime('kustomization', recorderFor('kustomize-controller')),
        artifactUrl: resolveArtifact,
        ...(options.requeueDependencyMs !== undefined
          ? { requeueDependencyMs: options.requeueDependencyMs }
          : {}),
        ...(options.healthPollMs !== undefined ? { healthPollMs: options.healthPollMs } : {}),
      }),
    );
    m.register(
      helmReleaseController({
        ...runtime('helmrelease', recorderFor('helm-controller')),
        store,
        artifactUrl: resolveArtifact,
        ...(options.requeueDependencyMs !== undefined
          ? { requeueDependencyMs: options.requeueDependencyMs }
          : {}),
      }),
    );
    manager = m;
    await m.start();
    ready = true;
  };
  const stopManager = async () => {
    ready = false;
    const m = manager;
    manager = undefined;
    await m?.stop();
  };

  if (options.leaderElection) {
    const le = options.leaderElection;
    elector = new LeaderElector({
      client: options.client,
      namespace: le.namespace,
      name: le.name ?? 'flotilla-controller-leader',
      identity,
      ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
      ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
      ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
      logger: log,
      onStartedLeading: () => {
        startManager().catch((err: unknown) => log.error({ err }, 'controllers failed to start'));
      },
      onStoppedLeading: () => {
        stopManager().catch((err: unknown) => log.error({ err }, 'controllers failed to stop'));
      },
    });
    elector.start();
  } else {
    await startManager();
  }

  let health: HealthServer | undefined;
  if (options.health !== false) {
    health = await startHealthServer({
      metrics,
      logger: log,
      ready: () => ready || (elector !== undefined && !elector.isLeader),
      ...(options.health?.host ? { host: options.health.host } : {}),
      ...(options.health?.port !== undefined ? { port: options.health.port } : {}),
    });
  }

  return {
    identity,
    artifactUrl: artifactServer.url,
    healthUrl: health?.url,
    isLeader: () => (elector ? elector.isLeader : true),
    idle: async () => {
      await manager?.idle();
    },
    stop: async () => {
      await elector?.stop();
      await stopManager();
      await health?.close();
      await artifactServer.close();
    },
  };
}

const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';
/** The source kinds this process reconciles, by the folder of their artifacts in the storage. */
const SOURCE_KINDS: Readonly<Record<string, string>> = {
  gitrepository: GITREPOSITORY_KIND,
  bucket: BUCKET_KIND,
  helmrepository: HELMREPOSITORY_KIND,
  helmchart: HELMCHART_KIND,
};

/**
 * Where the Kustomization controller downloads a source's artifact from: this process's own
 * storage when it has the file (the URL is re-resolved against it, so artifacts advertised by a
 * previous leader still resolve after a takeover); `undefined` while a source this process
 * reconciles still advertises another storage (it will store the artifact itself shortly);
 * else the advertised URL (e.g. a source reconciled by another shard).
 */
function artifactResolver(
  store: ArtifactStore,
  reconciledHere: (kind: string, key: ObjectKey) => KubeObject | undefined,
): (artifact: SourceArtifact) => Promise<string | undefined> {
  return async (artifact) => {
    let url: URL;
    try {
      url = new URL(artifact.url);
    } catch {
      return artifact.url;
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (await store.exists({ path }).catch(() => false)) return store.urlFor(path);
    const [folder = '', namespace = '', name = ''] = path.split('/');
    const kind = SOURCE_KINDS[folder];
    if (!kind || url.host === new URL(store.urlFor(path)).host) return artifact.url;
    const source = reconciledHere(kind, { namespace, name }) as
      (KubeObject & { spec?: { suspend?: boolean } }) | undefined;
    return source && source.spec?.suspend !== true ? undefined : artifact.url;
  };
}
