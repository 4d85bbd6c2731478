// Kustomize speed over the shared corpus: the real `flotilla kustomize build DIR` process against
// `kustomize build DIR` (the kustomize v5.5.0 oracle), interleaved in the same run, plus the
// in-process build time per case. With KUSTOMIZE_BENCH_BASE=<another built checkout> (e.g. main),
// that build's in-process and whole-process times are measured interleaved too, with the ratio.
// Run: npm run build && node --import tsx bench/kustomize.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKustomization } from '../src/render/index.js';
import type { BuildResult } from '../src/render/index.js';
import { findOracle } from '../src/testing/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// The shared corpus beside the project (one level further up from a git worktree under wt/).
const corpus =
  [resolve(root, '..'), resolve(root, '..', '..')]
    .map((d) => join(d, 'shared', 'corpora', 'kustomize-v5.5.0'))
    .find((d) => existsSync(d)) ?? resolve(root, '..', 'shared', 'corpora', 'kustomize-v5.5.0');
/** In-process builds per case (median taken). */
const REPEAT = 5;
/** Whole-process runs per case and command (median taken); KUSTOMIZE_BENCH_ROUNDS overrides. */
const ROUNDS = Number(process.env['KUSTOMIZE_BENCH_ROUNDS'] ?? 3);
/** The command measured: the product entry, exactly as a user runs it. */
const CLI = resolve(root, process.env['KUSTOMIZE_BENCH_CLI'] ?? 'bin/flotilla.js');

function median(xs: readonly number[]): number {
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
if (!existsSync(join(root, 'dist', 'cli', 'bin.js'))) {
  console.log('kustomize bench: the CLI is not built; run `npm run build` first');
  process.exit(1);
}
const kustomize = findOracle('kustomize');
if (kustomize === undefined) {
  console.log(
    'kustomize bench: the kustomize oracle is not built (scripts/oracles/build.sh), so there is no baseline',
  );
  process.exit(1);
}
/** Another built checkout to compare with (its dist/ and bin/), e.g. an export of main. */
const baseDir = process.env['KUSTOMIZE_BENCH_BASE'];
type Build = (dir: string) => BuildResult;
const baseBuild: Build | undefined =
  baseDir === undefined
    ? undefined
    : (
        (await import(join(resolve(baseDir), 'dist', 'render', 'index.js'))) as {
          buildKustomization: Build;
        }
      ).buildKustomization;
const BASE_CLI = baseDir === undefined ? undefined : join(resolve(baseDir), 'bin', 'flotilla.js');
/**
 * The build timed in process: with a base to compare, this checkout's compiled dist/ (as the base's
 * is), so both run the same tsc output; else the sources.
 */
const ourBuild: Build =
  baseBuild === undefined
    ? buildKustomization
    : (
        (await import(join(root, 'dist', 'render', 'index.js'))) as {
          buildKustomization: Build;
        }
      ).buildKustomization;
const cases = readdirSync(corpus, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(corpus, d.name, 'expected.yaml')))
  .map((d) => {
    const target = readFileSync(join(corpus, d.name, 'target'), 'utf8').trim();
    return { name: d.name, dir: join(corpus, d.name, 'input', target) };
  })
  .sort((a, b) => a.name.localeCompare(b.name));

// Node 20 reads NODE_EXTRA_CA_CERTS eagerly at start-up (tens of ms) although a build never uses
// TLS, and kustomize (Go) loads certificates only for TLS; the main figure therefore runs both
// commands without it, and one extra round below shows what it costs where it is set.
const extraCa = process.env['NODE_EXTRA_CA_CERTS'];
const env = { ...process.env };
delete env['NODE_EXTRA_CA_CERTS'];

const runFlotilla = (dir: string, withEnv: NodeJS.ProcessEnv = env) =>
  spawnSync(process.execPath, [CLI, 'kustomize', 'build', dir], {
    encoding: 'utf8',
    env: withEnv,
  });
const runKustomize = (dir: string) =>
  spawnSync(kustomize, ['build', dir], { encoding: 'utf8', env });
const runBase = (dir: string) =>
  spawnSync(process.execPath, [BASE_CLI ?? CLI, 'kustomize', 'build', dir], {
    encoding: 'utf8',
    env,
  });

// Warm the file cache and check both print the same bytes.
let mismatches = 0;
for (const c of cases) {
  const ours = runFlotilla(c.dir);
  const theirs = runKustomize(c.dir);
  if (ours.status !== 0 || ours.stdout !== theirs.stdout) {
    mismatches++;
    console.log(`  output differs from kustomize: ${c.name} (exit ${ours.status}) ${ours.stderr}`);
  }
}

// In-process timings (median of REPEAT builds per case) after one warm-up build each; the base
// build, when given, is timed interleaved with ours.
for (const c of cases) ourBuild(c.dir);
if (baseBuild) for (const c of cases) baseBuild(c.dir);
const inProcess = new Map<string, number>();
const inProcessBase = new Map<string, number>();
for (const c of cases) {
  const times: number[] = [];
  const baseTimes: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    times.push(ms(() => ourBuild(c.dir)));
    if (baseBuild) baseTimes.push(ms(() => baseBuild(c.dir)));
  }
  inProcess.set(c.name, median(times));
  if (baseBuild) inProcessBase.set(c.name, median(baseTimes));
}

// Whole-process timings, the two commands interleaved case by case so load changes hit both.
const load = loadavg()[0] ?? 0;
const oursRuns = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const theirsRuns = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const baseRuns = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    oursRuns.get(c.name)?.push(ms(() => runFlotilla(c.dir)));
    theirsRuns.get(c.name)?.push(ms(() => runKustomize(c.dir)));
    if (BASE_CLI) baseRuns.get(c.name)?.push(ms(() => runBase(c.dir)));
  }
}
let withCa = 0;
let withCaBaseline = 0;
if (extraCa !== undefined) {
  for (const c of cases) {
    withCa += ms(() => runFlotilla(c.dir, process.env));
    withCaBaseline += ms(() => runKustomize(c.dir));
  }
}
const loadAfter = loadavg()[0] ?? 0;

const sum = (m: Map<string, number[]>) => [...m.values()].reduce((a, xs) => a + median(xs), 0);
console.log(`kustomize bench over ${cases.length} corpus cases, ${ROUNDS} rounds, CLI ${CLI}`);
console.log(
  '  case'.padEnd(58) + 'in-proc ms'.padStart(11) + 'flotilla ms'.padStart(12),
  'kustomize ms'.padStart(13) + 'ratio'.padStart(8),
);
for (const c of cases) {
  const o = median(oursRuns.get(c.name) ?? []);
  const k = median(theirsRuns.get(c.name) ?? []);
  console.log(
    `  ${c.name}`.padEnd(58) +
      (inProcess.get(c.name) ?? 0).toFixed(2).padStart(11) +
      o.toFixed(1).padStart(12),
    k.toFixed(1).padStart(13) + `${(o / k).toFixed(2)}x`.padStart(8),
  );
}
const inProcessTotal = [...inProcess.values()].reduce((a, b) => a + b, 0);
const ours = sum(oursRuns);
const theirs = sum(theirsRuns);
const slowest = [...inProcess].sort((a, b) => b[1] - a[1]).slice(0, 3);
console.log(`  load average (1 min) at start/end: ${load.toFixed(2)} / ${loadAfter.toFixed(2)}`);
console.log(
  `  in-process build, sum of per-case medians: ${inProcessTotal.toFixed(1)} ms (${(inProcessTotal / cases.length).toFixed(2)} ms/case)`,
);
console.log(`  slowest cases: ${slowest.map(([n, t]) => `${n} ${t.toFixed(2)} ms`).join(', ')}`);
console.log(
  `  flotilla kustomize build (whole process): ${ours.toFixed(0)} ms (${(ours / cases.length).toFixed(1)} ms/case)`,
);
console.log(
  `  kustomize build (baseline):               ${theirs.toFixed(0)} ms (${(theirs / cases.length).toFixed(1)} ms/case)`,
);
const caseRatios = cases.map(
  (c) => median(oursRuns.get(c.name) ?? []) / median(theirsRuns.get(c.name) ?? []),
);
console.log(`  ratio in-process / kustomize process: ${(inProcessTotal / theirs).toFixed(3)}x`);
console.log(
  `  per-case ratios: median ${median(caseRatios).toFixed(2)}x, ` +
    `90th percentile ${([...caseRatios].sort((a, b) => a - b)[Math.floor(caseRatios.length * 0.9)] ?? 0).toFixed(2)}x`,
);
console.log(
  `  ratio whole-process / kustomize process: ${(ours / theirs).toFixed(3)}x (aim <= 1.5x)`,
);
if (extraCa !== undefined) {
  console.log(
    `  with NODE_EXTRA_CA_CERTS as set here (one round): ${(withCa / cases.length).toFixed(1)} ms/case vs kustomize ${(withCaBaseline / cases.length).toFixed(1)} ms/case, ${(withCa / withCaBaseline).toFixed(3)}x`,
  );
}
console.log(`  outputs differing from kustomize: ${mismatches}`);
if (baseBuild && BASE_CLI) {
  const baseIn = [...inProcessBase.values()].reduce((a, b) => a + b, 0);
  const baseWhole = sum(baseRuns);
  console.log(`  base build ${baseDir}:`);
  console.log(
    `    in-process ${baseIn.toFixed(1)} ms (${(baseIn / cases.length).toFixed(2)} ms/case); this build / base: ${(inProcessTotal / baseIn).toFixed(3)}x`,
  );
  console.log(
    `    whole process ${baseWhole.toFixed(0)} ms (${(baseWhole / cases.length).toFixed(1)} ms/case); this build / base: ${(ours / baseWhole).toFixed(3)}x`,
  );
}
