// In-process controllers: ownerReference garbage collection (background, foreground, orphan),
// namespace deletion, and workload simulation (ready, failing, Jobs, LoadBalancers, PVCs).
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return -- JSON API responses are read through the `Json` (any) type */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient, eventually, type Json } from '../testing/index.js';
import { asString } from './object-meta.js';

let cluster: LocalCluster;
let c: TestClient;
const NS = '/api/v1/namespaces';

function cm(
  name: string,
  owner?: Json,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const ownerReferences = owner
    ? [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: owner.metadata.name,
          uid: owner.metadata.uid,
          blockOwnerDeletion: true,
        },
      ]
    : undefined;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(ownerReferences ? { ownerReferences } : {}), ...extra },
  };
}

function deployment(name: string, image: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image }] },
      },
    },
  };
}

function condition(o: Json, type: string): Json {
  return ((o.status?.conditions ?? []) as unknown as Json[]).find((x) => x.type === type);
}

before(async () => {
  cluster = await startLocalCluster({ inMemory: true, simulationDelayMs: 100 });
  c = new TestClient(cluster);
  await c.send('POST', NS, {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gc' } },
  });
});

after(async () => {
  c.close();
  await cluster.stop();
});

const GC = `${NS}/gc/configmaps`;
const exists = async (name: string): Promise<boolean> =>
  (await c.send('GET', `${GC}/${name}`)).status === 200;

describe('garbage collection', () => {
  it('deletes dependents in the background after their owner', async () => {
    const owner = (await c.send('POST', GC, { body: cm('bg-owner') })).body;
    await c.send('POST', GC, { body: cm('bg-dep', owner) });
    await c.send('DELETE', `${GC}/bg-owner`);
    await eventually(async () => !(await exists('bg-dep')), 3000, 'dependent deleted');
  });

  it('holds a foreground-deleted owner until its dependents are gone', async () => {
    const owner = (await c.send('POST', GC, { body: cm('fg-owner') })).body;
    await c.send('POST', GC, { body: cm('fg-dep', owner, { finalizers: ['example.com/slow'] }) });
    const del = await c.send('DELETE', `${GC}/fg-owner`, {
      body: { propagationPolicy: 'Foreground' },
    });
    // 200 with the object, as kube-apiserver (202 only for orphanDependents=false)
    assert.equal(del.status, 200);
    assert.deepEqual(del.body.metadata.finalizers, ['foregroundDeletion']);
    const dep = await eventually(
      async () => {
        const d = await c.send('GET', `${GC}/fg-dep`);
        return d.body.metadata?.deletionTimestamp ? d.body : undefined;
      },
      3000,
      'dependent marked',
    );
    assert.ok(await exists('fg-owner'), 'owner waits for the dependent');
    await c.send('PUT', `${GC}/fg-dep`, {
      body: {
        ...(dep as unknown as Record<string, unknown>),
        metadata: { ...(dep.metadata as unknown as object), finalizers: [] },
      },
    });
    await eventually(async () => !(await exists('fg-owner')), 3000, 'owner deleted');
  });

  it('orphans dependents when asked', async () => {
    const owner = (await c.send('POST', GC, { body: cm('or-owner') })).body;
    await c.send('POST', GC, { body: cm('or-dep', owner) });
    await c.send('DELETE', `${GC}/or-owner?propagationPolicy=Orphan`);
    await eventually(async () => !(await exists('or-owner')), 3000, 'owner deleted');
    const dep = await c.send('GET', `${GC}/or-dep`);
    assert.equal(dep.status, 200);
    assert.equal(dep.body.metadata.ownerReferences, undefined);
  });
});

describe('namespace deletion', () => {
  it('marks the namespace Terminating, refuses new content, removes everything inside, then the namespace', async () => {
    await c.send('POST', NS, {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } },
    });
    await c.send('POST', `${NS}/doomed/configmaps`, {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', finalizers: ['example.com/x'] },
      },
    });
    await c.send('POST', `${NS}/doomed/secrets`, {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'b' } },
    });
    const del = await c.send('DELETE', `${NS}/doomed`);
    assert.equal(del.status, 200);
    assert.equal(del.body.status.phase, 'Terminating');
    const refused = await c.send('POST', `${NS}/doomed/configmaps`, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } },
    });
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.message,
      'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );
    await eventually(
      async () => (await c.send('GET', `${NS}/doomed/secrets/s`)).status === 404,
      3000,
      'secret deleted',
    );
    assert.equal(
      (await c.send('GET', `${NS}/doomed`)).status,
      200,
      'namespace waits for the finalizer',
    );
    const held = (await c.send('GET', `${NS}/doomed/configmaps/held`)).body;
    await c.send('PUT', `${NS}/doomed/configmaps/held`, {
      body: {
        ...(held as unknown as Record<string, unknown>),
        metadata: { ...(held.metadata as unknown as object), finalizers: [] },
      },
    });
    await eventually(
      async () => (await c.send('GET', `${NS}/doomed`)).status === 404,
      3000,
      'namespace deleted',
    );
  });
});

describe('workload simulation', () => {
  const D = `${NS}/gc/deployments`.replace('/api/v1', '/apis/apps/v1');

  it('makes a Deployment progress and then become Available', async () => {
    await c.send('POST', D, { body: deployment('ok', 'nginx:1.27') });
    const progressing = await eventually(
      async () => {
        const d = (await c.send('GET', `${D}/ok`)).body;
        return d.status?.observedGeneration === 1 ? d : undefined;
      },
      3000,
      'observedGeneration',
    );
    assert.equal(condition(progressing, 'Progressing')?.status, 'True');
    const ready = await eventually(
      async () => {
        const d = (await c.send('GET', `${D}/ok`)).body;
        return condition(d, 'Available')?.status === 'True' ? d : undefined;
      },
      3000,
      'Available',
    );
    assert.equal(ready.status.readyReplicas, 2);
    assert.equal(ready.status.availableReplicas, 2);
    assert.equal(ready.status.updatedReplicas, 2);
    assert.equal(condition(ready, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  });

  it('fails a Deployment whose image tag is fail with ProgressDeadlineExceeded', async () => {
    await c.send('POST', D, { body: deployment('bad', 'nginx:fail') });
    const failed = await eventually(
      async () => {
        const d = (await c.send('GET', `${D}/bad`)).body;
        return condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
      },
      3000,
      'ProgressDeadlineExceeded',
    );
    assert.equal(condition(failed, 'Progressing')?.status, 'False');
    assert.equal(condition(failed, 'Available')?.status, 'False');
  });

  it('runs Pods, and leaves Pods with a fail image in ImagePullBackOff', async () => {
    const pod = (name: string, image: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image }] },
    });
    await c.send('POST', `${NS}/gc/pods`, { body: pod('runs', 'nginx:1') });
    await c.send('POST', `${NS}/gc/pods`, { body: pod('stuck', 'nginx:fail') });
    const running = await eventually(
      async () => {
        const p = (await c.send('GET', `${NS}/gc/pods/runs`)).body;
        return p.status?.phase === 'Running' ? p : undefined;
      },
      3000,
      'Pod Running',
    );
    assert.equal(condition(running, 'Ready')?.status, 'True');
    assert.match(asString(running.status.podIP), /^10\.244\./);
    const stuck = await eventually(
      async () => {
        const p = (await c.send('GET', `${NS}/gc/pods/stuck`)).body;
        return p.status?.containerStatuses ? p : undefined;
      },
      3000,
      'Pod status',
    );
    assert.equal(stuck.status.phase, 'Pending');
    assert.equal(stuck.status.containerStatuses[0].state.waiting.reason, 'ImagePullBackOff');
    const table = await c.send('GET', `${NS}/gc/pods`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const rows = (table.body.rows as Json[])
      .map((r) => (r.cells as unknown[]).slice(0, 3))
      .filter((cells) => cells[0] === 'runs' || cells[0] === 'stuck'); // Deployments' Pods too
    assert.deepEqual(rows, [
      ['runs', '1/1', 'Running'],
      ['stuck', '0/1', 'ImagePullBackOff'],
    ]);
  });

  it('completes Jobs, fails failing Jobs, binds PVCs and gives LoadBalancers an IP', async () => {
    const J = `${NS}/gc/jobs`.replace('/api/v1', '/apis/batch/v1');
    const job = (name: string, image: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } } },
    });
    await c.send('POST', J, { body: job('done', 'busybox:1') });
    await c.send('POST', J, { body: job('broken', 'busybox:fail') });
    await c.send('POST', `${NS}/gc/persistentvolumeclaims`, {
      body: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      },
    });
    await c.send('POST', `${NS}/gc/services`, {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
      },
    });
    await eventually(
      async () => condition((await c.send('GET', `${J}/done`)).body, 'Complete')?.status === 'True',
      3000,
      'Job Complete',
    );
    await eventually(
      async () => condition((await c.send('GET', `${J}/broken`)).body, 'Failed')?.status === 'True',
      3000,
      'Job Failed',
    );
    const pvc = await eventually(
      async () => {
        const p = (await c.send('GET', `${NS}/gc/persistentvolumeclaims/data`)).body;
        return p.status?.phase === 'Bound' ? p : undefined;
      },
      3000,
      'PVC Bound',
    );
    assert.equal(pvc.status.capacity.storage, '2Gi');
    const svc = await eventually(
      async () => {
        const s = (await c.send('GET', `${NS}/gc/services/lb`)).body;
        return s.status?.loadBalancer?.ingress ? s : undefined;
      },
      3000,
      'LB ingress',
    );
    assert.match(asString(svc.status.loadBalancer.ingress[0]?.ip), /^172\.18\.255\.\d+$/);
  });
});
