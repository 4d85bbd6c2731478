// Tower's web app for tests: built into dist/tower/web (where the server and the shipped bundle
// look for it) when missing or older than its sources, once per test run under a lock.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { projectRoot } from './oracles.js';

const run = promisify(execFile);

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the web app unless dist/tower/web is newer than src/tower/web and src/tower/api. */
export async function ensureTowerWeb(): Promise<void> {
  const index = join(projectRoot, 'dist', 'tower', 'web', 'index.html');
  const sources = () =>
    Math.max(
      newest(join(projectRoot, 'src', 'tower', 'web')),
      newest(join(projectRoot, 'src', 'tower', 'api')),
    );
  const current = () => existsSync(index) && statSync(index).mtimeMs >= sources();
  const lock = join(projectRoot, 'dist', '.tower-web.lock');
  mkdirSync(join(projectRoot, 'dist'), { recursive: true });
  for (;;) {
    if (current()) return;
    try {
      mkdirSync(lock);
    } catch {
      // A lock left by a run that died while building is taken over after two minutes.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmdirSync(lock);
      await sleep(200);
      continue;
    }
    try {
      if (!current()) await run(process.execPath, [join(projectRoot, 'scripts', 'build-web.js')]);
    } finally {
      rmdirSync(lock);
    }
  }
}
