// Runs the real `helm` (the oracle built from Helm's Go module) for differential tests, isolated
// from the machine's Helm and kubeconfig settings, and compares its output with ours.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goString } from '../render/index.js';
import { findCorpus } from './corpora.js';
import { oracle, projectRoot } from './oracles.js';

let sandbox: string | undefined;

/** Environment for the oracle: its own HOME and Helm folders, an empty kubeconfig. */
function helmEnv(): NodeJS.ProcessEnv {
  if (sandbox === undefined) {
    sandbox = mkdtempSync(join(tmpdir(), 'flotilla-helm-oracle-'));
    for (const d of ['cache', 'config', 'data']) mkdirSync(join(sandbox, d), { recursive: true });
    writeFileSync(join(sandbox, 'kubeconfig'), '');
  }
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: sandbox,
    HELM_CACHE_HOME: join(sandbox, 'cache'),
    HELM_CONFIG_HOME: join(sandbox, 'config'),
    HELM_DATA_HOME: join(sandbox, 'data'),
    KUBECONFIG: join(sandbox, 'kubeconfig'),
    TZ: 'UTC',
  };
}

export interface OracleResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `helm ARGS` (the oracle) and returns its exit status and output. */
export function runHelm(args: readonly string[], cwd?: string): OracleResult {
  const r = spawnSync(oracle('helm'), [...args], {
    env: helmEnv(),
    maxBuffer: 256 * 1024 * 1024,
    ...(cwd !== undefined ? { cwd } : {}),
  });
  // stdout as a Go string of its bytes (bytes that are not UTF-8 kept, as in our output).
  return { status: r.status ?? -1, stdout: goString(r.stdout), stderr: r.stderr.toString('utf8') };
}

/**
 * Runs `helm ARGS` without blocking the event loop: for tests whose cluster (the local cluster)
 * is served by this very process.
 */
export function runHelmAsync(args: readonly string[]): Promise<OracleResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(oracle('helm'), [...args], {
      env: helmEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        status: code ?? -1,
        stdout: goString(Buffer.concat(out)),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/**
 * Compares two renderings line by line. With `allowRandom`, lines that differ only in runs of
 * characters random functions produce (letters, digits, + / =), at the same length, count as
 * equal: charts that call randAlphaNum or genCA print different bytes on every run, Helm's too.
 * Returns a description of the first real difference, or undefined.
 */
export function firstDifference(
  ours: string,
  theirs: string,
  allowRandom = false,
): string | undefined {
  if (ours === theirs) return undefined;
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (allowRandom && x !== undefined && y !== undefined && sameShape(x, y)) continue;
    return `line ${i + 1}:\n  ours:   ${JSON.stringify(x)}\n  theirs: ${JSON.stringify(y)}`;
  }
  return undefined;
}

const RANDOM_CHAR = /[A-Za-z0-9+/=]/;

function sameShape(x: string, y: string): boolean {
  if (x.length !== y.length) return looksLikeBase64Value(x) && looksLikeBase64Value(y);
  for (let i = 0; i < x.length; i++) {
    const c = x[i] as string;
    const d = y[i] as string;
    if (c === d) continue;
    if (!RANDOM_CHAR.test(c) || !RANDOM_CHAR.test(d)) return false;
  }
  return true;
}

/** `key: <long base64>` lines (generated certificates and keys differ in length run to run). */
function looksLikeBase64Value(s: string): boolean {
  return /^\s*[\w.-]+: "?[A-Za-z0-9+/]{40,}={0,2}"?$/.test(s);
}

/** The shared corpus of Helm charts (../shared/corpora/helm-charts; see its SOURCE.md). */
export function helmCorpusDir(): string {
  return findCorpus('helm-charts') ?? join(projectRoot, '..', 'shared', 'corpora', 'helm-charts');
}

/** The corpus' chart folders by name, sorted (none when the corpus is absent). */
export function helmCorpusCharts(): string[] {
  const dir = helmCorpusDir();
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => existsSync(join(dir, d, 'Chart.yaml')))
        .sort()
    : [];
}

const prepared = new Map<string, string>();

/**
 * The folder of a corpus chart, ready to render. kube-prometheus-stack is vendored without four of
 * its dependencies; its copy (made once per process) takes two of them from the corpus'
 * prometheus chart and drops the two the corpus does not hold.
 */
export function helmCorpusChart(name: string): string {
  const corpus = helmCorpusDir();
  const src = join(corpus, name);
  if (name !== 'prometheus-community+helm-charts~kube-prometheus-stack') return src;
  const done = prepared.get(name);
  if (done !== undefined) return done;
  const dir = join(mkdtempSync(join(tmpdir(), 'flotilla-kps-')), 'kube-prometheus-stack');
  cpSync(src, dir, { recursive: true });
  const prom = join(corpus, 'prometheus-community+helm-charts~prometheus', 'charts');
  for (const dep of ['kube-state-metrics', 'prometheus-node-exporter']) {
    cpSync(join(prom, dep), join(dir, 'charts', dep), { recursive: true });
  }
  const chartYaml = readFileSync(join(dir, 'Chart.yaml'), 'utf8')
    .replace(/ {2}- name: grafana\n(?: {4}.*\n)+/, '')
    .replace(/ {2}- name: prometheus-windows-exporter\n(?: {4}.*\n)+/, '')
    .replace(
      /(- name: (?:kube-state-metrics|prometheus-node-exporter)\n {4}version: )"[^"]*"/g,
      '$1"*"',
    );
  writeFileSync(join(dir, 'Chart.yaml'), chartYaml);
  prepared.set(name, dir);
  return dir;
}
