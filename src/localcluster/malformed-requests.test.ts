// Malformed requests get 4xx answers, never a 500 and never the end of the server (issue 22,
// items 2 and 9): URLs that cannot be decoded, bodies nested deeper than kube-apiserver accepts,
// and bodies over the size limit, which the answer names truthfully.
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MALFORMED_TARGETS,
  openCrd,
  rawRequest,
  TestClient,
  eventually,
} from '../testing/index.js';
import { startLocalCluster, type LocalCluster } from './index.js';
import { MAX_BODY_BYTES, MAX_NESTING_DEPTH } from './http-io.js';

let cluster: LocalCluster;
let client: TestClient;

before(async () => {
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  client = new TestClient(cluster);
});
after(async () => {
  client.close();
  await cluster.stop();
});

function raw(target: string, method = 'GET', body?: string, contentType = 'application/json') {
  return rawRequest(cluster.url, target, {
    method,
    ca: cluster.caPem,
    headers: { Authorization: `Bearer ${cluster.token}`, 'Content-Type': contentType },
    ...(body === undefined ? {} : { body }),
  });
}

/** `{"a":{"a":…{"a":1}…}}` nested `depth` objects deep. */
function nestedObject(depth: number): string {
  return '{"a":'.repeat(depth - 1) + '{"a":1}' + '}'.repeat(depth - 1);
}

const CM = '/api/v1/namespaces/default/configmaps';

describe('malformed requests', () => {
  it('answers URLs that cannot be decoded with 400 as kube-apiserver does', async () => {
    for (const target of MALFORMED_TARGETS) {
      const res = await raw(target);
      assert.equal(res.status, 400, `${target}: ${res.status} ${res.text}`);
    }
    // anonymous too: the URL is refused before authentication, as Go's HTTP server does
    const anonymous = await rawRequest(cluster.url, '/api/v1/namespaces/%E0%A4%A', {
      ca: cluster.caPem,
    });
    assert.equal(anonymous.status, 400);
    assert.equal((await client.send('GET', '/healthz')).status, 200);
  });

  it('refuses bodies nested deeper than the limit with 400, through every verb', async () => {
    await client.send('POST', CM, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' } },
    });
    const deep = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${nestedObject(100_000)}}`;
    const cases: [string, string, string][] = [
      ['POST', CM, 'application/json'],
      ['PUT', `${CM}/deep`, 'application/json'],
      ['PATCH', `${CM}/deep`, 'application/merge-patch+json'],
      ['PATCH', `${CM}/deep`, 'application/strategic-merge-patch+json'],
      ['PATCH', `${CM}/deep?fieldManager=t`, 'application/apply-patch+yaml'],
      ['POST', CM, 'application/yaml'],
    ];
    for (const [method, path, type] of cases) {
      const res = await raw(path, method, deep, type);
      assert.equal(res.status, 400, `${method} ${type}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.match(res.text, /exceeded max depth/, `${method} ${type}`);
    }
    const patchOps = `[{"op":"add","path":"/x","value":${nestedObject(100_000)}}]`;
    const res = await raw(`${CM}/deep`, 'PATCH', patchOps, 'application/json-patch+json');
    assert.equal(res.status, 400, res.text.slice(0, 200));
    const flowYaml = `x: ${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    assert.equal((await raw(CM, 'POST', flowYaml, 'application/yaml')).status, 400);
  });

  it('stores an object nested up to the limit in a custom resource', async () => {
    const crd = await client.send(
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      {
        body: openCrd({ group: 'example.com', plural: 'deeps', kind: 'Deep' }),
      },
    );
    assert.equal(crd.status, 201, crd.text);
    const path = '/apis/example.com/v1/namespaces/default/deeps';
    await eventually(async () => (await client.send('GET', path)).status === 200, 2000, 'served');
    // the body itself is the first level
    const spec = nestedObject(MAX_NESTING_DEPTH - 1);
    const body = `{"apiVersion":"example.com/v1","kind":"Deep","metadata":{"name":"d"},"spec":${spec}}`;
    const created = await raw(path, 'POST', body);
    assert.equal(created.status, 201, created.text.slice(0, 300));
    const applied = await raw(
      `${path}/d?fieldManager=t&force=true`,
      'PATCH',
      body.replace('{"a":1}', '{"a":2}'),
      'application/apply-patch+yaml',
    );
    assert.equal(applied.status, 200, applied.text.slice(0, 300));
    const merged = await raw(
      `${path}/d`,
      'PATCH',
      `{"spec":${spec}}`,
      'application/merge-patch+json',
    );
    assert.equal(merged.status, 200, merged.text.slice(0, 300));
    const got = await raw(`${path}/d`);
    assert.equal(got.status, 200);
    const tooDeep = body.replace(spec, nestedObject(MAX_NESTING_DEPTH));
    assert.equal((await raw(path, 'POST', tooDeep)).status, 400);
  });

  it('refuses metadata strings of another type with 400 as kube-apiserver decodes them', async () => {
    for (const name of [true, 5, ['x'], { a: 1 }]) {
      for (const path of [CM, '/api/v1/namespaces']) {
        const res = await client.send('POST', path, {
          body: {
            apiVersion: 'v1',
            kind: path === CM ? 'ConfigMap' : 'Namespace',
            metadata: { name },
          },
        });
        assert.equal(res.status, 400, `${path} ${JSON.stringify(name)}: ${res.text}`);
        assert.match(
          String(res.body.message),
          /cannot unmarshal \w+ into Go struct field ObjectMeta\.metadata\.name of type string/,
        );
      }
    }
    const nullName = await client.send('POST', CM, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: null } },
    });
    assert.equal(nullName.status, 422, 'a null name is a missing name');
  });

  it('warns about unknown fields whatever characters their names hold', async () => {
    const res = await client.send('POST', CM, {
      body: JSON.parse(
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"odd-field"},"f\\u00fc\\ud800\\u0007r":1}',
      ) as unknown,
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers['warning'], '299 - "unknown field \\"f\\u00fc\\ud800\\u0007r\\""');
  });

  it('names the enforced size limit in its 413', async () => {
    const res = await raw(CM, 'POST', 'x'.repeat(MAX_BODY_BYTES + 1));
    assert.equal(res.status, 413);
    assert.equal(
      JSON.parse(res.text).message,
      `Request entity too large: limit is ${MAX_BODY_BYTES}`,
    );
  });
});
