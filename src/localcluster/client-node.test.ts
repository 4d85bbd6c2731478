// @kubernetes/client-node 1.x against the local cluster: typed CRUD and a list/watch informer
// that sees add, update and delete.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { startLocalCluster, type LocalCluster } from './index.js';
import { eventually } from '../testing/index.js';

let cluster: LocalCluster;
let kc: KubeConfig;

before(async () => {
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
});

after(async () => {
  await cluster.stop();
});

describe('@kubernetes/client-node', () => {
  it('creates, reads and lists through the typed client', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'typed' }, data: { a: '1' } },
    });
    assert.equal(created.metadata?.name, 'typed');
    const read = await core.readNamespacedConfigMap({ name: 'typed', namespace: 'default' });
    assert.equal(read.data?.a, '1');
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    assert.ok(list.items.some((i) => i.metadata?.name === 'typed'));
    await assert.rejects(
      core.readNamespacedConfigMap({ name: 'absent', namespace: 'default' }),
      (err: unknown) => {
        return typeof err === 'object' && err !== null && (err as { code?: number }).code === 404;
      },
    );
  });

  it('drives an informer through add, update and delete', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(
      kc,
      '/api/v1/namespaces/kube-public/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'kube-public' }),
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name ?? ''}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name ?? ''}:${o.data?.v ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name ?? ''}`));
    await core.createNamespacedConfigMap({
      namespace: 'kube-public',
      body: { metadata: { name: 'before' } },
    });
    await informer.start();
    try {
      await eventually(() => seen.includes('add:before'), 5000, 'initial add');
      await core.createNamespacedConfigMap({
        namespace: 'kube-public',
        body: { metadata: { name: 'live' }, data: { v: '1' } },
      });
      await eventually(() => seen.includes('add:live'), 5000, 'add');
      await core.replaceNamespacedConfigMap({
        name: 'live',
        namespace: 'kube-public',
        body: { metadata: { name: 'live' }, data: { v: '2' } },
      });
      await eventually(() => seen.includes('update:live:2'), 5000, 'update');
      await core.deleteNamespacedConfigMap({ name: 'live', namespace: 'kube-public' });
      await eventually(() => seen.includes('delete:live'), 5000, 'delete');
      assert.deepEqual(
        informer.list('kube-public').map((o) => o.metadata?.name),
        ['before', 'kube-root-ca.crt'],
      );
    } finally {
      await informer.stop();
    }
  });
});
