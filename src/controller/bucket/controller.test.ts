// The Bucket controller end to end: objects in an S3 server (s3rver, in a child process), a
// Bucket and a Kustomization sourced from it, applied to the local cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import aws4 from 'aws4';
import { startLocalCluster, type LocalCluster } from '../../localcluster/index.js';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { installCrds } from '../crds.js';
import { startControllers, type RunningControllers } from '../controllers.js';
import type { Kustomization } from '../kustomization/types.js';

let cluster: LocalCluster;
let client: KubeClient;
let controllers: RunningControllers;
let s3: ChildProcess;
let port = 0;
let root: string;

/** Uploads an object with a SigV4-signed PUT (s3rver checks the access key id). */
function put(key: string, body: string): Promise<void> {
  const opts = aws4.sign(
    {
      host: `127.0.0.1:${port}`,
      path: `/manifests/${key}`,
      method: 'PUT',
      body,
      service: 's3',
      region: 'us-east-1',
    },
    { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  );
  return new Promise((resolve, reject) => {
    const req = request({ ...opts, host: '127.0.0.1', port }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${key}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cm = (value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-bucket\n  namespace: apps\ndata:\n  value: "${value}"\n`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-bucket-'));
  const main = createRequire(import.meta.url).resolve('s3rver');
  // s3rver encrypts continuation tokens with DES, which needs OpenSSL's legacy provider.
  s3 = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '-e',
      `const S3rver = require(${JSON.stringify(main)});
       new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(join(root, 's3'))},
         configureBuckets: [{ name: 'manifests' }] }).run().then((a) => console.log('LISTENING ' + a.port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: s3.stdout! }).on('line', (line) => {
      const m = /^LISTENING (\d+)$/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    s3.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
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
  s3.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

async function appliedFromBucket(revision: string | undefined): Promise<Kustomization> {
  const end = Date.now() + 30_000;
  for (;;) {
    const ks = await client.get<Kustomization>({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'from-bucket',
    });
    const ready = ks.status?.conditions?.find((c) => c.type === 'Ready');
    if (
      ready?.status === 'True' &&
      ks.status?.lastAppliedRevision &&
      ks.status.lastAppliedRevision !== revision
    )
      return ks;
    if (Date.now() > end) throw new Error(`not applied: ${JSON.stringify(ks.status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
        endpoint: `127.0.0.1:${port}`,
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
