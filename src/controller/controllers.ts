// Runs Flotilla's controllers in one process against one cluster: the source controllers
// (GitRepository, Bucket) with their artifact storage and server, and the Kustomization controller —
// behind leader election when asked — plus the health and metrics endpoints.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../kube/index.js';
import { createMetricsRegistry, silentLogger, type Logger, type Registry } from '../core/index.js';
import { ArtifactStore, startArtifactServer, type ArtifactServer } from '../source/index.js';
import { EventRecorder } from './runtime/event-recorder.js';
import { startHealthServer, type HealthServer } from './runtime/health-server.js';
import { LeaderElector } from './runtime/leader-election.js';
import { ControllerManager } from './runtime/manager.js';
import { bucketController } from './sources/bucket.js';
import { gitRepositoryController } from './sources/gitrepository.js';
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
  const recorderFor = (controller: string) =>
    new EventRecorder({
      client: options.client,
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
    m.register(
      gitRepositoryController({
        client: options.client,
        store,
        dataDir: options.dataDir,
        recorder: recorderFor('source-controller'),
        logger: log.child({ controller: 'gitrepository' }),
      }),
    );
    m.register(
      bucketController({
        client: options.client,
        store,
        recorder: recorderFor('source-controller'),
        logger: log.child({ controller: 'bucket' }),
      }),
    );
    m.register(
      kustomizationController({
        client: options.client,
        workDir: join(options.dataDir, 'work'),
        recorder: recorderFor('kustomize-controller'),
        logger: log.child({ controller: 'kustomization' }),
        ...(options.requeueDependencyMs !== undefined
          ? { requeueDependencyMs: options.requeueDependencyMs }
          : {}),
        ...(options.healthPollMs !== undefined ? { healthPollMs: options.healthPollMs } : {}),
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

  let elector: LeaderElector | undefined;
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
