// Staging against an API server that, like kube-apiserver, refuses even dry-runs in a missing
// namespace: such objects wait for their Namespace's stage (HTTP server on 127.0.0.1).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from '../kube/index.js';
import { DryRunError, ResourceManager } from './index.js';

describe('staged apply with namespaces created in the same set', () => {
  let server: http.Server;
  let kube: KubeClient;
  const namespaces = new Set<string>();
  const objects = new Map<string, Record<string, unknown>>();
  const writes: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const send = (code: number, body: unknown): void => {
          res.writeHead(code, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const notFound = (what: string, name: string): void =>
          send(404, {
            kind: 'Status',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
            message: `${what} "${name}" not found`,
            details: { name, kind: what },
          });
        const url = new URL(req.url ?? '/', 'http://x');
        const dryRun = url.searchParams.has('dryRun');
        if (url.pathname === '/api/v1') {
          send(200, {
            kind: 'APIResourceList',
            groupVersion: 'v1',
            resources: [
              {
                name: 'namespaces',
                kind: 'Namespace',
                namespaced: false,
                verbs: ['get', 'list', 'patch'],
              },
              {
                name: 'configmaps',
                kind: 'ConfigMap',
                namespaced: true,
                verbs: ['get', 'list', 'patch'],
              },
            ],
          });
          return;
        }
        let m = /^\/api\/v1\/namespaces\/([a-z0-9-]+)$/.exec(url.pathname);
        if (m) {
          const name = m[1] ?? '';
          if (req.method === 'GET') {
            if (namespaces.has(name))
              send(200, {
                apiVersion: 'v1',
                kind: 'Namespace',
                metadata: { name, resourceVersion: '1' },
              });
            else notFound('namespaces', name);
            return;
          }
          const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          if (!dryRun) {
            namespaces.add(name);
            writes.push(`Namespace/${name}`);
          }
          send(200, body);
          return;
        }
        m = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/configmaps(?:\/([a-z0-9-]+))?$/.exec(
          url.pathname,
        );
        if (m) {
          const ns = m[1] ?? '';
          const name = m[2];
          if (name === undefined) {
            send(200, {
              kind: 'ConfigMapList',
              apiVersion: 'v1',
              metadata: { resourceVersion: '1' },
              items: [...objects.values()].filter(
                (o) => (o['metadata'] as { namespace: string }).namespace === ns,
              ),
            });
            return;
          }
          if (req.method === 'GET') {
            const o = objects.get(`${ns}/${name}`);
            if (o) send(200, o);
            else notFound('configmaps', name);
            return;
          }
          if (!namespaces.has(ns)) {
            notFound('namespaces', ns);
            return;
          }
          const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          if ((body['data'] as Record<string, string> | undefined)?.['bad'] !== undefined) {
            send(422, {
              kind: 'Status',
              status: 'Failure',
              reason: 'Invalid',
              code: 422,
              message: `ConfigMap "${name}" is invalid: data.bad: Invalid value`,
              details: { causes: [{ field: 'data.bad', message: 'Invalid value' }] },
            });
            return;
          }
          if (!dryRun) {
            objects.set(`${ns}/${name}`, body);
            writes.push(`ConfigMap/${ns}/${name}`);
          }
          send(200, body);
          return;
        }
        send(404, {
          kind: 'Status',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: `no route ${url.pathname}`,
        });
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
  beforeEach(() => {
    namespaces.clear();
    namespaces.add('existing');
    objects.clear();
    writes.length = 0;
  });

  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const cm = (name: string, namespace: string, data: Record<string, string> = { a: '1' }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data,
  });

  it('dry-runs objects in a new namespace once, right after the namespace is applied', async () => {
    const dryRuns = kube.stats.dryRuns;
    const cs = await new ResourceManager(kube).applyAll([
      cm('inside', 'fresh'),
      cm('other', 'existing'),
      ns('fresh'),
    ]);
    assert.deepEqual(cs.toMap(), {
      'Namespace/fresh': 'created',
      'ConfigMap/existing/other': 'created',
      'ConfigMap/fresh/inside': 'created',
    });
    assert.deepEqual(writes, [
      'Namespace/fresh',
      'ConfigMap/existing/other',
      'ConfigMap/fresh/inside',
    ]);
    // Not first dry-run in the missing namespace (bound to fail), then again after it.
    assert.equal(kube.stats.dryRuns - dryRuns, 3, 'one dry-run per object');
  });

  it('writes nothing, not even the namespace, when an object that can be dry-run fails', async () => {
    await assert.rejects(
      new ResourceManager(kube).applyAll([
        cm('inside', 'fresh'),
        cm('broken', 'existing', { bad: 'x' }),
        ns('fresh'),
      ]),
      (e: unknown) =>
        e instanceof DryRunError &&
        e.failures.length === 1 &&
        e.field === 'data.bad' &&
        /ConfigMap\/existing\/broken/.test(e.message),
    );
    assert.deepEqual(writes, []);
  });

  it('fails with the namespace named when it is neither there nor in the set', async () => {
    await assert.rejects(
      new ResourceManager(kube).applyAll([cm('lost', 'nowhere')]),
      /ConfigMap\/nowhere\/lost dry-run failed.*namespaces "nowhere" not found/,
    );
    assert.deepEqual(writes, []);
  });
});
