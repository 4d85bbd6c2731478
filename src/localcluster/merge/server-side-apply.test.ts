// Tests of server-side apply and update tracking: golden managedFields for kubectl-like sequences, pruning, conflicts, list merging.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApplyConflictError,
  loadBuiltinSchemas,
  PatchError,
  serverSideApply,
  trackUpdate,
} from './index.js';
import type { KubeObject, SchemaNode } from './index.js';

const schemas = loadBuiltinSchemas();
const deploySchema = schemas.schemaFor('apps/v1', 'Deployment');
const cmSchema = schemas.schemaFor('v1', 'ConfigMap');
const T1 = '2026-01-01T00:00:00Z';
/** The empty typed Deployment kube-apiserver compares a create against: the structs Go always holds. */
const ZERO_DEPLOYMENT: KubeObject = {
  metadata: {},
  spec: { template: { metadata: {}, spec: { containers: [] } }, strategy: {} },
  status: {},
};
const T2 = '2026-01-01T00:01:00Z';
const T3 = '2026-01-01T00:02:00Z';

function apply(
  live: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  opts: {
    force?: boolean;
    schema?: SchemaNode | undefined;
    now?: string;
    apiVersion?: string;
    subresource?: string;
  } = {},
): KubeObject {
  return serverSideApply({
    live,
    applied,
    manager,
    force: opts.force ?? false,
    schema: 'schema' in opts ? opts.schema : deploySchema,
    apiVersion: opts.apiVersion ?? 'apps/v1',
    now: opts.now ?? T1,
    ...(opts.subresource !== undefined ? { subresource: opts.subresource } : {}),
  }).object;
}

/** The value at a dotted path ('spec.template.spec.containers.0'). */
function at<T = unknown>(obj: unknown, path: string): T {
  let cur: unknown = obj;
  for (const k of path.split('.')) cur = (cur as Record<string, unknown>)[k];
  return cur as T;
}

function mf(obj: KubeObject): Record<string, unknown>[] {
  return (obj.metadata as { managedFields: Record<string, unknown>[] }).managedFields;
}

function deployment(spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(labels ? { labels } : {}) },
    spec,
  };
}

const podTemplate = (containers: unknown[]) => ({
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
});

describe('serverSideApply', () => {
  it('records the applied fields of a new ConfigMap like the Kubernetes docs show', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } },
      data: { key: 'some value' },
    };
    const out = apply(undefined, cm, 'kubectl', { schema: cmSchema, apiVersion: 'v1' });
    assert.deepEqual(mf(out), [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:data': { 'f:key': {} },
          'f:metadata': { 'f:labels': { 'f:test-label': {} } },
        },
      },
    ]);
    assert.deepEqual(out.data, { key: 'some value' });
  });

  it('golden managedFields of a Deployment apply (keyed containers, ports, env)', () => {
    const d = deployment({
      replicas: 2,
      ...podTemplate([
        {
          name: 'nginx',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'A', value: '1' }],
        },
      ]),
    });
    const out = apply(undefined, d, 'kubectl');
    assert.deepEqual(mf(out)[0]!.fieldsV1, {
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:image': {},
                'f:name': {},
                'f:ports': {
                  'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                },
              },
            },
          },
        },
      },
    });
  });

  it('removes a field the manager applied before and now omits', () => {
    const v1 = apply(
      undefined,
      deployment({ replicas: 2, minReadySeconds: 5 }, { a: '1', b: '2' }),
      'kubectl',
    );
    const v2 = apply(v1, deployment({ replicas: 2 }, { a: '1' }), 'kubectl', { now: T2 });
    assert.deepEqual(v2.spec, { replicas: 2 });
    assert.deepEqual((v2.metadata as { labels: unknown }).labels, { a: '1' });
    assert.deepEqual(mf(v2)[0]!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': { 'f:replicas': {} },
    });
    assert.equal(mf(v2)[0]!.time, T2);
  });

  it('drops an emptied labels map when its last applied label is removed', () => {
    const v1 = apply(undefined, deployment({ replicas: 1 }, { a: '1' }), 'kubectl');
    const v2 = apply(v1, deployment({ replicas: 1 }), 'kubectl');
    assert.equal((v2.metadata as Record<string, unknown>).labels, undefined);
  });

  it('keeps an omitted field that another manager also owns', () => {
    const v1 = apply(undefined, deployment({ replicas: 2, minReadySeconds: 5 }), 'a');
    const v2 = apply(v1, deployment({ minReadySeconds: 5 }), 'b');
    assert.equal(mf(v2).length, 2, 'shared ownership, no conflict for an equal value');
    const v3 = apply(v2, deployment({ replicas: 2 }), 'a');
    assert.equal((v3.spec as Record<string, unknown>).minReadySeconds, 5);
  });

  it('reports a conflict with another applier, worded like kube-apiserver', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'a');
    assert.throws(
      () => apply(v1, deployment({ replicas: 3 }), 'b'),
      (e: unknown) => {
        assert.ok(e instanceof ApplyConflictError);
        assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "a": .spec.replicas');
        assert.deepEqual(e.conflicts, [{ manager: 'a', field: '.spec.replicas' }]);
        assert.deepEqual(e.causes, [
          { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' },
        ]);
        return true;
      },
    );
  });

  it('names an Update manager with its apiVersion (kubectl create, then apply)', () => {
    const created = trackUpdate({
      old: undefined,
      updated: deployment({ replicas: 1 }),
      manager: 'kubectl-client-side-apply',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T1,
    });
    assert.throws(
      () => apply(created, deployment({ replicas: 3 }), 'kubectl'),
      /^ApplyConflictError: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas$/,
    );
  });

  it('lists several conflicts grouped by manager', () => {
    const v1 = apply(undefined, deployment({ replicas: 2, minReadySeconds: 1 }), 'a');
    const v2 = apply(v1, deployment({ paused: false }), 'c');
    assert.throws(
      () => apply(v2, deployment({ replicas: 3, minReadySeconds: 2 }), 'b'),
      (e: unknown) =>
        e instanceof ApplyConflictError &&
        e.message ===
          'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.minReadySeconds\n- .spec.replicas',
    );
  });

  it('force moves ownership to the applier', () => {
    const v1 = apply(undefined, deployment({ replicas: 2, minReadySeconds: 1 }), 'a');
    const v2 = apply(v1, deployment({ replicas: 3 }), 'b', { force: true, now: T2 });
    assert.equal((v2.spec as Record<string, unknown>).replicas, 3);
    const byName = Object.fromEntries(
      mf(v2).map((e) => [e.manager as string, e.fieldsV1]),
    ) as Record<string, unknown>;
    assert.deepEqual(byName.a, { 'f:spec': { 'f:minReadySeconds': {} } });
    assert.deepEqual(byName.b, { 'f:spec': { 'f:replicas': {} } });
    // a no longer owns replicas: re-applying without it does not remove b's value
    const v3 = apply(v2, deployment({ minReadySeconds: 1 }), 'a', { now: T3 });
    assert.equal((v3.spec as Record<string, unknown>).replicas, 3);
  });

  it('merges containers by name between managers and conflicts on the same container field', () => {
    const v1 = apply(undefined, deployment(podTemplate([{ name: 'app', image: 'app:1' }])), 'a');
    const v2 = apply(
      v1,
      deployment({ template: { spec: { containers: [{ name: 'sidecar', image: 'proxy:1' }] } } }),
      'b',
    );
    const containers = at<{ name: string }[]>(v2, 'spec.template.spec.containers').map(
      (c) => c.name,
    );
    assert.deepEqual(containers, ['app', 'sidecar']);
    assert.throws(
      () =>
        apply(
          v2,
          deployment({ template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } }),
          'b',
        ),
      /conflict with "a": \.spec\.template\.spec\.containers\[name="app"\]\.image/,
    );
    // the sidecar owner dropping its container removes only that container
    const v3 = apply(v2, deployment({}), 'b');
    assert.deepEqual(
      at<{ name: string }[]>(v3, 'spec.template.spec.containers').map((c) => c.name),
      ['app'],
    );
  });

  it('merges env by name, ports by containerPort+protocol, volumeMounts by mountPath', () => {
    const base = [
      {
        name: 'app',
        image: 'i',
        env: [{ name: 'A', value: '1' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        volumeMounts: [{ name: 'v', mountPath: '/a' }],
      },
    ];
    const v1 = apply(undefined, deployment(podTemplate(base)), 'a');
    const v2 = apply(
      v1,
      deployment({
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [{ name: 'B', value: '2' }],
                ports: [{ containerPort: 80, protocol: 'UDP' }],
                volumeMounts: [{ name: 'w', mountPath: '/b' }],
              },
            ],
          },
        },
      }),
      'b',
    );
    const c = at<{ env: unknown; ports: unknown; volumeMounts: { mountPath: string }[] }>(
      v2,
      'spec.template.spec.containers.0',
    );
    assert.deepEqual(c.env, [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    assert.deepEqual(c.ports, [
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 80, protocol: 'UDP' },
    ]);
    assert.deepEqual(
      c.volumeMounts.map((m) => m.mountPath),
      ['/a', '/b'],
    );
  });

  it('replaces atomic lists and the atomic label selector as a whole', () => {
    const v1 = apply(
      undefined,
      deployment({
        selector: { matchLabels: { a: '1', b: '2' } },
        template: { spec: { containers: [{ name: 'c', args: ['x', 'y'] }] } },
      }),
      'a',
    );
    const v2 = apply(
      v1,
      deployment({
        selector: { matchLabels: { a: '1' } },
        template: { spec: { containers: [{ name: 'c', args: ['z'] }] } },
      }),
      'a',
    );
    assert.deepEqual(at(v2, 'spec.selector'), { matchLabels: { a: '1' } });
    assert.deepEqual(at(v2, 'spec.template.spec.containers.0.args'), ['z']);
    assert.deepEqual(mf(v2)[0]!.fieldsV1, {
      'f:spec': {
        'f:selector': {},
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:args': {}, 'f:name': {} } },
          },
        },
      },
    });
  });

  it('treats lists as atomic and maps as granular without a schema', () => {
    const obj = (spec: unknown): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec,
    });
    const v1 = apply(undefined, obj({ items: [1, 2], m: { a: 1 } }), 'a', {
      schema: undefined,
      apiVersion: 'example.com/v1',
    });
    const v2 = apply(v1, obj({ m: { b: 2 } }), 'b', {
      schema: undefined,
      apiVersion: 'example.com/v1',
    });
    assert.deepEqual(v2.spec, { items: [1, 2], m: { a: 1, b: 2 } });
    assert.throws(
      () => apply(v2, obj({ items: [3] }), 'b', { schema: undefined }),
      /conflict with "a": \.spec\.items/,
    );
  });

  it('honours x-kubernetes-list-type map and set in CRD-like schemas', () => {
    const schema: SchemaNode = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            rules: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['host', 'port'],
              items: { type: 'object' },
            },
            tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          },
        },
      },
    };
    const obj = (spec: unknown): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'W',
      metadata: { name: 'w' },
      spec,
    });
    const v1 = apply(undefined, obj({ rules: [{ host: 'a', port: 1, x: 1 }], tags: ['t1'] }), 'a', {
      schema,
    });
    const v2 = apply(v1, obj({ rules: [{ host: 'a', port: 2 }], tags: ['t2'] }), 'b', { schema });
    assert.deepEqual(v2.spec, {
      rules: [
        { host: 'a', port: 1, x: 1 },
        { host: 'a', port: 2 },
      ],
      tags: ['t1', 't2'],
    });
    assert.deepEqual(mf(v2)[1]!.fieldsV1, {
      'f:spec': {
        'f:rules': { 'k:{"host":"a","port":2}': { '.': {}, 'f:host': {}, 'f:port': {} } },
        'f:tags': { 'v:"t2"': {} },
      },
    });
  });

  it('keeps the entry time when a re-apply changes nothing', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'a', { now: T1 });
    const v2 = apply(v1, deployment({ replicas: 2 }), 'a', { now: T2 });
    assert.equal(mf(v2)[0]!.time, T1);
  });

  it('reuses the fieldsV1 document of a re-apply with the same fields, whatever the values', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }, { app: 'web' }), 'a', { now: T1 });
    const v2 = apply(v1, deployment({ replicas: 3 }, { app: 'web' }), 'a', { now: T2 });
    assert.equal(mf(v2)[0]!.fieldsV1, mf(v1)[0]!.fieldsV1);
    assert.equal(mf(v2)[0]!.time, T2);
    const v3 = apply(v2, deployment({ replicas: 3, paused: true }, { app: 'web' }), 'a');
    assert.notEqual(mf(v3)[0]!.fieldsV1, mf(v2)[0]!.fieldsV1);
    assert.deepEqual(mf(v3)[0]!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:paused': {}, 'f:replicas': {} },
    });
    // a copy of the stored object (as read back from the database) gives the same result
    const copy = JSON.parse(JSON.stringify(v2)) as KubeObject;
    const v3b = apply(copy, deployment({ replicas: 3, paused: true }, { app: 'web' }), 'a');
    assert.deepEqual(v3b, v3);
    // the object is a private copy: changing it leaves the input alone
    (v3.spec as Record<string, unknown>).replicas = 9;
    assert.equal((v2.spec as Record<string, unknown>).replicas, 3);
  });

  it('keeps a status-subresource applier separate from the main resource', () => {
    const v1 = apply(undefined, deployment({ replicas: 1 }), 'a');
    const v2 = apply(
      v1,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        status: { replicas: 1 },
      },
      'a',
      { subresource: 'status' },
    );
    assert.deepEqual(
      mf(v2).map((e) => [e.manager, e.subresource ?? '']),
      [
        ['a', ''],
        ['a', 'status'],
      ],
    );
  });

  it('rejects managedFields in the applied configuration with 400, as kube-apiserver', () => {
    const d = deployment({ replicas: 1 });
    (d.metadata as Record<string, unknown>).managedFields = [];
    assert.throws(
      () => apply(undefined, d, 'a'),
      (e: unknown) =>
        e instanceof PatchError &&
        e.status === 400 &&
        e.message === 'metadata.managedFields must be nil',
    );
  });

  it('keys a list element without its key field by its default, as kube-apiserver v1.36', () => {
    // Container.name has `default: ""` in v1.36's schema: the element is keyed k:{"name":""}
    // (validation, not the merge, then answers `containers[0].name: Required value`)
    const r = apply(undefined, deployment(podTemplate([{ image: 'x' }])), 'a');
    assert.ok(JSON.stringify(r.metadata).includes('k:{\\"name\\":\\"\\"}'));
  });

  it('merges duplicate managedFields entries of one manager into one', () => {
    const live = deployment({ replicas: 1, minReadySeconds: 2 });
    (live.metadata as Record<string, unknown>).managedFields = [
      {
        manager: 'a',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      {
        manager: 'a',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T2,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:minReadySeconds': {} } },
      },
    ];
    const out = apply(live, deployment({ paused: true }), 'b');
    const a = mf(out).filter((e) => e.manager === 'a');
    assert.equal(a.length, 1);
    assert.deepEqual(a[0]!.fieldsV1, { 'f:spec': { 'f:minReadySeconds': {}, 'f:replicas': {} } });
  });
});

describe('trackUpdate', () => {
  it('records a create like kube-apiserver (maps and list items as members, structs as containers)', () => {
    const out = trackUpdate({
      old: ZERO_DEPLOYMENT,
      updated: deployment(podTemplate([{ name: 'nginx', image: 'nginx', resources: {} }]), {
        app: 'web',
      }),
      manager: 'kubectl-create',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T1,
    });
    assert.deepEqual(mf(out), [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:resources': {} },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('takes changed fields from other managers and drops empty entries', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'kubectl');
    const v2 = trackUpdate({
      old: v1,
      updated: { ...v1, spec: { replicas: 5 } },
      manager: 'hpa',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T2,
    });
    assert.deepEqual(
      mf(v2).map((e) => [e.manager, e.operation, e.fieldsV1]),
      [['hpa', 'Update', { 'f:spec': { 'f:replicas': {} } }]],
    );
  });

  it('leaves managedFields unchanged for a no-op update', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'kubectl');
    const v2 = trackUpdate({
      old: v1,
      updated: structuredClone(v1),
      manager: 'other',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T2,
    });
    assert.deepEqual(mf(v2), mf(v1));
  });

  it('keeps the stored managedFields when the client sends none or an empty list', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'kubectl');
    for (const sent of [undefined, []]) {
      const updated = structuredClone(v1);
      (updated.metadata as Record<string, unknown>).managedFields = sent;
      const v2 = trackUpdate({
        old: v1,
        updated,
        manager: 'other',
        apiVersion: 'apps/v1',
        schema: deploySchema,
        now: T2,
      });
      assert.deepEqual(mf(v2), mf(v1));
    }
  });

  it('strips managedFields entirely when the client sends one empty entry', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'kubectl');
    const updated = structuredClone(v1);
    (updated.metadata as Record<string, unknown>).managedFields = [{}];
    (updated.spec as Record<string, unknown>).replicas = 3;
    const v2 = trackUpdate({
      old: v1,
      updated,
      manager: 'other',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T2,
    });
    assert.equal((v2.metadata as Record<string, unknown>).managedFields, undefined);
    assert.equal(at(v2, 'spec.replicas'), 3);
  });

  it('takes managedFields the client rewrote, but not on a subresource', () => {
    const v1 = apply(undefined, deployment({ replicas: 2 }), 'kubectl');
    const rewritten = [
      {
        manager: 'someone',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ];
    const updated = structuredClone(v1);
    (updated.metadata as Record<string, unknown>).managedFields = rewritten;
    const v2 = trackUpdate({
      old: v1,
      updated,
      manager: 'other',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T2,
    });
    assert.deepEqual(mf(v2), rewritten);
    const v3 = trackUpdate({
      old: v1,
      updated,
      manager: 'other',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      subresource: 'status',
      now: T2,
    });
    assert.deepEqual(mf(v3), mf(v1));
  });

  it('merges repeated updates of one manager and bumps its time', () => {
    const v1 = trackUpdate({
      old: ZERO_DEPLOYMENT,
      updated: deployment({ replicas: 1 }),
      manager: 'm',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T1,
    });
    const v2 = trackUpdate({
      old: v1,
      updated: { ...v1, spec: { replicas: 1, paused: true } },
      manager: 'm',
      apiVersion: 'apps/v1',
      schema: deploySchema,
      now: T2,
    });
    assert.equal(mf(v2).length, 1);
    assert.equal(mf(v2)[0]!.time, T2);
    assert.deepEqual(mf(v2)[0]!.fieldsV1, { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  });
});

describe('managedFields cap', () => {
  it('merges the oldest Update entries into ancient-changes beyond ten, like kube-apiserver', () => {
    let obj: KubeObject = deployment({ replicas: 0 });
    for (let i = 0; i < 12; i++) {
      obj = trackUpdate({
        old: obj,
        updated: { ...obj, spec: { ...(obj.spec as object), [`f${i}`]: i } },
        manager: `m${i}`,
        apiVersion: 'apps/v1',
        schema: undefined,
        now: `2026-01-01T00:00:${String(10 + i)}Z`,
      });
    }
    const entries = mf(obj);
    assert.equal(entries.length, 10);
    const ancient = entries.find((e) => e.manager === 'ancient-changes');
    assert.ok(ancient);
    // The three oldest (one apiVersion) end up in one bucket carrying the newest merged time.
    assert.deepEqual(ancient.fieldsV1, { 'f:spec': { 'f:f0': {}, 'f:f1': {}, 'f:f2': {} } });
    assert.equal(ancient.time, '2026-01-01T00:00:12Z');
    assert.ok(!entries.some((e) => ['m0', 'm1', 'm2'].includes(e.manager as string)));
  });
});
