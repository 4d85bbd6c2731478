// Tests the transport's keep-alive reuse retry against a real HTTP server on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeTransport, type ClusterConnection } from './index.js';

describe('KubeTransport keep-alive reuse', () => {
  let server: http.Server;
  let connection: ClusterConnection;
  /** Sockets the server treats as closed: a request arriving on one is cut off unanswered. */
  const stale = new Set<Socket>();
  const open = new Set<Socket>();
  let cutOff = 0;

  before(async () => {
    server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      if (stale.has(req.socket)) {
        cutOff++;
        req.socket.destroy();
        return;
      }
      // Held briefly so that concurrent requests need several sockets.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"kind":"Status"}');
      }, 20);
    });
    server.on('connection', (s: Socket) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    connection = {
      server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      namespace: 'default',
      tls: {},
      authHeaders: () => Promise.resolve({}),
      invalidate: () => {},
    };
  });
  after(() => {
    server.close();
    for (const s of open) s.destroy();
  });

  const cases = [
    { method: 'GET', retried: true },
    { method: 'PATCH', retried: true },
    { method: 'POST', retried: false },
  ];
  for (const c of cases) {
    it(`${c.retried ? 'retries' : 'does not retry'} a ${c.method} whose idle sockets were all closed by the server`, async () => {
      const transport = new KubeTransport(connection, { maxSockets: 4 });
      try {
        // Four sockets kept alive, then all of them go stale at once (as after a server's idle timeout).
        await Promise.all(
          Array.from({ length: 4 }, () => transport.request({ method: 'GET', path: '/api' })),
        );
        assert.equal(open.size, 4);
        for (const s of open) stale.add(s);
        cutOff = 0;
        const req = {
          method: c.method,
          path: '/api/v1/namespaces/default/configmaps',
          ...(c.method === 'GET' ? {} : { body: '{}' }),
        };
        if (c.retried) {
          const res = await transport.request(req);
          assert.equal(res.status, 200);
          assert.equal(cutOff, 1, 'one request was cut off, the retry went to a new socket');
        } else {
          await assert.rejects(transport.request(req), /socket hang up/);
        }
      } finally {
        transport.close();
        stale.clear();
      }
    });
  }
});
