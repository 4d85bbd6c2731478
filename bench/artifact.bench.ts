// Benchmark of artifact building: a 5,000-file tree archived by ArtifactStore.archive (with
// Flux's ignore rules) against `tar -czf` of the same tree, in the same run; prints the ratio.
// Then the consumer side: fetch to disk, and into memory as the controller does, against tar -xzf.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ArtifactStore,
  fetchArtifact,
  fetchArtifactTree,
  startArtifactServer,
} from '../src/source/index.js';

const DIRS = 50;
const FILES_PER_DIR = 100;
const RUNS = 5;

function makeTree(root: string): number {
  let bytes = 0;
  for (let d = 0; d < DIRS; d++) {
    const dir = join(root, `apps/team-${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES_PER_DIR; f++) {
      const body =
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${d}-${f}\n  namespace: team-${d}\n` +
        `data:\n${Array.from({ length: 20 }, (_, i) => `  key${i}: "value-${d}-${f}-${i}"\n`).join('')}`;
      writeFileSync(join(dir, `cm-${f}.yaml`), body);
      bytes += body.length;
    }
  }
  return bytes;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const work = mkdtempSync(join(tmpdir(), 'flotilla-artifact-bench-'));
try {
  const tree = join(work, 'tree');
  const bytes = makeTree(tree);
  const store = await ArtifactStore.open({ root: join(work, 'storage'), retentionRecords: 100 });
  const owner = { kind: 'GitRepository', namespace: 'bench', name: 'tree' };

  // Warm-up: page cache and JIT for both sides.
  await store.archive(owner, tree, { revision: 'warmup', fileName: 'warmup.tar.gz' });
  execFileSync('tar', ['-czf', join(work, 'warmup.tar.gz'), '-C', tree, '.']);

  const ours: number[] = [];
  const tars: number[] = [];
  let size = 0;
  let digest = '';
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const a = await store.archive(owner, tree, { revision: `r${i}`, fileName: `r${i}.tar.gz` });
    ours.push(performance.now() - t);
    size = a.size;
    digest = a.digest;

    t = performance.now();
    execFileSync('tar', ['-czf', join(work, `tar-${i}.tar.gz`), '-C', tree, '.']);
    tars.push(performance.now() - t);
  }
  const tarSize = Number(
    execFileSync('stat', ['-c', '%s', join(work, 'tar-0.tar.gz')])
      .toString()
      .trim(),
  );

  // Consumer side: download + verify + extract through the artifact server, against tar -xzf.
  const server = await startArtifactServer({ store });
  const latest = await store.archive(owner, tree, { revision: 'final' });
  await fetchArtifact(latest.url, latest.digest, join(work, 'fetched-warmup'));
  const fetches: number[] = [];
  const trees: number[] = [];
  const untars: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await fetchArtifact(latest.url, latest.digest, join(work, `fetched-${i}`));
    fetches.push(performance.now() - t);
    t = performance.now();
    await fetchArtifactTree(latest.url, latest.digest, `/artifact/run-${i}`);
    trees.push(performance.now() - t);
    const out = join(work, `untar-${i}`);
    mkdirSync(out);
    t = performance.now();
    execFileSync('tar', ['-xzf', store.localPath(latest.path), '-C', out]);
    untars.push(performance.now() - t);
  }
  await server.close();
  const fetchMs = median(fetches);
  const untarMs = median(untars);

  const oursMs = median(ours);
  const tarMs = median(tars);
  console.log(`tree: ${DIRS * FILES_PER_DIR} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  console.log(
    `ArtifactStore.archive: median ${oursMs.toFixed(1)} ms over ${RUNS} runs (${size} bytes, ${digest.slice(0, 19)}...)`,
  );
  console.log(
    `tar -czf baseline:     median ${tarMs.toFixed(1)} ms over ${RUNS} runs (${tarSize} bytes)`,
  );
  console.log(`ratio archive / tar -czf: ${(oursMs / tarMs).toFixed(2)}x`);
  console.log(
    `fetchArtifact (HTTP download + sha256 verify + safe extract): median ${fetchMs.toFixed(1)} ms`,
  );
  console.log(
    `tar -xzf baseline (local file, no download/verify):  median ${untarMs.toFixed(1)} ms`,
  );
  console.log(`ratio fetchArtifact / tar -xzf: ${(fetchMs / untarMs).toFixed(2)}x`);
  const treeMs = median(trees);
  console.log(
    `fetchArtifactTree (download + verify + unpack into memory, what the controller does): median ${treeMs.toFixed(1)} ms`,
  );
  console.log(`ratio fetchArtifactTree / tar -xzf: ${(treeMs / untarMs).toFixed(2)}x`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
