// One cluster of the fleet as Tower sees it: its client, display name and environment, and the
// watches (list+watch informers) of every kind some part of Tower reads. A kind whose CRD is not
// installed yet is looked for again periodically, so installing Gatekeeper or a HelmRelease CRD
// later shows up without a restart.
import { errorMessage, silentLogger, type Logger } from '../../core/index.js';
import {
  Informer,
  dropManagedFields,
  parseApiVersion,
  type InformerEventType,
  type KubeClient,
  type KubeObject,
} from '../../kube/index.js';
import type { ClusterInfo } from '../api/types.js';

export interface ClusterOptions {
  /** Display name (the kubeconfig context by default). */
  readonly name: string;
  readonly environment: string;
  readonly client: KubeClient;
  readonly logger?: Logger;
  /** How often kinds not served yet are looked for again. @default 30000 */
  readonly rediscoverMs?: number;
  /** How often reachability is checked. @default 10000 */
  readonly probeMs?: number;
}

/** A kind some part of Tower watches, with what it keeps and who it tells. */
export interface WatchSpec {
  readonly apiVersion: string;
  readonly kind: string;
  readonly transform: (obj: KubeObject) => KubeObject;
  readonly onEvent: (
    cluster: TowerCluster,
    type: InformerEventType,
    obj: KubeObject,
    old?: KubeObject,
  ) => void;
}

/**
 * Kinds found through a group listing rather than named up front (Gatekeeper generates one
 * constraint kind per template).
 */
export interface GroupWatchSpec {
  readonly groupVersion: string;
  readonly watch: (kind: string) => WatchSpec;
}

export class TowerCluster {
  readonly name: string;
  readonly environment: string;
  readonly client: KubeClient;
  readonly server: string;
  private readonly log: Logger;
  private readonly informers = new Map<string, Informer>();
  private readonly pending = new Map<string, WatchSpec>();
  private readonly groups: GroupWatchSpec[] = [];
  private timers: NodeJS.Timeout[] = [];
  private reachableNow = true;
  private lastError = '';
  private stopped = false;

  constructor(private readonly options: ClusterOptions) {
    this.name = options.name;
    this.environment = options.environment;
    this.client = options.client;
    this.server = options.client.transport.connection.server;
    this.log = options.logger ?? silentLogger();
  }

  get reachable(): boolean {
    return this.reachableNow;
  }

  info(apps: number): ClusterInfo {
    return {
      name: this.name,
      environment: this.environment,
      server: this.server,
      reachable: this.reachableNow,
      ...(this.lastError ? { message: this.lastError } : {}),
      apps,
    };
  }

  /** Registers a kind to watch; it starts with start() (or at once when already started). */
  watch(spec: WatchSpec): void {
    this.pending.set(`${spec.apiVersion}/${spec.kind}`, spec);
  }

  watchGroup(spec: GroupWatchSpec): void {
    this.groups.push(spec);
  }

  /** Whether the cluster serves a kind Tower watches (its informer runs). */
  serves(apiVersion: string, kind: string): boolean {
    return this.informers.has(`${apiVersion}/${kind}`);
  }

  /** The cached objects of a watched kind. */
  cached(apiVersion: string, kind: string): KubeObject[] {
    return this.informers.get(`${apiVersion}/${kind}`)?.list() ?? [];
  }

  cachedOne(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): KubeObject | undefined {
    return this.informers.get(`${apiVersion}/${kind}`)?.get(name, namespace || undefined);
  }

  /** Starts every watch whose kind the cluster serves; resolves once their first lists are in. */
  async start(syncTimeoutMs = 60_000): Promise<void> {
    await this.probe();
    await this.discover(syncTimeoutMs);
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => {
        fn().catch((err: unknown) =>
          this.log.debug({ err: errorMessage(err) }, 'cluster task failed'),
        );
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.options.rediscoverMs ?? 30_000, () => this.discover(syncTimeoutMs));
    every(this.options.probeMs ?? 10_000, () => this.probe());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  /** Looks up kinds not watched yet, and constraint-like kinds of watched groups. */
  async discover(syncTimeoutMs = 60_000): Promise<void> {
    if (this.stopped) return;
    for (const g of this.groups) {
      for (const kind of await this.kindsOf(g.groupVersion)) {
        const spec = g.watch(kind);
        const key = `${spec.apiVersion}/${spec.kind}`;
        if (!this.informers.has(key)) this.pending.set(key, spec);
      }
    }
    const starting: Promise<void>[] = [];
    for (const [key, spec] of this.pending) {
      this.client.discovery.invalidate(spec.apiVersion);
      const resource = await this.client.discovery
        .tryResourceFor({ ...parseApiVersion(spec.apiVersion), kind: spec.kind })
        .catch(() => undefined);
      if (!resource || !resource.verbs.includes('watch')) continue;
      this.pending.delete(key);
      const informer = new Informer(this.client, {
        apiVersion: spec.apiVersion,
        kind: spec.kind,
        logger: this.log,
        transform: (o) => spec.transform(dropManagedFields(o)),
      });
      this.informers.set(key, informer);
      informer.on((type, obj, old) => spec.onEvent(this, type, obj, old));
      starting.push(
        informer.start(syncTimeoutMs).catch((err: unknown) => {
          this.log.warn({ err: errorMessage(err), kind: spec.kind }, 'watch did not sync');
        }),
      );
    }
    await Promise.all(starting);
  }

  /** Kinds a group/version serves (with list and watch), [] when it is not served. */
  private async kindsOf(groupVersion: string): Promise<string[]> {
    try {
      const res = await this.client.transport.request({
        method: 'GET',
        path: `/apis/${groupVersion}`,
      });
      const list = JSON.parse(res.body) as {
        resources?: { name: string; kind: string; verbs?: string[] }[];
      };
      return (list.resources ?? [])
        .filter((r) => !r.name.includes('/') && (r.verbs ?? []).includes('watch'))
        .map((r) => r.kind);
    } catch {
      return [];
    }
  }

  private async probe(): Promise<void> {
    try {
      await this.client.transport.request({ method: 'GET', path: '/version' });
      this.reachableNow = true;
      this.lastError = '';
    } catch (err) {
      this.reachableNow = false;
      this.lastError = errorMessage(err);
    }
  }
}
