// Integration tests of the REST client, discovery and informers against the local cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster } from '../localcluster/index.js';
import { until } from '../testing/index.js';
import {
  Informer,
  SharedInformers,
  KubeApiError,
  dropManagedFields,
  KubeClient,
  PatchType,
  isAlreadyExists,
  isNotFound,
  type InformerEventType,
  type KubeObject,
} from './index.js';

type Cluster = Awaited<ReturnType<typeof startLocalCluster>>;

const cm = (name: string, data: Record<string, string>, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels: { suite: 'client' } },
  data,
});

describe('KubeClient against the local cluster', () => {
  let cluster: Cluster;
  let kube: KubeClient;

  before(async () => {
    cluster = await startLocalCluster({ port: 0, inMemory: true });
    kube = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  });
  after(async () => {
    kube.close();
    await cluster.stop();
  });

  it('creates, reads, lists, updates, patches and deletes', async () => {
    const created = await kube.create(cm('crud', { a: '1' }));
    assert.ok(created.metadata.uid);
    await assert.rejects(kube.create(cm('crud', { a: '1' })), (e: unknown) => isAlreadyExists(e));

    const got = await kube.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'crud',
      namespace: 'default',
    });
    assert.deepEqual(got['data'], { a: '1' });

    const list = await kube.list(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: 'default', labelSelector: 'suite=client' },
    );
    assert.ok(list.items.some((i) => i.metadata.name === 'crud'));
    assert.equal(list.items[0]?.kind, 'ConfigMap');

    got['data'] = { a: '2' };
    const updated = await kube.update(got);
    assert.deepEqual(updated['data'], { a: '2' });

    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'crud', namespace: 'default' };
    const cases: [PatchType, unknown, Record<string, string>][] = [
      [PatchType.Merge, { data: { b: '3' } }, { a: '2', b: '3' }],
      [PatchType.Json, [{ op: 'remove', path: '/data/a' }], { b: '3' }],
      [PatchType.Strategic, { data: { c: '4' } }, { b: '3', c: '4' }],
    ];
    for (const [type, patch, want] of cases) {
      const res = await kube.patch(ref, type, patch);
      assert.deepEqual(res['data'], want, type);
    }

    const dry = await kube.patch(ref, PatchType.Merge, { data: { d: '5' } }, { dryRun: true });
    assert.equal((dry['data'] as Record<string, string>)['d'], '5');
    assert.deepEqual((await kube.get(ref))['data'], { b: '3', c: '4' }, 'dry-run changes nothing');

    await kube.delete(ref);
    await until('delete', () => true);
    await assert.rejects(kube.get(ref), (e: unknown) => isNotFound(e));
  });

  it('connects with in-cluster service account files', async () => {
    const prefix = mkdtempSync(join(tmpdir(), 'flotilla-sa-'));
    const dir = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'token'), cluster.token);
    writeFileSync(join(dir, 'ca.crt'), cluster.caPem);
    writeFileSync(join(dir, 'namespace'), 'kube-system');
    const saved = {
      host: process.env['KUBERNETES_SERVICE_HOST'],
      port: process.env['KUBERNETES_SERVICE_PORT'],
    };
    process.env['KUBERNETES_SERVICE_HOST'] = '127.0.0.1';
    process.env['KUBERNETES_SERVICE_PORT'] = String(cluster.port);
    try {
      const inCluster = await KubeClient.fromKubeConfig({ inCluster: { pathPrefix: prefix } });
      assert.equal(inCluster.defaultNamespace, 'kube-system');
      const ns = await inCluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' });
      assert.equal(ns.metadata.name, 'kube-system');
      inCluster.close();
    } finally {
      for (const [k, v] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('returns typed errors with the API message and causes', async () => {
    await assert.rejects(
      kube.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'Not_Valid', namespace: 'default' },
      }),
      (e: unknown) => {
        assert.ok(e instanceof KubeApiError);
        assert.equal(e.code, 422);
        assert.equal(e.statusReason, 'Invalid');
        assert.equal(e.category, 'Terminal');
        assert.match(e.message, /Not_Valid/);
        assert.equal(e.object, 'ConfigMap/default/Not_Valid');
        return true;
      },
    );
  });

  it('maps kinds through discovery and refreshes it when a CRD appears', async () => {
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'default' },
      spec: { size: 1 },
    };
    await assert.rejects(
      kube.create(widget),
      /no matches for kind "Widget" in version "example.com\/v1"/,
    );
    await kube.create({
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
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
              },
            },
          },
        ],
      },
    });
    const resource = await (async () => {
      const end = Date.now() + 5000;
      for (;;) {
        const r = await kube.discovery.tryResourceFor({
          group: 'example.com',
          version: 'v1',
          kind: 'Widget',
        });
        if (r || Date.now() > end) return r;
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    assert.deepEqual(resource && { plural: resource.plural, namespaced: resource.namespaced }, {
      plural: 'widgets',
      namespaced: true,
    });
    assert.ok(resource?.verbs.includes('watch'));
    const made = await kube.create(widget);
    assert.equal(made.metadata.name, 'w1');
  });

  it('shares one informer and cache per kind, namespace and selector', async () => {
    const shared = new SharedInformers(kube);
    const a = shared.informerFor({ apiVersion: 'v1', kind: 'Namespace' });
    const b = shared.informerFor({ apiVersion: 'v1', kind: 'Namespace' });
    const c = shared.informerFor({ apiVersion: 'v1', kind: 'Namespace', labelSelector: 'team=a' });
    assert.equal(a, b);
    assert.notEqual(a, c);
    await Promise.all([a.start(), b.start()]);
    assert.equal(a.lists, 1);
    assert.ok(b.get('default'));
    await shared.stopAll();
  });

  it('shared informers apply their transform, e.g. dropping managedFields, to listed and watched objects', async () => {
    await kube.create(cm('listed', { x: '1' }, 'kube-node-lease'));
    const shared = new SharedInformers(kube, undefined, dropManagedFields);
    const informer = shared.informerFor({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-node-lease',
    });
    const seen: KubeObject[] = [];
    informer.on((_type, obj) => seen.push(obj));
    await informer.start();
    try {
      await kube.create(cm('watched', { x: '1' }, 'kube-node-lease'));
      await until('add', () => informer.get('watched', 'kube-node-lease') !== undefined);
      const live = await kube.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'watched',
        namespace: 'kube-node-lease',
      });
      assert.ok(live.metadata.managedFields?.length, 'the server records managedFields');
      for (const name of ['listed', 'watched']) {
        const cached = informer.get(name, 'kube-node-lease');
        assert.equal(cached?.metadata.managedFields, undefined, name);
        assert.deepEqual(cached?.['data'], { x: '1' });
      }
      assert.ok(seen.length >= 2 && seen.every((o) => o.metadata.managedFields === undefined));
    } finally {
      await shared.stopAll();
    }
  });

  it('informer lists, then sees add, update and delete, and resumes after the watch ends', async () => {
    await kube.create(cm('before', { x: '1' }, 'kube-public'));
    const informer = new Informer(kube, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-public',
      watchTimeoutSeconds: 1,
    });
    const events: [InformerEventType, string][] = [];
    informer.on((type, obj) => events.push([type, obj.metadata.name ?? '']));
    await informer.start();
    try {
      assert.ok(informer.hasSynced);
      assert.ok(informer.get('before', 'kube-public'));
      await kube.create(cm('later', { x: '1' }, 'kube-public'));
      await until('add', () => informer.get('later', 'kube-public') !== undefined);
      // Let the 1 s server-side watch timeout pass: the informer must re-watch from its resourceVersion.
      await new Promise((r) => setTimeout(r, 1300));
      await kube.patch(
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'later', namespace: 'kube-public' },
        PatchType.Merge,
        { data: { x: '2' } },
      );
      await until(
        'update',
        () =>
          (informer.get('later', 'kube-public')?.['data'] as Record<string, string> | undefined)?.[
            'x'
          ] === '2',
      );
      await kube.delete({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'later',
        namespace: 'kube-public',
      });
      await until('delete', () => informer.get('later', 'kube-public') === undefined);
      assert.deepEqual(
        events.filter(([, n]) => n === 'later').map(([t]) => t),
        ['add', 'update', 'delete'],
      );
      assert.deepEqual(
        events.filter(([, n]) => n === 'before').map(([t]) => t),
        ['add'],
      );
      assert.equal(informer.lists, 1, 'no relist needed while the resourceVersion is valid');
    } finally {
      await informer.stop();
    }
  });
});

describe('Informer bookmarks and 410 Gone', () => {
  let bookmarking: Cluster;
  let forgetful: Cluster;

  before(async () => {
    bookmarking = await startLocalCluster({ port: 0, inMemory: true, bookmarkIntervalMs: 100 });
    forgetful = await startLocalCluster({ port: 0, inMemory: true, watchHistory: 5 });
  });
  after(async () => {
    await bookmarking.stop();
    await forgetful.stop();
  });

  /** Starts an informer on a quiet namespace, churns elsewhere, then checks it still works. */
  async function churnAround(
    cluster: Cluster,
    check: (informer: Informer, listedRv: number) => boolean,
  ): Promise<Informer> {
    const kube = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
    await kube.create(cm('steady', { x: '1' }, 'kube-public'));
    const informer = new Informer(kube, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-public',
      watchTimeoutSeconds: 1,
    });
    const events: string[] = [];
    informer.on((type, obj) => events.push(`${type} ${obj.metadata.name ?? ''}`));
    await informer.start();
    try {
      const listed = Number(informer.lastResourceVersion);
      // More events than the forgetful server keeps, none of them for this informer.
      for (let i = 0; i < 12; i++) await kube.create(cm(`churn-${i}`, { i: String(i) }, 'default'));
      await until('bookmark or relist', () => check(informer, listed), { timeoutMs: 6000 });
      await kube.create(cm('after', { x: '1' }, 'kube-public'));
      await until('event after resume', () => informer.get('after', 'kube-public') !== undefined);
      // kube-root-ca.crt is in every namespace, as on kube-apiserver: listed once, not an event.
      assert.deepEqual(
        events.filter((e) => e !== 'add kube-root-ca.crt'),
        ['add steady', 'add after'],
        'no spurious events',
      );
      return informer;
    } finally {
      await informer.stop();
      kube.close();
    }
  }

  it('advances its resourceVersion on bookmarks without events', async () => {
    const inf = await churnAround(
      bookmarking,
      (i, listed) => Number(i.lastResourceVersion) > listed,
    );
    assert.equal(inf.lists, 1);
  });

  it('relists on 410 Gone when its resourceVersion is older than the server keeps', async () => {
    const inf = await churnAround(forgetful, (i) => i.lists >= 2);
    assert.ok(inf.lists >= 2);
  });
});

describe('Informer without a server', () => {
  it('rejects start after the timeout and keeps retrying until stopped', async () => {
    const kube = await KubeClient.fromKubeConfig({
      yaml: `apiVersion: v1
kind: Config
current-context: c
clusters: [{name: c, cluster: {server: 'http://127.0.0.1:9', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
`,
    });
    const informer = new Informer(kube, { apiVersion: 'v1', kind: 'ConfigMap', backoffMs: 20 });
    await assert.rejects(informer.start(200), /did not sync within 200 ms/);
    assert.equal(informer.hasSynced, false);
    await informer.stop();
    kube.close();
  });
});
