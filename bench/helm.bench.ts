// Helm speed over the shared chart corpus: each chart rendered in process (helmTemplate) and by the
// real `node bin/flotilla.js helm template` process, against the `helm template` process (the
// oracle, helm v3.21.4), interleaved in the same run so load changes hit both.
// Aims: whole process <= 0.5x helm's time; in process <= 20 ms for the largest chart.
// Run: npm run build && node --import tsx bench/helm.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  helmTemplate,
  loadChart,
  mergeValueOptions,
  parseKubeVersion,
} from '../src/render/index.js';
import type { Chart } from '../src/render/index.js';
import {
  findOracle,
  firstDifference,
  helmCorpusChart,
  helmCorpusCharts,
  runHelm,
} from '../src/testing/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** In-process renders per chart (median taken). */
const REPEAT = 7;
/** Whole-process runs per chart and command (median taken); HELM_BENCH_ROUNDS overrides. */
const ROUNDS = Number(process.env['HELM_BENCH_ROUNDS'] ?? 3);
const CLI = resolve(root, 'bin/flotilla.js');
const KUBE = '1.36.0';
const ARGS = ['--kube-version', KUBE, '-n', 'ns1'];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** CPU time of fn in ms (user + system): steadier than wall time on a shared, loaded machine. */
function cpuMs(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

function ms(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const charts = helmCorpusCharts();
if (charts.length === 0) {
  console.log('helm bench: the shared chart corpus is not there; nothing to measure');
  process.exit(0);
}
if (!existsSync(join(root, 'dist', 'cli', 'bin.js'))) {
  console.log('helm bench: the CLI is not built; run `npm run build` first');
  process.exit(1);
}
if (findOracle('helm') === undefined) {
  console.log(
    'helm bench: the helm oracle is not built (.oracles/bin/helm), so there is no baseline',
  );
  process.exit(1);
}

// Node 20 reads NODE_EXTRA_CA_CERTS at start-up although rendering never uses TLS.
const env = { ...process.env };
delete env['NODE_EXTRA_CA_CERTS'];
/**
 * Values a chart needs to render at all: kube-prometheus-stack's kube-state-metrics is the
 * prometheus chart's version (see helmCorpusChart), whose values the parent's templates trip on.
 */
const KPS_SET = 'kube-state-metrics.kubeRBACProxy.enabled=false';
const EXTRA: Readonly<Record<string, readonly string[]>> = {
  'prometheus-community+helm-charts~kube-prometheus-stack': ['--set', KPS_SET],
};
const cases = charts.map((name) => ({
  name,
  dir: helmCorpusChart(name),
  args: [...ARGS, ...(EXTRA[name] ?? [])],
}));
const runFlotilla = (c: Case) =>
  spawnSync(process.execPath, [CLI, 'helm', 'template', 'rel', c.dir, ...c.args], {
    encoding: 'utf8',
    env,
    maxBuffer: 256 * 1024 * 1024,
  });
type Case = (typeof cases)[number];
const runOracle = (c: Case) => runHelm(['template', 'rel', c.dir, ...c.args]);
/** Renders from the chart's folder (loading it), or from a Chart loaded before, as a controller would. */
const render = (c: Case, chart: string | Chart = c.dir): string =>
  helmTemplate(chart, {
    releaseName: 'rel',
    namespace: 'ns1',
    kubeVersion: parseKubeVersion(KUBE),
    ...(EXTRA[c.name] ? { values: mergeValueOptions({ values: [KPS_SET] }) } : {}),
  }).output;

// Warm the file cache and check all three print the same bytes (random secrets aside).
let mismatches = 0;
const sizes = new Map<string, number>();
for (const c of cases) {
  const theirs = runOracle(c);
  const cli = runFlotilla(c);
  const inProc = render(c);
  sizes.set(c.name, theirs.stdout.length);
  const diff =
    firstDifference(cli.stdout, theirs.stdout, true) ??
    firstDifference(inProc, theirs.stdout, true);
  if (cli.status !== 0 || diff !== undefined) {
    mismatches++;
    console.log(`  output differs from helm: ${c.name} (exit ${cli.status}) ${cli.stderr} ${diff}`);
  }
}

const load = loadavg()[0] ?? 0;
const inProcess = new Map<string, number>();
const loaded = new Map<string, number>();
const loadedCpu = new Map<string, number>();
for (const c of cases) {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) times.push(ms(() => render(c)));
  inProcess.set(c.name, median(times));
  const chart = loadChart(c.dir);
  const again: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEAT; i++) again.push(ms(() => render(c, chart)));
  for (let i = 0; i < REPEAT; i++) cpu.push(cpuMs(() => render(c, chart)));
  loaded.set(c.name, median(again));
  loadedCpu.set(c.name, median(cpu));
}
const oursRuns = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const theirsRuns = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    oursRuns.get(c.name)?.push(ms(() => runFlotilla(c)));
    theirsRuns.get(c.name)?.push(ms(() => runOracle(c)));
  }
}
const loadAfter = loadavg()[0] ?? 0;

console.log(`helm bench over ${cases.length} corpus charts, ${ROUNDS} rounds, CLI ${CLI}`);
console.log(
  '  chart'.padEnd(58) +
    'KiB'.padStart(7) +
    'in-proc ms'.padStart(11) +
    'loaded ms'.padStart(10) +
    'flotilla ms'.padStart(12) +
    'helm ms'.padStart(9) +
    'ratio'.padStart(8),
);
for (const c of cases) {
  const o = median(oursRuns.get(c.name) ?? []);
  const h = median(theirsRuns.get(c.name) ?? []);
  console.log(
    `  ${c.name}`.padEnd(58) +
      ((sizes.get(c.name) ?? 0) / 1024).toFixed(0).padStart(7) +
      (inProcess.get(c.name) ?? 0).toFixed(1).padStart(11) +
      (loaded.get(c.name) ?? 0).toFixed(1).padStart(10) +
      o.toFixed(1).padStart(12) +
      h.toFixed(1).padStart(9) +
      `${(o / h).toFixed(2)}x`.padStart(8),
  );
}
const sum = (m: Map<string, number[]>): number =>
  [...m.values()].reduce((a, xs) => a + median(xs), 0);
const ours = sum(oursRuns);
const theirs = sum(theirsRuns);
const inProcessTotal = [...inProcess.values()].reduce((a, b) => a + b, 0);
const largest = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
console.log(`  load average (1 min) at start/end: ${load.toFixed(2)} / ${loadAfter.toFixed(2)}`);
console.log(
  `  in process: ${inProcessTotal.toFixed(0)} ms in all; largest output (${largest}) ${(inProcess.get(largest) ?? 0).toFixed(1)} ms from its folder, ${(loaded.get(largest) ?? 0).toFixed(1)} ms loaded once, ${(loadedCpu.get(largest) ?? 0).toFixed(1)} ms of CPU loaded once (aim <= 20 ms)`,
);
console.log(`  flotilla helm template (whole process): ${ours.toFixed(0)} ms`);
console.log(`  helm template (baseline):               ${theirs.toFixed(0)} ms`);
console.log(`  ratio whole-process / helm process: ${(ours / theirs).toFixed(3)}x (aim <= 0.5x)`);
console.log(`  ratio in-process / helm process: ${(inProcessTotal / theirs).toFixed(3)}x`);
console.log(`  outputs differing from helm: ${mismatches}`);
