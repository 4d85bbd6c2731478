// A read-only file system a build reads through: the disk (for the CLI), a tree held in memory
// (an artifact unpacked once and shared by every build of that revision), or either with a few
// files replaced (Flux's overlay of a Kustomization, written nowhere). Paths are absolute.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';

export type EntryKind = 'file' | 'dir';

export interface ReadFs {
  /** What is at `path` (symlinks followed), or undefined when nothing is. */
  kind(path: string): EntryKind | undefined;
  /** The canonical path (symlinks resolved); throws an ENOENT error when nothing is there. */
  realpath(path: string): string;
  /** The bytes of a file; throws when it is not a file. */
  readFile(path: string): Buffer;
  /** The names in a directory, unsorted; throws when it is not a directory. */
  readdir(path: string): string[];
}

function notFound(path: string, syscall: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `ENOENT: no such file or directory, ${syscall} '${path}'`,
  );
  err.code = 'ENOENT';
  err.path = path;
  err.syscall = syscall;
  return err;
}

/** The disk, through node:fs. */
export const diskFs: ReadFs = {
  kind(path) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  },
  realpath: (path) => realpathSync(path),
  readFile: (path) => readFileSync(path),
  readdir: (path) => readdirSync(path),
};

/**
 * Files and directories held in memory under a mount point (an absolute POSIX path that exists
 * nowhere on disk). No links: artifacts refuse them when they are unpacked.
 */
export class MemoryFs implements ReadFs {
  private readonly files = new Map<string, Buffer>();
  private readonly dirs = new Map<string, Set<string>>();
  private size = 0;

  constructor(readonly mount: string) {
    this.dirs.set(mount, new Set());
  }

  /** Adds a directory at a path relative to the mount (its parents too). */
  addDir(relative: readonly string[]): void {
    let dir = this.mount;
    for (const segment of relative) {
      const child = posix.join(dir, segment);
      if (this.files.has(child)) throw new Error(`'${child}' is a file`);
      this.dirs.get(dir)?.add(segment);
      if (!this.dirs.has(child)) this.dirs.set(child, new Set());
      dir = child;
    }
  }

  /** Adds a file at a path relative to the mount (its directories too). */
  addFile(relative: readonly string[], data: Buffer): void {
    const name = relative.at(-1);
    if (name === undefined) throw new Error('a file needs a name');
    this.addDir(relative.slice(0, -1));
    const parent = posix.join(this.mount, ...relative.slice(0, -1));
    const path = posix.join(parent, name);
    if (this.dirs.has(path)) throw new Error(`'${path}' is a directory`);
    const previous = this.files.get(path);
    this.size += data.length - (previous?.length ?? 0);
    this.files.set(path, data);
    this.dirs.get(parent)?.add(name);
  }

  /** The bytes of all files. */
  get bytes(): number {
    return this.size;
  }

  get fileCount(): number {
    return this.files.size;
  }

  kind(path: string): EntryKind | undefined {
    const p = posix.normalize(path);
    if (this.files.has(p)) return 'file';
    return this.dirs.has(p) ? 'dir' : undefined;
  }

  realpath(path: string): string {
    const p = posix.normalize(path).replace(/(.)\/$/, '$1');
    if (this.kind(p) === undefined) throw notFound(path, 'realpath');
    return p;
  }

  readFile(path: string): Buffer {
    const data = this.files.get(posix.normalize(path));
    if (data === undefined) throw notFound(path, 'open');
    return data;
  }

  readdir(path: string): string[] {
    const names = this.dirs.get(posix.normalize(path).replace(/(.)\/$/, '$1'));
    if (names === undefined) throw notFound(path, 'scandir');
    return [...names];
  }
}

/** `base` with some files replaced or added (their directories must exist in `base`). */
export function overlayFs(base: ReadFs, files: ReadonlyMap<string, Buffer>): ReadFs {
  if (files.size === 0) return base;
  const extra = new Map<string, string[]>();
  for (const path of files.keys()) {
    const dir = posix.dirname(path);
    extra.set(dir, [...(extra.get(dir) ?? []), posix.basename(path)]);
  }
  return {
    kind: (path) => (files.has(path) ? 'file' : base.kind(path)),
    realpath: (path) => (files.has(path) ? path : base.realpath(path)),
    readFile: (path) => files.get(path) ?? base.readFile(path),
    readdir(path) {
      const names = base.readdir(path);
      const added = extra.get(path);
      return added ? [...new Set([...names, ...added])] : names;
    },
  };
}
