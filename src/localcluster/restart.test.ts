// Durability: a restart on the same data directory keeps objects, uids, resourceVersion order,
// the CA, the admin token and served CRD kinds.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- JSON API responses are read through the `Json` (any) type */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, readKubeconfig } from './index.js';
import { TestClient, eventually, openCrd } from '../testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-lc-restart-'));

after(() => rmSync(dir, { recursive: true, force: true }));

describe('restart', () => {
  it('keeps every object, uid and resourceVersion order across a restart', async () => {
    const first = await startLocalCluster({ dataDir: dir, simulate: false });
    const c1 = new TestClient(first);
    const created = await c1.send('POST', '/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: '1' } },
    });
    await c1.send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: openCrd({ group: 'example.com', plural: 'things', kind: 'Thing', namespaced: false }),
    });
    await eventually(
      async () => (await c1.send('GET', '/apis/example.com/v1/things')).status === 200,
      1000,
      'CRD served',
    );
    await c1.send('POST', '/apis/example.com/v1/things', {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Thing',
        metadata: { name: 't' },
        spec: { x: 1 },
      },
    });
    const rvBefore = Number(
      (await c1.send('GET', '/api/v1/namespaces')).body.metadata.resourceVersion,
    );
    const kubeconfig = readKubeconfig(dir);
    assert.equal(kubeconfig, first.kubeconfig);
    c1.close();
    await first.stop();

    const second = await startLocalCluster({ dataDir: dir, simulate: false });
    const c2 = new TestClient(second);
    try {
      assert.equal(second.token, first.token);
      assert.equal(second.caPem, first.caPem);
      assert.equal(readFileSync(join(dir, 'kubeconfig'), 'utf8'), second.kubeconfig);
      await assert.rejects(
        startLocalCluster({ dataDir: dir }),
        /the local cluster data directory .* is in use by process \d+/,
      );
      const kept = await c2.send('GET', '/api/v1/namespaces/default/configmaps/keep');
      assert.equal(kept.status, 200);
      assert.equal(kept.body.metadata.uid, created.body.metadata.uid);
      assert.equal(kept.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
      const thing = await c2.send('GET', '/apis/example.com/v1/things/t');
      assert.equal(thing.status, 200);
      assert.equal(thing.body.spec.x, 1);
      const next = await c2.send('POST', '/api/v1/namespaces/default/configmaps', {
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } },
      });
      assert.ok(
        Number(next.body.metadata.resourceVersion) > rvBefore,
        'resourceVersions keep increasing',
      );
    } finally {
      c2.close();
      await second.stop();
    }
  });
});
