// The fleet Tower shows: its clusters and, fed by their watches, the indexes every screen reads —
// apps (one row per app and cluster), the apps' history, the sources' Git histories, images and
// compliance. Whatever changes is announced to listeners by topic (the live stream).
import { silentLogger, type Logger } from '../../core/index.js';
import type { InformerEventType, KubeObject } from '../../kube/index.js';
import type { AppKind, SourceRef } from '../api/types.js';
import { AppHistory } from './apps/app-history.js';
import { AppIndex } from './apps/app-index.js';
import { kustomizationProvider } from './apps/kustomization.js';
import { appId, type AppProvider, type RowContext } from './apps/provider.js';
import { TowerCluster, type ClusterOptions } from './cluster.js';
import { ComplianceIndex } from './compliance/compliance-index.js';
import {
  POLICY_EXCEPTION,
  gatekeeperProvider,
  policyReportProvider,
  readException,
  type ComplianceProvider,
} from './compliance/providers.js';
import { Repositories } from './git/repositories.js';
import type { RepoHistory } from './git/repo-history.js';
import { ImageIndex, containersOf } from './images/image-index.js';
import { parseImageRef } from './images/image-ref.js';
import {
  SOURCE_API_VERSION,
  SOURCE_KINDS,
  branchOf,
  commitOf,
  secretNameOf,
  slimSource,
  sourceRefOf,
} from './sources.js';

export type Topic = 'apps' | 'changes' | 'images' | 'compliance';
export type FleetListener = (topic: Topic, app?: string) => void;

export interface FleetOptions {
  readonly clusters: readonly Omit<ClusterOptions, 'logger'>[];
  /** Git mirrors of the sources live here. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** @default [kustomizationProvider] */
  readonly providers?: readonly AppProvider[];
  /** How often every source repository is fetched even without a new revision. @default 60000 */
  readonly repoIntervalMs?: number;
  /** Commits kept per repository branch. @default 500 */
  readonly maxCommits?: number;
}

/** The workload kinds whose pod templates name the images the fleet runs. */
const WORKLOADS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
] as const;

/** Image automation's policies: their latest image marks older tags as outdated. */
const IMAGE_POLICIES = ['image.toolkit.fluxcd.io/v1', 'image.toolkit.fluxcd.io/v1beta2'];

export interface AppRef {
  readonly cluster: TowerCluster;
  readonly provider: AppProvider;
  /** The object as the watch cache keeps it (slim). */
  readonly obj: KubeObject;
}

export class Fleet {
  readonly clusters = new Map<string, TowerCluster>();
  readonly apps = new AppIndex();
  readonly history = new AppHistory();
  readonly images = new ImageIndex();
  readonly compliance = new ComplianceIndex();
  readonly repos: Repositories;
  readonly providers: ReadonlyMap<string, AppProvider>;
  private readonly appRefs = new Map<string, AppRef>();
  /** `cluster/Kind/namespace/name` of a source → ids of the apps reading it. */
  private readonly appsBySource = new Map<string, Set<string>>();
  private readonly listeners = new Set<FleetListener>();
  private readonly log: Logger;

  constructor(options: FleetOptions) {
    this.log = options.logger ?? silentLogger();
    const providers = options.providers ?? [kustomizationProvider];
    this.providers = new Map(providers.map((p) => [p.kind, p]));
    this.repos = new Repositories({
      dataDir: options.dataDir,
      logger: this.log,
      ...(options.repoIntervalMs === undefined ? {} : { intervalMs: options.repoIntervalMs }),
      ...(options.maxCommits === undefined ? {} : { maxCommits: options.maxCommits }),
      onChange: (repo) => this.onRepoChange(repo),
    });
    for (const c of options.clusters) {
      const cluster = new TowerCluster({ ...c, logger: this.log.child({ cluster: c.name }) });
      this.clusters.set(cluster.name, cluster);
      this.registerWatches(cluster, providers);
    }
  }

  /** Starts every cluster's watches; resolves when their first lists are in (or failed). */
  async start(): Promise<void> {
    this.repos.start();
    await Promise.all([...this.clusters.values()].map((c) => c.start()));
  }

  async stop(): Promise<void> {
    this.repos.stop();
    await Promise.all([...this.clusters.values()].map((c) => c.stop()));
  }

  /** Listens to changes; returns the remover. */
  on(listener: FleetListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  appRef(id: string): AppRef | undefined {
    return this.appRefs.get(id);
  }

  /** The repository history of the source an app reads (GitRepository sources only). */
  repoOf(id: string): RepoHistory | undefined {
    const ref = this.appRefs.get(id);
    const src = ref?.provider.sourceOf(ref.obj);
    if (!ref || !src || src.kind !== 'GitRepository') return undefined;
    return this.repos.forSource(`${ref.cluster.name}/${src.namespace}/${src.name}`);
  }

  /** The ids of the apps reading a repository branch. */
  appsOfRepo(repo: RepoHistory): string[] {
    const out: string[] = [];
    for (const [sourceKey, ids] of this.appsBySource) {
      const [cluster = '', kind = '', namespace = '', name = ''] = sourceKey.split('/');
      if (kind !== 'GitRepository') continue;
      if (this.repos.forSource(`${cluster}/${namespace}/${name}`) === repo) out.push(...ids);
    }
    return out;
  }

  private emit(topic: Topic, app?: string): void {
    for (const l of this.listeners) l(topic, app);
  }

  private registerWatches(cluster: TowerCluster, providers: readonly AppProvider[]): void {
    for (const provider of providers) {
      cluster.watch({
        apiVersion: provider.apiVersion,
        kind: provider.kind,
        transform: (o) => provider.transform(o),
        onEvent: (c, type, obj, old) => this.onApp(c, provider, type, obj, old),
      });
    }
    for (const kind of SOURCE_KINDS) {
      cluster.watch({
        apiVersion: SOURCE_API_VERSION,
        kind,
        transform: slimSource,
        onEvent: (c, type, obj, old) => this.onSource(c, type, obj, old),
      });
    }
    for (const w of WORKLOADS) {
      cluster.watch({
        ...w,
        transform: slimWorkload,
        onEvent: (c, type, obj) => this.onWorkload(c, type, obj),
      });
    }
    for (const apiVersion of IMAGE_POLICIES) {
      cluster.watch({
        apiVersion,
        kind: 'ImagePolicy',
        transform: (o) => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          metadata: { name: o.metadata.name ?? '', namespace: o.metadata.namespace ?? '' },
          status: o['status'] ?? {},
        }),
        onEvent: (c, type, obj) => {
          const key = `${c.name}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
          if (this.images.setPolicyLatest(key, type === 'delete' ? undefined : policyLatest(obj)))
            this.emit('images');
        },
      });
    }
    for (const provider of [policyReportProvider, gatekeeperProvider]) {
      const spec = (kind: string) => ({
        apiVersion: provider.groupVersion,
        kind,
        transform: (o: KubeObject) => provider.transform(o),
        onEvent: (c: TowerCluster, type: InformerEventType, obj: KubeObject) =>
          this.onPolicyResult(c, provider, type, obj),
      });
      if (provider.kinds) for (const kind of provider.kinds) cluster.watch(spec(kind));
      else cluster.watchGroup({ groupVersion: provider.groupVersion, watch: spec });
    }
    cluster.watch({
      ...POLICY_EXCEPTION,
      transform: (o) => o,
      onEvent: (c, type, obj) => {
        const key = `${c.name}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
        this.compliance.setException(
          key,
          type === 'delete' ? undefined : { ...readException(obj), cluster: c.name },
        );
        this.emit('compliance');
      },
    });
  }

  private rowContext(cluster: TowerCluster): RowContext {
    return {
      cluster: cluster.name,
      environment: cluster.environment,
      source: (ref) => {
        const obj = cluster.cachedOne(SOURCE_API_VERSION, ref.kind, ref.namespace, ref.name);
        return obj ? sourceRefOf(obj) : undefined;
      },
      behind: (source, applied) => {
        if (source.kind !== 'GitRepository') return undefined;
        const repo = this.repos.forSource(`${cluster.name}/${source.namespace}/${source.name}`);
        const sha = commitOf(applied);
        const at = repo && sha ? repo.position(sha) : undefined;
        if (at === undefined || !repo) return undefined;
        const latest = source.revision ? commitOf(source.revision) : undefined;
        const latestAt = latest ? (repo.position(latest) ?? 0) : 0;
        return Math.max(0, at - latestAt);
      },
    };
  }

  private updateRow(id: string): boolean {
    const ref = this.appRefs.get(id);
    if (!ref) return false;
    return this.apps.upsert(ref.provider.row(ref.obj, this.rowContext(ref.cluster)));
  }

  private onApp(
    cluster: TowerCluster,
    provider: AppProvider,
    type: InformerEventType,
    obj: KubeObject,
    old?: KubeObject,
  ): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const id = appId(cluster.name, provider.kind, namespace, obj.metadata.name ?? '');
    const prevSource = this.appRefs.get(id);
    if (prevSource) this.unindexSource(id, prevSource);
    if (type === 'delete') {
      this.appRefs.delete(id);
      this.apps.remove(id);
      this.history.forget(id);
      this.emit('apps', id);
      return;
    }
    const ref = { cluster, provider, obj };
    this.appRefs.set(id, ref);
    const src = provider.sourceOf(obj);
    if (src) {
      const key = `${cluster.name}/${src.kind}/${src.namespace}/${src.name}`;
      const set = this.appsBySource.get(key) ?? new Set();
      set.add(id);
      this.appsBySource.set(key, set);
    }
    const changed = this.updateRow(id);
    const row = this.apps.get(id);
    const now = new Date().toISOString();
    if (row) {
      const before = old ? provider.row(old, this.rowContext(cluster)).revision : undefined;
      if (row.revision !== '' && before !== row.revision) {
        this.history.recordApplied(id, row.revision, type === 'add' ? '' : now);
      }
      this.history.recordConditions(id, provider.conditions(obj), now);
    }
    if (changed) this.emit('apps', id);
  }

  private unindexSource(id: string, ref: AppRef): void {
    const src = ref.provider.sourceOf(ref.obj);
    if (!src) return;
    const key = `${ref.cluster.name}/${src.kind}/${src.namespace}/${src.name}`;
    const set = this.appsBySource.get(key);
    set?.delete(id);
    if (set?.size === 0) this.appsBySource.delete(key);
  }

  private onSource(
    cluster: TowerCluster,
    type: InformerEventType,
    obj: KubeObject,
    old?: KubeObject,
  ): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const name = obj.metadata.name ?? '';
    const sourceKey = `${cluster.name}/${namespace}/${name}`;
    if (obj.kind === 'GitRepository') {
      const branch = branchOf(obj);
      const url = sourceRefOf(obj).url;
      if (type === 'delete' || !branch || !url) this.repos.untrack(sourceKey);
      else {
        const secretName = secretNameOf(obj);
        this.repos.track(
          {
            key: sourceKey,
            url,
            branch,
            namespace,
            ...(secretName ? { secretName } : {}),
            client: cluster.client,
          },
          !old || sourceRefOf(old).revision !== sourceRefOf(obj).revision,
        );
      }
    }
    let changed = false;
    for (const id of this.appsBySource.get(`${cluster.name}/${obj.kind}/${namespace}/${name}`) ??
      []) {
      if (this.updateRow(id)) {
        changed = true;
        this.emit('apps', id);
      }
    }
    if (!changed && type !== 'update') this.log.debug({ source: sourceKey }, 'source seen');
  }

  private onRepoChange(repo: RepoHistory): void {
    for (const id of this.appsOfRepo(repo)) if (this.updateRow(id)) this.emit('apps', id);
    this.emit('changes');
  }

  private onWorkload(cluster: TowerCluster, type: InformerEventType, obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    const workload = `${obj.kind}/${ns}/${obj.metadata.name ?? ''}`;
    const key = `${cluster.name}/${workload}`;
    if (type === 'delete') {
      if (this.images.setWorkload(key, undefined)) this.emit('images');
      return;
    }
    const labels = obj.metadata.labels ?? {};
    let app: string | undefined;
    for (const p of this.providers.values()) {
      const owner = p.ownerOf(labels);
      if (owner) {
        app = appId(cluster.name, p.kind, owner.namespace, owner.name);
        break;
      }
    }
    const containers = (obj['containers'] as { name: string; image: string }[] | undefined) ?? [];
    const changed = this.images.setWorkload(key, {
      cluster: cluster.name,
      environment: cluster.environment,
      workload,
      ...(app ? { app } : {}),
      containers,
    });
    if (changed) this.emit('images');
  }

  private onPolicyResult(
    cluster: TowerCluster,
    provider: ComplianceProvider,
    type: InformerEventType,
    obj: KubeObject,
  ): void {
    const key = `${cluster.name}/${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    this.compliance.noteEngine(cluster.name, provider.engine);
    this.compliance.setEntry(
      key,
      type === 'delete'
        ? undefined
        : {
            cluster: cluster.name,
            environment: cluster.environment,
            violations: provider.violations(obj),
            unlisted: provider.unlisted(obj),
            policy:
              provider.engine === 'gatekeeper' ? `${obj.kind}/${obj.metadata.name ?? ''}` : '',
          },
    );
    this.emit('compliance');
  }

  /** Kinds of apps Tower shows. */
  get kinds(): AppKind[] {
    return [...this.providers.keys()] as AppKind[];
  }

  /** The source of an app, as its cluster caches it. */
  sourceOf(id: string): SourceRef | undefined {
    const ref = this.appRefs.get(id);
    const src = ref?.provider.sourceOf(ref.obj);
    if (!ref || !src) return undefined;
    const obj = ref.cluster.cachedOne(SOURCE_API_VERSION, src.kind, src.namespace, src.name);
    return obj ? sourceRefOf(obj) : undefined;
  }
}

/** A workload as the image index needs it: name, owner labels and the images of its pods. */
function slimWorkload(obj: KubeObject): KubeObject {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (k.endsWith('/name') || k.endsWith('/namespace') || k === 'app.kubernetes.io/instance')
      labels[k] = v;
  }
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: obj.metadata.name ?? '',
      namespace: obj.metadata.namespace ?? '',
      ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      labels,
    },
    containers: containersOf(obj),
  };
}

/** The latest image an ImagePolicy selected: `status.latestRef` (v1) or `status.latestImage` (v1beta2). */
function policyLatest(obj: KubeObject): { repository: string; tag: string } | undefined {
  const status =
    (obj['status'] as
      { latestRef?: { name?: string; tag?: string }; latestImage?: string } | undefined) ?? {};
  if (status.latestRef?.name && status.latestRef.tag) {
    return { repository: status.latestRef.name, tag: status.latestRef.tag };
  }
  if (status.latestImage) {
    const ref = parseImageRef(status.latestImage);
    return { repository: ref.repository, tag: ref.tag };
  }
  return undefined;
}
