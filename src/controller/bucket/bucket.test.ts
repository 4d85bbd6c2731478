// Bucket reconciliation against real servers on 127.0.0.1: s3rver (generic/aws) and Azurite (azure).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ContainerSASPermissions,
  BlobServiceClient,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import {
  ArtifactStore,
  fetchArtifact,
  startArtifactServer,
  type ArtifactServer,
  ObjectIndex,
  S3Client,
  createBucketClient,
  accountNameFromEndpoint,
  type Bucket,
  type BucketSecretData,
  type BucketSpec,
  type BucketStatus,
} from '../../source/index.js';
import { reconcileBucket } from './kind.js';
import type { BucketReconcileDeps } from './work.js';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  writeTestCertificates,
  startAzurite,
  s3Request,
  startS3rver,
  type TestCertificateFiles,
  type TestServer,
} from '../../testing/index.js';

const S3_CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function condition(
  status: BucketStatus,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  const c = status.conditions?.find((x) => x.type === type);
  return c ? { status: c.status, reason: c.reason, message: c.message } : undefined;
}

let work: string;
let store: ArtifactStore;
let artifactServer: ArtifactServer;
const secrets = new Map<string, BucketSecretData>();
let clock = Date.UTC(2025, 0, 1);

function deps(extra: Partial<BucketReconcileDeps> = {}): BucketReconcileDeps {
  return {
    store,
    getSecret: (ns, name) => Promise.resolve(secrets.get(`${ns}/${name}`)),
    now: () => new Date((clock += 1000)),
    tmpDir: work,
    ...extra,
  };
}

function bucketObject(
  name: string,
  spec: Partial<BucketSpec> & Pick<BucketSpec, 'bucketName' | 'endpoint'>,
  status?: BucketStatus,
  generation = 1,
): Bucket {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'Bucket',
    metadata: { name, namespace: 'default', generation },
    spec: { interval: '5m', ...spec },
    ...(status ? { status } : {}),
  };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'flotilla-bucket-'));
  store = await ArtifactStore.open({ root: join(work, 'storage') });
  artifactServer = await startArtifactServer({ store });
});
after(async () => {
  await artifactServer.close();
  await rm(work, { recursive: true, force: true });
});

describe('Bucket with the generic (S3) provider on s3rver', () => {
  let s3: TestServer;
  before(async () => {
    s3 = await startS3rver(['manifests', 'other']);
    secrets.set('default/s3-creds', { accesskey: 'S3RVER', secretkey: 'S3RVER' });
    // s3rver checks access key ids but not SigV4 signatures: an unknown key is its auth failure.
    secrets.set('default/s3-wrong', { accesskey: 'NOBODY', secretkey: 'not-the-key' });
    secrets.set('default/s3-incomplete', { accesskey: 'S3RVER' });
    for (const [key, body] of [
      ['apps/deploy.yaml', 'kind: Deployment\n'],
      ['apps/svc.yaml', 'kind: Service\n'],
      ['infra/ns.yaml', 'kind: Namespace\n'],
      ['docs/readme.md', '# docs\n'],
    ] as const) {
      assert.equal(await s3Request(s3, 'PUT', `/manifests/${key}`, body), 200);
    }
  });
  after(() => s3.stop());

  const spec = (): Pick<BucketSpec, 'bucketName' | 'endpoint' | 'insecure' | 'secretRef'> => ({
    bucketName: 'manifests',
    endpoint: s3.hostPort,
    insecure: true,
    secretRef: { name: 's3-creds' },
  });

  let first: BucketStatus;

  it('builds an artifact whose revision is the sha256 of the sorted key/etag index', async () => {
    const obj = bucketObject('site', spec());
    const res = await reconcileBucket(
      {
        ...obj,
        metadata: { ...obj.metadata, annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } },
      },
      deps(),
    );
    assert.equal(res.error, undefined, res.error?.message);
    const index = new ObjectIndex();
    for (const [k, v] of [
      ['apps/deploy.yaml', 'kind: Deployment\n'],
      ['apps/svc.yaml', 'kind: Service\n'],
      ['infra/ns.yaml', 'kind: Namespace\n'],
      ['docs/readme.md', '# docs\n'],
    ] as const) {
      index.add(k, md5(v));
    }
    const expected = `sha256:${createHash('sha256')
      .update(
        [
          `apps/deploy.yaml ${md5('kind: Deployment\n')}`,
          `apps/svc.yaml ${md5('kind: Service\n')}`,
          `docs/readme.md ${md5('# docs\n')}`,
          `infra/ns.yaml ${md5('kind: Namespace\n')}`,
        ].join('\n') + '\n',
      )
      .digest('hex')}`;
    assert.equal(index.digest(), expected);
    const { artifact } = res.status;
    assert.ok(artifact);
    assert.equal(artifact.revision, expected);
    assert.equal(artifact.path, `bucket/default/site/${expected.slice('sha256:'.length)}.tar.gz`);
    assert.equal(res.artifactChanged, true);
    assert.equal(res.requeueAfterMs, 5 * 60_000);
    assert.equal(res.status.observedGeneration, 1);
    assert.equal(res.status.lastHandledReconcileAt, 'now-1');
    assert.deepEqual(condition(res.status, 'Ready'), {
      status: 'True',
      reason: 'Succeeded',
      message: `stored artifact: revision '${expected}'`,
    });
    assert.deepEqual(condition(res.status, 'ArtifactInStorage')?.status, 'True');
    assert.equal(condition(res.status, 'Reconciling'), undefined);
    assert.equal(condition(res.status, 'FetchFailed'), undefined);
    assert.deepEqual(res.events, [
      {
        type: 'Normal',
        reason: 'NewArtifact',
        message: "stored artifact with 4 fetched files from 'manifests' bucket",
        annotations: {
          'source.toolkit.fluxcd.io/revision': expected,
          'source.toolkit.fluxcd.io/digest': artifact.digest,
        },
      },
    ]);
    assert.equal(res.status.url, `${artifactServer.url}/bucket/default/site/latest.tar.gz`);

    // Consumers download it (via the latest link too) and verify the digest.
    const dest = join(work, 'consumer-site');
    await fetchArtifact(res.status.url, artifact.digest, dest);
    assert.equal(await readFile(join(dest, 'apps/deploy.yaml'), 'utf8'), 'kind: Deployment\n');
    assert.deepEqual((await readdir(dest)).sort(), ['apps', 'docs', 'infra']);
    first = res.status;
  });

  it('produces no new artifact when nothing changed', async () => {
    const res = await reconcileBucket(bucketObject('site', spec(), first), deps());
    assert.equal(res.error, undefined);
    assert.equal(res.artifactChanged, false);
    assert.deepEqual(res.status.artifact, first.artifact);
    assert.deepEqual(res.events, []);
    assert.equal(condition(res.status, 'Ready')?.status, 'True');
  });

  it('produces a new revision and artifact when an object changes, keeping two artifacts', async () => {
    let status = first;
    const revisions = new Set([first.artifact?.revision]);
    for (let i = 0; i < 3; i++) {
      assert.equal(
        await s3Request(s3, 'PUT', '/manifests/apps/deploy.yaml', `kind: Deployment\n# v${i}\n`),
        200,
      );
      const res = await reconcileBucket(bucketObject('site', spec(), status), deps());
      assert.equal(res.error, undefined, res.error?.message);
      assert.equal(res.artifactChanged, true);
      assert.equal(res.events[0]?.reason, 'NewArtifact');
      revisions.add(res.status.artifact?.revision);
      status = res.status;
    }
    assert.equal(revisions.size, 4);
    // Garbage collection runs at the start of each reconcile: the current and one older remain.
    await reconcileBucket(bucketObject('site', spec(), status), deps());
    const files = await store.list({ kind: 'Bucket', namespace: 'default', name: 'site' });
    assert.equal(files.length, 2);
    assert.ok(files.some((f) => f.path === status.artifact?.path));
  });

  it('applies the prefix, the bucket root .sourceignore and spec.ignore', async () => {
    assert.equal(await s3Request(s3, 'PUT', '/manifests/.sourceignore', '*.md\n'), 200);
    const res = await reconcileBucket(
      bucketObject('filtered', { ...spec(), prefix: 'apps/', ignore: 'svc.yaml' }),
      deps(),
    );
    assert.equal(res.error, undefined, res.error?.message);
    const dest = join(work, 'consumer-filtered');
    await fetchArtifact(res.status.artifact?.url ?? '', res.status.artifact?.digest ?? '', dest);
    assert.deepEqual(await readdir(dest), ['apps']);
    assert.deepEqual(await readdir(join(dest, 'apps')), ['deploy.yaml']);
    assert.equal(res.status.observedIgnore, 'svc.yaml');

    const all = await reconcileBucket(bucketObject('all', spec()), deps());
    const dest2 = join(work, 'consumer-all');
    await fetchArtifact(all.status.artifact?.url ?? '', all.status.artifact?.digest ?? '', dest2);
    // .sourceignore drops docs/readme.md, and the .sourceignore object itself is not archived
    assert.deepEqual((await readdir(dest2)).sort(), ['apps', 'infra']);
    assert.equal(await s3Request(s3, 'DELETE', '/manifests/.sourceignore'), 204);
  });

  it('reports authentication failures with clear conditions and a warning event', async () => {
    const cases: readonly { secret: string | undefined; reason: string; message: RegExp }[] = [
      {
        secret: 's3-wrong',
        reason: 'BucketOperationFailed',
        message:
          /failed to confirm existence of 'manifests' bucket: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records. \(HTTP 403\)/,
      },
      {
        secret: 'missing',
        reason: 'AuthenticationFailed',
        message: /failed to get secret 'default\/missing': not found/,
      },
      {
        secret: 's3-incomplete',
        reason: 'AuthenticationFailed',
        message: /invalid 's3-incomplete' secret data: required fields 'accesskey' and 'secretkey'/,
      },
    ];
    for (const c of cases) {
      const res = await reconcileBucket(
        bucketObject(
          'auth',
          { ...spec(), ...(c.secret ? { secretRef: { name: c.secret } } : {}) },
          undefined,
          3,
        ),
        deps(),
      );
      assert.ok(res.error, c.secret);
      assert.equal(res.error.reason, c.reason);
      const ready = condition(res.status, 'Ready');
      assert.equal(ready?.status, 'False');
      assert.equal(ready?.reason, c.reason);
      assert.match(ready?.message ?? '', c.message);
      assert.equal(condition(res.status, 'FetchFailed')?.reason, c.reason);
      assert.deepEqual(condition(res.status, 'Reconciling'), {
        status: 'True',
        reason: 'ProgressingWithRetry',
        message: 'building artifact',
      });
      assert.equal(res.status.observedGeneration, undefined);
      assert.equal(res.status.artifact, undefined);
      assert.equal(res.events.at(-1)?.type, 'Warning');
      assert.equal(res.events.at(-1)?.reason, c.reason);
    }
  });

  it('keeps the artifact when a later fetch fails, and records the recovery', async () => {
    const ok = await reconcileBucket(bucketObject('keep', spec()), deps());
    assert.ok(ok.status.artifact);
    const failed = await reconcileBucket(
      bucketObject('keep', { ...spec(), secretRef: { name: 's3-wrong' } }, ok.status),
      deps(),
    );
    assert.deepEqual(failed.status.artifact, ok.status.artifact);
    assert.equal(condition(failed.status, 'Ready')?.status, 'False');
    assert.equal(condition(failed.status, 'ArtifactInStorage')?.status, 'True');
    assert.equal(condition(failed.status, 'Reconciling')?.reason, 'ProgressingWithRetry');
    const recovered = await reconcileBucket(bucketObject('keep', spec(), failed.status), deps());
    assert.equal(recovered.error, undefined);
    assert.equal(recovered.artifactChanged, false);
    assert.equal(condition(recovered.status, 'FetchFailed'), undefined);
    assert.equal(condition(recovered.status, 'Ready')?.status, 'True');
    assert.deepEqual(
      recovered.events.map((e) => [e.type, e.reason]),
      [['Normal', 'Succeeded']],
    );
  });

  it('says when the bucket does not exist', async () => {
    const res = await reconcileBucket(
      bucketObject('nobucket', { ...spec(), bucketName: 'missing' }),
      deps(),
    );
    assert.equal(res.error?.reason, 'BucketOperationFailed');
    assert.equal(condition(res.status, 'Ready')?.message, "bucket 'missing' not found");
  });

  it('rebuilds an artifact that disappeared from storage', async () => {
    const ok = await reconcileBucket(bucketObject('gone', spec()), deps());
    assert.ok(ok.status.artifact);
    await store.remove(ok.status.artifact);
    const res = await reconcileBucket(bucketObject('gone', spec(), ok.status), deps());
    assert.equal(res.artifactChanged, true);
    assert.equal(await store.exists(res.status.artifact ?? { path: 'x' }), true);
  });

  it('stalls on configuration Flotilla cannot serve, and honours suspend and deletion', async () => {
    const gcp = await reconcileBucket(
      bucketObject('gcp', { ...spec(), provider: 'gcp' }, undefined, 2),
      deps(),
    );
    assert.equal(condition(gcp.status, 'Stalled')?.reason, 'UnsupportedConfiguration');
    assert.equal(condition(gcp.status, 'FetchFailed')?.reason, 'UnsupportedConfiguration');
    assert.match(
      condition(gcp.status, 'Ready')?.message ?? '',
      /provider 'gcp' is not supported by Flotilla/,
    );
    assert.equal(condition(gcp.status, 'Ready')?.status, 'False');
    assert.equal(gcp.status.observedGeneration, 2);
    assert.equal(gcp.requeueAfterMs, undefined);

    const badInterval = await reconcileBucket(
      bucketObject('bad', { ...spec(), interval: '5 minutes' }),
      deps(),
    );
    assert.equal(badInterval.error?.reason, 'InvalidSpec');
    assert.match(badInterval.error?.message ?? '', /spec\.interval: invalid duration "5 minutes"/);

    const suspended = await reconcileBucket(
      bucketObject('site', { ...spec(), suspend: true }, first),
      deps(),
    );
    assert.deepEqual(suspended.status, first);
    assert.equal(suspended.requeueAfterMs, undefined);

    const del = bucketObject('gone', spec());
    const deleted = await reconcileBucket(
      { ...del, metadata: { ...del.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } },
      deps(),
    );
    assert.equal(deleted.deleted, true);
    assert.deepEqual(await store.list({ kind: 'Bucket', namespace: 'default', name: 'gone' }), []);
  });

  it('works with the aws provider and static credentials', async () => {
    const res = await reconcileBucket(
      bucketObject('aws', { ...spec(), provider: 'aws', region: 'eu-west-1' }),
      deps(),
    );
    assert.equal(res.error, undefined, res.error?.message);
    assert.equal(condition(res.status, 'Ready')?.status, 'True');
    const noCreds = await reconcileBucket(
      bucketObject('aws2', {
        bucketName: 'manifests',
        endpoint: s3.hostPort,
        insecure: true,
        provider: 'aws',
      }),
      deps({ env: {} }),
    );
    assert.equal(noCreds.error?.reason, 'AuthenticationFailed');
    assert.match(noCreds.error?.message ?? '', /AWS authentication failed/);
  });

  it('drops an object that vanishes between listing and download, as Flux does', async () => {
    assert.equal(await s3Request(s3, 'PUT', '/other/keep.yaml', 'keep'), 200);
    assert.equal(await s3Request(s3, 'PUT', '/other/vanish.yaml', 'vanish'), 200);
    const res = await reconcileBucket(bucketObject('race', { ...spec(), bucketName: 'other' }), {
      ...deps(),
      // The real client, with the object deleted on the server right after the listing.
      createClient: (inputs) => {
        const real = createBucketClient(inputs);
        return {
          bucketExists: (b, sig) => real.bucketExists(b, sig),
          visitObjects: async (b, prefix, visit, sig) => {
            await real.visitObjects(b, prefix, visit, sig);
            assert.equal(await s3Request(s3, 'DELETE', '/other/vanish.yaml'), 204);
          },
          getObject: (b, k, p, sig) => real.getObject(b, k, p, sig),
          isObjectNotFound: (err) => real.isObjectNotFound(err),
          close: () => real.close(),
        };
      },
    });
    assert.equal(res.error, undefined, res.error?.message);
    const index = new ObjectIndex();
    index.add('keep.yaml', md5('keep'));
    assert.equal(res.status.artifact?.revision, index.digest());
    assert.equal(
      res.events[0]?.message,
      "stored artifact with 1 fetched files from 'other' bucket",
    );
  });

  it('follows ListObjectsV2 pagination', async () => {
    const client = new S3Client({
      endpoint: s3.hostPort,
      insecure: true,
      credentials: S3_CREDS,
      pageSize: 1,
    });
    const keys: string[] = [];
    await client.visitObjects('manifests', '', (k) => keys.push(k));
    client.close();
    assert.deepEqual(keys.sort(), [
      'apps/deploy.yaml',
      'apps/svc.yaml',
      'docs/readme.md',
      'infra/ns.yaml',
    ]);
  });
});

describe('Bucket over HTTPS with certSecretRef', () => {
  let s3: TestServer;
  let certs: TestCertificateFiles;
  before(async () => {
    certs = await writeTestCertificates(await mkdtemp(join(work, 'certs-')));
    s3 = await startS3rver(['secure'], certs);
  });
  after(async () => {
    await s3.stop();
  });

  it('trusts the CA from certSecretRef, and says why without it', async () => {
    secrets.set('default/s3-ca', { 'ca.crt': await readFile(certs.caFile, 'utf8') });
    secrets.set('default/s3-creds-tls', { accesskey: 'S3RVER', secretkey: 'S3RVER' });
    const base = {
      bucketName: 'secure',
      endpoint: s3.hostPort,
      secretRef: { name: 's3-creds-tls' },
    };
    const untrusted = await reconcileBucket(bucketObject('tls-no-ca', base), deps());
    assert.equal(untrusted.error?.reason, 'BucketOperationFailed');
    assert.match(
      untrusted.error?.message ?? '',
      /failed to confirm existence of 'secure' bucket: .*certificate/i,
    );
    const trusted = await reconcileBucket(
      bucketObject('tls-ca', { ...base, certSecretRef: { name: 's3-ca' } }),
      deps(),
    );
    assert.equal(trusted.error, undefined, trusted.error?.message);
    assert.equal(condition(trusted.status, 'Ready')?.status, 'True');
    const missing = await reconcileBucket(
      bucketObject('tls-missing', { ...base, certSecretRef: { name: 'nope' } }),
      deps(),
    );
    assert.equal(missing.error?.reason, 'AuthenticationFailed');
  });
});

describe('Bucket with the azure provider on Azurite', () => {
  let az: Awaited<ReturnType<typeof startAzurite>>;
  before(async () => {
    az = await startAzurite();
    const service = new BlobServiceClient(
      az.blobEndpoint,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    );
    const container = service.getContainerClient('flux');
    await container.create();
    for (const [key, body] of [
      ['clusters/prod/app.yaml', 'kind: ConfigMap\n'],
      ['clusters/dev/app.yaml', 'kind: Secret\n'],
      ['top.yaml', 'kind: List\n'],
    ] as const) {
      await container.getBlockBlobClient(key).upload(body, Buffer.byteLength(body));
    }
    const sas = generateBlobSASQueryParameters(
      {
        containerName: 'flux',
        permissions: ContainerSASPermissions.parse('rl'),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).toString();
    secrets.set('default/az-key', { accountKey: AZURITE_KEY });
    secrets.set('default/az-bad-key', { accountKey: Buffer.from('wrong-key').toString('base64') });
    secrets.set('default/az-sas', { sasKey: `?${sas}` });
    secrets.set('default/az-conn', {
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${az.blobEndpoint};`,
    });
    secrets.set('default/az-aad', { clientId: 'x', tenantId: 'y', clientSecret: 'z' });
  });
  after(() => az.stop());

  const spec = (secret: string): BucketSpec => ({
    provider: 'azure',
    bucketName: 'flux',
    endpoint: az.blobEndpoint,
    interval: '1m',
    secretRef: { name: secret },
  });

  it('reads the container with an account key, a SAS token or a connection string', async () => {
    const digests = new Set<string>();
    for (const secret of ['az-key', 'az-sas', 'az-conn']) {
      const res = await reconcileBucket(bucketObject(`az-${secret}`, spec(secret)), deps());
      assert.equal(res.error, undefined, `${secret}: ${res.error?.message ?? ''}`);
      assert.equal(condition(res.status, 'Ready')?.status, 'True');
      assert.match(res.status.artifact?.revision ?? '', /^sha256:[0-9a-f]{64}$/);
      digests.add(res.status.artifact?.revision ?? '');
      const again = await reconcileBucket(
        bucketObject(`az-${secret}`, spec(secret), res.status),
        deps(),
      );
      assert.equal(again.artifactChanged, false, secret);
    }
    assert.equal(digests.size, 1, 'same objects, same revision, whatever the credentials');

    // Flux's formula: sha256 of "<name> <hex of the ETag bytes>\n" lines, names in byte order.
    const service = new BlobServiceClient(
      az.blobEndpoint,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    );
    const lines: string[] = [];
    for await (const blob of service.getContainerClient('flux').listBlobsFlat()) {
      const etag = (blob.properties.etag ?? '').replace(/^"+|"+$/g, '');
      lines.push(`${blob.name} ${Buffer.from(etag).toString('hex')}\n`);
    }
    lines.sort();
    const expected = `sha256:${createHash('sha256').update(lines.join('')).digest('hex')}`;
    assert.deepEqual([...digests], [expected]);
  });

  it('applies the prefix and notices a changed blob', async () => {
    const first = await reconcileBucket(
      bucketObject('az-prefix', { ...spec('az-key'), prefix: 'clusters/prod/' }),
      deps(),
    );
    assert.equal(first.error, undefined, first.error?.message);
    const dest = join(work, 'consumer-az');
    await fetchArtifact(
      first.status.artifact?.url ?? '',
      first.status.artifact?.digest ?? '',
      dest,
    );
    assert.deepEqual(await readdir(join(dest, 'clusters')), ['prod']);

    const service = new BlobServiceClient(
      az.blobEndpoint,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    );
    const body = 'kind: ConfigMap\ndata: {a: b}\n';
    await service
      .getContainerClient('flux')
      .getBlockBlobClient('clusters/prod/app.yaml')
      .upload(body, body.length);
    const second = await reconcileBucket(
      bucketObject('az-prefix', { ...spec('az-key'), prefix: 'clusters/prod/' }, first.status),
      deps(),
    );
    assert.equal(second.artifactChanged, true);
    assert.notEqual(second.status.artifact?.revision, first.status.artifact?.revision);
  });

  it('reports bad credentials and unsupported Azure AD secrets clearly', async () => {
    const bad = await reconcileBucket(bucketObject('az-bad', spec('az-bad-key')), deps());
    assert.equal(bad.error?.reason, 'BucketOperationFailed');
    assert.match(
      condition(bad.status, 'Ready')?.message ?? '',
      /failed to confirm existence of 'flux' bucket: .*AuthorizationFailure|AuthenticationFailed|permissions/,
    );
    const aad = await reconcileBucket(bucketObject('az-aad', spec('az-aad')), deps());
    assert.equal(aad.error?.reason, 'AuthenticationFailed');
    assert.match(aad.error?.message ?? '', /Azure AD credentials/);
  });

  it('takes the account name from the endpoint as Flux does, or from an emulator path', () => {
    assert.equal(accountNameFromEndpoint('https://myacct.blob.core.windows.net'), 'myacct');
    assert.equal(
      accountNameFromEndpoint('http://127.0.0.1:10000/devstoreaccount1'),
      'devstoreaccount1',
    );
    assert.throws(
      () => accountNameFromEndpoint('https://example.com'),
      /expected 'example.com' to be a subdomain/,
    );
  });
});
