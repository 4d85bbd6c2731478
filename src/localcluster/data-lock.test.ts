// The data directory lock: held by a live server, taken over from one that is gone, even when
// the dead holder is still a zombie nobody has reaped or its PID now names another process
// (issue 22, item 10: a restart 1-2 s after kill -9 failed as "in use by process N").
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { lockDataDir } from './data-lock.js';
import { startLocalCluster } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'flotilla-lock-'));
after(() => rmSync(work, { recursive: true, force: true }));

const lockModule = fileURLToPath(new URL('./data-lock.ts', import.meta.url));

/** The state letter of a process (`/proc/PID/stat`), or undefined once it is gone. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * A process holding the lock of `dir` whose parent never reaps it: `sh` starts it in the
 * background and then becomes `sleep`, which ignores its children, so after kill -9 it stays a
 * zombie (what a supervisor or container init that reaps late leaves behind).
 */
async function zombieHolder(dir: string): Promise<{ holder: number; parent: number }> {
  const script = join(dir, '..', `${dir.split('/').pop() ?? ''}-holder.mjs`);
  writeFileSync(
    script,
    `const m = await import(${JSON.stringify(lockModule)});\nm.lockDataDir(${JSON.stringify(dir)});\nprocess.stdout.write('locked\\n');\nsetInterval(() => {}, 1e6);\n`,
  );
  const sh = spawn(
    'sh',
    ['-c', `"$0" --import tsx "$1" & echo $!; exec sleep 60`, process.execPath, script],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  sh.stdout.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 300 && !out.includes('locked'); i++) await sleep(50);
  assert.match(out, /locked/, 'the holder took the lock');
  const holder = Number(out.split('\n')[0]);
  return { holder, parent: sh.pid ?? 0 };
}

describe('data directory lock', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  it('a second holder in a live process is refused, naming the process', () => {
    const dir = mkdtempSync(join(work, 'live-'));
    const unlock = lockDataDir(dir);
    try {
      assert.throws(() => lockDataDir(dir), new RegExp(`in use by process ${process.pid}`));
    } finally {
      unlock();
    }
    lockDataDir(dir)();
  });

  it('takes over the lock of a holder killed with SIGKILL that is still an unreaped zombie', async () => {
    const dir = mkdtempSync(join(work, 'zombie-'));
    const { holder, parent } = await zombieHolder(dir);
    try {
      process.kill(holder, 'SIGKILL');
      for (let i = 0; i < 100 && processState(holder) !== 'Z'; i++) await sleep(20);
      assert.equal(processState(holder), 'Z', 'the killed holder is a zombie');
      const cluster = await startLocalCluster({ dataDir: dir, simulate: false });
      await cluster.stop();
    } finally {
      process.kill(parent, 'SIGKILL');
    }
  });

  it('takes over a lock whose PID now belongs to another process', () => {
    const dir = mkdtempSync(join(work, 'reused-'));
    // what a holder started at another time would have written: this process's PID, another start
    writeFileSync(join(dir, 'lock'), `${process.pid} 1\n`);
    lockDataDir(dir)();
    // a lock file of an older Flotilla (the PID alone) of a live process still counts
    writeFileSync(join(dir, 'lock'), `${process.pid}\n`);
    assert.throws(() => lockDataDir(dir), /in use by process/);
  });
});
