// Gatekeeper's Config resource (config.gatekeeper.sh/v1alpha1, `config` in the runtime's
// namespace): `spec.sync.syncOnly` lists the kinds replicated into `data.inventory` (each watched,
// the inventory rebuilt when the list changes), and `spec.match` excludes namespaces (globs) from
// the processes named (`audit`, `webhook`, `sync`, `*`).
import type { Logger } from '../../core/index.js';
import { Informer, dropManagedFields, type KubeClient, type KubeObject } from '../../kube/index.js';
import type { ConstraintClient } from '../gatekeeper/client.js';
import { CONFIG_GROUP, Process } from '../gatekeeper/constants.js';
import { wildcardMatches } from '../gatekeeper/match.js';
import { asRecord, asString, isRecord } from '../gatekeeper/object-access.js';
import { freeFormCrd } from './free-form-crd.js';

/** The Config object Gatekeeper reads: this name, in its own namespace. */
export const CONFIG_NAME = 'config';

interface Exclusion {
  readonly namespaces: readonly string[];
  readonly processes: readonly string[];
}

/** The Config CRD (namespaced; spec kept as given). */
export function configCrd(): KubeObject {
  return freeFormCrd({
    group: CONFIG_GROUP,
    kind: 'Config',
    plural: 'configs',
    version: 'v1alpha1',
    namespaced: true,
    fields: { spec: 'object', status: 'object' },
    statusSubresource: true,
    labels: { 'gatekeeper.sh/system': 'yes' },
  });
}

export interface ConfigSyncOptions {
  readonly kube: KubeClient;
  readonly client: ConstraintClient;
  readonly logger: Logger;
  /** Where the Config lives. */
  readonly namespace: string;
}

/** Follows the Config: the synced kinds and the namespace exclusions by process. */
export class ConfigSync {
  private config: Informer | undefined;
  private data: Informer[] = [];
  private syncKey = '';
  private exclusions: readonly Exclusion[] = [];
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConfigSyncOptions) {}

  async start(): Promise<void> {
    this.config = new Informer(this.options.kube, {
      apiVersion: `${CONFIG_GROUP}/v1alpha1`,
      kind: 'Config',
      namespace: this.options.namespace,
      logger: this.options.logger,
    });
    this.config.on((type, obj) => {
      if (obj.metadata.name !== CONFIG_NAME) return;
      this.chain = this.chain
        .then(() => this.onConfig(type === 'delete' ? undefined : obj))
        .catch((err: unknown) => this.options.logger.error({ err }, 'Config sync failed'));
    });
    await this.config.start();
    await this.chain;
  }

  /** Whether a namespace is excluded from a process by the Config's `match`. */
  excluded(process: Process, namespace: string): boolean {
    return this.exclusions.some(
      (e) =>
        (e.processes.includes(process) || e.processes.includes(Process.All)) &&
        e.namespaces.some((p) => wildcardMatches(p, namespace)),
    );
  }

  /** Resolves once the latest Config is applied and its kinds are listed. */
  settled(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    await this.config?.stop();
    await this.chain;
    await Promise.all(this.data.map((i) => i.stop()));
  }

  private async onConfig(obj: KubeObject | undefined): Promise<void> {
    const spec = asRecord((obj as { spec?: unknown } | undefined)?.spec);
    this.exclusions = (Array.isArray(spec['match']) ? spec['match'] : [])
      .filter(isRecord)
      .map((m) => ({
        namespaces: strings(m['excludedNamespaces']),
        processes: strings(m['processes']),
      }));
    const kinds = (
      Array.isArray(asRecord(spec['sync'])['syncOnly'])
        ? (asRecord(spec['sync'])['syncOnly'] as unknown[])
        : []
    )
      .filter(isRecord)
      .map((k) => ({
        apiVersion:
          asString(k['group']) === ''
            ? asString(k['version'])
            : `${asString(k['group'])}/${asString(k['version'])}`,
        kind: asString(k['kind']),
      }))
      .filter((k) => k.kind !== '' && k.apiVersion !== '');
    const key = JSON.stringify([kinds, this.exclusions]);
    if (key === this.syncKey) return;
    this.syncKey = key;
    // Gatekeeper wipes the inventory and replicates the new list
    await Promise.all(this.data.map((i) => i.stop()));
    this.options.client.wipeData();
    this.data = kinds.map(
      (k) =>
        new Informer(this.options.kube, {
          ...k,
          transform: dropManagedFields,
          logger: this.options.logger,
        }),
    );
    for (const informer of this.data) {
      informer.on((type, o) => this.onData(type, o));
    }
    // a kind the cluster does not serve keeps retrying in the background, as Gatekeeper's watch
    await Promise.all(this.data.map((i) => i.start(10_000).catch(() => undefined)));
  }

  private onData(type: string, obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    if (ns !== '' && this.excluded(Process.Sync, ns)) return;
    const o = obj as unknown as Record<string, unknown>;
    if (type === 'delete') this.options.client.removeData(o);
    else this.options.client.addData(o);
  }
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
