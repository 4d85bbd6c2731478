// The artifact storage: tarballs under a data directory, laid out as Flux's source-controller does.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, rmdir, symlink, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FlotillaError, errorMessage, rfc3339 } from '../../core/index.js';
import { createDigester, parseDigest } from './digest.js';
import { KeyedMutex } from './keyed-mutex.js';
import { writeTarball, type BuildArtifactOptions } from './tarball.js';
import type { Artifact, ArtifactOwner } from './types.js';

/** Kubernetes names and namespaces (DNS labels/subdomains); keeps paths inside the storage. */
const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KIND_RE = /^[A-Za-z][A-Za-z0-9]*$/;
const FILE_RE = /^[A-Za-z0-9][A-Za-z0-9._@:+-]*$/;
/** Temporary files start with a dot so that listings and garbage collection skip them. */
const TEMP_PREFIX = '.tmp-';
/** The symlink to the newest artifact that Flux advertises as `status.url`. */
export const LATEST_LINK = 'latest.tar.gz';

export interface ArtifactStoreOptions {
  /** The data directory; created if missing. */
  readonly root: string;
  /**
   * Host (`host:port`) or base URL (`http://...`) artifact URLs are composed with, like Flux's
   * `--storage-adv-addr`. Can be changed later with `setHostname` (e.g. once a server listens).
   * @default 'localhost'
   */
  readonly hostname?: string;
  /**
   * How many artifacts per object survive garbage collection (Flux's
   * `--artifact-retention-records`); the current one always survives.
   * @default 2
   */
  readonly retentionRecords?: number;
  /**
   * Also collect artifacts (other than the current one) older than this many milliseconds, like
   * Flux's `--artifact-retention-ttl` (60s there). Off by default, so that the last
   * `retentionRecords` artifacts are kept whatever their age.
   * @default undefined
   */
  readonly retentionTtlMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export interface ArchiveOptions extends BuildArtifactOptions {
  /** The source revision recorded on the artifact. */
  readonly revision: string;
  /**
   * The file name inside the object's directory. Defaults to `<digest hex>.tar.gz`, which
   * makes the storage content-addressed (Flux names Bucket artifacts this way).
   */
  readonly fileName?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface StoredFile {
  readonly fileName: string;
  readonly path: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** Where artifacts live on disk, how they are named, written, verified and collected. */
export class ArtifactStore {
  readonly root: string;
  readonly retentionRecords: number;
  readonly retentionTtlMs: number | undefined;
  #hostname: string;
  readonly #now: () => Date;
  readonly #locks = new KeyedMutex();

  private constructor(options: ArtifactStoreOptions) {
    this.root = resolve(options.root);
    this.#hostname = options.hostname ?? 'localhost';
    this.retentionRecords = options.retentionRecords ?? 2;
    this.retentionTtlMs = options.retentionTtlMs;
    this.#now = options.now ?? (() => new Date());
    if (!Number.isInteger(this.retentionRecords) || this.retentionRecords < 1) {
      throw new FlotillaError(`retentionRecords must be a positive integer`, {
        reason: 'InvalidOption',
        field: 'retentionRecords',
      });
    }
  }

  /** Opens (and creates) a store under `options.root`. */
  static async open(options: ArtifactStoreOptions): Promise<ArtifactStore> {
    const store = new ArtifactStore(options);
    await mkdir(store.root, { recursive: true });
    return store;
  }

  get hostname(): string {
    return this.#hostname;
  }

  /** Changes the host artifact URLs are composed with. */
  setHostname(hostname: string): void {
    this.#hostname = hostname;
  }

  /** `<kind>/<namespace>/<name>` with the kind lower-cased, as Flux's `ArtifactPath`. */
  objectDir(owner: ArtifactOwner): string {
    const field = (f: string): string => `${owner.kind}/${owner.namespace}/${owner.name}: ${f}`;
    if (!KIND_RE.test(owner.kind)) {
      throw new FlotillaError(`invalid kind '${owner.kind}'`, {
        reason: 'InvalidObjectReference',
        object: field('kind'),
        field: 'kind',
      });
    }
    for (const [key, value] of [
      ['metadata.namespace', owner.namespace],
      ['metadata.name', owner.name],
    ] as const) {
      if (!NAME_RE.test(value) || value.length > 253) {
        throw new FlotillaError(`invalid ${key} '${value}' for an artifact path`, {
          reason: 'InvalidObjectReference',
          object: `${owner.kind}/${owner.namespace}/${owner.name}`,
          field: key,
        });
      }
    }
    return `${owner.kind.toLowerCase()}/${owner.namespace}/${owner.name}`;
  }

  /** The artifact path (relative to the storage root) of a file of an object. */
  artifactPath(owner: ArtifactOwner, fileName: string): string {
    if (!FILE_RE.test(fileName) || fileName.includes('..')) {
      throw new FlotillaError(`invalid artifact file name '${fileName}'`, {
        reason: 'InvalidPath',
        object: `${owner.kind}/${owner.namespace}/${owner.name}`,
        field: 'fileName',
      });
    }
    return `${this.objectDir(owner)}/${fileName}`;
  }

  /** The absolute local path of an artifact path; refuses paths that leave the storage. */
  localPath(path: string): string {
    const abs = resolve(this.root, path.replace(/^\/+/, ''));
    if (abs !== this.root && !abs.startsWith(this.root + sep)) {
      throw new FlotillaError(`artifact path '${path}' is outside the storage`, {
        reason: 'InvalidPath',
        file: path,
      });
    }
    return abs;
  }

  /** The URL the artifact server serves a path under (Flux's `SetArtifactURL`). */
  urlFor(path: string): string {
    const rel = path.replace(/^\/+/, '');
    const host = this.#hostname.replace(/\/+$/, '');
    if (host.startsWith('http://') || host.startsWith('https://')) return `${host}/${rel}`;
    return `http://${host}/${rel}`;
  }

  /**
   * Archives `dir` as a tarball into the object's storage directory, atomically (a temporary
   * file renamed into place), under the object's lock. Returns the artifact for the status.
   */
  async archive(owner: ArtifactOwner, dir: string, options: ArchiveOptions): Promise<Artifact> {
    return this.#write(owner, options, (out) => writeTarball(dir, out, options));
  }

  /**
   * Stores the bytes of `source` as an artifact file (Flux's `AtomicWriteFile`/`Copy`), for
   * artifacts that are not built from a directory.
   */
  async writeStream(
    owner: ArtifactOwner,
    source: Readable,
    options: Omit<ArchiveOptions, keyof BuildArtifactOptions>,
  ): Promise<Artifact> {
    return this.#write(owner, options, async (out) => {
      const digester = createDigester();
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          digester.hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      await pipeline(source, tap, out);
      return { digest: digester.digest(), size };
    });
  }

  async #write(
    owner: ArtifactOwner,
    options: Omit<ArchiveOptions, keyof BuildArtifactOptions>,
    produce: (out: Writable) => Promise<{ digest: string; size: number }>,
  ): Promise<Artifact> {
    const objectDir = this.objectDir(owner);
    if (options.fileName !== undefined) this.artifactPath(owner, options.fileName);
    return this.#locks.run(objectDir, async () => {
      const absDir = this.localPath(objectDir);
      await mkdir(absDir, { recursive: true, mode: 0o700 });
      const tmp = join(absDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
      try {
        const out = createWriteStream(tmp, { mode: 0o600 });
        const { digest, size } = await produce(out);
        const fileName = options.fileName ?? `${parseDigest(digest).hex}.tar.gz`;
        const path = `${objectDir}/${fileName}`;
        await rename(tmp, this.localPath(path));
        return {
          path,
          url: this.urlFor(path),
          revision: options.revision,
          digest,
          lastUpdateTime: rfc3339(this.#now()),
          size,
          ...(options.metadata ? { metadata: options.metadata } : {}),
        };
      } catch (err) {
        await rm(tmp, { force: true });
        if (err instanceof FlotillaError) throw err;
        throw new FlotillaError(
          `cannot store artifact for ${owner.kind}/${owner.namespace}/${owner.name}: ${errorMessage(err)}`,
          { reason: 'ArchiveOperationFailed', object: objectDir, cause: err },
        );
      }
    });
  }

  /** True when the artifact's file exists and is a regular file. */
  async exists(artifact: Pick<Artifact, 'path'>): Promise<boolean> {
    const st = await lstat(this.localPath(artifact.path)).catch(() => undefined);
    return st?.isFile() ?? false;
  }

  /** Recomputes the digest of a stored artifact; throws when it differs from the recorded one. */
  async verify(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<void> {
    const { algorithm } = parseDigest(artifact.digest, 'status.artifact.digest');
    const digester = createDigester(algorithm);
    await pipeline(createReadStream(this.localPath(artifact.path)), digester.hash);
    const actual = digester.digest();
    if (actual !== artifact.digest) {
      throw new FlotillaError(
        `artifact '${artifact.path}' has digest ${actual}, expected ${artifact.digest}`,
        { reason: 'ArtifactVerificationFailed', file: artifact.path },
      );
    }
  }

  /** The artifact files of an object, newest first. */
  async list(owner: ArtifactOwner): Promise<StoredFile[]> {
    const objectDir = this.objectDir(owner);
    const absDir = this.localPath(objectDir);
    let names: string[];
    try {
      names = await readdir(absDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files: StoredFile[] = [];
    for (const fileName of names) {
      if (fileName.startsWith('.')) continue;
      const st = await lstat(join(absDir, fileName)).catch(() => undefined);
      if (!st?.isFile()) continue;
      files.push({
        fileName,
        path: `${objectDir}/${fileName}`,
        mtimeMs: st.mtimeMs,
        size: st.size,
      });
    }
    files.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.fileName < b.fileName ? 1 : -1));
    return files;
  }

  /**
   * Removes all but the newest `retentionRecords` artifact files of an object (and, with a TTL,
   * those older than it), never the current one. Returns the removed paths.
   */
  async garbageCollect(owner: ArtifactOwner, current?: Pick<Artifact, 'path'>): Promise<string[]> {
    return this.#locks.run(this.objectDir(owner), async () => {
      const files = await this.list(owner);
      const keep = new Set<string>();
      if (current) keep.add(current.path);
      const ttl = this.retentionTtlMs;
      const cutoff = ttl === undefined ? undefined : this.#now().getTime() - ttl;
      for (const f of files) {
        if (cutoff !== undefined && f.mtimeMs < cutoff) continue;
        if (keep.size >= this.retentionRecords) break;
        keep.add(f.path);
      }
      const removed: string[] = [];
      for (const f of files) {
        if (keep.has(f.path)) continue;
        await unlink(this.localPath(f.path));
        removed.push(f.path);
      }
      return removed;
    });
  }

  /** Removes every artifact of an object (on deletion). Returns the removed directory, if any. */
  async removeAll(owner: ArtifactOwner): Promise<string | undefined> {
    const objectDir = this.objectDir(owner);
    return this.#locks.run(objectDir, async () => {
      const abs = this.localPath(objectDir);
      const st = await lstat(abs).catch(() => undefined);
      await rm(abs, { recursive: true, force: true });
      // Leave no empty namespace directory behind.
      await rmdir(dirname(abs)).catch(() => undefined);
      return st ? objectDir : undefined;
    });
  }

  /** The path of the object's `latest.tar.gz` link (Flux's `status.url`). */
  latestPath(owner: ArtifactOwner): string {
    return `${this.objectDir(owner)}/${LATEST_LINK}`;
  }

  /**
   * Points the object's `latest.tar.gz` symlink at an artifact, as Flux does for `status.url`,
   * and returns that URL. The server follows the link only within the object's directory.
   */
  async linkLatest(owner: ArtifactOwner, artifact: Pick<Artifact, 'path'>): Promise<string> {
    const objectDir = this.objectDir(owner);
    const fileName = artifact.path.slice(objectDir.length + 1);
    if (!artifact.path.startsWith(`${objectDir}/`) || fileName.includes('/')) {
      throw new FlotillaError(`artifact '${artifact.path}' does not belong to ${objectDir}`, {
        reason: 'InvalidPath',
        file: artifact.path,
      });
    }
    return this.#locks.run(objectDir, async () => {
      const absDir = this.localPath(objectDir);
      const tmp = join(absDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
      await symlink(fileName, tmp);
      await rename(tmp, join(absDir, LATEST_LINK));
      return this.urlFor(this.latestPath(owner));
    });
  }

  /** Removes one artifact file. */
  async remove(artifact: Pick<Artifact, 'path'>): Promise<void> {
    await rm(this.localPath(artifact.path), { force: true });
  }
}
