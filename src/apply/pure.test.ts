// Unit tests of the apply engine's pure parts: ids, inventory, ordering, stages, normalising, drift, masking, diffs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { FlotillaError } from '../core/index.js';
import { KubeApiError, type KubeObject } from '../kube/index.js';
import {
  formatObjectId,
  hasDrifted,
  inventoryOf,
  maskSecret,
  maskSecrets,
  describeApiError,
  mergeInventory,
  normalizeObject,
  objMetadataOf,
  parseObjectId,
  sortObjects,
  stageOf,
  staleEntries,
  unifiedDiff,
  MaskAfter,
  MaskBefore,
  MaskDefault,
  cleanupPatch,
  defaultApplyOptions,
  VerifiedCache,
} from './index.js';

const o = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  rest: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...rest,
});

describe('object ids and inventory', () => {
  it('formats and parses Flux ids', () => {
    const cases: [KubeObject, string][] = [
      [o('apps/v1', 'Deployment', 'web', 'prod'), 'prod_web_apps_Deployment'],
      [o('v1', 'Namespace', 'prod'), '_prod__Namespace'],
      [
        o('rbac.authorization.k8s.io/v1', 'ClusterRole', 'view'),
        '_view_rbac.authorization.k8s.io_ClusterRole',
      ],
    ];
    for (const [obj, id] of cases) {
      assert.equal(formatObjectId(objMetadataOf(obj)), id);
      assert.deepEqual(parseObjectId(id), objMetadataOf(obj));
    }
    assert.throws(
      () => parseObjectId('bad'),
      (e: unknown) => e instanceof FlotillaError && /invalid inventory id "bad"/.test(e.message),
    );
  });

  it('builds inventories with versions and finds stale entries in reverse order', () => {
    const before = inventoryOf([
      o('v1', 'Namespace', 'prod'),
      o('apps/v1', 'Deployment', 'web', 'prod'),
      o('v1', 'Service', 'web', 'prod'),
      o('v1', 'ConfigMap', 'cfg', 'prod'),
    ]);
    assert.deepEqual(
      before.entries.find((e) => e.id === 'prod_web_apps_Deployment'),
      { id: 'prod_web_apps_Deployment', v: 'v1' },
    );
    const after = inventoryOf([o('v1', 'ConfigMap', 'cfg', 'prod')]);
    assert.deepEqual(
      staleEntries(before, after).map((e) => e.id),
      ['prod_web_apps_Deployment', 'prod_web__Service', '_prod__Namespace'],
    );
    assert.deepEqual(staleEntries(undefined, after), []);
    const merged = mergeInventory(after, [{ id: 'prod_web__Service', v: 'v1' }]);
    assert.deepEqual(
      merged.entries.map((e) => e.id),
      ['prod_cfg__ConfigMap', 'prod_web__Service'],
    );
  });
});

describe('ordering and stages', () => {
  it('sorts by Flux kind order, then group, kind, namespace, name', () => {
    const sorted = sortObjects([
      o('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'hook'),
      o('example.com/v1', 'Widget', 'w'),
      o('apps/v1', 'Deployment', 'b', 'ns'),
      o('apps/v1', 'Deployment', 'a', 'ns'),
      o('v1', 'Service', 'svc', 'ns'),
      o('v1', 'Namespace', 'ns'),
      o('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
    ]);
    assert.deepEqual(
      sorted.map((x) => `${x.kind}/${x.metadata.name ?? ''}`),
      [
        'CustomResourceDefinition/widgets.example.com',
        'Namespace/ns',
        'Service/svc',
        'Deployment/a',
        'Deployment/b',
        'Widget/w',
        'ValidatingWebhookConfiguration/hook',
      ],
    );
  });

  it('puts CRDs, Namespaces and ClusterRoles first, then *Class kinds', () => {
    const cases: [string, string, number][] = [
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 0],
      ['v1', 'Namespace', 0],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', 0],
      ['storage.k8s.io/v1', 'StorageClass', 1],
      ['networking.k8s.io/v1', 'IngressClass', 1],
      ['apps/v1', 'Deployment', 2],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 2],
    ];
    for (const [apiVersion, kind, stage] of cases)
      assert.equal(stageOf({ apiVersion, kind }), stage, kind);
  });
});

describe('normalizeObject', () => {
  it('names the object and the missing field', () => {
    const cases: [unknown, RegExp, string][] = [
      [
        { kind: 'ConfigMap', metadata: { name: 'a' } },
        /ConfigMap\/a in apps\/cm.yaml: apiVersion is required/,
        'apiVersion',
      ],
      [{ apiVersion: 'v1', metadata: { name: 'a' } }, /kind is required/, 'kind'],
      [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} },
        /ConfigMap\/<no name> in apps\/cm.yaml: metadata.name is required/,
        'metadata.name',
      ],
    ];
    for (const [input, msg, field] of cases) {
      assert.throws(
        () => normalizeObject(input, 'apps/cm.yaml'),
        (e: unknown) => {
          assert.ok(e instanceof FlotillaError);
          assert.match(e.message, msg);
          assert.match(e.message, /apps\/cm.yaml/);
          assert.equal(e.field, field);
          return true;
        },
      );
    }
  });

  it('folds stringData, drops status and defaults protocols', () => {
    const secret = normalizeObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', creationTimestamp: null },
      stringData: { a: 'hi' },
      data: { b: 'Yg==' },
      status: {},
    });
    assert.deepEqual(secret['data'], { a: 'aGk=', b: 'Yg==' });
    assert.equal(secret['stringData'], undefined);
    assert.equal(secret['status'], undefined);
    assert.ok(!('creationTimestamp' in secret.metadata));
    const deploy = normalizeObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } } },
    });
    assert.deepEqual(deploy['spec'], {
      template: {
        spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
    });
  });
});

describe('hasDrifted', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      resourceVersion: '5',
      generation: 1,
      managedFields: [{ manager: 'kubectl' }],
      labels: { app: 'a' },
    },
    data: { k: 'v' },
  } as KubeObject;
  const cases: [string, KubeObject | undefined, KubeObject, boolean][] = [
    ['identical', live, structuredClone(live), false],
    [
      'only managedFields/resourceVersion differ',
      live,
      {
        ...structuredClone(live),
        metadata: { ...live.metadata, resourceVersion: '6', managedFields: [] },
      },
      false,
    ],
    ['data differs', live, { ...structuredClone(live), data: { k: 'w' } }, true],
    [
      'labels differ',
      live,
      { ...structuredClone(live), metadata: { ...live.metadata, labels: { app: 'b' } } },
      true,
    ],
    [
      'annotation added',
      live,
      { ...structuredClone(live), metadata: { ...live.metadata, annotations: { x: 'y' } } },
      true,
    ],
    ['no live object', undefined, live, true],
    ['status ignored', live, { ...structuredClone(live), status: { phase: 'x' } }, false],
  ];
  for (const [name, a, b, want] of cases) it(name, () => assert.equal(hasDrifted(a, b), want));
});

describe('secret masking and human diffs', () => {
  const secret = (data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'apps' },
    data,
  });

  it('masks equal values with *** and changed ones with before/after', () => {
    const { before, after } = maskSecrets(
      secret({ same: 'YQ==', changed: 'Yg==', removed: 'Yw==' }),
      secret({ same: 'YQ==', changed: 'ZA==', added: 'ZQ==' }),
    );
    assert.deepEqual(before?.['data'], {
      same: MaskDefault,
      changed: MaskBefore,
      removed: MaskDefault,
    });
    assert.deepEqual(after?.['data'], {
      same: MaskDefault,
      changed: MaskAfter,
      added: MaskDefault,
    });
  });

  it('renders unified diffs (golden file) without secret values', () => {
    const liveDeploy = o('apps/v1', 'Deployment', 'web', 'apps', {
      spec: {
        replicas: 1,
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    });
    liveDeploy.metadata.resourceVersion = '7';
    liveDeploy.metadata.managedFields = [{ manager: 'flotilla' }];
    const merged = structuredClone(liveDeploy);
    (merged['spec'] as { replicas: number }).replicas = 3;
    const text = [
      unifiedDiff('Deployment/apps/web', liveDeploy, merged),
      unifiedDiff(
        'Secret/apps/s',
        secret({ password: 'c2VjcmV0MQ==' }),
        secret({ password: 'c2VjcmV0Mg==' }),
      ),
      unifiedDiff(
        'ConfigMap/apps/new',
        undefined,
        o('v1', 'ConfigMap', 'new', 'apps', { data: { a: '1' } }),
      ),
    ].join('\n');
    assert.doesNotMatch(text, /c2VjcmV0/);
    assert.doesNotMatch(text, /managedFields|resourceVersion/);
    assert.equal(unifiedDiff('x', liveDeploy, structuredClone(liveDeploy)), '');
    const golden = new URL('./testdata/human-diff.golden', import.meta.url);
    if (process.env['UPDATE_GOLDEN']) writeFileSync(golden, text);
    assert.equal(text, readFileSync(golden, 'utf8'));
  });
});

describe('Secret content masked wherever it appears (issue 22 item 6)', () => {
  const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
  /** A Secret as `kubectl apply` (client-side) leaves it: values in data and in its annotation. */
  const applied = (password: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 's',
      namespace: 'apps',
      annotations: {
        [LAST_APPLIED]: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's', namespace: 'apps' },
          stringData: { password },
          data: { token: Buffer.from(`${password}-token`).toString('base64') },
        }),
      },
      managedFields: [
        {
          manager: 'kubectl-client-side-apply',
          operation: 'Update',
          fieldsV1: { 'f:data': { 'f:password': {}, [`v:"${password}"`]: {} } },
        },
      ],
    },
    data: { password: Buffer.from(password).toString('base64') },
  });
  const leaks = (text: string, password: string): boolean =>
    text.includes(password) ||
    text.includes(Buffer.from(password).toString('base64').replace(/=+$/, '')) ||
    text.includes(Buffer.from(`${password}-token`).toString('base64').replace(/=+$/, ''));

  it('maskSecret masks data, stringData, the last-applied annotation and managedFields values', () => {
    const masked = maskSecret(applied('hunter2'));
    assert.equal(leaks(JSON.stringify(masked), 'hunter2'), false, JSON.stringify(masked));
    const annotation = JSON.parse(masked.metadata.annotations?.[LAST_APPLIED] ?? '{}') as {
      stringData: Record<string, string>;
      data: Record<string, string>;
    };
    assert.deepEqual(annotation.stringData, { password: MaskDefault });
    assert.deepEqual(annotation.data, { token: MaskDefault });
    assert.deepEqual(masked['data'], { password: MaskDefault });
    // keys stay visible; values, wherever they are, do not
    assert.match(JSON.stringify(masked.metadata.managedFields), /f:password/);
    const cm = o('v1', 'ConfigMap', 'c', 'apps', { data: { a: 'hunter2' } });
    assert.deepEqual(maskSecret(cm), cm, 'other kinds are left as they are');
  });

  it('diffs show a changed last-applied annotation without its values', () => {
    const text = unifiedDiff('Secret/apps/s', applied('hunter2'), applied('swordfish'));
    assert.notEqual(text, '');
    assert.equal(leaks(text, 'hunter2') || leaks(text, 'swordfish'), false, text);
    assert.match(text, /last-applied-configuration/);
    assert.match(text, /\*\*\* \(before\)/);
  });

  it('a Secret whose annotation is not JSON has it masked as a whole', () => {
    const odd = applied('hunter2');
    odd.metadata.annotations = { [LAST_APPLIED]: 'password=hunter2' };
    assert.equal(JSON.stringify(maskSecret(odd)).includes('hunter2'), false);
  });

  it('API error messages about a Secret do not carry its values', () => {
    const s = applied('hunter2');
    const message =
      'Secret "s" is invalid: data[password]: Invalid value: "aHVudGVyMg==": hunter2 is weak';
    const err = new KubeApiError(message, {
      code: 422,
      method: 'PATCH',
      path: '/api/v1/namespaces/apps/secrets/s',
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 422,
        reason: 'Invalid',
        message,
        details: { causes: [{ field: 'data[password]', message: 'Invalid value: "hunter2"' }] },
      },
    });
    const d = describeApiError(err, s);
    assert.equal(leaks(d.message, 'hunter2'), false, d.message);
    assert.match(d.message, /Secret "s" is invalid: data\[password\]: Invalid value: "\*\*\*"/);
  });
});

describe('cleanupPatch', () => {
  const live = (managedFields: unknown[], annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'n', managedFields, ...(annotations ? { annotations } : {}) },
  });
  const desired = o('v1', 'ConfigMap', 'a', 'n');
  const opts = defaultApplyOptions().cleanup;

  it('merges matched managers into the flotilla Apply entry', () => {
    const ops = cleanupPatch(
      desired,
      live([
        { manager: 'flotilla', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } },
        { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:data': { 'f:b': {} } } },
        { manager: 'kube-controller', operation: 'Update', fieldsV1: { 'f:data': { 'f:c': {} } } },
        { manager: 'kubectl', operation: 'Update', subresource: 'status', fieldsV1: {} },
      ]),
      'flotilla',
      opts,
    );
    assert.deepEqual(ops, [
      {
        op: 'replace',
        path: '/metadata/managedFields',
        value: [
          {
            manager: 'kube-controller',
            operation: 'Update',
            fieldsV1: { 'f:data': { 'f:c': {} } },
          },
          { manager: 'kubectl', operation: 'Update', subresource: 'status', fieldsV1: {} },
          {
            manager: 'flotilla',
            operation: 'Apply',
            fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
          },
        ],
      },
    ]);
  });

  it('renames the first match when flotilla owns nothing yet, and removes stale annotations', () => {
    const ops = cleanupPatch(
      desired,
      live(
        [{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: { 'f:data': {} } }],
        {
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
        },
      ),
      'flotilla',
      opts,
    );
    assert.deepEqual(ops, [
      {
        op: 'replace',
        path: '/metadata/managedFields',
        value: [{ manager: 'flotilla', operation: 'Apply', fieldsV1: { 'f:data': {} } }],
      },
      {
        op: 'remove',
        path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
      },
    ]);
  });

  it('does nothing for clean objects or with ssa: Merge', () => {
    assert.deepEqual(
      cleanupPatch(
        desired,
        live([{ manager: 'flotilla', operation: 'Apply', fieldsV1: {} }]),
        'flotilla',
        opts,
      ),
      [],
    );
    const merge = o('v1', 'ConfigMap', 'a', 'n');
    merge.metadata.annotations = { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' };
    assert.deepEqual(
      cleanupPatch(
        merge,
        live([{ manager: 'kubectl', operation: 'Update', fieldsV1: {} }]),
        'flotilla',
        opts,
      ),
      [],
    );
  });
});

describe('VerifiedCache', () => {
  it('trusts an object only while desired hash and live resourceVersion are unchanged', () => {
    const cache = new VerifiedCache(60_000);
    const desired = o('v1', 'ConfigMap', 'a', 'n', { data: { k: 'v' } });
    const live = (rv: string): KubeObject => ({
      ...o('v1', 'ConfigMap', 'a', 'n'),
      metadata: { name: 'a', namespace: 'n', resourceVersion: rv },
    });
    assert.equal(cache.isVerified(desired, live('5')), false);
    cache.remember(desired, '5');
    assert.equal(cache.isVerified(desired, live('5')), true);
    assert.equal(
      cache.isVerified(o('v1', 'ConfigMap', 'a', 'n', { data: { k: 'w' } }), live('5')),
      false,
    );
    assert.equal(cache.isVerified(desired, live('6')), false);
    assert.equal(cache.isVerified(desired, undefined), false);
    cache.forget(desired);
    assert.equal(cache.isVerified(desired, live('5')), false);
    const expired = new VerifiedCache(0);
    expired.remember(desired, '5');
    assert.equal(expired.isVerified(desired, live('5')), false);
  });
});
