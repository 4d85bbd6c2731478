// An exclusive lock on a data directory, so that two servers never share one database.
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FlotillaError } from '../core/index.js';

const LOCK_FILE = 'lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (replacing one left by a process that is gone); returns its release function. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new FlotillaError(
          `the local cluster data directory ${dir} is in use by process ${pid}`,
          { reason: 'DataDirInUse', file: path },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new FlotillaError(`could not lock the local cluster data directory ${dir}`, {
    reason: 'DataDirInUse',
    file: path,
  });
}
