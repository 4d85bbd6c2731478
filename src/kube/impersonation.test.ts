// Impersonation: requests of an impersonating client carry Impersonate-User and one
// Impersonate-Group line per group, as kube-apiserver expects them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from './client.js';

describe('KubeClient.impersonating', () => {
  it('sends the impersonation headers, and the original client does not', async () => {
    const seen: string[][] = [];
    const server = createServer((req, res) => {
      seen.push(req.rawHeaders);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"gitVersion":"v1.32.0"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: secret-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;
    const client = await KubeClient.fromKubeConfig({ yaml: kubeconfig });
    const sa = client.impersonating('system:serviceaccount:apps:deployer', [
      'system:serviceaccounts',
      'system:serviceaccounts:apps',
    ]);
    try {
      await sa.transport.request({ method: 'GET', path: '/version' });
      await client.transport.request({ method: 'GET', path: '/version' });
      const pairs = (raw: string[]): [string, string][] =>
        raw.flatMap((v, i): [string, string][] =>
          i % 2 === 0 ? [[v.toLowerCase(), raw[i + 1] ?? '']] : [],
        );
      const first = pairs(seen[0] ?? []);
      assert.deepEqual(
        first.filter(([k]) => k === 'impersonate-user'),
        [['impersonate-user', 'system:serviceaccount:apps:deployer']],
      );
      assert.deepEqual(
        first.filter(([k]) => k === 'impersonate-group').map(([, v]) => v),
        ['system:serviceaccounts', 'system:serviceaccounts:apps'],
      );
      assert.ok(first.some(([k, v]) => k === 'authorization' && v === 'Bearer secret-token'));
      const second = pairs(seen[1] ?? []);
      assert.equal(second.filter(([k]) => k.startsWith('impersonate-')).length, 0);
    } finally {
      sa.close();
      client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
