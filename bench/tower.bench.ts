// Tower at fleet scale (issue 18), where Argo CD's UI is known to fail: TOWER_APPS (default
// 10,000) Kustomizations across TOWER_CLUSTERS (default 10) local clusters, served by the shipped
// `flotilla tower` in its own process. Figures, each with its ratio to the aim:
//   - the Fleet screen interactive in Chromium (navigation to the first page of rows drawn) ≤ 1 s;
//   - the API's p99 over a mix of Fleet queries (search, filters, sorts, deep pages, the matrix),
//     Images and the App screen ≤ 50 ms;
//   - the server's RSS (and its peak) ≤ 300 MB;
// The machine's load average is printed beside the figures: on a shared, overcommitted machine the
// latencies are wall-clock and include waiting for a core, so the server's CPU time per request is
// printed too. And the baseline measured in the same run: downloading every app object in full from the
// clusters (what a UI without server-side paging sends to the browser), against which the bytes
// of a Fleet page and the time to answer it are printed as ratios.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, refOf, type KubeObject } from '../src/kube/index.js';
import { startLocalCluster, type LocalCluster } from '../src/localcluster/index.js';
import { installCrds } from '../src/controller/index.js';
import {
  chromiumSkip,
  ensureTowerWeb,
  mergedKubeconfig,
  openChromium,
  startCli,
  type CliProcess,
} from '../src/testing/index.js';

const APPS = Number(process.env['TOWER_APPS'] ?? 10_000);
const CLUSTERS = Number(process.env['TOWER_CLUSTERS'] ?? 10);
const NAMESPACES = 20;
/** One Deployment (with two images) per this many apps, for the Images screen. */
const APPS_PER_DEPLOYMENT = 10;
const API_ROUNDS = Number(process.env['TOWER_API_ROUNDS'] ?? 40);
const LOADS = 5;
const AIM = { interactiveMs: 1000, p99Ms: 50, rssMb: 300 } as const;
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const ENVIRONMENTS = ['dev', 'staging', 'production'];

const sha = (n: number) => n.toString(16).padStart(40, '0');

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** The apps of one cluster: Kustomizations as a controller leaves them, some failing, some behind. */
async function seed(client: KubeClient, cluster: number, apps: number): Promise<void> {
  const namespaces = ['flux-system', ...Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`)];
  for (const name of namespaces)
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const head = sha(1000 + cluster);
  const repo = await client.create({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'fleet', namespace: 'flux-system' },
    spec: { url: 'https://git.example.com/fleet.git', interval: '1m', ref: { branch: 'main' } },
  });
  await client.patch(
    refOf(repo),
    'merge',
    {
      status: { artifact: { revision: `main@sha1:${head}` }, conditions: [ready('True', head)] },
    },
    { subresource: 'status' },
  );
  const indexes = Array.from({ length: apps }, (_, i) => i);
  await pool(indexes, 16, async (i) => {
    const namespace = `team-${i % NAMESPACES}`;
    const name = `app-${String(i).padStart(5, '0')}`;
    const failing = i % 97 === 0;
    const applied = i % 13 === 0 ? sha(999) : head;
    const ks = await client.create({
      ...KS,
      metadata: { name, namespace },
      spec: {
        interval: '10m',
        path: `./apps/${name}`,
        prune: true,
        suspend: i % 211 === 0,
        sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' },
      },
    });
    await client.patch(
      refOf(ks),
      'merge',
      {
        status: {
          lastAppliedRevision: `main@sha1:${applied}`,
          lastAttemptedRevision: `main@sha1:${failing ? head : applied}`,
          conditions: [failing ? ready('False', head) : ready('True', applied)],
          inventory: {
            entries: [
              { id: `${namespace}_${name}_apps_Deployment`, v: 'v1' },
              { id: `${namespace}_${name}__Service`, v: 'v1' },
              { id: `${namespace}_${name}__ConfigMap`, v: 'v1' },
            ],
          },
        },
      },
      { subresource: 'status' },
    );
    if (i % APPS_PER_DEPLOYMENT === 0) await client.create(deployment(namespace, name, i, cluster));
  });
}

function ready(status: 'True' | 'False', revision: string) {
  return {
    type: 'Ready',
    status,
    reason: status === 'True' ? 'ReconciliationSucceeded' : 'BuildFailed',
    message:
      status === 'True'
        ? `Applied revision: main@sha1:${revision}`
        : 'kustomize build failed: accumulating resources: missing file',
    lastTransitionTime: new Date(Date.now() - 60_000).toISOString(),
  };
}

function deployment(namespace: string, name: string, i: number, cluster: number): KubeObject {
  const labels = { app: name };
  const tag = `1.${(i + cluster) % 6}.0`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      labels: {
        'kustomize.toolkit.fluxcd.io/name': name,
        'kustomize.toolkit.fluxcd.io/namespace': namespace,
      },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'app', image: `registry.example.com/team/${name.slice(0, 7)}:${tag}` },
            { name: 'proxy', image: `registry.example.com/mesh/proxy:2.${cluster % 3}.1` },
          ],
        },
      },
    },
  };
}

interface Fetched {
  readonly ms: number;
  readonly bytes: number;
  readonly status: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(base: string, path: string): Promise<Fetched> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(new URL(path, base), { agent }, (res: IncomingMessage) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        resolve({ ms: performance.now() - started, bytes, status: res.statusCode ?? 0 }),
      );
    })
      .on('error', reject)
      .end();
  });
}

const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** CPU time (user + system) a process has used, in ms (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS and VmHWM (the peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

async function waitForApps(base: string, apps: number): Promise<void> {
  for (;;) {
    const res = await fetch(new URL('/api/healthz', base));
    const body = (await res.json()) as { apps?: number };
    if ((body.apps ?? 0) >= apps) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The API mix: what the screens ask while people filter, search, sort and page. */
function apiMix(round: number, clusters: readonly string[]): string[] {
  const c = clusters[round % clusters.length] ?? '';
  const n = String((round * 7919) % Math.floor(APPS / CLUSTERS)).padStart(5, '0');
  const id = `${c}/Kustomization/team-${Number(n) % NAMESPACES}/app-${n}`;
  return [
    '/api/fleet',
    `/api/fleet?q=app-${n.slice(0, 3)}`,
    `/api/fleet?cluster=${c}&status=failing`,
    '/api/fleet?drift=behind&sort=status',
    `/api/fleet?environment=${ENVIRONMENTS[round % 3]}&sort=lastChange&desc=true`,
    `/api/fleet?page=${1 + (round % 40)}&pageSize=100`,
    '/api/fleet?view=matrix',
    `/api/fleet?view=matrix&q=${n.slice(0, 4)}&sort=status`,
    '/api/images',
    '/api/images?outdated=true',
    `/api/apps/${id}`,
  ];
}

async function main(): Promise<void> {
  console.log(
    `# ${APPS} apps across ${CLUSTERS} clusters; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await ensureTowerWeb();
  const dir = mkdtempSync(join(tmpdir(), 'tower-bench-'));
  const clusters: LocalCluster[] = [];
  const clients: KubeClient[] = [];
  let tower: CliProcess | undefined;
  try {
    const seeded = performance.now();
    for (let i = 0; i < CLUSTERS; i++) {
      const cluster = await startLocalCluster({
        port: 0,
        inMemory: true,
        name: `cluster-${i}`,
        simulate: false,
      });
      clusters.push(cluster);
      const client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
      clients.push(client);
      await installCrds(client);
      const share = Math.floor(APPS / CLUSTERS) + (i < APPS % CLUSTERS ? 1 : 0);
      await seed(client, i, share);
    }
    console.log(`# seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    // Baseline: every app object downloaded in full, cluster by cluster.
    let baselineBytes = 0;
    const baselineStarted = performance.now();
    for (const client of clients)
      baselineBytes += Buffer.byteLength(JSON.stringify(await client.list(KS)));
    const baselineMs = performance.now() - baselineStarted;

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, mergedKubeconfig(clusters.map((c) => c.kubeconfig)), {
      mode: 0o600,
    });
    const names = clusters.map((_, i) => `cluster-${i}`);
    const started = performance.now();
    tower = await startCli([
      'tower',
      '--kubeconfig',
      kubeconfig,
      ...names.flatMap((n) => ['--context', n]),
      ...names.flatMap((n, i) => ['--environment', `${n}=${ENVIRONMENTS[i % 3]}`]),
      '--listen',
      '127.0.0.1:0',
      '--data',
      join(dir, 'tower'),
    ]);
    await tower.waitFor(/Tower serving http:\/\/\S+/, 300_000);
    const base = /Tower serving (http:\/\/\S+)/.exec(tower.stdout())?.[1] ?? '';
    await waitForApps(base, APPS);
    const loadedMs = performance.now() - started;
    const pid = tower.child.pid ?? 0;
    const afterLoad = memoryOf(pid);

    // The API under the screens' mix, one request at a time (as one browser tab asks).
    const latencies: number[] = [];
    const byRoute = new Map<string, number[]>();
    let fleetPage: Fetched | undefined;
    let matrixPage: Fetched | undefined;
    for (const path of apiMix(0, names)) await get(base, path); // warm-up
    const cpuBefore = cpuMsOf(pid);
    for (let round = 0; round < API_ROUNDS; round++) {
      for (const path of apiMix(round, names)) {
        const r = await get(base, path);
        if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
        latencies.push(r.ms);
        const route = path.replace(/\?.*/, '').replace(/^\/api\/apps\/.*/, '/api/apps/:id');
        const key = path.includes('view=matrix') ? `${route} (matrix)` : route;
        byRoute.set(key, [...(byRoute.get(key) ?? []), r.ms]);
        if (path === '/api/fleet') fleetPage = r;
        if (path === '/api/fleet?view=matrix') matrixPage = r;
      }
    }

    const cpuPerRequest = (cpuMsOf(pid) - cpuBefore) / latencies.length;

    // The Fleet screen in Chromium: navigation to the first rows drawn.
    const loads: number[] = [];
    let pageBytes = 0;
    const skip = chromiumSkip();
    if (!skip) {
      const browser = await openChromium();
      try {
        const page = await browser.context.newPage();
        page.on('response', (res) => {
          void res.body().then(
            (b) => (pageBytes += b.length),
            () => undefined,
          );
        });
        for (let i = 0; i < LOADS; i++) {
          pageBytes = 0;
          const t = performance.now();
          await page.goto(`${base}/fleet?i=${i}`);
          await page.waitForSelector('body[data-ready="fleet"]', { timeout: 60_000 });
          loads.push(performance.now() - t);
        }
        await page.waitForTimeout(200);
      } finally {
        await browser.close();
      }
    }
    const afterAll = memoryOf(pid);

    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(
      `# load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`tower: all ${APPS} apps indexed ${(loadedMs / 1000).toFixed(1)} s after start`);
    console.log(
      `baseline: every app object in full from the clusters: ${mb(baselineBytes)} in ${ms(baselineMs)}`,
    );
    console.log(
      `api: ${latencies.length} requests, p50 ${ms(p50)}, p99 ${ms(p99)}; the server's CPU time per request ${ms(cpuPerRequest)} (what the p50 is on an idle core)`,
    );
    for (const [route, xs] of byRoute)
      console.log(
        `  ${route.padEnd(28)} p50 ${ms(percentile(xs, 50))}  p99 ${ms(percentile(xs, 99))}`,
      );
    if (fleetPage) {
      console.log(
        `fleet page: ${(fleetPage.bytes / 1024).toFixed(1)} KB in ${ms(fleetPage.ms)}; ratio to the full download: bytes ${(fleetPage.bytes / baselineBytes).toFixed(5)}, time ${(fleetPage.ms / baselineMs).toFixed(4)}`,
      );
    }
    if (matrixPage) {
      console.log(
        `matrix page (50 apps × ${CLUSTERS} clusters): ${(matrixPage.bytes / 1024).toFixed(1)} KB`,
      );
    }
    if (loads.length) {
      const first = loads[0] ?? NaN;
      const worst = Math.max(...loads);
      console.log(
        `fleet interactive in Chromium: first ${ms(first)}, median ${ms(percentile(loads, 50))}, worst ${ms(worst)}; the page carried ${(pageBytes / 1024).toFixed(1)} KB`,
      );
      console.log(`ratio interactive/aim (1 s): ${(worst / AIM.interactiveMs).toFixed(2)}`);
    } else {
      console.log(`fleet interactive in Chromium: skipped (${String(skip)})`);
    }
    console.log(
      `rss: ${mb(afterLoad.rss)} after indexing, ${mb(afterAll.rss)} at the end, peak ${mb(afterAll.peak)}`,
    );
    console.log(`ratio p99/aim (50 ms): ${(p99 / AIM.p99Ms).toFixed(2)}`);
    console.log(
      `ratio peak rss/aim (300 MB): ${(afterAll.peak / (AIM.rssMb * 1024 * 1024)).toFixed(2)}`,
    );
  } finally {
    agent.destroy();
    await tower?.stop();
    for (const c of clients) c.close();
    for (const c of clusters) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
