// CRD validation rules on the local cluster alone (runs without the oracles): the answers the
// differential test recorded from kube-apiserver v1.36, asserted literally.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, type Json } from '../testing/index.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const BASE = '/apis/example.com/v1/namespaces/default/widgets';

function crd(specRules: unknown[]): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-validations': specRules,
                  properties: {
                    replicas: {
                      type: 'integer',
                      'x-kubernetes-validations': [
                        { rule: 'self >= 0', message: 'replicas must be non-negative' },
                      ],
                    },
                    name: { type: 'string', maxLength: 20 },
                    tags: { type: 'array', items: { type: 'string' } },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    phase: {
                      type: 'string',
                      'x-kubernetes-validations': [{ rule: "self != 'Bad'" }],
                    },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

const widget = (spec: unknown, name = 'w1'): Json => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name },
  spec,
});

describe('CRD validation rules (local cluster)', () => {
  let cluster: LocalCluster;
  let c: TestClient;
  before(async () => {
    cluster = await startLocalCluster({ inMemory: true, simulate: false });
    c = new TestClient(cluster);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('rejects a CRD whose rules do not compile or cost too much', async () => {
    const r = await c.send('POST', CRDS, {
      body: crd([
        { rule: 'self.nope == 1' },
        { rule: 'self.replicas' },
        { rule: 'self.tags.all(x, self.tags.all(y, x == y))' },
      ]),
    });
    assert.equal(r.status, 422);
    const at = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations';
    assert.deepEqual(
      r.body.details.causes.map((x: Json) => [x.field, x.message]),
      [
        [
          `${at}[0].rule`,
          `Invalid value: {"Rule":"self.nope == 1","Message":"","MessageExpression":"","Reason":null,"FieldPath":"","OptionalOldSelf":null}: compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 1\n | ....^`,
        ],
        [
          `${at}[1].rule`,
          'Invalid value: {"Rule":"self.replicas","Message":"","MessageExpression":"","Reason":null,"FieldPath":"","OptionalOldSelf":null}: cel expression must evaluate to a bool',
        ],
        [
          `${at}[2].rule`,
          'Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
        ],
        [
          `${at}[2].rule`,
          'Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema',
        ],
        [
          'spec.validation.openAPIV3Schema',
          'Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
        ],
      ],
    );
  });

  it('evaluates rules on create, update (transition rules) and status writes', async () => {
    const created = await c.send('POST', CRDS, {
      body: crd([
        { rule: 'self.replicas < 10', message: 'too many' },
        { rule: "self.name != 'x'", messageExpression: "'name ' + self.name + ' is bad'" },
        {
          rule: 'self.replicas >= oldSelf.replicas',
          message: 'no scale down',
          fieldPath: '.replicas',
        },
        { rule: '!has(self.tags) || self.tags.size() < 3', reason: 'FieldValueForbidden' },
      ]),
    });
    assert.equal(created.status, 201);
    let r = await c.send('POST', BASE, {
      body: widget({ replicas: 12, name: 'x', tags: ['a', 'b', 'c'] }),
    });
    assert.equal(r.status, 422);
    assert.equal(
      r.body.message,
      'Widget.example.com "w1" is invalid: [spec: Invalid value: too many, spec: Invalid value: name x is bad, spec: Forbidden: failed rule: !has(self.tags) || self.tags.size() < 3]',
    );
    r = await c.send('POST', BASE, { body: widget({ replicas: -1 }) });
    assert.equal(
      r.body.message,
      `Widget.example.com "w1" is invalid: [spec: Invalid value: "object": no such key: name evaluating rule: self.name != 'x', spec.replicas: Invalid value: -1: replicas must be non-negative]`,
    );
    r = await c.send('POST', BASE, { body: widget({ replicas: 5, name: 'ok' }) });
    assert.equal(r.status, 201);
    const got = (await c.send('GET', `${BASE}/w1`)).body;
    got.spec.replicas = 3;
    r = await c.send('PUT', `${BASE}/w1`, { body: got });
    assert.equal(
      r.body.message,
      'Widget.example.com "w1" is invalid: spec.replicas: Invalid value: no scale down',
    );
    r = await c.send('PATCH', `${BASE}/w1`, {
      body: { spec: { replicas: 11 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(
      r.body.message,
      'Widget.example.com "w1" is invalid: spec: Invalid value: too many',
    );
    got.spec.replicas = 5;
    got.status = { phase: 'Bad' };
    r = await c.send('PUT', `${BASE}/w1/status`, { body: got });
    assert.equal(
      r.body.message,
      `Widget.example.com "w1" is invalid: status.phase: Invalid value: "Bad": failed rule: self != 'Bad'`,
    );
  });

  it('ratchets: an unchanged invalid value after the rules tighten is a warning', async () => {
    const path = `${CRDS}/widgets.example.com`;
    const live = (await c.send('GET', path)).body;
    live.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.replicas[
      'x-kubernetes-validations'
    ] = [{ rule: 'self < 3', message: 'replicas below 3' }];
    const upd = await c.send('PUT', path, { body: live });
    assert.equal(upd.status, 200, upd.text);
    const got = (await c.send('GET', `${BASE}/w1`)).body;
    got.spec.name = 'renamed';
    const r = await c.send('PUT', `${BASE}/w1`, { body: got });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.headers.warning,
      '299 - "spec.replicas: Invalid value: 5: replicas below 3"',
    );
    const bad = await c.send('PATCH', `${BASE}/w1`, {
      body: { spec: { replicas: 6 } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(
      bad.body.message,
      'Widget.example.com "w1" is invalid: spec.replicas: Invalid value: 6: replicas below 3',
    );
  });
});
