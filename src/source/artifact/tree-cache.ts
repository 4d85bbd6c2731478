// Artifacts held in memory for the builds that consume them: each digest is downloaded, verified
// and unpacked once, however many consumers (a thousand Kustomizations of one GitRepository)
// build from it at the same time, and the trees nobody holds are evicted beyond a byte budget.
import { MemoryFs } from '../../core/index.js';
import { fetchArtifactTree, type FetchArtifactOptions } from './fetch.js';

/** The default budget of unheld trees' file bytes: 64 MiB. */
export const DEFAULT_TREE_CACHE_BYTES = 64 * 1024 * 1024;

export interface ArtifactTreeCacheOptions {
  /** Bytes of file content that trees no build holds may keep. @default DEFAULT_TREE_CACHE_BYTES */
  readonly maxBytes?: number;
  /** How many trees no build holds may be kept. @default 16 */
  readonly maxTrees?: number;
  /** How a tree is obtained (tests count fetches through it). @default fetchArtifactTree */
  readonly fetch?: (
    url: string,
    digest: string,
    mount: string,
    options: FetchArtifactOptions,
  ) => Promise<MemoryFs>;
}

/** A tree held by one build: read it under `root`, then `release` it (once). */
export interface HeldTree {
  readonly fs: MemoryFs;
  /** The mount point: the artifact's root directory. */
  readonly root: string;
  release(): void;
}

interface Entry {
  readonly digest: string;
  tree: Promise<MemoryFs>;
  holders: number;
  /** Set once the fetch succeeded. */
  bytes: number;
  ready: boolean;
}

export class ArtifactTreeCache {
  /** Insertion order is recency: a hit moves its entry to the end. */
  readonly #entries = new Map<string, Entry>();
  readonly #maxBytes: number;
  readonly #maxTrees: number;
  readonly #fetch: NonNullable<ArtifactTreeCacheOptions['fetch']>;
  #fetches = 0;

  constructor(options: ArtifactTreeCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_TREE_CACHE_BYTES;
    this.#maxTrees = options.maxTrees ?? 16;
    this.#fetch = options.fetch ?? fetchArtifactTree;
  }

  /** Downloads so far (a digest held or cached is not downloaded again). */
  get fetches(): number {
    return this.#fetches;
  }

  /** Digests in the cache, least recently used first. */
  get digests(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * The artifact's tree, downloaded and verified on first use of its digest; concurrent callers
   * of one digest share one download. A failed download is not kept: the next call tries again.
   */
  async hold(url: string, digest: string, options: FetchArtifactOptions = {}): Promise<HeldTree> {
    let entry = this.#entries.get(digest);
    if (entry) {
      this.#entries.delete(digest);
      this.#entries.set(digest, entry);
    } else {
      const created: Entry = {
        digest,
        tree: Promise.resolve(new MemoryFs('/')),
        holders: 0,
        bytes: 0,
        ready: false,
      };
      this.#fetches++;
      created.tree = this.#fetch(url, digest, mountOf(digest), options).then(
        (tree) => {
          created.bytes = tree.bytes;
          created.ready = true;
          return tree;
        },
        (err: unknown) => {
          if (this.#entries.get(digest) === created) this.#entries.delete(digest);
          throw err;
        },
      );
      this.#entries.set(digest, created);
      entry = created;
    }
    entry.holders++;
    let tree: MemoryFs;
    try {
      tree = await entry.tree;
    } catch (err) {
      entry.holders--;
      throw err;
    }
    let released = false;
    const held = entry;
    return {
      fs: tree,
      root: tree.mount,
      release: () => {
        if (released) return;
        released = true;
        held.holders--;
        this.#evict();
      },
    };
  }

  /** Drops the least recently used unheld trees while they exceed the budgets. */
  #evict(): void {
    let bytes = 0;
    let trees = 0;
    for (const e of this.#entries.values()) {
      if (e.holders > 0 || !e.ready) continue;
      bytes += e.bytes;
      trees++;
    }
    for (const [digest, e] of this.#entries) {
      if (bytes <= this.#maxBytes && trees <= this.#maxTrees) break;
      if (e.holders > 0 || !e.ready) continue;
      this.#entries.delete(digest);
      bytes -= e.bytes;
      trees--;
    }
  }
}

/** Where a digest's tree is mounted: a path that exists nowhere on disk. */
function mountOf(digest: string): string {
  return `/artifact/${digest.replace(':', '-')}`;
}
