// Benchmark of the local cluster: server-side apply throughput with 8 concurrent clients and
// GET latency (p50/p99), against /healthz over the same HTTPS connections as the baseline.
// The server runs in a child process so clients and server do not share one event loop; it
// reports its own CPU time per phase, which (unlike throughput) barely depends on how busy the
// machine is. Set LC_BENCH_PROF=1 to write a CPU profile of the server process to /tmp/lc/prof.
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCluster } from '../src/localcluster/index.js';

const CLIENTS = 8;
const APPLIES = 4000;
const GETS = 3000;
const WARM_UP = Number(process.env.LC_BENCH_WARMUP ?? 1000);

interface Target {
  url: string;
  token: string;
  caPem: string;
}

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-lc-bench-'));
  const cluster = await startLocalCluster({ dataDir: dir, simulate: false });
  process.send?.({ url: cluster.url, token: cluster.token, caPem: cluster.caPem } satisfies Target);
  process.on('message', (m) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpuMicros: u.user + u.system, systemMicros: u.system });
      return;
    }
    void cluster.stop().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

function call(
  t: Target,
  agent: Agent,
  method: string,
  path: string,
  body?: string,
  contentType?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${t.token}`,
      Accept: 'application/json',
    };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = request(new URL(path, t.url), { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function applyBody(i: number, round: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `app-${i}`,
      namespace: 'default',
      labels: { app: `app-${i}`, round: String(round) },
    },
    spec: {
      replicas: 1 + (round % 3),
      selector: { matchLabels: { app: `app-${i}` } },
      template: {
        metadata: { labels: { app: `app-${i}` } },
        spec: {
          containers: [
            {
              name: 'web',
              image: `nginx:1.${round}`,
              ports: [{ containerPort: 80 }],
              env: [{ name: 'ROUND', value: String(round) }],
            },
          ],
        },
      },
    },
  });
}

/** CPU time the server process has used so far, in µs. */
function serverCpu(child: ChildProcess): Promise<{ cpuMicros: number; systemMicros: number }> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as { cpuMicros: number; systemMicros: number }));
    child.send('cpu');
  });
}

function configMapBody(i: number, round: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: 'default',
      labels: { app: `app-${i}`, 'app.kubernetes.io/managed-by': 'flotilla' },
      annotations: { 'flotilla.dev/revision': String(round) },
    },
    data: {
      'app.properties': `name=app-${i}\nround=${round}\nlog.level=info\n`,
      LOG_LEVEL: 'info',
      ROUND: String(round),
    },
  });
}

/** Runs `total` operations over `CLIENTS` concurrent workers; returns operations per second. */
async function throughput(total: number, op: (n: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (;;) {
        const n = next++;
        if (n >= total) return;
        await op(n);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
}

async function latencies(
  count: number,
  op: () => Promise<void>,
): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = process.hrtime.bigint();
    await op();
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(count * 0.5)] ?? 0, p99: times[Math.floor(count * 0.99)] ?? 0 };
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.LC_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/lc/prof'] : []),
    ],
  });
  const target = await new Promise<Target>((resolve) =>
    child.once('message', (m) => resolve(m as Target)),
  );
  const loadStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const agent = new Agent({ ca: target.caPem, keepAlive: true, maxSockets: CLIENTS });
  const expect = (want: number[]) => (status: number) => {
    if (!want.includes(status)) throw new Error(`unexpected HTTP ${status}`);
  };
  try {
    /** Throughput of a phase plus the CPU µs per operation of the server and of this client. */
    const phase = async (
      total: number,
      op: (n: number) => Promise<void>,
    ): Promise<{ rate: number; serverUs: number; serverSysUs: number; clientUs: number }> => {
      const s0 = await serverCpu(child);
      const c0 = process.cpuUsage();
      const rate = await throughput(total, op);
      const c = process.cpuUsage(c0);
      const s1 = await serverCpu(child);
      return {
        rate,
        serverUs: (s1.cpuMicros - s0.cpuMicros) / total,
        serverSysUs: (s1.systemMicros - s0.systemMicros) / total,
        clientUs: (c.user + c.system) / total,
      };
    };
    const apply = (path: string, body: string, want: number[]) => async () =>
      expect(want)(await call(target, agent, 'PATCH', path, body, 'application/apply-patch+yaml'));
    const deploymentPath = (i: number, manager: string) =>
      `/apis/apps/v1/namespaces/default/deployments/app-${i}?fieldManager=${manager}&force=true`;
    const configMapPath = (i: number) =>
      `/api/v1/namespaces/default/configmaps/cm-${i}?fieldManager=bench&force=true`;
    // warm-up: creates the objects the measured applies then update, and runs every code path
    // a while so that the measured phases see optimised code (the first thousand requests cost
    // several times what later ones do)
    await throughput(200, (n) => apply(deploymentPath(n, 'bench'), applyBody(n, 0), [200, 201])());
    await throughput(200, (n) => apply(configMapPath(n), configMapBody(n, 0), [200, 201])());
    await throughput(WARM_UP, async () =>
      expect([200])(await call(target, agent, 'GET', '/healthz')),
    );
    await throughput(WARM_UP, (n) =>
      apply(deploymentPath(n % 200, 'bench'), applyBody(n % 200, 1 + Math.floor(n / 200)), [200])(),
    );
    await throughput(WARM_UP, (n) =>
      apply(configMapPath(n % 200), configMapBody(n % 200, 1 + Math.floor(n / 200)), [200])(),
    );
    const firstRound = 1 + WARM_UP / 200;
    const healthz = await phase(APPLIES, async () =>
      expect([200])(await call(target, agent, 'GET', '/healthz')),
    );
    const applies = await phase(APPLIES, (n) =>
      apply(
        deploymentPath(n % 200, 'bench'),
        applyBody(n % 200, firstRound + Math.floor(n / 200)),
        [200],
      )(),
    );
    const noop = await phase(APPLIES, (n) =>
      apply(deploymentPath(n % 200, 'bench-final'), applyBody(n % 200, 99), [200])(),
    );
    const configMaps = await phase(APPLIES, (n) =>
      apply(
        configMapPath(n % 200),
        configMapBody(n % 200, firstRound + Math.floor(n / 200)),
        [200],
      )(),
    );
    const baseLat = await latencies(GETS, async () =>
      expect([200])(await call(target, agent, 'GET', '/healthz')),
    );
    const getLat = await latencies(GETS, async () =>
      expect([200])(
        await call(
          target,
          agent,
          'GET',
          `/apis/apps/v1/namespaces/default/deployments/app-${Math.floor(Math.random() * 200)}`,
        ),
      ),
    );
    const cpu = (r: { serverUs: number; serverSysUs: number; clientUs: number }) =>
      `server CPU ${r.serverUs.toFixed(0)} µs/op (system ${r.serverSysUs.toFixed(0)}), client CPU ${r.clientUs.toFixed(0)} µs/op`;
    console.log(`load average at start: ${loadStart}`);
    console.log(
      `server-side apply, ${CLIENTS} clients, ${APPLIES} Deployment applies (changing): ${applies.rate.toFixed(0)} applies/s (goal >= 2000); ${cpu(applies)}`,
    );
    console.log(
      `server-side apply, ${CLIENTS} clients, ${APPLIES} Deployment applies (mostly unchanged): ${noop.rate.toFixed(0)} applies/s; ${cpu(noop)}`,
    );
    console.log(
      `server-side apply, ${CLIENTS} clients, ${APPLIES} ConfigMap applies (changing): ${configMaps.rate.toFixed(0)} applies/s; ${cpu(configMaps)}`,
    );
    console.log(
      `baseline GET /healthz, ${CLIENTS} clients: ${healthz.rate.toFixed(0)} req/s; ${cpu(healthz)}; apply/baseline ratio ${(applies.rate / healthz.rate).toFixed(3)}`,
    );
    console.log(
      `server CPU per apply minus per /healthz (the apply work itself): Deployment changing ${(applies.serverUs - healthz.serverUs).toFixed(0)} µs, unchanged ${(noop.serverUs - healthz.serverUs).toFixed(0)} µs, ConfigMap ${(configMaps.serverUs - healthz.serverUs).toFixed(0)} µs`,
    );
    // the server handles requests on one thread: with a core to itself it cannot go faster than
    // this, whatever else runs on the machine (CPU time per request inflates under load, so this
    // understates a quiet machine's ceiling)
    console.log(
      `single-thread server ceiling (1 s / server CPU per apply): Deployment changing ${(1e6 / applies.serverUs).toFixed(0)}/s, unchanged ${(1e6 / noop.serverUs).toFixed(0)}/s, ConfigMap ${(1e6 / configMaps.serverUs).toFixed(0)}/s`,
    );
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `GET deployment latency over ${GETS} sequential gets: p50 ${getLat.p50.toFixed(3)} ms, p99 ${getLat.p99.toFixed(3)} ms (goal p99 < 2 ms)`,
    );
    console.log(
      `baseline GET /healthz latency: p50 ${baseLat.p50.toFixed(3)} ms, p99 ${baseLat.p99.toFixed(3)} ms; get/baseline p99 ratio ${(getLat.p99 / baseLat.p99).toFixed(2)}`,
    );
  } finally {
    agent.destroy();
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
