// The controller runtime against a real API server (the local cluster over HTTPS): leader
// election on a Lease, events.k8s.io Events with series, and the manager's triggers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalCluster, type LocalCluster } from '../../localcluster/index.js';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { until } from '../../testing/index.js';
import { LeaderElector } from './leader-election.js';
import { EventRecorder } from './event-recorder.js';
import { Annotation, FlotillaError } from '../../core/index.js';
import { ControllerManager, shouldReconcileOnUpdate } from './manager.js';
import { reconcilerFor } from './reconciler.js';
import type { FluxObject, ReconcileDeps, Work } from './kind.js';
import { installCrds } from '../crds.js';

let cluster: LocalCluster;
let client: KubeClient;

before(async () => {
  cluster = await startLocalCluster({ port: 0, inMemory: true });
  client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
});

after(async () => {
  client.close();
  await cluster.stop();
});

describe('LeaderElector', () => {
  it('elects one leader, and a second candidate takes over when the first stops renewing', async () => {
    const leading: string[] = [];
    const make = (identity: string) =>
      new LeaderElector({
        client,
        namespace: 'default',
        name: 'flotilla-test-leader',
        identity,
        leaseDurationMs: 1000,
        renewDeadlineMs: 800,
        retryPeriodMs: 100,
        onStartedLeading: () => leading.push(identity),
      });
    const a = make('a');
    const b = make('b');
    a.start();
    await until('a.isLeader', () => a.isLeader);
    b.start();
    await sleep(400);
    assert.equal(b.isLeader, false, 'b waits while a renews');
    // As after a crash: a stops renewing without releasing the lease.
    const crashed = Date.now();
    await a.stop({ release: false });
    await until('b.isLeader', () => b.isLeader, { timeoutMs: 5000 });
    const tookMs = Date.now() - crashed;
    assert.ok(tookMs < 3000, `takeover took ${tookMs} ms`);
    const lease = await client.get<
      KubeObject & { spec: { holderIdentity: string; leaseTransitions: number } }
    >({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: 'default',
      name: 'flotilla-test-leader',
    });
    assert.equal(lease.spec.holderIdentity, 'b');
    assert.equal(lease.spec.leaseTransitions, 1);
    assert.deepEqual(leading, ['a', 'b']);
    await b.stop();
    await a.stop();
  });

  it('fences writes: once the renew deadline has passed without a renewal, checkLease throws', async () => {
    const elector = new LeaderElector({
      client,
      namespace: 'default',
      name: 'flotilla-test-fence',
      identity: 'fenced',
      leaseDurationMs: 1000,
      renewDeadlineMs: 800,
      retryPeriodMs: 100,
      onStartedLeading: () => undefined,
    });
    assert.throws(() => elector.checkLease(), /not writing/, 'not leading yet');
    elector.start();
    await until('leading', () => elector.isLeader);
    elector.checkLease();
    // As SIGSTOP would: nothing runs in this process for longer than the renew deadline.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 900);
    assert.throws(
      () => elector.checkLease(),
      (e: unknown) => e instanceof FlotillaError && e.reason === 'LeaseExpired',
    );
    // A guarded client refuses writes then, and still reads.
    const guarded = client.guarded(() => elector.checkLease());
    await assert.rejects(
      guarded.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'late', namespace: 'default' },
      }),
      /not writing/,
    );
    assert.equal(
      await guarded.getOrUndefined({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'default',
        name: 'late',
      }),
      undefined,
    );
    // Renewed again (no one else took the lease), it may write.
    await until('renewed', () => {
      try {
        elector.checkLease();
        return true;
      } catch {
        return false;
      }
    });
    await elector.stop();
  });

  it('releases the lease on stop so the next candidate takes over at once', async () => {
    const a = new LeaderElector({
      client,
      namespace: 'default',
      name: 'flotilla-test-release',
      identity: 'a',
      leaseDurationMs: 30_000,
      retryPeriodMs: 100,
      onStartedLeading: () => undefined,
    });
    a.start();
    await until('a.isLeader', () => a.isLeader);
    await a.stop();
    const b = new LeaderElector({
      client,
      namespace: 'default',
      name: 'flotilla-test-release',
      identity: 'b',
      leaseDurationMs: 30_000,
      retryPeriodMs: 100,
      onStartedLeading: () => undefined,
    });
    b.start();
    await until('b.isLeader', () => b.isLeader, { timeoutMs: 3000 });
    await b.stop();
  });
});

describe('EventRecorder', () => {
  it('creates an events.k8s.io/v1 Event and folds repeats into a series', async () => {
    const cm = await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'evented', namespace: 'default' },
      data: { a: 'b' },
    });
    const recorder = new EventRecorder({ client, controller: 'flotilla/test', instance: 'test-1' });
    await recorder.record(cm, {
      type: 'Normal',
      reason: 'ReconciliationSucceeded',
      note: 'applied',
    });
    await recorder.record(cm, {
      type: 'Normal',
      reason: 'ReconciliationSucceeded',
      note: 'applied',
    });
    await recorder.record(cm, {
      type: 'Warning',
      reason: 'HealthCheckFailed',
      note: 'x'.repeat(2000),
    });
    const events = await client.list<KubeObject & Record<string, unknown>>(
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { namespace: 'default' },
    );
    const mine = events.items.filter(
      (e) => (e['regarding'] as { name?: string }).name === 'evented',
    );
    assert.equal(mine.length, 2);
    const ok = mine.find((e) => e['reason'] === 'ReconciliationSucceeded');
    assert.equal((ok?.['series'] as { count?: number } | undefined)?.count, 2);
    assert.equal(ok?.['reportingController'], 'flotilla/test');
    const warn = mine.find((e) => e['reason'] === 'HealthCheckFailed');
    assert.equal(warn?.['type'], 'Warning');
    assert.equal((warn?.['note'] as string).length, 1024);
  });
});

describe('ControllerManager', () => {
  it('reconciles on create, spec change and requestedAt, not on status-only or label changes', async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mgr' } });
    const seen: string[] = [];
    const manager = new ControllerManager({ client, namespace: 'mgr' });
    manager.register({
      name: 'deployments',
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      reconcile: (key) => {
        seen.push(key.name);
        return Promise.resolve({});
      },
    });
    await manager.start();
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'mgr' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    };
    await client.create(dep);
    await until('seen.length === 1', () => seen.length === 1);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'mgr', name: 'web' };
    await client.patch(ref, 'merge', { metadata: { labels: { x: 'y' } } });
    await sleep(300);
    assert.equal(seen.length, 1, 'a label change does not trigger');
    await client.patch(ref, 'merge', { spec: { replicas: 2 } });
    await until('seen.length === 2', () => seen.length === 2);
    await client.patch(ref, 'merge', {
      metadata: { annotations: { [Annotation.ReconcileRequestedAt]: 'now' } },
    });
    await until('seen.length === 3', () => seen.length === 3);
    await manager.stop();
  });

  it('decides triggers like Flux predicates', () => {
    const base = { apiVersion: 'v1', kind: 'X', metadata: { name: 'a', generation: 1 } };
    assert.equal(shouldReconcileOnUpdate(undefined, base), true);
    assert.equal(
      shouldReconcileOnUpdate(base, { ...base, metadata: { ...base.metadata, generation: 2 } }),
      true,
    );
    assert.equal(
      shouldReconcileOnUpdate(base, {
        ...base,
        metadata: { ...base.metadata, labels: { a: 'b' } },
      }),
      false,
    );
    assert.equal(
      shouldReconcileOnUpdate(base, {
        ...base,
        metadata: { ...base.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
      }),
      true,
    );
  });
});

describe('reconcilerFor', () => {
  it('writes the final status when a progress patch changed it, even if it equals the status read', async () => {
    await installCrds(client);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'progress' } });
    const ref = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      namespace: 'progress',
      name: 'repo',
    } as const;
    await client.create({
      ...ref,
      metadata: { name: ref.name, namespace: ref.namespace },
      spec: { url: 'https://example.test/repo.git', interval: '5m' },
    });
    const reg = reconcilerFor<FluxObject, ReconcileDeps, Work>({
      client,
      deps: {},
      kind: {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        conditions: { summary: ['Stored'], negative: [] },
        steps: [
          async (ctx) => {
            ctx.progressing('working on it');
            await ctx.patch();
          },
          (ctx) => {
            ctx.conditions.markTrue('Stored', 'Succeeded', 'done');
            return Promise.resolve();
          },
        ],
      },
    });
    const readyMessage = async () =>
      (await client.get<FluxObject & KubeObject>(ref)).status?.conditions?.find(
        (c) => c.type === 'Ready',
      )?.message;
    await reg.reconcile({ namespace: ref.namespace, name: ref.name }, new AbortController().signal);
    assert.equal(await readyMessage(), 'done');
    // The second reconcile ends where the first did, but patched "working on it" meanwhile.
    await reg.reconcile({ namespace: ref.namespace, name: ref.name }, new AbortController().signal);
    assert.equal(await readyMessage(), 'done');
  });
});
