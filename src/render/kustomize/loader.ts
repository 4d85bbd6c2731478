// File access for a build: kustomize's load restrictor, a symlink-safe sandbox, and refusal of remote targets.
import { diskFs, type ReadFs } from '../../core/index.js';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const LoadRestrictor = {
  RootOnly: 'LoadRestrictionsRootOnly',
  None: 'LoadRestrictionsNone',
} as const;
export type LoadRestrictor = (typeof LoadRestrictor)[keyof typeof LoadRestrictor];

/** A build failure with the file (and field) it concerns. */
export class KustomizeError extends Error {
  readonly file: string | undefined;
  readonly field: string | undefined;
  constructor(
    message: string,
    opts: { file?: string | undefined; field?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'KustomizeError';
    this.file = opts.file;
    this.field = opts.field;
  }
}

function within(child: string, parent: string): boolean {
  if (child === parent) return true;
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
}

/** True for kustomize remote targets (git URLs, http URLs, github shorthands). */
export function isRemoteTarget(s: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ||
    /^git@/.test(s) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)[:/]/.test(s) ||
    /\?ref=|\.git(\/|$|\/\/)/.test(s)
  );
}

/** Reads files for one kustomization root, enforcing the restrictor and the optional sandbox. */
export class FileLoader {
  /** Real path of this kustomization directory. */
  readonly root: string;
  constructor(
    root: string,
    readonly restrictor: LoadRestrictor,
    /** Real path nothing may be read outside of (symlinks resolved), or undefined. */
    readonly sandbox: string | undefined,
    /** Where files are read from: the disk, or an artifact held in memory. */
    readonly fs: ReadFs = diskFs,
  ) {
    this.root = root;
  }

  /** The real path of a file this kustomization may read, or an error naming it. */
  resolveFile(path: string, field: string): string {
    if (isRemoteTarget(path)) {
      throw new KustomizeError(
        `${field}: remote file '${path}' is not supported: only local files can be loaded`,
        {
          file: this.root,
          field,
        },
      );
    }
    const abs = resolve(this.root, path);
    let real: string;
    try {
      real = this.fs.realpath(abs);
    } catch {
      throw new KustomizeError(`${field}: file '${abs}' does not exist`, { file: abs, field });
    }
    this.checkSandbox(real, abs, field);
    if (
      this.restrictor === LoadRestrictor.RootOnly &&
      !within(dirname(real), this.root) &&
      !within(real, this.root)
    ) {
      throw new KustomizeError(`security; file '${abs}' is not in or below '${this.root}'`, {
        file: abs,
        field,
      });
    }
    return real;
  }

  checkSandbox(real: string, shown: string, field: string): void {
    if (this.sandbox !== undefined && !within(real, this.sandbox)) {
      throw new KustomizeError(
        `${field}: '${shown}' resolves outside the build root '${this.sandbox}'`,
        {
          file: shown,
          field,
        },
      );
    }
  }

  readFile(path: string, field: string): string {
    const real = this.resolveFile(path, field);
    try {
      return this.fs.readFile(real).toString('utf8');
    } catch (err) {
      throw new KustomizeError(`${field}: cannot read '${path}': ${(err as Error).message}`, {
        file: real,
        field,
      });
    }
  }

  readBytes(path: string, field: string): Buffer {
    const real = this.resolveFile(path, field);
    try {
      return this.fs.readFile(real);
    } catch (err) {
      throw new KustomizeError(`${field}: cannot read '${path}': ${(err as Error).message}`, {
        file: real,
        field,
      });
    }
  }

  /** A loader for a sub-directory (base or component), or undefined when `path` is not a directory. */
  subDirectory(path: string, field: string): FileLoader | undefined {
    const abs = resolve(this.root, path);
    let real: string;
    try {
      real = this.fs.realpath(abs);
    } catch {
      return undefined;
    }
    if (this.fs.kind(real) !== 'dir') return undefined;
    this.checkSandbox(real, abs, field);
    return new FileLoader(real, this.restrictor, this.sandbox, this.fs);
  }

  exists(path: string): boolean {
    return this.fs.kind(join(this.root, path)) !== undefined;
  }

  list(): string[] {
    return this.fs.readdir(this.root).sort();
  }
}
