// Requests carrying `__proto__`, `constructor` and `prototype` keys, through every write verb and
// patch type, leave the server's Object.prototype alone and keep such keys as ordinary data
// (issue 22, item 1: one strategic merge patch made every later ConfigMap update fail as immutable).
/* eslint-disable @typescript-eslint/no-unsafe-member-access -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient } from '../testing/index.js';

const pristine = Object.getOwnPropertyNames(Object.prototype).sort();

function assertPrototypeUntouched(): void {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), pristine);
  assert.equal(({} as Record<string, unknown>)['immutable'], undefined);
}

let cluster: LocalCluster;
let client: TestClient;
const CM = '/api/v1/namespaces/default/configmaps';

before(async () => {
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  client = new TestClient(cluster);
});
after(async () => {
  client.close();
  await cluster.stop();
  for (const k of Object.getOwnPropertyNames(Object.prototype))
    if (!pristine.includes(k)) delete (Object.prototype as Record<string, unknown>)[k];
});

async function createConfigMap(name: string): Promise<void> {
  const r = await client.send('POST', CM, {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } },
  });
  assert.equal(r.status, 201, r.text);
}

/** Updates a ConfigMap the ordinary way: this is what failed as "immutable" after the pollution. */
async function assertStillWritable(name: string): Promise<void> {
  const r = await client.send('PATCH', `${CM}/${name}`, {
    body: { data: { later: 'write' } },
    contentType: 'application/merge-patch+json',
  });
  assert.equal(r.status, 200, r.text);
}

const HOSTILE: readonly { readonly type: string; readonly body: string }[] = [
  { type: 'application/strategic-merge-patch+json', body: '{"__proto__":{"immutable":true}}' },
  { type: 'application/merge-patch+json', body: '{"__proto__":{"immutable":true}}' },
  {
    type: 'application/merge-patch+json',
    body: '{"metadata":{"labels":{"__proto__":{"immutable":true}}}}',
  },
  {
    type: 'application/strategic-merge-patch+json',
    body: '{"constructor":{"prototype":{"immutable":true}}}',
  },
  {
    type: 'application/json-patch+json',
    body: '[{"op":"add","path":"/__proto__/immutable","value":true}]',
  },
  {
    type: 'application/json-patch+json',
    body: '[{"op":"add","path":"/constructor/prototype/immutable","value":true}]',
  },
  {
    type: 'application/apply-patch+yaml',
    body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","__proto__":{"immutable":true}},"__proto__":{"immutable":true}}',
  },
  {
    type: 'application/apply-patch+yaml',
    body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n__proto__:\n  immutable: true\n',
  },
];

describe('special keys over HTTP', () => {
  it('no patch type reaches Object.prototype; ConfigMaps stay writable', async () => {
    for (const [i, h] of HOSTILE.entries()) {
      const name = `hostile-${i}`;
      await createConfigMap(name);
      const r = await client.send('PATCH', `${CM}/${name}?fieldManager=probe`, {
        body: h.body.replace('NAME', name),
        contentType: h.type,
      });
      // kube-apiserver refuses an apply naming undeclared fields with its typed-patch 500
      const refused = h.type.includes('apply') && /field not declared in schema/.test(r.text);
      assert.ok(r.status < 500 || refused, `${h.type} ${h.body}: ${r.status} ${r.text}`);
      assertPrototypeUntouched();
      await assertStillWritable(name);
    }
  });

  it('create and update with top-level special keys drop them as unknown fields', async () => {
    const body = JSON.parse(
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"top"},"__proto__":{"immutable":true},"constructor":{"x":1},"data":{"a":"1"}}',
    ) as Record<string, unknown>;
    const created = await client.send('POST', CM, { body });
    assert.equal(created.status, 201, created.text);
    assertPrototypeUntouched();
    assert.deepEqual(Object.keys(created.body as object).sort(), [
      'apiVersion',
      'data',
      'kind',
      'metadata',
    ]);
    assert.match(String(created.headers['warning']), /unknown field \\"__proto__\\"/);
    const updated = await client.send('PUT', `${CM}/top`, {
      body: { ...body, metadata: created.body.metadata as unknown },
    });
    assert.equal(updated.status, 200, updated.text);
    assertPrototypeUntouched();
    await assertStillWritable('top');
  });

  it('keeps data keys named __proto__, constructor and prototype, as kube-apiserver does', async () => {
    await createConfigMap('keys');
    const patched = await client.send('PATCH', `${CM}/keys`, {
      body: '{"data":{"__proto__":"p","constructor":"c"}}',
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(patched.status, 200, patched.text);
    const applied = await client.send('PATCH', `${CM}/keys?fieldManager=probe&force=true`, {
      body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"keys"},"data":{"prototype":"q"}}',
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(applied.status, 200, applied.text);
    const got = await client.send('GET', `${CM}/keys`);
    // map keys sorted as Go's encoding/json writes them ('_' sorts before 'a')
    assert.equal(
      JSON.stringify(got.body.data),
      '{"__proto__":"p","a":"1","constructor":"c","prototype":"q"}',
    );
    const secret = await client.send('POST', '/api/v1/namespaces/default/secrets', {
      body: JSON.parse(
        '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"__proto__":"v"}}',
      ) as unknown,
    });
    assert.equal(secret.status, 201, secret.text);
    assert.equal(JSON.stringify(secret.body.data), '{"__proto__":"dg=="}');
    assertPrototypeUntouched();
  });
});
