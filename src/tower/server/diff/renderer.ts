// Renders an app as its controller would, at any commit of its Git source (checked out of Tower's
// mirror) or from its source's current artifact (Buckets), for diffs. Renders are cached by app,
// revision and spec, a few at a time.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../../../core/index.js';
import type { KubeClient, KubeObject } from '../../../kube/index.js';
import { fetchArtifact } from '../../../source/index.js';
import type { AppProvider } from '../apps/provider.js';
import type { RepoHistory } from '../git/repo-history.js';

export interface RenderTarget {
  readonly id: string;
  readonly provider: AppProvider;
  /** Client of the cluster the app object lives in (for substitution variables). */
  readonly client: KubeClient;
  /** The app object, read fresh (full spec). */
  readonly full: KubeObject;
}

export class AppRenderer {
  private readonly cache = new Map<string, KubeObject[]>();

  constructor(
    private readonly workDir: string,
    private readonly size = 16,
  ) {}

  /** The objects the app renders to at a commit of its repository. */
  async atCommit(target: RenderTarget, repo: RepoHistory, commit: string): Promise<KubeObject[]> {
    const key = this.key(target, commit);
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (!(await repo.mirror.hasCommit(commit))) {
      await repo.refresh();
      if (!(await repo.mirror.hasCommit(commit))) {
        throw new FlotillaError(`commit ${commit} is not in ${repo.url}`, {
          reason: 'RevisionNotFound',
          object: target.id,
        });
      }
    }
    return this.remember(
      key,
      await this.inTemp(target, async (dir) => {
        await repo.mirror.checkout(commit, dir);
      }),
    );
  }

  /** The objects the app renders to from an artifact (url and digest of a source's status). */
  async fromArtifact(
    target: RenderTarget,
    artifact: { readonly url: string; readonly digest: string },
  ): Promise<KubeObject[]> {
    const key = this.key(target, artifact.digest);
    const hit = this.cache.get(key);
    if (hit) return hit;
    return this.remember(
      key,
      await this.inTemp(target, async (dir) => {
        await fetchArtifact(artifact.url, artifact.digest, dir, { timeoutMs: 60_000 });
      }),
    );
  }

  private key(target: RenderTarget, revision: string): string {
    const spec = createHash('sha256')
      .update(JSON.stringify(target.full['spec'] ?? {}))
      .digest('hex');
    return `${target.id}|${revision}|${spec}`;
  }

  private remember(key: string, objects: KubeObject[]): KubeObject[] {
    this.cache.set(key, objects);
    while (this.cache.size > this.size) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return objects;
  }

  private async inTemp(
    target: RenderTarget,
    fill: (dir: string) => Promise<void>,
  ): Promise<KubeObject[]> {
    await mkdir(this.workDir, { recursive: true });
    const work = await mkdtemp(join(this.workDir, 'render-'));
    try {
      const root = join(work, 'source');
      await mkdir(root);
      await fill(root);
      return await target.provider.render(target.client, target.full, root);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}
