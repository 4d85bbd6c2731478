// The controller's health and metrics endpoints over real HTTP.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, createMetricsRegistry } from '../../core/index.js';
import { MALFORMED_TARGETS, rawRequest } from '../../testing/index.js';
import { startHealthServer } from './health-server.js';

describe('health server', () => {
  it('serves /healthz, /readyz by readiness, /metrics and 404', async () => {
    const metrics = createMetricsRegistry({ defaults: false });
    new Counter({ name: 'flotilla_test_total', help: 'test', registers: [metrics] }).inc(3);
    let ready = false;
    const server = await startHealthServer({ metrics, ready: () => ready });
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
      ready = true;
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^flotilla_test_total 3$/m);
      assert.equal((await fetch(`${server.url}/nope`)).status, 404);
      assert.equal((await fetch(`${server.url}/healthz`, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });

  it('answers malformed URLs with 400 and keeps serving (issue 22 item 2)', async () => {
    const metrics = createMetricsRegistry({ defaults: false });
    const server = await startHealthServer({ metrics, ready: () => true });
    try {
      for (const target of MALFORMED_TARGETS) {
        const res = await rawRequest(server.url, target);
        assert.equal(res.status, 400, `${target}: ${res.status} ${res.text}`);
      }
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });
});
