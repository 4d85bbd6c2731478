// The real-cluster helper itself: a real kube-apiserver starts, authorizes with RBAC, runs
// Deployments' Pods on a fake node, and stops leaving nothing behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../kube/index.js';
import { realClusterSkip, startRealCluster, type RealCluster } from './real-cluster.js';

describe('real kube-apiserver for tests', { skip: realClusterSkip() }, () => {
  let cluster: RealCluster;
  let admin: KubeClient;
  before(async () => {
    cluster = await startRealCluster({ users: [{ name: 'alice', groups: ['devs'] }] });
    admin = await KubeClient.fromKubeConfig({ path: cluster.kubeconfigPath });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('answers as Kubernetes v1.36 with the admin token', async () => {
    const ns = await admin.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' });
    assert.equal(ns.metadata.name, 'kube-system');
  });

  it('authorizes with RBAC: a user without a binding is forbidden', async () => {
    const alice = await KubeClient.fromKubeConfig({ path: cluster.kubeconfigFor('alice') });
    await assert.rejects(
      alice.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace: 'default' }),
      /forbidden/i,
    );
  });

  it('runs the Pods of a Deployment to Ready when fake nodes run', async (t) => {
    if (!cluster.fakeNodes) {
      t.skip('kwok or kube-scheduler not built: no fake nodes');
      return;
    }
    await admin.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    });
    const end = Date.now() + 60_000;
    for (;;) {
      const d = await admin.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'default',
        name: 'web',
      });
      const st = d['status'] as { readyReplicas?: number } | undefined;
      if (st?.readyReplicas === 2) break;
      if (Date.now() > end)
        assert.fail(`Deployment not ready: ${JSON.stringify(st)}\n${cluster.logTail('kwok')}`);
      await sleep(200);
    }
  });

  it('removes its files when stopped', async () => {
    const dir = dirname(cluster.kubeconfigPath);
    await cluster.stop();
    assert.equal(existsSync(dir), false);
  });
});
