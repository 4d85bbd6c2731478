// Integration tests of the ResourceManager against the local cluster: apply, drift, dry-run, prune, wait.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlotillaError } from '../core/index.js';
import { startLocalCluster } from '../localcluster/index.js';
import { KubeClient, PatchType, type KubeObject } from '../kube/index.js';
import {
  Action,
  DryRunError,
  ResourceManager,
  inventoryOf,
  inventoryOfChangeSet,
  kustomizationOwnerLabels,
  type ChangeSet,
} from './index.js';

type Cluster = Awaited<ReturnType<typeof startLocalCluster>>;

const ns = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});
const cm = (
  name: string,
  namespace: string,
  data: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  data,
});
const deploy = (name: string, namespace: string, image: string, app = name): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app } },
    template: {
      metadata: { labels: { app } },
      spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] },
    },
  },
});
const svc = (name: string, namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
const secret = (name: string, namespace: string, password: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  stringData: { password },
});

const actions = (cs: ChangeSet): Record<string, string> => cs.toMap();

describe('ResourceManager against the local cluster', () => {
  let cluster: Cluster;
  let kube: KubeClient;
  let rm: ResourceManager;
  const owner = kustomizationOwnerLabels('apps', 'flux-system');

  before(async () => {
    cluster = await startLocalCluster({ port: 0, inMemory: true });
    kube = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
    rm = new ResourceManager(kube, { ownerLabels: owner });
  });
  after(async () => {
    kube.close();
    await cluster.stop();
  });

  const set = (): KubeObject[] => [
    deploy('web', 'team-a', 'nginx:1.25'),
    svc('web', 'team-a'),
    cm('settings', 'team-a', { mode: 'blue' }),
    secret('creds', 'team-a', 'hunter2'),
    ns('team-a'),
  ];

  it('creates a set, then re-applies it with zero writes, then configures one change', async () => {
    const first = await rm.applyAll(set());
    assert.deepEqual(actions(first), {
      'Namespace/team-a': 'created',
      'ConfigMap/team-a/settings': 'created',
      'Secret/team-a/creds': 'created',
      'Service/team-a/web': 'created',
      'Deployment/team-a/web': 'created',
    });
    assert.deepEqual(
      first.entries.map((e) => e.objMetadata.kind),
      ['Namespace', 'ConfigMap', 'Secret', 'Service', 'Deployment'],
    );
    const live = await kube.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'settings',
      namespace: 'team-a',
    });
    assert.equal(live.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'apps');

    const writesBefore = kube.stats.writes;
    assert.deepEqual(inventoryOfChangeSet(first), inventoryOf(set()));
    const second = await rm.applyAll(set());
    assert.ok(
      second.entries.every((e) => e.action === Action.Unchanged),
      second.toString(),
    );
    assert.equal(kube.stats.writes - writesBefore, 0, 'a no-op reconcile makes no writes');

    // Without the verified cache every object is dry-run again; with it none is, since
    // neither the desired objects nor the live resourceVersions changed.
    const uncached = new ResourceManager(kube, { ownerLabels: owner, verifiedTtlMs: 0 });
    const dry = kube.stats.dryRuns;
    const third0 = await uncached.applyAll(set());
    assert.ok(
      third0.entries.every((e) => e.action === Action.Unchanged),
      third0.toString(),
    );
    assert.equal(kube.stats.dryRuns - dry, 5);
    const dry2 = kube.stats.dryRuns;
    await rm.applyAll(set());
    // Only the Deployment may be dry-run again: the simulated controller updates its status.
    assert.ok(kube.stats.dryRuns - dry2 <= 1, `${kube.stats.dryRuns - dry2} dry-runs`);
    assert.equal(kube.stats.writes - writesBefore, 0);

    const changed = set();
    (changed[2] as KubeObject)['data'] = { mode: 'green' };
    const w = kube.stats.writes;
    const third = await rm.applyAll(changed);
    assert.equal(actions(third)['ConfigMap/team-a/settings'], 'configured');
    assert.equal(third.entries.filter((e) => e.action === Action.Unchanged).length, 4);
    assert.equal(kube.stats.writes - w, 1);
  });

  it('writes nothing when any dry-run fails, and names object, field and message', async () => {
    const w = kube.stats.writes;
    const bad = deploy('broken', 'team-a', 'nginx');
    // Strict field validation rejects a misspelt field.
    (bad['spec'] as Record<string, unknown>)['replicaz'] = 3;
    await assert.rejects(
      rm.applyAll([
        ns('team-b'),
        cm('fresh', 'team-a', { a: '1' }),
        bad,
        cm('Bad_Name', 'team-a', { a: '1' }),
      ]),
      (e: unknown) => {
        assert.ok(e instanceof DryRunError, String(e));
        assert.deepEqual(e.failures.map((f) => f.subject).sort(), [
          'ConfigMap/team-a/Bad_Name',
          'Deployment/team-a/broken',
        ]);
        assert.match(e.message, /Deployment\/team-a\/broken dry-run failed/);
        // kube-apiserver's words for an applied field the schema does not declare.
        assert.match(e.message, /\.spec\.replicaz: field not declared in schema/);
        const badName = e.failures.find((f) => f.subject === 'ConfigMap/team-a/Bad_Name');
        assert.equal(badName?.field, 'metadata.name');
        assert.match(
          e.message,
          /ConfigMap\/team-a\/Bad_Name dry-run failed \(field metadata.name\): .*Bad_Name/,
        );
        return true;
      },
    );
    assert.equal(kube.stats.writes - w, 0);
    assert.equal(
      await kube.getOrUndefined({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'fresh',
        namespace: 'team-a',
      }),
      undefined,
    );
    assert.equal(
      await kube.getOrUndefined({ apiVersion: 'v1', kind: 'Namespace', name: 'team-b' }),
      undefined,
    );
  });

  it('corrects drift made by hand', async () => {
    await kube.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'team-a' },
      PatchType.Merge,
      { data: { mode: 'hacked' } },
    );
    const changed = set();
    (changed[2] as KubeObject)['data'] = { mode: 'green' };
    const cs = await rm.applyAll(changed);
    assert.equal(actions(cs)['ConfigMap/team-a/settings'], 'configured');
    const live = await kube.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'settings',
      namespace: 'team-a',
    });
    assert.deepEqual(live['data'], { mode: 'green' });
  });

  it('takes over fields kubectl added, unless the object asks to merge', async () => {
    const objs = [
      cm('edited', 'team-a', { a: '1' }),
      cm('merged', 'team-a', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' }),
    ];
    await rm.applyAll(objs);
    for (const name of ['edited', 'merged']) {
      await kube.patch(
        { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'team-a' },
        PatchType.Merge,
        {
          metadata: {
            labels: { extra: 'yes' },
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
          },
          data: { b: '2' },
        },
        { fieldManager: 'kubectl-edit' },
      );
    }
    const cs = await rm.applyAll(objs);
    assert.equal(actions(cs)['ConfigMap/team-a/edited'], 'configured');
    assert.equal(actions(cs)['ConfigMap/team-a/merged'], 'unchanged');
    const edited = await kube.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'edited',
      namespace: 'team-a',
    });
    assert.deepEqual(edited['data'], { a: '1' });
    assert.equal(edited.metadata.labels?.['extra'], undefined);
    assert.equal(
      edited.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'],
      undefined,
    );
    const managers = (edited.metadata.managedFields as { manager: string }[]).map((m) => m.manager);
    assert.ok(!managers.includes('kubectl-edit'), managers.join(','));
    const merged = await kube.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'merged',
      namespace: 'team-a',
    });
    assert.deepEqual(merged['data'], { a: '1', b: '2' });
    assert.equal(merged.metadata.labels?.['extra'], 'yes');
    const w = kube.stats.writes;
    const again = await rm.applyAll(objs);
    assert.ok(
      again.entries.every((e) => e.action === 'unchanged'),
      again.toString(),
    );
    assert.equal(kube.stats.writes - w, 0);
  });

  it('shows a human diff with secret values masked', async () => {
    const changed = set();
    (changed[3] as KubeObject)['stringData'] = { password: 'changed' };
    const { changeSet, results } = await rm.diff(changed);
    assert.equal(actions(changeSet)['Secret/team-a/creds'], 'configured');
    const d = results.find((r) => r.entry.subject === 'Secret/team-a/creds')?.entry.diff ?? '';
    assert.match(d, /-\s+password: "\*\*\* \(before\)"/);
    assert.match(d, /\+\s+password: "\*\*\* \(after\)"/);
    assert.doesNotMatch(d, /aHVudGVyMg|Y2hhbmdlZA/);
  });

  it('diff masks the values kubectl left in the last-applied annotation (issue 22 item 6)', async () => {
    // a Secret applied client-side by kubectl: its annotation holds the applied manifest
    const manifest = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'kubectl-applied', namespace: 'team-a' },
      stringData: { password: 'correct-horse' },
    };
    await kube.create({
      ...manifest,
      metadata: {
        ...manifest.metadata,
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest),
        },
      },
    });
    const desired = secret('kubectl-applied', 'team-a', 'battery-staple');
    const { results } = await rm.diff([desired]);
    const d = results[0]?.entry.diff ?? '';
    assert.match(d, /last-applied-configuration/);
    for (const value of ['correct-horse', 'battery-staple'])
      for (const form of [value, Buffer.from(value).toString('base64').slice(0, 12)])
        assert.equal(d.includes(form), false, `${form} in:\n${d}`);
  });

  it('honours the reconcile, ssa and force annotations', async () => {
    const objs = [
      cm('disabled', 'team-a', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }),
      cm('once', 'team-a', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }),
      cm('ignored', 'team-a', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' }),
    ];
    const cs = await rm.applyAll(objs);
    assert.deepEqual(actions(cs), {
      'ConfigMap/team-a/disabled': 'skipped',
      'ConfigMap/team-a/once': 'created',
      'ConfigMap/team-a/ignored': 'skipped',
    });
    (objs[1] as KubeObject)['data'] = { a: '2' };
    assert.equal(actions(await rm.applyAll(objs))['ConfigMap/team-a/once'], 'skipped');

    // An immutable selector change: refused without force, recreated with the annotation.
    const moved = deploy('web', 'team-a', 'nginx:1.25', 'web-v2');
    await assert.rejects(rm.apply(moved), (e: unknown) => {
      assert.ok(e instanceof FlotillaError);
      assert.match(e.message, /immutable/);
      assert.match(e.message, /force/);
      return true;
    });
    const uid = (
      await kube.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        namespace: 'team-a',
      })
    ).metadata.uid;
    moved.metadata.annotations = { 'kustomize.toolkit.fluxcd.io/force': 'enabled' };
    const entry = await rm.apply(moved);
    assert.equal(entry.action, 'created');
    const now = await kube.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'team-a',
    });
    assert.notEqual(now.metadata.uid, uid);
    assert.deepEqual((now['spec'] as { selector: unknown }).selector, {
      matchLabels: { app: 'web-v2' },
    });
  });

  it('applies CRDs first and waits until they are established before their custom resources', async () => {
    const crd: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    };
    const cr: KubeObject = {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g1', namespace: 'team-c' },
      spec: { size: 3 },
    };
    // Before the CRD exists, diff shows the custom resource as created instead of failing.
    const preview = await rm.diff([cr, ns('team-c'), crd]);
    assert.deepEqual(preview.changeSet.toMap(), {
      'CustomResourceDefinition/gadgets.example.com': 'created',
      'Namespace/team-c': 'created',
      'Gadget/team-c/g1': 'created',
    });
    assert.match(
      preview.results.find((r) => r.entry.subject === 'Gadget/team-c/g1')?.entry.diff ?? '',
      /\+\s+size: 3/,
    );
    const cs = await rm.applyAll([cr, ns('team-c'), crd]);
    assert.deepEqual(
      cs.entries.map((e) => `${e.subject} ${e.action}`),
      [
        'CustomResourceDefinition/gadgets.example.com created',
        'Namespace/team-c created',
        'Gadget/team-c/g1 created',
      ],
    );
    const again = await rm.applyAll([cr, ns('team-c'), crd]);
    assert.ok(
      again.entries.every((e) => e.action === 'unchanged'),
      again.toString(),
    );
  });

  it('prunes what left the inventory, in reverse order, only with owner labels', async () => {
    const objs = [
      ns('team-p'),
      cm('keep', 'team-p', { a: '1' }),
      cm('gone', 'team-p', { a: '1' }),
      cm('foreign', 'team-p', { a: '1' }),
      cm('pinned', 'team-p', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
    ];
    await rm.applyAll(objs);
    const previous = inventoryOf(objs);
    assert.ok(previous.entries.some((e) => e.id === 'team-p_gone__ConfigMap' && e.v === 'v1'));
    // Someone took `foreign` over: it lost the owner labels and must survive the prune.
    await kube.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'foreign', namespace: 'team-p' },
      PatchType.Merge,
      {
        metadata: { labels: { 'kustomize.toolkit.fluxcd.io/name': null } },
      },
    );
    const next = inventoryOf([ns('team-p'), cm('keep', 'team-p', { a: '1' })]);
    const res = await rm.prune(previous, next);
    assert.deepEqual(actions(res.changeSet), {
      'ConfigMap/team-p/foreign': 'skipped',
      'ConfigMap/team-p/gone': 'deleted',
      'ConfigMap/team-p/pinned': 'skipped',
    });
    assert.deepEqual(res.failures, []);
    assert.deepEqual(res.inventory, next);
    const names = (
      await kube.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'team-p' })
    ).items.map((i) => i.metadata.name);
    assert.ok(!names.includes('gone'));
    assert.ok(names.includes('foreign') && names.includes('pinned') && names.includes('keep'));
  });

  it('waits for health and stops early on failure', async () => {
    await rm.applyAll([
      ns('team-w'),
      deploy('ok', 'team-w', 'nginx:1'),
      deploy('bad', 'team-w', 'nginx:fail'),
    ]);
    const ref = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name,
      namespace: 'team-w',
    });
    const ok = await rm.wait([ref('ok')], { interval: 100, timeout: 10_000 });
    assert.equal(ok[0]?.health.status, 'Healthy');
    const start = Date.now();
    await assert.rejects(
      rm.wait([ref('ok'), ref('bad')], { interval: 100, timeout: 60_000 }),
      (e: unknown) => {
        assert.ok(e instanceof FlotillaError);
        assert.equal(e.reason, 'HealthCheckFailed');
        assert.match(e.message, /Deployment\/team-w\/bad status: 'Degraded'/);
        return true;
      },
    );
    assert.ok(Date.now() - start < 30_000, 'failed early rather than at the timeout');
    await assert.rejects(
      rm.wait([ref('missing')], { interval: 50, timeout: 200 }),
      /timeout waiting for: \[Deployment\/team-w\/missing status: 'Missing'/,
    );
  });
});
