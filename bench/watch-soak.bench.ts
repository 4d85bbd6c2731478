// Soak benchmark of the local cluster's memory under watch load (issue 22, item 3): 8 writers
// update 64 KiB ConfigMaps for SOAK_SECONDS (default 120) while 50 watchers follow them, 10 of
// which never read. The server runs in a child process; its RSS is printed over time, and the
// ratio of the RSS after the load (watchers gone, a GC run) to the RSS before it is the figure.
// Aim: within 20% (ratio <= 1.20). Without a byte cap on the watch history and without closing
// watchers that do not read, RSS grows with every write and is not returned. glibc's allocator
// keeps much of the memory TLS and socket buffers freed (see docs/local-cluster.md) unless
// MALLOC_MMAP_THRESHOLD_=65536 is set, as `npm start` and the installed controller set it: the
// server runs with that setting, and with SOAK_ALLOCATOR=default with glibc's defaults.
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startLocalCluster } from '../src/localcluster/index.js';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 120);
const WRITERS = 8;
const NAMESPACES = 4;
const OBJECTS_PER_WRITER = 25;
const OBJECT_KIB = 64;
/** Watchers of all namespaces and of one namespace each; a few of each kind never read. */
const CLUSTER_WATCHERS = 10;
const NAMESPACE_WATCHERS = 40;
const STALLED_EACH = 5;
const SAMPLE_MS = 10_000;

interface Target {
  readonly url: string;
  readonly token: string;
  readonly caPem: string;
}

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-soak-'));
  const cluster = await startLocalCluster({ dataDir: dir, simulate: false });
  process.send?.({ url: cluster.url, token: cluster.token, caPem: cluster.caPem } satisfies Target);
  process.on('message', (m) => {
    if (m === 'memory' || m === 'gc') {
      if (m === 'gc') (globalThis as { gc?: () => void }).gc?.();
      const u = process.memoryUsage();
      process.send?.({
        rss: u.rss,
        heapUsed: u.heapUsed,
        heapTotal: u.heapTotal,
        external: u.external,
      } satisfies Memory);
      return;
    }
    void cluster.stop().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

function ask(child: ChildProcess, what: 'memory' | 'gc'): Promise<Memory> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Memory));
    child.send(what);
  });
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MiB`;

function call(t: Target, agent: Agent, method: string, path: string, body?: string) {
  return new Promise<number>((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${t.token}` };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const req = request(new URL(path, t.url), { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function configMap(ns: string, name: string, round: number): string {
  const line = `round ${round} of ${name} `;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns },
    data: { blob: line.repeat(Math.ceil((OBJECT_KIB * 1024) / line.length)) },
  });
}

interface Watcher {
  readonly req: ClientRequest;
  bytes: number;
  closedByServer: boolean;
}

/** A watch that reads everything, or (`stalled`) pauses its response and never reads. */
function watch(t: Target, path: string, stalled: boolean): Watcher {
  const w: Watcher = {
    req: request(new URL(path, t.url), {
      headers: { Authorization: `Bearer ${t.token}` },
      ca: t.caPem,
      agent: false,
    }),
    bytes: 0,
    closedByServer: false,
  };
  w.req.on('response', (res: IncomingMessage) => {
    if (stalled) res.pause();
    else res.on('data', (c: Buffer) => (w.bytes += c.length));
    res.on('end', () => (w.closedByServer = true));
    res.on('error', () => undefined);
  });
  w.req.on('error', () => undefined);
  w.req.end();
  return w;
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env:
      process.env['SOAK_ALLOCATOR'] === 'default'
        ? process.env
        : { MALLOC_MMAP_THRESHOLD_: '65536', ...process.env },
  });
  console.log(
    `allocator: MALLOC_MMAP_THRESHOLD_=${process.env['SOAK_ALLOCATOR'] === 'default' ? (process.env['MALLOC_MMAP_THRESHOLD_'] ?? '(glibc default)') : (process.env['MALLOC_MMAP_THRESHOLD_'] ?? '65536')}`,
  );
  const target = await new Promise<Target>((resolve) =>
    child.once('message', (m) => resolve(m as Target)),
  );
  const agent = new Agent({ ca: target.caPem, keepAlive: true, maxSockets: WRITERS });
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`load average at start: ${load()}`);
  try {
    for (let n = 0; n < NAMESPACES; n++) {
      const ns = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: `soak-${n}` },
      });
      await call(target, agent, 'POST', '/api/v1/namespaces', ns);
    }
    const path = (w: number, i: number) =>
      `/api/v1/namespaces/soak-${w % NAMESPACES}/configmaps/soak-${w}-${i}`;
    // the data set: every object the writers update, created once
    for (let w = 0; w < WRITERS; w++)
      for (let i = 0; i < OBJECTS_PER_WRITER; i++)
        await call(
          target,
          agent,
          'POST',
          `/api/v1/namespaces/soak-${w % NAMESPACES}/configmaps`,
          configMap(`soak-${w % NAMESPACES}`, `soak-${w}-${i}`, 0),
        );
    const before = await ask(child, 'gc');
    console.log(
      `before the load: RSS ${mib(before.rss)} (heap ${mib(before.heapUsed)}, external ${mib(before.external)}); ${WRITERS * OBJECTS_PER_WRITER} ConfigMaps of ${OBJECT_KIB} KiB`,
    );

    const watchers: { w: Watcher; stalled: boolean }[] = [];
    for (let i = 0; i < CLUSTER_WATCHERS; i++) {
      const stalled = i < STALLED_EACH;
      watchers.push({
        w: watch(target, '/api/v1/configmaps?watch=true&resourceVersion=0', stalled),
        stalled,
      });
    }
    for (let i = 0; i < NAMESPACE_WATCHERS; i++) {
      const stalled = i < STALLED_EACH;
      const p = `/api/v1/namespaces/soak-${i % NAMESPACES}/configmaps?watch=true&resourceVersion=0`;
      watchers.push({ w: watch(target, p, stalled), stalled });
    }

    let writes = 0;
    let failures = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let round = 1; Date.now() < deadline; round++) {
        const i = round % OBJECTS_PER_WRITER;
        const status = await call(
          target,
          agent,
          'PUT',
          path(w, i),
          configMap(`soak-${w % NAMESPACES}`, `soak-${w}-${i}`, round),
        );
        if (status === 200) writes++;
        else failures++;
      }
    });
    const started = Date.now();
    let peak = before.rss;
    const sampler = (async () => {
      while (Date.now() < deadline) {
        await sleep(Math.min(SAMPLE_MS, Math.max(0, deadline - Date.now())));
        const m = await ask(child, 'memory');
        peak = Math.max(peak, m.rss);
        const open = watchers.filter((x) => !x.w.closedByServer).length;
        console.log(
          `  t=${String(Math.round((Date.now() - started) / 1000)).padStart(3)}s RSS ${mib(m.rss)} (heap ${mib(m.heapUsed)}), ${writes} writes, ${open} watchers open (client view), load ${load()}`,
        );
      }
    })();
    await Promise.all([...writers, sampler]);
    const read = watchers.filter((x) => !x.stalled).reduce((n, x) => n + x.w.bytes, 0);
    console.log(
      `load stopped: ${writes} writes (${(writes / SECONDS).toFixed(0)}/s, ${failures} failed), readers received ${mib(read)}`,
    );
    for (const x of watchers) x.w.req.destroy();
    await sleep(3000);
    const after = await ask(child, 'gc');
    await sleep(2000);
    const settled = await ask(child, 'gc');
    const ratio = settled.rss / before.rss;
    const heapRatio = settled.heapUsed / before.heapUsed;
    console.log(
      `after the load: RSS ${mib(after.rss)}, then ${mib(settled.rss)} (heap ${mib(settled.heapUsed)} of ${mib(settled.heapTotal)}, external ${mib(settled.external)}); peak ${mib(peak)}`,
    );
    console.log(
      `RSS after / before the load: ${ratio.toFixed(2)} (aim <= 1.20) ${ratio <= 1.2 ? 'met' : 'NOT met'}; V8 heap used after / before: ${heapRatio.toFixed(2)} (the watch history keeps up to 16 MiB of the last objects); load average ${load()}`,
    );
  } finally {
    agent.destroy();
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
