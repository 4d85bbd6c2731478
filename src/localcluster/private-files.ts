// The data directory's secrets stay its owner's: the directory is 0700 and every file holding a
// secret (the database with its WAL and shared memory, the kubeconfig, the serving key) 0600.
// Directories and files left more open, by an older version or by hand, are tightened on start.
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { FlotillaError, type Logger } from '../core/index.js';

/** Files of the data directory that hold secrets (the database holds every Secret). */
export const SECRET_FILES = [
  'cluster.db',
  'cluster.db-wal',
  'cluster.db-shm',
  'kubeconfig',
  'apiserver.key',
  'lock',
] as const;

const GROUP_OR_OTHER = 0o077;

/**
 * Creates `dir` 0700, or tightens an existing one to 0700. A directory that stays open to others
 * (owned by someone else, so not ours to change) is refused.
 */
export function securePrivateDir(dir: string, logger: Logger): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if ((mode & GROUP_OR_OTHER) === 0) return;
  try {
    chmodSync(dir, 0o700);
  } catch (err) {
    throw new FlotillaError(
      `the local cluster data directory ${dir} is accessible to other users (mode ${mode.toString(8)}) and cannot be restricted: ${(err as Error).message}. Use a directory of your own with mode 0700`,
      { reason: 'DataDirNotPrivate', file: dir, cause: err },
    );
  }
  logger.warn({ dir, mode: mode.toString(8) }, 'data directory was open to other users: now 0700');
}

/** Tightens the secret files that exist in `dir` to 0600 (file modes survive rewrites). */
export function restrictSecretFiles(dir: string, logger: Logger): void {
  for (const name of SECRET_FILES) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined || (st.mode & GROUP_OR_OTHER) === 0) continue;
    chmodSync(path, 0o600);
    logger.warn(
      { file: path, mode: (st.mode & 0o777).toString(8) },
      'secret file was open: now 0600',
    );
  }
}

/**
 * Creates an empty file 0600 when it is missing: SQLite then creates its WAL and shared-memory
 * files with the same mode as the database file.
 */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
}

/** Replaces a file with `text`, 0600 whatever mode the old file had (written aside, then renamed). */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}
