// The Bucket controller end to end: objects in an S3 server (s3rver, in a child process), a
// Bucket and a Kustomization sourced from it, applied to the local cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../localcluster/index.js';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { s3Request, startS3rver, until, type TestServer } from '../../testing/index.js';
import { installCrds } from '../crds.js';
import { startControllers, type RunningControllers } from '../controllers.js';
import type { Kustomization } from '../kustomization/types.js';

let cluster: LocalCluster;
let client: KubeClient;
let controllers: RunningControllers;
let s3: TestServer;
let root: string;

/** Uploads an object to the `manifests` bucket. */
async function put(key: string, body: string): Promise<void> {
  const code = await s3Request(s3, 'PUT', `/manifests/${key}`, body);
  if (code !== 200) throw new Error(`PUT ${key}: ${code}`);
}

const cm = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-bucket\n  namespace: apps\ndata:\n  value: "${value}"\n`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-bucket-'));
  s3 = await startS3rver(['manifests']);
  cluster = await startLocalCluster({ port: 0, inMemory: true });
  client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  await installCrds(client);
  for (const ns of ['flux-system', 'apps'])
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  controllers = await startControllers({ client, dataDir: join(root, 'data'), health: false });
});

after(async () => {
  await controllers.stop();
  client.close();
  await cluster.stop();
  await s3.stop();
  rmSync(root, { recursive: true, force: true });
});

function appliedFromBucket(revision: string | undefined): Promise<Kustomization> {
  return until(
    'the Kustomization applied from the bucket',
    async () => {
      const ks = await client.get<Kustomization>({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'from-bucket',
      });
      const ready = ks.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' &&
        ks.status?.lastAppliedRevision &&
        ks.status.lastAppliedRevision !== revision
        ? ks
        : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

describe('Bucket controller, end to end', () => {
  it('applies manifests from an S3 bucket and follows a change of its objects', async () => {
    await put('deploy/cm.yaml', cm('one'));
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's3-creds', namespace: 'flux-system' },
      stringData: { accesskey: 'S3RVER', secretkey: 'S3RVER' },
    });
    await client.create({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'Bucket',
      metadata: { name: 'manifests', namespace: 'flux-system' },
      spec: {
        provider: 'generic',
        bucketName: 'manifests',
        endpoint: s3.hostPort,
        insecure: true,
        interval: '10m',
        secretRef: { name: 's3-creds' },
      },
    });
    await client.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'from-bucket', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './deploy',
        prune: true,
        sourceRef: { kind: 'Bucket', name: 'manifests' },
      },
    });
    const first = await appliedFromBucket(undefined);
    assert.match(first.status?.lastAppliedRevision ?? '', /^sha256:[0-9a-f]{64}$/);
    const get = () =>
      client.get<KubeObject & { data: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apps',
        name: 'from-bucket',
      });
    assert.equal((await get()).data['value'], 'one');

    await put('deploy/cm.yaml', cm('two'));
    await client.patch(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'Bucket',
        namespace: 'flux-system',
        name: 'manifests',
      },
      'merge',
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } },
    );
    const second = await appliedFromBucket(first.status?.lastAppliedRevision);
    assert.notEqual(second.status?.lastAppliedRevision, first.status?.lastAppliedRevision);
    assert.equal((await get()).data['value'], 'two');
  });
});
