// Helm's release storage on Secrets (storage/driver.Secrets) over the Kubernetes API: every
// version of a release, its creation, update and deletion, and history pruning (maxHistory).
import type { KubeClient, KubeObject } from '../../kube/index.js';
import {
  RELEASE_SECRET_TYPE,
  decodeRelease,
  encodeRelease,
  releaseLabels,
  releaseSecretName,
  type Release,
} from './release-record.js';

type SecretObject = KubeObject & { type?: string; data?: Record<string, string> };

export class ReleaseStorage {
  constructor(
    private readonly client: KubeClient,
    readonly namespace: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every stored version of a release, oldest first. */
  async history(name: string): Promise<Release[]> {
    const list = await this.client.list<SecretObject>(
      { apiVersion: 'v1', kind: 'Secret' },
      { namespace: this.namespace, labelSelector: `owner=helm,name=${name}` },
    );
    return list.items
      .filter((s) => s.type === RELEASE_SECRET_TYPE && s.data?.['release'])
      .map((s) => decodeRelease(Buffer.from(s.data?.['release'] ?? '', 'base64').toString('utf8')))
      .sort((a, b) => a.version - b.version);
  }

  async create(rls: Release): Promise<void> {
    await this.client.create(this.secret(rls, true));
  }

  async update(rls: Release): Promise<void> {
    const ref = {
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: this.namespace,
      name: releaseSecretName(rls.name, rls.version),
    };
    const live = await this.client.get<SecretObject>(ref);
    const next = this.secret(rls, false);
    await this.client.update({
      ...next,
      metadata: {
        ...next.metadata,
        ...(live.metadata.resourceVersion
          ? { resourceVersion: live.metadata.resourceVersion }
          : {}),
        labels: { ...live.metadata.labels, ...next.metadata.labels },
      },
    });
  }

  async delete(name: string, version: number): Promise<void> {
    await this.client
      .delete({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: this.namespace,
        name: releaseSecretName(name, version),
      })
      .catch(() => undefined);
  }

  /** Deletes the oldest versions beyond `max` (Helm's MaxHistory; 0 keeps all). */
  async prune(name: string, max: number): Promise<void> {
    if (max <= 0) return;
    const all = await this.history(name);
    for (const r of all.slice(0, Math.max(0, all.length - max))) await this.delete(name, r.version);
  }

  private secret(rls: Release, created: boolean): SecretObject {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: releaseSecretName(rls.name, rls.version),
        namespace: this.namespace,
        labels: releaseLabels(rls, this.now(), created),
      },
      type: RELEASE_SECRET_TYPE,
      data: { release: Buffer.from(encodeRelease(rls)).toString('base64') },
    };
  }
}
