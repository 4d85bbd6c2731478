// CustomResourceDefinitions: serving kinds, Established, versions, schema validation, pruning,
// defaults, status and scale subresources, printer columns and cleanup on deletion.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, eventually, type Json } from '../testing/index.js';
import { asString } from './object-meta.js';

let cluster: LocalCluster;
let c: TestClient;

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: {
      plural: 'gadgets',
      singular: 'gadget',
      kind: 'Gadget',
      shortNames: ['gd'],
      categories: ['all'],
    },
    versions: ['v1beta1', 'v1'].map((name) => ({
      name,
      served: true,
      storage: name === 'v1',
      subresources: {
        status: {},
        scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
      },
      additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['size'],
              properties: {
                size: { type: 'integer', minimum: 1 },
                replicas: { type: 'integer' },
                color: { type: 'string', enum: ['red', 'blue'], default: 'blue' },
                tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
            status: {
              type: 'object',
              properties: { replicas: { type: 'integer' }, ready: { type: 'boolean' } },
            },
          },
        },
      },
    })),
  },
};

const BASE = '/apis/example.com/v1/namespaces/default/gadgets';

before(async () => {
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  c = new TestClient(cluster);
});

after(async () => {
  c.close();
  await cluster.stop();
});

describe('custom resources', () => {
  it('serves a new CRD within a second and marks it Established', async () => {
    const started = Date.now();
    const r = await c.send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: CRD,
    });
    assert.equal(r.status, 201);
    await eventually(
      async () => (await c.send('GET', '/apis/example.com/v1')).status === 200,
      1000,
      'discovery',
    );
    const crd = await eventually(
      async () => {
        const g = await c.send(
          'GET',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com',
        );
        const conds = (g.body.status?.conditions ?? []) as unknown as Json[];
        return conds.some((x) => x.type === 'Established' && x.status === 'True')
          ? g.body
          : undefined;
      },
      1000,
      'Established',
    );
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    const disc = await c.send('GET', '/apis/example.com/v1');
    const gadgets = (disc.body.resources as unknown as Json[]).find((x) => x.name === 'gadgets');
    assert.deepEqual(gadgets?.shortNames, ['gd']);
    const group = await c.send('GET', '/apis/example.com');
    assert.equal(group.body.preferredVersion.version, 'v1');
  });

  it('validates against the schema with one error per field', async () => {
    const r = await c.send('POST', BASE, {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'bad' },
        spec: { size: 0, color: 'green', replicas: 'x' },
      },
    });
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
    const fields = (r.body.details.causes as unknown as Json[])
      .map((x) => asString(x.field))
      .sort();
    assert.deepEqual(fields, ['spec.color', 'spec.replicas', 'spec.size']);
    assert.match(asString(r.body.message), /^Gadget\.example\.com "bad" is invalid: \[/);
    assert.match(
      asString(r.body.message),
      /spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/,
    );
    const missing = await c.send('POST', BASE, {
      body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'bad' }, spec: {} },
    });
    assert.equal(missing.status, 422);
    assert.match(asString(missing.body.message), /spec\.size: Required value/);
  });

  it('prunes unknown fields, keeps preserved ones and fills defaults', async () => {
    const r = await c.send('POST', `${BASE}?fieldValidation=Ignore`, {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'g1' },
        spec: { size: 2, junk: 1, free: { any: { thing: 1 } } },
        extra: true,
      },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.spec.junk, undefined);
    assert.equal(r.body.extra, undefined);
    assert.deepEqual(r.body.spec.free, { any: { thing: 1 } });
    assert.equal(r.body.spec.color, 'blue');
    const strict = await c.send('POST', `${BASE}?fieldValidation=Strict`, {
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'g2' },
        spec: { size: 2, junk: 1 },
      },
    });
    assert.equal(strict.status, 400);
    assert.match(
      asString(strict.body.message),
      /strict decoding error: unknown field "spec\.junk"/,
    );
  });

  it('serves every version from one storage, rewriting apiVersion', async () => {
    const old = await c.send('GET', '/apis/example.com/v1beta1/namespaces/default/gadgets/g1');
    assert.equal(old.status, 200);
    assert.equal(old.body.apiVersion, 'example.com/v1beta1');
    const created = await c.send('POST', '/apis/example.com/v1beta1/namespaces/default/gadgets', {
      body: {
        apiVersion: 'example.com/v1beta1',
        kind: 'Gadget',
        metadata: { name: 'g-beta' },
        spec: { size: 1 },
      },
    });
    assert.equal(created.status, 201);
    const v1 = await c.send('GET', `${BASE}/g-beta`);
    assert.equal(v1.body.apiVersion, 'example.com/v1');
  });

  it('has status and scale subresources, generation for spec changes and printer columns', async () => {
    const s = await c.send('PATCH', `${BASE}/g1/status`, {
      body: { status: { replicas: 2, ready: true } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(s.status, 200);
    assert.equal(s.body.status.ready, true);
    assert.equal(s.body.metadata.generation, 1);
    const scale = await c.send('PUT', `${BASE}/g1/scale`, {
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'g1', namespace: 'default' },
        spec: { replicas: 5 },
      },
    });
    assert.equal(scale.status, 200);
    assert.equal(scale.body.spec.replicas, 5);
    assert.equal(scale.body.status.replicas, 2);
    const g = await c.send('GET', `${BASE}/g1`);
    assert.equal(g.body.spec.replicas, 5);
    assert.equal(g.body.metadata.generation, 2);
    const t = await c.send('GET', BASE, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    assert.deepEqual(
      (t.body.columnDefinitions as unknown as Json[]).map((d) => d.name),
      ['Name', 'Size'],
    );
  });

  it('merges set lists by value on server-side apply', async () => {
    const apply = (manager: string, tags: string[]) =>
      c.send('PATCH', `${BASE}/applied?fieldManager=${manager}`, {
        body: JSON.stringify({
          apiVersion: 'example.com/v1',
          kind: 'Gadget',
          metadata: { name: 'applied' },
          spec: { size: 1, tags },
        }),
        contentType: 'application/apply-patch+yaml',
      });
    assert.equal((await apply('one', ['a'])).status, 201);
    const second = await c.send('PATCH', `${BASE}/applied?fieldManager=two`, {
      body: JSON.stringify({
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'applied' },
        spec: { tags: ['b'] },
      }),
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(second.status, 200);
    assert.deepEqual(second.body.spec.tags, ['a', 'b']);
    const smp = await c.send('PATCH', `${BASE}/applied`, {
      body: { spec: { size: 2 } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(smp.status, 415);
  });

  it('deletes every object of its kind when the CRD goes, then stops serving it', async () => {
    const del = await c.send(
      'DELETE',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com',
    );
    assert.equal(del.status, 200);
    await eventually(
      async () =>
        (
          await c.send(
            'GET',
            '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com',
          )
        ).status === 404,
      3000,
      'CRD gone',
    );
    assert.equal((await c.send('GET', '/apis/example.com/v1')).status, 404);
    // a CRD of the same name starts empty
    await c.send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: CRD });
    await eventually(async () => (await c.send('GET', BASE)).status === 200, 1000, 'served again');
    assert.deepEqual((await c.send('GET', BASE)).body.items, []);
  });

  it('rejects invalid CRDs', async () => {
    const bad = structuredClone(CRD) as unknown as {
      metadata: { name: string };
      spec: { versions: { storage: boolean }[] };
    };
    bad.metadata.name = 'wrong.example.com';
    for (const v of bad.spec.versions) v.storage = true;
    const r = await c.send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: bad,
    });
    assert.equal(r.status, 422);
    assert.match(
      asString(r.body.message),
      /metadata\.name: Invalid value: "wrong\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/,
    );
    assert.match(
      asString(r.body.message),
      /must have exactly one version marked as storage version/,
    );
  });
});
