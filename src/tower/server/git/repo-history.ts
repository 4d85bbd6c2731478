// The history of one branch of a source repository, kept in a bare mirror in Tower's data folder:
// the latest commits on the branch's first-parent line, each with its author, the files it
// changed and the Kubernetes objects those files added, modified or removed. Refreshing fetches
// the branch and reads only commits not seen before.
import { CatFile, GitMirror, runGit, type GitAuth } from '../../../source/index.js';
import type { CommitInfo, ObjectChange } from '../../api/types.js';
import {
  isManifestPath,
  kustomizationNamespace,
  objectChanges,
  type FileChange,
} from './object-changes.js';

export interface RepoCommit extends CommitInfo {
  readonly parents: readonly string[];
  /** Paths the commit changed against its first parent. */
  readonly files: readonly string[];
  readonly objects: readonly ObjectChange[];
}

export interface RepoHistoryOptions {
  readonly dataDir: string;
  readonly url: string;
  readonly branch: string;
  /** Credentials for the remote, prepared fresh for each fetch or push; disposed after. */
  readonly auth?: () => Promise<GitAuth | undefined>;
  /** Commits kept (newest first). @default 500 */
  readonly maxCommits?: number;
  /** Files per commit whose objects are read. @default 200 */
  readonly maxFilesRead?: number;
}

const ZERO = /^0+$/;
/** Manifest files larger than this are not parsed for objects. */
const MAX_BLOB = 1024 * 1024;

interface RawCommit {
  readonly header: CommitInfo & { readonly parents: readonly string[] };
  readonly entries: { readonly oldBlob: string; readonly newBlob: string; readonly path: string }[];
}

export class RepoHistory {
  readonly url: string;
  readonly branch: string;
  readonly mirror: GitMirror;
  private commitList: RepoCommit[] = [];
  private positions = new Map<string, number>();
  private parsed = new Map<string, RepoCommit>();
  private headSha = '';
  private error = '';
  private refreshing: Promise<boolean> | undefined;
  private again = false;

  constructor(private readonly options: RepoHistoryOptions) {
    this.url = options.url;
    this.branch = options.branch;
    this.mirror = new GitMirror({ dataDir: options.dataDir, url: options.url });
  }

  get head(): string {
    return this.headSha;
  }

  get lastError(): string {
    return this.error;
  }

  /** Newest first. */
  get commits(): readonly RepoCommit[] {
    return this.commitList;
  }

  /** Commits the branch head is ahead of `sha` (0 for the head), undefined when not in the window. */
  position(sha: string): number | undefined {
    return this.positions.get(sha);
  }

  commit(sha: string): RepoCommit | undefined {
    return this.parsed.get(sha);
  }

  /**
   * Fetches the branch and reads the commits not seen before; resolves true when the head moved.
   * Calls during a refresh run once more after it.
   */
  refresh(): Promise<boolean> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const run = async (): Promise<boolean> => {
      let moved = false;
      do {
        this.again = false;
        moved = (await this.refreshOnce()) || moved;
      } while (this.again);
      return moved;
    };
    this.refreshing = run().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Runs git on the mirror with the remote's credentials (for fetch and push). */
  async withAuth<T>(fn: (auth: GitAuth | undefined) => Promise<T>): Promise<T> {
    const auth = await this.options.auth?.();
    try {
      return await fn(auth);
    } finally {
      await auth?.dispose();
    }
  }

  /** The mirror with the remote's credentials, for fetch, push and listing. */
  private authed(auth: GitAuth | undefined): GitMirror {
    return new GitMirror({
      dataDir: this.options.dataDir,
      url: this.url,
      ...(auth ? { auth } : {}),
    });
  }

  /** Fetches refspecs from the remote into the mirror. */
  async fetch(refspecs: readonly string[]): Promise<void> {
    await this.withAuth(async (auth) => {
      const mirror = this.authed(auth);
      await mirror.locked(() => mirror.fetch(refspecs));
    });
  }

  /** The remote's branch names. */
  async branches(): Promise<string[]> {
    const refs = await this.withAuth((auth) => this.authed(auth).lsRemote());
    return [...refs.keys()]
      .filter((r) => r.startsWith('refs/heads/'))
      .map((r) => r.slice('refs/heads/'.length))
      .sort();
  }

  private async refreshOnce(): Promise<boolean> {
    const ref = `refs/heads/${this.branch}`;
    try {
      await this.fetch([`+${ref}:${ref}`]);
      this.error = '';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      if (this.headSha === '') return false;
    }
    const head = (
      await this.git(['rev-parse', '-q', '--verify', `${ref}^{commit}`], [0, 1])
    ).trim();
    if (head === '' || head === this.headSha) return false;
    const raw = await this.readLog(ref);
    const cat = new CatFile(this.mirror.dir);
    try {
      for (const c of raw) {
        if (this.parsed.has(c.header.sha)) continue;
        this.parsed.set(c.header.sha, await this.describe(c, cat));
      }
    } finally {
      cat.close();
    }
    this.commitList = raw.flatMap((c) => {
      const p = this.parsed.get(c.header.sha);
      return p ? [p] : [];
    });
    this.positions = new Map(this.commitList.map((c, i) => [c.sha, i]));
    for (const sha of [...this.parsed.keys()])
      if (!this.positions.has(sha)) this.parsed.delete(sha);
    this.headSha = head;
    return true;
  }

  private git(args: readonly string[], okCodes: number[] = [0]): Promise<string> {
    return runGit(['--git-dir', this.mirror.dir, ...args], { okCodes }).then((r) => r.stdout);
  }

  /** The first-parent line of the branch with each commit's raw file changes. */
  private async readLog(ref: string): Promise<RawCommit[]> {
    const out = await this.git([
      '-c',
      'core.quotePath=false',
      'log',
      '--first-parent',
      `--max-count=${this.options.maxCommits ?? 500}`,
      '--no-renames',
      '--raw',
      '--no-abbrev',
      '-z',
      '--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s',
      ref,
    ]);
    return out
      .split('\x1e')
      .filter((chunk) => chunk !== '')
      .map(parseLogChunk);
  }

  /** Reads the changed manifests (and their folders' kustomization.yaml) to name the objects. */
  private async describe(c: RawCommit, cat: CatFile): Promise<RepoCommit> {
    const limit = this.options.maxFilesRead ?? 200;
    const manifests = c.entries.filter((e) => isManifestPath(e.path)).slice(0, limit);
    const blobs = new Set<string>();
    for (const e of manifests) {
      if (!ZERO.test(e.oldBlob)) blobs.add(e.oldBlob);
      if (!ZERO.test(e.newBlob)) blobs.add(e.newBlob);
    }
    const texts = await this.readBlobs(cat, [...blobs]);
    const parent = c.header.parents[0];
    const folders = [...new Set(manifests.map((e) => folderOf(e.path)))];
    const nsAfter = await this.namespaces(cat, c.header.sha, folders);
    const nsBefore = parent
      ? await this.namespaces(cat, parent, folders)
      : new Map<string, string>();
    const files: FileChange[] = manifests.map((e) => ({
      path: e.path,
      before: texts.get(e.oldBlob) ?? '',
      after: texts.get(e.newBlob) ?? '',
      namespaceBefore: nsBefore.get(folderOf(e.path)) ?? '',
      namespaceAfter: nsAfter.get(folderOf(e.path)) ?? '',
    }));
    return {
      ...c.header,
      files: c.entries.map((e) => e.path),
      objects: objectChanges(files),
    };
  }

  private async readBlobs(cat: CatFile, oids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (oids.length === 0) return out;
    const objects = await cat.read(oids);
    oids.forEach((oid, i) => {
      const o = objects[i];
      if (o && o.type === 'blob' && o.body.length <= MAX_BLOB)
        out.set(oid, o.body.toString('utf8'));
    });
    return out;
  }

  /** The namespace each folder's kustomization.yaml sets at a commit. */
  private async namespaces(
    cat: CatFile,
    commit: string,
    folders: readonly string[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (folders.length === 0) return out;
    const names = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
    const paths = folders.flatMap((f) => names.map((n) => (f === '' ? n : `${f}/${n}`)));
    const listing = await this.git(['ls-tree', '-z', commit, '--', ...paths]);
    const blobOf = new Map<string, string>();
    for (const entry of listing.split('\0')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
      if (m?.[1] && m[2] !== undefined) {
        const folder = folderOf(m[2]);
        if (!blobOf.has(folder)) blobOf.set(folder, m[1]);
      }
    }
    const texts = await this.readBlobs(cat, [...new Set(blobOf.values())]);
    for (const [folder, blob] of blobOf) {
      const ns = kustomizationNamespace(texts.get(blob) ?? '');
      if (ns !== '') out.set(folder, ns);
    }
    return out;
  }
}

function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** One `\x1e`-led chunk of `git log --raw -z`: the header, then `:meta\0path\0` pairs. */
export function parseLogChunk(chunk: string): RawCommit {
  const headerEnd = chunk.indexOf('\0');
  const header = (headerEnd < 0 ? chunk : chunk.slice(0, headerEnd)).split('\x1f');
  const [sha = '', parents = '', author = '', email = '', date = '', ...subject] = header;
  const rest = headerEnd < 0 ? '' : chunk.slice(headerEnd + 1).replace(/^\n/, '');
  const tokens = rest.split('\0');
  const entries: RawCommit['entries'] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const meta = tokens[i] ?? '';
    const path = tokens[i + 1] ?? '';
    const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*$/.exec(meta);
    if (m?.[1] && m[2]) entries.push({ oldBlob: m[1], newBlob: m[2], path });
  }
  return {
    header: {
      sha,
      parents: parents === '' ? [] : parents.split(' '),
      author,
      email,
      date,
      subject: subject.join('\x1f'),
    },
    entries,
  };
}
