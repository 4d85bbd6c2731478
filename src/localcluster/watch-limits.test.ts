// Watch memory stays bounded (issue 22, item 3): the history kept for resuming watches is capped
// by bytes as well as by count, and a watcher that stops reading is closed once its unsent
// backlog passes a limit (as kube-apiserver closes slow watchers; clients re-list), freeing it.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, eventually } from '../testing/index.js';

const CM = '/api/v1/namespaces/default/configmaps';
const HISTORY_BYTES = 1024 * 1024;
const BACKLOG_BYTES = 512 * 1024;

let cluster: LocalCluster;
let client: TestClient;

before(async () => {
  cluster = await startLocalCluster({
    inMemory: true,
    simulate: false,
    watchHistoryBytes: HISTORY_BYTES,
    watchBacklogBytes: BACKLOG_BYTES,
  });
  client = new TestClient(cluster);
});
after(async () => {
  client.close();
  await cluster.stop();
});

/** A ConfigMap of about `kib` KiB. */
function bigConfigMap(name: string, kib: number, fill = 'x'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: { blob: fill.repeat(kib * 1024) },
  };
}

async function put(name: string, kib: number, fill: string): Promise<string> {
  let r = await client.send('PUT', `${CM}/${name}`, { body: bigConfigMap(name, kib, fill) });
  if (r.status === 404) r = await client.send('POST', CM, { body: bigConfigMap(name, kib, fill) });
  assert.ok(r.status === 200 || r.status === 201, r.text.slice(0, 200));
  return String(r.body.metadata.resourceVersion);
}

/**
 * A watch whose client stops reading: the response stream is paused as soon as it arrives, so the
 * server's writes pile up. `resume()` reads again and reports whether the stream ended (the
 * server closed the watch; a paused client cannot see that before) and how many events it held.
 */
function stalledWatch(path: string): {
  started: Promise<void>;
  resume(timeoutMs: number): Promise<{ ended: boolean; events: number }>;
} {
  let response: IncomingMessage | undefined;
  const started = new Promise<void>((resolve, reject) => {
    const req = request(
      new URL(path, cluster.url),
      { ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.token}` }, agent: false },
      (r) => {
        r.pause();
        response = r;
        resolve();
      },
    );
    req.on('error', reject);
    req.end();
  });
  const resume = (timeoutMs: number): Promise<{ ended: boolean; events: number }> =>
    new Promise((resolve) => {
      const r = response!;
      let lines = 0;
      const done = (ended: boolean) => {
        clearTimeout(timer);
        r.destroy();
        resolve({ ended, events: lines });
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      r.on('data', (c: Buffer) => {
        for (const b of c) if (b === 10) lines++;
      });
      r.on('end', () => done(true));
      r.on('aborted', () => done(true));
      r.on('error', () => done(true));
      r.resume();
    });
  return { started, resume };
}

describe('watch limits', () => {
  it('drops history beyond its byte budget: resuming from before it is 410 Gone', async () => {
    const first = await put('history', 64, 'a');
    // 32 writes of 64 KiB: 2 MiB of events, twice the budget, far below the count cap
    for (let i = 0; i < 32; i++) await put('history', 64, String.fromCharCode(98 + (i % 20)));
    const w = client.watch(`${CM}?watch=true&resourceVersion=${first}`);
    await w.ready;
    await eventually(() => w.events.length > 0, 3000, 'an event');
    assert.equal(w.events[0]?.type, 'ERROR');
    assert.equal(w.events[0]?.object.code, 410);
    w.stop();
    const recent = await put('history', 1, 'z');
    const resumed = client.watch(`${CM}?watch=true&resourceVersion=${Number(recent) - 1}`);
    await resumed.ready;
    await eventually(() => resumed.events.length > 0, 3000, 'recent event');
    assert.equal(resumed.events[0]?.type, 'MODIFIED');
    resumed.stop();
  });

  it('closes a watcher that stops reading once its backlog passes the limit; readers go on', async () => {
    const stalled = stalledWatch(`${CM}?watch=true&resourceVersion=0`);
    await stalled.started;
    const reader = client.watch(`${CM}?watch=true&resourceVersion=0`);
    await reader.ready;
    // 200 writes of 64 KiB, 12.5 MiB for each watcher: the kernel's socket buffers take the first
    // few MiB, then the backlog grows in the server, far past the limit
    const WRITES = 200;
    for (let i = 0; i < WRITES; i++) await put(`slow-${i}`, 64, 's');
    await eventually(
      () =>
        reader.events.filter((e) => String(e.object.metadata?.name).startsWith('slow-')).length ===
        WRITES,
      10000,
      'the reading watcher got every event',
    );
    const { ended, events } = await stalled.resume(5000);
    assert.ok(ended, 'the server closed the stalled watch');
    assert.ok(events < WRITES, `the stalled watch was cut short (${events} events)`);
    const more = await put('after-close', 1, 'y');
    await eventually(
      () => reader.events.some((e) => e.object.metadata?.resourceVersion === more),
      5000,
      'the reading watcher is still served',
    );
    reader.stop();
  });
});
