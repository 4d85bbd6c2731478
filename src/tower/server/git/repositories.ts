// Every Git repository branch the fleet's GitRepositories track, one history each however many
// clusters and sources share it; refreshed when a source reports a new revision (and on an
// interval), with the credentials of the source's secretRef.
import { join } from 'node:path';
import { errorMessage, silentLogger, type Logger } from '../../../core/index.js';
import type { KubeClient } from '../../../kube/index.js';
import { readSecret } from '../../../controller/index.js';
import { normaliseGitUrl, prepareGitAuth, type GitAuth } from '../../../source/index.js';
import { RepoHistory } from './repo-history.js';

/** A GitRepository object of some cluster, as the registry needs it. */
export interface TrackedSource {
  /** `cluster/namespace/name` */
  readonly key: string;
  readonly url: string;
  readonly branch: string;
  readonly namespace: string;
  readonly secretName?: string;
  readonly client: KubeClient;
}

export interface RepositoriesOptions {
  readonly dataDir: string;
  readonly logger?: Logger;
  /** Told after a refresh moved a branch head (or failed for the first time). */
  readonly onChange: (repo: RepoHistory) => void;
  /** Refresh every repository this often even without a new revision. @default 60000 */
  readonly intervalMs?: number;
  readonly maxCommits?: number;
}

/** The key of a repository branch: normalised URL and branch. */
export function repoKey(url: string, branch: string): string {
  return `${normaliseGitUrl(url)}#${branch}`;
}

export class Repositories {
  private readonly repos = new Map<string, RepoHistory>();
  /** Source key → repository key. */
  private readonly bySource = new Map<string, string>();
  /** Repository key → the sources tracking it (the first one's credentials are used). */
  private readonly sources = new Map<string, Map<string, TrackedSource>>();
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RepositoriesOptions) {
    this.log = options.logger ?? silentLogger();
  }

  start(): void {
    this.timer = setInterval(() => {
      for (const repo of this.repos.values()) this.refresh(repo);
    }, this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  all(): RepoHistory[] {
    return [...this.repos.values()];
  }

  get(url: string, branch: string): RepoHistory | undefined {
    return this.repos.get(repoKey(url, branch));
  }

  /** The repository a source (`cluster/namespace/name`) tracks. */
  forSource(sourceKey: string): RepoHistory | undefined {
    const k = this.bySource.get(sourceKey);
    return k === undefined ? undefined : this.repos.get(k);
  }

  /** Registers or updates a GitRepository; refreshes its history when `revisionChanged`. */
  track(source: TrackedSource, revisionChanged: boolean): void {
    const key = repoKey(source.url, source.branch);
    const previous = this.bySource.get(source.key);
    if (previous !== undefined && previous !== key) this.untrack(source.key);
    this.bySource.set(source.key, key);
    let sources = this.sources.get(key);
    if (!sources) {
      sources = new Map();
      this.sources.set(key, sources);
    }
    sources.set(source.key, source);
    let repo = this.repos.get(key);
    if (!repo) {
      repo = new RepoHistory({
        dataDir: join(this.options.dataDir, 'git'),
        url: source.url,
        branch: source.branch,
        auth: () => this.authFor(key),
        ...(this.options.maxCommits === undefined ? {} : { maxCommits: this.options.maxCommits }),
      });
      this.repos.set(key, repo);
      this.refresh(repo);
    } else if (revisionChanged) {
      this.refresh(repo);
    }
  }

  untrack(sourceKey: string): void {
    const key = this.bySource.get(sourceKey);
    if (key === undefined) return;
    this.bySource.delete(sourceKey);
    const sources = this.sources.get(key);
    sources?.delete(sourceKey);
    if (sources && sources.size === 0) {
      this.sources.delete(key);
      this.repos.delete(key);
    }
  }

  /** Refreshes now and waits (for actions that need the latest head). */
  async refreshNow(repo: RepoHistory): Promise<void> {
    if (await repo.refresh()) this.options.onChange(repo);
  }

  private refresh(repo: RepoHistory): void {
    const hadError = repo.lastError;
    repo.refresh().then(
      (moved) => {
        if (moved || (repo.lastError !== '' && hadError === '')) this.options.onChange(repo);
        if (repo.lastError) this.log.warn({ url: repo.url, err: repo.lastError }, 'fetch failed');
      },
      (err: unknown) => this.log.warn({ url: repo.url, err: errorMessage(err) }, 'history failed'),
    );
  }

  /** Credentials of the first source tracking the repository (its secretRef). */
  private async authFor(key: string): Promise<GitAuth | undefined> {
    const source = this.sources.get(key)?.values().next().value;
    if (!source?.secretName) return undefined;
    const data = await readSecret(source.client, source.namespace, source.secretName);
    return prepareGitAuth(source.url, data, { object: `GitRepository/${source.key}` });
  }
}
