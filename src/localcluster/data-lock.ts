// An exclusive lock on a data directory, so that two servers never share one database. The lock
// file names its holder by PID and start time; a holder that is gone, is a zombie nobody has
// reaped yet (killed with SIGKILL, its parent not having waited for it), or whose PID a new
// process now has, no longer holds the lock.
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FlotillaError } from '../core/index.js';

const LOCK_FILE = 'lock';

interface ProcInfo {
  /** The state letter: R, S, D, Z (zombie), X (dead), ... */
  readonly state: string;
  /** Start time in clock ticks after boot: with the PID, names one process for good. */
  readonly start: string;
}

/** What Linux says about a process (`/proc/PID/stat`); undefined without /proc or once it is gone. */
function procInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19]; // field 22 of proc(5)
  return state === undefined || start === undefined ? undefined : { state, start };
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote a lock still runs (a zombie does not; a reused PID is another process). */
function holderAlive(pid: number, start: string | undefined): boolean {
  if (!signalable(pid)) return false;
  const info = procInfo(pid);
  if (info === undefined) return true; // no /proc (macOS): the signal check is all there is
  if (info.state === 'Z' || info.state === 'X') return false;
  return start === undefined || info.start === start;
}

/** The lock file's text: `PID START` (START empty where /proc is missing). */
function lockText(): string {
  return `${process.pid} ${procInfo(process.pid)?.start ?? ''}\n`;
}

function parseLock(text: string): { pid: number; start: string | undefined } {
  const [pid = '', start = ''] = text.trim().split(/\s+/);
  return { pid: Number(pid), start: start === '' ? undefined : start };
}

/** Takes the lock (replacing one left by a process that is gone); returns its release function. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, lockText());
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const { pid, start } = parseLock(readFileSync(path, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && holderAlive(pid, start)) {
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
