// Table tests of strategic merge patch: apimachinery's own cases (testdata) and patches of real built-in kinds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  applyStrategicMergePatch,
  loadBuiltinSchemas,
  PatchError,
  STRATEGIC_MERGE_PATCH_UNSUPPORTED,
} from './index.js';
import type { KubeObject, SchemaNode } from './index.js';

/** apimachinery's MergeItem test type, as a schema with the same patch strategies and merge keys. */
function mergeItemSchema(): SchemaNode {
  const item: SchemaNode = { type: 'object' };
  const retainKeysItem: SchemaNode = { type: 'object' };
  const mergingList = (strategy: string): SchemaNode => ({
    type: 'array',
    items: item,
    'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-patch-merge-key': 'name',
  });
  const common = {
    name: { type: 'string' },
    value: { type: 'string' },
    other: { type: 'string' },
    simpleMap: { type: 'object', additionalProperties: { type: 'string' } },
    mergingIntList: {
      type: 'array',
      items: { type: 'integer' },
      'x-kubernetes-patch-strategy': 'merge',
    },
    mergingList: mergingList('merge'),
    nonMergingList: { type: 'array', items: item },
  };
  retainKeysItem.properties = common;
  item.properties = {
    ...common,
    nonMergingIntList: { type: 'array', items: { type: 'integer' } },
    mergeItemPtr: {
      ...item,
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
    },
    replacingItem: {
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-patch-strategy': 'replace',
    },
    retainKeysMap: { ...retainKeysItem, 'x-kubernetes-patch-strategy': 'retainKeys' },
    retainKeysMergingList: mergingList('merge,retainKeys'),
  };
  return item;
}

interface Case {
  description: string;
  original: KubeObject;
  patch: unknown;
  result?: KubeObject;
  error?: string;
}

const upstream = parse(
  readFileSync(new URL('./testdata/strategic-merge-patch-cases.yaml', import.meta.url), 'utf8'),
) as { cases: Case[] };

describe('applyStrategicMergePatch: apimachinery test table', () => {
  const schema = mergeItemSchema();
  for (const c of upstream.cases) {
    it(c.description, () => {
      const before = structuredClone(c.original);
      const patchBefore = structuredClone(c.patch);
      if (c.error !== undefined) {
        assert.throws(
          () => applyStrategicMergePatch(c.original, c.patch, schema),
          (e: unknown) => e instanceof PatchError && e.message.includes(c.error!),
        );
      } else {
        assert.deepEqual(applyStrategicMergePatch(c.original, c.patch, schema), c.result);
      }
      assert.deepEqual(c.original, before, 'original must not be mutated');
      assert.deepEqual(c.patch, patchBefore, 'patch must not be mutated');
    });
  }
});

describe('applyStrategicMergePatch: built-in kinds', () => {
  const schemas = loadBuiltinSchemas();
  const deploySchema = schemas.schemaFor('apps/v1', 'Deployment');
  const deployment = (): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 1,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'app:1',
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 80 }],
            },
            { name: 'sidecar', image: 'proxy:1' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  });
  const cases: { name: string; patch: unknown; check: (o: KubeObject) => void }[] = [
    {
      name: 'kubectl set image: merges the container by name',
      patch: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
      check: (o) => {
        const cs = at<{ name: string; image: string; env?: unknown }[]>(
          o,
          'spec.template.spec.containers',
        );
        assert.deepEqual(
          cs.map((c) => [c.name, c.image]),
          [
            ['app', 'app:2'],
            ['sidecar', 'proxy:1'],
          ],
        );
        assert.deepEqual(cs[0]!.env, [{ name: 'A', value: '1' }]);
      },
    },
    {
      name: 'adds an env var by name without touching the others',
      patch: {
        spec: {
          template: { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }] }] } },
        },
      },
      // kube-apiserver puts the patch's items first: A, not in the patch, follows B
      check: (o) =>
        assert.deepEqual(at(o, 'spec.template.spec.containers.0.env'), [
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ]),
    },
    {
      name: '$patch: delete removes one container',
      patch: {
        spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
      },
      check: (o) =>
        assert.deepEqual(
          at<{ name: string }[]>(o, 'spec.template.spec.containers').map((c) => c.name),
          ['app'],
        ),
    },
    {
      name: 'replaces tolerations (no patch strategy)',
      patch: { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } },
      check: (o) =>
        assert.deepEqual(at(o, 'spec.template.spec.tolerations'), [
          { key: 'b', operator: 'Exists' },
        ]),
    },
    {
      name: '$retainKeys switches a volume source (what kubectl apply sends)',
      patch: {
        spec: {
          template: {
            spec: {
              volumes: [
                { name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } },
              ],
            },
          },
        },
      },
      check: (o) =>
        assert.deepEqual(at(o, 'spec.template.spec.volumes'), [
          { name: 'data', configMap: { name: 'cm' } },
        ]),
    },
    {
      name: '$deleteFromPrimitiveList/finalizers removes one finalizer',
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      check: (o) => assert.deepEqual(at(o, 'metadata.finalizers'), ['b']),
    },
    {
      name: 'finalizers merge as a set',
      patch: { metadata: { finalizers: ['c', 'a'] } },
      check: (o) => assert.deepEqual(at(o, 'metadata.finalizers'), ['c', 'a', 'b']),
    },
    {
      name: '$setElementOrder/containers reorders the containers',
      patch: {
        spec: {
          template: {
            spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] },
          },
        },
      },
      check: (o) =>
        assert.deepEqual(
          at<{ name: string }[]>(o, 'spec.template.spec.containers').map((c) => c.name),
          ['sidecar', 'app'],
        ),
    },
    {
      name: 'null deletes a label; scalars replace',
      patch: { metadata: { labels: { app: null, tier: 'web' } }, spec: { replicas: 3 } },
      check: (o) => {
        assert.deepEqual(at(o, 'metadata.labels'), { tier: 'web' });
        assert.equal(at(o, 'spec.replicas'), 3);
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = deployment();
      const before = structuredClone(d);
      c.check(applyStrategicMergePatch(d, c.patch, deploySchema));
      assert.deepEqual(d, before);
    });
  }
  it('Service ports merge by port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = applyStrategicMergePatch(
      svc,
      { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      schemas.schemaFor('v1', 'Service'),
    );
    assert.deepEqual(at(out, 'spec.ports'), [{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });
  it('without a schema, lists are replaced like a merge patch', () => {
    const out = applyStrategicMergePatch(
      { spec: { list: [1, 2], m: { a: 1 } } },
      { spec: { list: [3], m: { b: 2 } } },
      undefined,
    );
    assert.deepEqual(out, { spec: { list: [3], m: { a: 1, b: 2 } } });
  });
  it('exposes the 415 message kube-apiserver gives custom resources', () => {
    assert.match(STRATEGIC_MERGE_PATCH_UNSUPPORTED, /application\/merge-patch\+json/);
  });
  it('rejects a non-object patch', () => {
    assert.throws(() => applyStrategicMergePatch({}, [1], undefined), PatchError);
  });
});

function at<T = unknown>(obj: unknown, path: string): T {
  let cur: unknown = obj;
  for (const k of path.split('.')) cur = (cur as Record<string, unknown>)[k];
  return cur as T;
}
