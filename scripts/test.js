#!/usr/bin/env node
// Runs the whole test suite with Node's own test runner. Node 20's `node --test` takes no
// globs, so this script finds the test files itself: every `*.test.ts` / `*.test.js` under
// src/ and eslint-rules/ (or under the paths given as arguments, e.g. `npm test -- src/core`).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const runnerFlags = args.filter((a) => a.startsWith('--'));
const roots = args.filter((a) => !a.startsWith('--'));
if (roots.length === 0) roots.push('src', 'eslint-rules');

/** @param {string} path @param {string[]} out */
function collect(path, out) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new Error(`test path not found: ${path}`);
  if (st.isFile()) {
    out.push(path);
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'testdata') continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) collect(child, out);
    else if (/\.test\.(ts|js)$/.test(entry.name)) out.push(child);
  }
}

const files = [];
for (const r of roots) collect(join(root, r), files);
files.sort();
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '));
  process.exit(1);
}
const concurrency = Math.max(2, availableParallelism());
const res = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    ...runnerFlags,
    ...files.map((f) => relative(root, f)),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(res.status ?? 1);
