// Benchmark of the local cluster: server-side apply throughput with 8 concurrent clients and
// GET latency (p50/p99), against /healthz over the same HTTPS connections as the baseline.
// The server runs in a child process so clients and server do not share one event loop.
// Set LC_BENCH_PROF=1 to write a CPU profile of the server process to /tmp/lc/prof.
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCluster } from '../src/localcluster/index.js';

const CLIENTS = 8;
const APPLIES = 4000;
const GETS = 3000;

interface Target {
  url: string;
  token: string;
  caPem: string;
}

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-lc-bench-'));
  const cluster = await startLocalCluster({ dataDir: dir, simulate: false });
  process.send?.({ url: cluster.url, token: cluster.token, caPem: cluster.caPem } satisfies Target);
  process.on('message', () => {
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
  const agent = new Agent({ ca: target.caPem, keepAlive: true, maxSockets: CLIENTS });
  const expect = (want: number[]) => (status: number) => {
    if (!want.includes(status)) throw new Error(`unexpected HTTP ${status}`);
  };
  try {
    // warm-up: creates the objects the measured applies then update
    await throughput(200, async (n) =>
      expect([200, 201])(
        await call(
          target,
          agent,
          'PATCH',
          `/apis/apps/v1/namespaces/default/deployments/app-${n}?fieldManager=bench&force=true`,
          applyBody(n, 0),
          'application/apply-patch+yaml',
        ),
      ),
    );
    const healthz = await throughput(APPLIES, async () =>
      expect([200])(await call(target, agent, 'GET', '/healthz')),
    );
    const applies = await throughput(APPLIES, async (n) => {
      const i = n % 200;
      const round = 1 + Math.floor(n / 200);
      expect([200, 201])(
        await call(
          target,
          agent,
          'PATCH',
          `/apis/apps/v1/namespaces/default/deployments/app-${i}?fieldManager=bench&force=true`,
          applyBody(i, round),
          'application/apply-patch+yaml',
        ),
      );
    });
    const noop = await throughput(APPLIES, async (n) => {
      const i = n % 200;
      expect([200])(
        await call(
          target,
          agent,
          'PATCH',
          `/apis/apps/v1/namespaces/default/deployments/app-${i}?fieldManager=bench-final&force=true`,
          applyBody(i, 99),
          'application/apply-patch+yaml',
        ),
      );
    });
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
    console.log(
      `server-side apply, ${CLIENTS} clients, ${APPLIES} applies (changing): ${applies.toFixed(0)} applies/s (goal >= 2000)`,
    );
    console.log(
      `server-side apply, ${CLIENTS} clients, ${APPLIES} applies (mostly unchanged): ${noop.toFixed(0)} applies/s`,
    );
    console.log(
      `baseline GET /healthz, ${CLIENTS} clients: ${healthz.toFixed(0)} req/s; apply/baseline ratio ${(applies / healthz).toFixed(3)}`,
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
