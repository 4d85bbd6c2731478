// Kustomize engine speed over the shared corpus: in-process build time per case and whole-process time, both against
// `kubectl kustomize` (kustomize v5.5.0) measured in the same run. Run: node --import tsx bench/kustomize.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { buildKustomization } from '../src/render/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = resolve(root, '..', 'shared', 'corpora', 'kustomize-v5.5.0');
const REPEAT = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function ms(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

if (!existsSync(corpus)) {
  console.log(`kustomize bench: corpus not found at ${corpus}; nothing to measure`);
  process.exit(0);
}
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const cases = readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(corpus, d.name, 'expected.yaml')))
  .map((d) => {
    const target = readFileSync(join(corpus, d.name, 'target'), 'utf8').trim();
    return { name: d.name, dir: join(corpus, d.name, 'input', target) };
  });

// A compiled single-file CLI, so the whole-process figure measures Node start-up plus the engine, not a TS loader.
const work = mkdtempSync(join(tmpdir(), 'kustomize-bench-'));
const entry = join(work, 'entry.ts');
writeFileSync(
  entry,
  `import { buildKustomization } from ${JSON.stringify(join(root, 'src/render/index.ts'))};\n` +
    `process.stdout.write(buildKustomization(process.argv[2]).yaml);\n`,
);
const bundle = join(work, 'flotilla-kustomize.cjs');
buildSync({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: bundle,
  logLevel: 'error',
});

// Warm-up, then in-process timings (median of REPEAT builds per case).
for (const c of cases) buildKustomization(c.dir);
let inProcess = 0;
const perCase: Array<{ name: string; ms: number }> = [];
for (const c of cases) {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) times.push(ms(() => buildKustomization(c.dir)));
  const m = median(times);
  perCase.push({ name: c.name, ms: m });
  inProcess += m;
}

let ours = 0;
let theirs = 0;
let mismatches = 0;
const cacheDir = mkdtempSync(join(tmpdir(), 'kustomize-bench-cache-'));
for (const c of cases) {
  let out = '';
  ours += ms(() => {
    out = spawnSync(process.execPath, [bundle, c.dir], { encoding: 'utf8' }).stdout;
  });
  if (kubectl.status === 0) {
    let ref = '';
    theirs += ms(() => {
      ref = spawnSync('kubectl', ['kustomize', '--cache-dir', cacheDir, c.dir], {
        encoding: 'utf8',
      }).stdout;
    });
    if (ref !== out) mismatches++;
  }
}
rmSync(work, { recursive: true, force: true });
rmSync(cacheDir, { recursive: true, force: true });

const slowest = [...perCase].sort((a, b) => b.ms - a.ms).slice(0, 3);
console.log(`kustomize bench over ${cases.length} corpus cases`);
console.log(
  `  in-process build, sum of per-case medians: ${inProcess.toFixed(1)} ms (${(inProcess / cases.length).toFixed(2)} ms/case)`,
);
console.log(`  slowest cases: ${slowest.map((s) => `${s.name} ${s.ms.toFixed(2)} ms`).join(', ')}`);
console.log(
  `  whole process (node + compiled engine):   ${ours.toFixed(0)} ms (${(ours / cases.length).toFixed(1)} ms/case)`,
);
if (kubectl.status !== 0) {
  console.log('  kubectl not installed: no baseline, ratios not computed');
} else {
  console.log(
    `  kubectl kustomize (baseline):             ${theirs.toFixed(0)} ms (${(theirs / cases.length).toFixed(1)} ms/case)`,
  );
  console.log(
    `  ratio in-process / kubectl process: ${(inProcess / theirs).toFixed(3)}x (aim < 0.5x)`,
  );
  console.log(
    `  ratio whole-process / kubectl process: ${(ours / theirs).toFixed(3)}x (aim <= 1.5x)`,
  );
  console.log(`  outputs differing from kubectl: ${mismatches}`);
}
