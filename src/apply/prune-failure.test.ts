// A delete that the API server refuses keeps its entry in the inventory (HTTP server on 127.0.0.1).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '../kube/index.js';
import { ResourceManager, inventoryOf, kustomizationOwnerLabels } from './index.js';

const owner = kustomizationOwnerLabels('apps', 'flux-system');

describe('prune with a failing delete', () => {
  let server: http.Server;
  let kube: KubeClient;
  const deletes: string[] = [];

  before(async () => {
    // Serves just enough of the API: discovery for v1, two ConfigMaps, and deletes that fail for one.
    server = http.createServer((req, res) => {
      const send = (code: number, body: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const url = req.url ?? '';
      if (url === '/api/v1') {
        send(200, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'delete'] },
          ],
        });
        return;
      }
      const m = /^\/api\/v1\/namespaces\/apps\/configmaps\/([a-z-]+)/.exec(url);
      if (!m) {
        send(404, {
          kind: 'Status',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'not found',
        });
        return;
      }
      const name = m[1] ?? '';
      if (req.method === 'GET') {
        send(200, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: 'apps', labels: owner },
        });
        return;
      }
      if (req.method === 'DELETE') {
        deletes.push(name);
        if (name === 'stuck') {
          send(500, {
            kind: 'Status',
            status: 'Failure',
            reason: 'InternalError',
            code: 500,
            message: 'etcdserver: request timed out',
          });
          return;
        }
        send(200, { kind: 'Status', status: 'Success', code: 200 });
        return;
      }
      send(405, {
        kind: 'Status',
        status: 'Failure',
        reason: 'MethodNotAllowed',
        code: 405,
        message: 'no',
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    kube = await KubeClient.fromKubeConfig({
      yaml: `apiVersion: v1
kind: Config
current-context: c
clusters: [{name: c, cluster: {server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
`,
    });
  });
  after(() => {
    kube.close();
    server.close();
  });

  it('reports the failure and keeps the entry so the next reconcile retries it', async () => {
    const cm = (name: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'apps' },
    });
    const previous = inventoryOf([cm('stuck'), cm('gone'), cm('kept')]);
    const next = inventoryOf([cm('kept')]);
    const res = await new ResourceManager(kube, { ownerLabels: owner }).prune(previous, next);
    assert.deepEqual(deletes.sort(), ['gone', 'stuck']);
    assert.deepEqual(res.changeSet.toMap(), { 'ConfigMap/apps/gone': 'deleted' });
    assert.equal(res.failures.length, 1);
    assert.equal(res.failures[0]?.subject, 'ConfigMap/apps/stuck');
    assert.match(res.failures[0]?.message ?? '', /etcdserver: request timed out/);
    assert.deepEqual(
      res.inventory.entries.map((e) => e.id),
      ['apps_kept__ConfigMap', 'apps_stuck__ConfigMap'],
    );
  });
});
