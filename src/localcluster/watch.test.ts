// Watch semantics: initial state, resume from a resourceVersion, selector transitions,
// bookmarks, 410 Gone for versions older than the kept history, Table events.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, eventually } from '../testing/index.js';
import { asString } from './object-meta.js';

let cluster: LocalCluster;
let c: TestClient;
const CM = '/api/v1/namespaces/default/configmaps';

function cm(
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

before(async () => {
  cluster = await startLocalCluster({
    inMemory: true,
    simulate: false,
    watchHistory: 50,
    bookmarkIntervalMs: 100,
  });
  c = new TestClient(cluster);
});

after(async () => {
  c.close();
  await cluster.stop();
});

describe('watch', () => {
  it('starts with ADDED for existing objects, then streams changes and deletions', async () => {
    await c.send('POST', CM, { body: cm('w-existing') });
    const w = c.watch(`${CM}?watch=true`);
    await w.ready;
    await eventually(
      () => w.events.some((e) => e.object.metadata.name === 'w-existing'),
      3000,
      'initial ADDED',
    );
    await c.send('POST', CM, { body: cm('w-new') });
    await c.send('PATCH', `${CM}/w-new`, {
      body: { data: { a: '1' } },
      contentType: 'application/merge-patch+json',
    });
    await c.send('DELETE', `${CM}/w-new`);
    await eventually(
      () => w.events.filter((e) => e.object.metadata.name === 'w-new').length === 3,
      3000,
      'three events',
    );
    const types = w.events.filter((e) => e.object.metadata.name === 'w-new').map((e) => e.type);
    assert.deepEqual(types, ['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(
      [...rvs].slice(1),
      [...rvs].slice(1).sort((a, b) => a - b),
      'resourceVersions increase',
    );
    w.stop();
  });

  it('resumes after a resourceVersion and maps selector transitions to ADDED/DELETED', async () => {
    const list = await c.send('GET', CM);
    const rv = asString(list.body.metadata.resourceVersion);
    await c.send('POST', CM, { body: cm('sel', { tier: 'a' }) });
    const w = c.watch(`${CM}?watch=1&resourceVersion=${rv}&labelSelector=tier%3Da`);
    await w.ready;
    await eventually(() => w.events.length === 1, 3000, 'ADDED after resume');
    await c.send('PATCH', `${CM}/sel`, {
      body: { metadata: { labels: { tier: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    await c.send('PATCH', `${CM}/sel`, {
      body: { metadata: { labels: { tier: 'a' } } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(() => w.events.length === 3, 3000, 'transition events');
    assert.deepEqual(
      w.events.map((e) => e.type),
      ['ADDED', 'DELETED', 'ADDED'],
    );
    w.stop();
  });

  it('sends bookmarks when allowed and Table events when asked', async () => {
    const w = c.watch(
      `${CM}?watch=true&allowWatchBookmarks=true&resourceVersion=${asString((await c.send('GET', CM)).body.metadata.resourceVersion)}`,
    );
    await w.ready;
    await eventually(() => w.events.some((e) => e.type === 'BOOKMARK'), 3000, 'bookmark');
    const bm = w.events.find((e) => e.type === 'BOOKMARK');
    assert.equal(bm?.object.kind, 'ConfigMap');
    assert.ok(Number(bm?.object.metadata.resourceVersion) > 0);
    w.stop();
    const t = c.watch(`${CM}?watch=true&fieldSelector=metadata.name%3Dtable-me`, {
      Accept: 'application/json;as=Table;g=meta.k8s.io;v=v1',
    });
    await t.ready;
    await c.send('POST', CM, { body: cm('table-me') });
    await eventually(() => t.events.length === 1, 3000, 'table event');
    assert.equal(t.events[0]?.object.kind, 'Table');
    assert.equal(t.events[0]?.object.rows[0]?.cells[0], 'table-me');
    t.stop();
  });

  it('answers an expired resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const start = asString((await c.send('GET', CM)).body.metadata.resourceVersion);
    for (let i = 0; i < 60; i++) await c.send('POST', CM, { body: cm(`churn-${i}`) });
    const w = c.watch(`${CM}?watch=true&resourceVersion=${start}`);
    await w.ready;
    await eventually(() => w.events.length === 1, 3000, 'error event');
    assert.equal(w.events[0]?.type, 'ERROR');
    assert.equal(w.events[0]?.object.code, 410);
    assert.equal(w.events[0]?.object.reason, 'Expired');
    assert.match(asString(w.events[0]?.object.message), /^too old resource version: \d+ \(\d+\)$/);
    w.stop();
  });
});
