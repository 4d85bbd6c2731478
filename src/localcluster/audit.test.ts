// The audit trail: each authenticated request is logged (at debug) with the user, groups and
// the impersonating admin.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '../core/index.js';
import { startLocalCluster } from './index.js';
import { TestClient, eventually } from '../testing/index.js';

describe('audit', () => {
  it('logs user, groups and impersonator of every request', async () => {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (b: Buffer) => (text += b.toString()));
    const cluster = await startLocalCluster({
      inMemory: true,
      simulate: false,
      logger: createLogger({ level: 'debug', pretty: false, destination: sink }),
    });
    const c = new TestClient(cluster);
    try {
      await c.send('GET', '/api/v1/namespaces/default/configmaps', {
        headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': ['team-a', 'team-b'] },
      });
      const line = await eventually(
        () => text.split('\n').find((l) => l.includes('"msg":"audit"') && l.includes('alice')),
        3000,
        'audit line',
      );
      const entry = JSON.parse(line) as Record<string, unknown>;
      assert.equal(entry.user, 'alice');
      assert.deepEqual(entry.groups, ['team-a', 'team-b', 'system:authenticated']);
      assert.equal(entry.impersonatedBy, 'flotilla-admin');
      assert.equal(entry.method, 'GET');
      // an impersonated user without RBAC bindings is forbidden, and still audited
      assert.equal(entry.status, 403);
    } finally {
      c.close();
      await cluster.stop();
    }
  });
});
