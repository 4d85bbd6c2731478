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
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
 * Compares two renderings line by line and returns a description of the first real difference,
 * or undefined. Charts that call randAlphaNum or genCA print different bytes on every run, Helm's
 * too: `random` says which lines may then differ, each only in runs of the characters random
 * functions produce (letters, digits, + / =) at the same length, or as a whole base64 value. With
 * `true`, any line may; with a second rendering by the oracle, only the lines where the oracle's
 * two renderings differ — every line Helm prints the same twice must be byte-identical in ours.
 */
export function firstDifference(
  ours: string,
  theirs: string,
  random: boolean | string = false,
): string | undefined {
  if (ours === theirs) return undefined;
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const again = typeof random === 'string' ? random.split('\n') : undefined;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    const mayDiffer = again !== undefined ? again[i] !== y : random === true;
    if (mayDiffer && x !== undefined && y !== undefined && sameShape(x, y)) continue;
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

/** Runs `helm ARGS` without blocking the event loop (for tests that serve helm something). */
export function runHelmAsync(args: readonly string[]): Promise<OracleResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(oracle('helm'), [...args], { env: helmEnv() });
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

/** The resources a fake cluster's discovery lists: group/version → [plural, Kind, namespaced]. */
const DISCOVERY: Readonly<Record<string, readonly (readonly [string, string, boolean])[]>> = {
  v1: [
    ['configmaps', 'ConfigMap', true],
    ['endpoints', 'Endpoints', true],
    ['limitranges', 'LimitRange', true],
    ['namespaces', 'Namespace', false],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true],
    ['persistentvolumes', 'PersistentVolume', false],
    ['pods', 'Pod', true],
    ['resourcequotas', 'ResourceQuota', true],
    ['secrets', 'Secret', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['services', 'Service', true],
  ],
  'apps/v1': [
    ['daemonsets', 'DaemonSet', true],
    ['deployments', 'Deployment', true],
    ['replicasets', 'ReplicaSet', true],
    ['statefulsets', 'StatefulSet', true],
  ],
  'batch/v1': [
    ['cronjobs', 'CronJob', true],
    ['jobs', 'Job', true],
  ],
  'autoscaling/v2': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'networking.k8s.io/v1': [
    ['ingressclasses', 'IngressClass', false],
    ['ingresses', 'Ingress', true],
    ['networkpolicies', 'NetworkPolicy', true],
  ],
  'rbac.authorization.k8s.io/v1': [
    ['clusterrolebindings', 'ClusterRoleBinding', false],
    ['clusterroles', 'ClusterRole', false],
    ['rolebindings', 'RoleBinding', true],
    ['roles', 'Role', true],
  ],
  'admissionregistration.k8s.io/v1': [
    ['mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false],
    ['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false],
  ],
  'apiextensions.k8s.io/v1': [['customresourcedefinitions', 'CustomResourceDefinition', false]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
  'monitoring.coreos.com/v1': [
    ['podmonitors', 'PodMonitor', true],
    ['prometheusrules', 'PrometheusRule', true],
    ['servicemonitors', 'ServiceMonitor', true],
  ],
};

/** A stand-in cluster for `helm install --dry-run=client`: version, discovery, and 404 for objects. */
export interface FakeDiscovery {
  readonly url: string;
  /** What the server reports as its version (its gitVersion). */
  readonly kubeVersion: string;
  /** .Capabilities.APIVersions as Helm builds it from this discovery (order aside). */
  readonly apiVersions: readonly string[];
  close(): Promise<void>;
}

/**
 * Serves just enough of the Kubernetes API for `helm install --dry-run=client` to print a release:
 * /version, discovery of common kinds (and monitoring.coreos.com), and NotFound for every object.
 */
export async function startFakeDiscovery(kubeVersion = 'v1.31.2'): Promise<FakeDiscovery> {
  const [major, minor] = kubeVersion.replace(/^v/, '').split('.');
  const groups = Object.keys(DISCOVERY).filter((gv) => gv.includes('/'));
  const json = (res: ServerResponse, body: unknown, code = 200): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').replace(/\?.*/, '').replace(/\/$/, '');
    if (path === '/version') return json(res, { major, minor, gitVersion: kubeVersion });
    if (path === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') {
      const group = (gv: string): unknown => {
        const [name, version] = gv.split('/');
        const v = { groupVersion: gv, version };
        return { name, versions: [v], preferredVersion: v };
      };
      return json(res, { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(group) });
    }
    const gv = /^\/apis?\/(.+)$/.exec(path)?.[1];
    const list = gv === undefined ? undefined : DISCOVERY[gv];
    if (list !== undefined) {
      const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
      const resources = list.map(([name, kind, namespaced]) => ({
        name,
        singularName: '',
        namespaced,
        kind,
        verbs,
      }));
      return json(res, { kind: 'APIResourceList', groupVersion: gv, resources });
    }
    json(
      res,
      { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 },
      404,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const apiVersions = Object.entries(DISCOVERY).flatMap(([gv, list]) => [
    gv,
    ...list.map(([, kind]) => `${gv}/${kind}`),
  ]);
  return {
    url: `http://127.0.0.1:${port}`,
    kubeVersion,
    apiVersions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The release `helm install --dry-run=client -o json` prints (the fields tests compare). */
export interface OracleRelease {
  readonly name: string;
  readonly namespace: string;
  readonly version: number;
  readonly manifest: string;
  readonly info: { readonly notes?: string };
  readonly hooks?: readonly {
    readonly name: string;
    readonly kind: string;
    readonly path: string;
    readonly manifest: string;
    readonly events: readonly string[];
    readonly weight?: number;
    readonly delete_policies?: readonly string[];
    readonly output_log_policies?: readonly string[];
  }[];
}

/** `helm install NAME CHART --dry-run=client -o json ARGS` against a FakeDiscovery. */
export async function helmInstallDryRun(
  cluster: FakeDiscovery,
  name: string,
  chart: string,
  args: readonly string[] = [],
): Promise<{ release?: OracleRelease; error?: string }> {
  const r = await runHelmAsync([
    'install',
    name,
    chart,
    '--dry-run=client',
    '-o',
    'json',
    '--disable-openapi-validation',
    '--kube-apiserver',
    cluster.url,
    ...args,
  ]);
  if (r.status !== 0) return { error: r.stderr };
  return { release: JSON.parse(r.stdout) as OracleRelease };
}
