// HelmRepository and HelmChart reconciles against a Helm repository served on 127.0.0.1 (charts
// packaged and indexed by the helm oracle), and charts built from a Git-like source artifact; the
// stored packages are checked by loading them with `helm show chart`/`helm template`.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArtifactStore,
  fetchArtifact,
  startArtifactServer,
  type Artifact,
  type ArtifactServer,
} from '../../source/index.js';
import { archiveFiles } from '../../render/index.js';
import {
  helmPackage,
  helmRepoIndex,
  makeTestCertificates,
  oracleSkip,
  runHelm,
  startHelmRepoServer,
  type HelmRepoServer,
} from '../../testing/index.js';
import { reconcileHelmRepository } from '../helmrepository/kind.js';
import type { HelmRepository, HelmRepositoryStatus } from '../helmrepository/types.js';
import { reconcileHelmChart } from './kind.js';
import type { HelmChart, HelmChartSpec, HelmChartStatus } from './types.js';
import type { ChartSourceObject, HelmChartDeps } from './work.js';

const skip = oracleSkip('helm');
const AUTH = { secretRef: { name: 'repo-auth' } };
let work: string;
let store: ArtifactStore;
let artifacts: ArtifactServer;
let repo: HelmRepoServer;
const secrets = new Map<string, Record<string, Uint8Array>>();
const sources = new Map<string, ChartSourceObject>();

function cond(
  status: {
    conditions?: readonly { type: string; status: string; reason: string; message: string }[];
  },
  type: string,
) {
  const c = status.conditions?.find((x) => x.type === type);
  return c ? { status: c.status, reason: c.reason, message: c.message } : undefined;
}

function writeChart(dir: string, version: string, extra = ''): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(
    join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: demo\nversion: ${version}\nappVersion: "1.0"\n`,
  );
  writeFileSync(join(dir, 'values.yaml'), `replicas: 1\nimage:\n  tag: stable\n${extra}`);
  writeFileSync(join(dir, 'prod.yaml'), `image:\n  tag: prod\n`);
  writeFileSync(
    join(dir, 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  tag: {{ .Values.image.tag | quote }}\n  replicas: {{ .Values.replicas | quote }}\n',
  );
}

const secret = (data: Record<string, string>): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)]));

function helmRepository(
  spec: Partial<HelmRepository['spec']> = {},
  status?: HelmRepositoryStatus,
): HelmRepository {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: { name: 'charts', namespace: 'default', generation: 1 },
    spec: { url: repo.url, interval: '10m', ...spec },
    ...(status ? { status } : {}),
  };
}

function helmChart(
  name: string,
  spec: Partial<HelmChartSpec>,
  status?: HelmChartStatus,
): HelmChart {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmChart',
    metadata: { name, namespace: 'default', generation: 1 },
    spec: {
      chart: 'demo',
      interval: '10m',
      sourceRef: { kind: 'HelmRepository', name: 'charts' },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

function chartDeps(): HelmChartDeps {
  return {
    store,
    tmpDir: work,
    getSecret: (ns, name) => {
      const s = secrets.get(`${ns}/${name}`);
      return s ? Promise.resolve(s) : Promise.reject(new Error('not found'));
    },
    getSource: (kind, ns, name) => Promise.resolve(sources.get(`${kind}/${ns}/${name}`)),
    readArtifact: (a: Artifact) => Promise.resolve(readFileSync(store.localPath(a.path))),
    extractArtifact: async (a: Artifact, dir: string) => {
      await fetchArtifact(a.url, a.digest, dir);
    },
  };
}

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'flotilla-helmchart-'));
  store = await ArtifactStore.open({ root: join(work, 'storage') });
  artifacts = await startArtifactServer({ store });
  const repoDir = join(work, 'repo');
  for (const v of ['0.1.0', '0.2.0', '1.0.0-rc.1']) {
    const dir = join(work, `chart-${v}`, 'demo');
    writeChart(dir, v);
    helmPackage(dir, repoDir);
  }
  helmRepoIndex(repoDir);
  repo = await startHelmRepoServer({ dir: repoDir, username: 'flux', password: 's3cret' });
  secrets.set('default/repo-auth', secret({ username: 'flux', password: 's3cret' }));
  secrets.set('default/wrong-auth', secret({ username: 'flux', password: 'nope' }));
});

after(async () => {
  if (skip) return;
  await repo.close();
  await artifacts.close();
  rmSync(work, { recursive: true, force: true });
});

describe('HelmRepository (type default) and HelmChart', { skip }, () => {
  let repoStatus: HelmRepositoryStatus;

  it('stores the index as the artifact, its sha256 the revision', async () => {
    const res = await reconcileHelmRepository(helmRepository(AUTH), {
      store,
      getSecret: chartDeps().getSecret,
    });
    assert.equal(res.error, undefined, res.error?.message);
    const index = readFileSync(join(work, 'repo', 'index.yaml'));
    const digest = `sha256:${createHash('sha256').update(index).digest('hex')}`;
    const a = res.status.artifact;
    assert.ok(a);
    assert.equal(a.revision, digest);
    assert.equal(a.digest, digest);
    assert.equal(a.path, `helmrepository/default/charts/index-${digest.slice(7)}.yaml`);
    assert.deepEqual(cond(res.status, 'Ready'), {
      status: 'True',
      reason: 'Succeeded',
      message: `stored artifact: revision '${digest}'`,
    });
    assert.equal(res.events[0]?.reason, 'NewArtifact');
    assert.match(
      res.events[0]?.message ?? '',
      new RegExp(`^stored fetched index of size [0-9.]+k?B from '${repo.url}'$`),
    );
    repoStatus = res.status;
    sources.set('HelmRepository/default/charts', {
      ...helmRepository(AUTH),
      kind: 'HelmRepository',
      status: repoStatus,
    });
    const again = await reconcileHelmRepository(helmRepository(AUTH, repoStatus), {
      store,
      getSecret: chartDeps().getSecret,
    });
    assert.equal(again.artifactChanged, false);
    assert.deepEqual(again.events, []);
  });

  it('fails with IndexationFailed on wrong credentials and AuthenticationFailed on a missing Secret', async () => {
    const wrong = await reconcileHelmRepository(
      helmRepository({ secretRef: { name: 'wrong-auth' } }),
      { store, getSecret: chartDeps().getSecret },
    );
    assert.deepEqual(cond(wrong.status, 'FetchFailed'), {
      status: 'True',
      reason: 'IndexationFailed',
      message: `failed to fetch Helm repository index: failed to fetch ${repo.url}/index.yaml : 401 Unauthorized`,
    });
    assert.equal(cond(wrong.status, 'Ready')?.status, 'False');
    const missing = await reconcileHelmRepository(helmRepository({ secretRef: { name: 'nope' } }), {
      store,
      getSecret: chartDeps().getSecret,
    });
    assert.equal(cond(missing.status, 'Ready')?.reason, 'AuthenticationFailed');
    assert.match(
      cond(missing.status, 'Ready')?.message ?? '',
      /failed to get secret 'default\/nope'/,
    );
    const bad = await reconcileHelmRepository(helmRepository({ url: 'ftp://x' }), {
      store,
      getSecret: chartDeps().getSecret,
    });
    assert.equal(cond(bad.status, 'Stalled')?.reason, 'URLInvalid');
  });

  it('a HelmRepository of type oci is ready without an artifact', async () => {
    const res = await reconcileHelmRepository(
      helmRepository({ type: 'oci', url: 'oci://127.0.0.1:5000/charts' }),
      { store, getSecret: chartDeps().getSecret },
    );
    assert.equal(res.error, undefined, res.error?.message);
    assert.equal(cond(res.status, 'Ready')?.status, 'True');
    assert.equal(res.status.artifact, undefined);
  });

  it('pulls the latest stable version, a range, a prerelease, and says when none matches', async () => {
    for (const [version, expected] of [
      [undefined, '0.2.0'],
      ['*', '0.2.0'],
      ['<0.2.0', '0.1.0'],
      ['>=1.0.0-0', '1.0.0-rc.1'],
      ['0.1.0', '0.1.0'],
    ] as const) {
      const res = await reconcileHelmChart(
        helmChart(`pick-${expected}`, version ? { version } : {}),
        chartDeps(),
      );
      assert.equal(res.error, undefined, res.error?.message);
      const a = res.status.artifact;
      assert.equal(a?.revision, expected, String(version));
      assert.equal(a?.path, `helmchart/default/pick-${expected}/demo-${expected}.tgz`);
      assert.deepEqual(cond(res.status, 'Ready'), {
        status: 'True',
        reason: 'ChartPullSucceeded',
        message: `pulled 'demo' chart with version '${expected}'`,
      });
      // The repository's package, byte for byte.
      assert.deepEqual(
        readFileSync(store.localPath(a?.path ?? '')),
        readFileSync(join(work, 'repo', `demo-${expected}.tgz`)),
      );
    }
    const none = await reconcileHelmChart(helmChart('none', { version: '9.x' }), chartDeps());
    assert.deepEqual(cond(none.status, 'FetchFailed'), {
      status: 'True',
      reason: 'InvalidChartReference',
      message:
        "chart reference error: failed to get chart version for remote reference: no 'demo' chart with version matching '9.x' found",
    });
  });

  it('does not download again while the version is current', async () => {
    const first = await reconcileHelmChart(helmChart('current', {}), chartDeps());
    const before = repo.requests.length;
    const again = await reconcileHelmChart(helmChart('current', {}, first.status), chartDeps());
    assert.equal(again.artifactChanged, false);
    assert.equal(repo.requests.length, before);
    assert.deepEqual(again.status.artifact, first.status.artifact);
  });

  it('merges valuesFiles into the packaged chart, which helm renders', async () => {
    const res = await reconcileHelmChart(
      helmChart('values', { valuesFiles: ['values.yaml', 'prod.yaml'] }),
      chartDeps(),
    );
    assert.equal(res.error, undefined, res.error?.message);
    assert.equal(
      cond(res.status, 'Ready')?.message,
      "packaged 'demo' chart with version '0.2.0' and merged values files [values.yaml prod.yaml]",
    );
    assert.deepEqual(res.status.observedValuesFiles, ['values.yaml', 'prod.yaml']);
    const path = store.localPath(res.status.artifact?.path ?? '');
    const out = runHelm(['template', 'r', path, '--kube-version', '1.31.0']);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /tag: "prod"/);
    assert.match(out.stdout, /replicas: "1"/);
    const missing = await reconcileHelmChart(
      helmChart('missing', { valuesFiles: ['nope.yaml'] }),
      chartDeps(),
    );
    assert.deepEqual(cond(missing.status, 'BuildFailed'), {
      status: 'True',
      reason: 'ValuesFilesError',
      message: "values files merge error: no values file found at path 'nope.yaml'",
    });
    const ignored = await reconcileHelmChart(
      helmChart('ignored', {
        valuesFiles: ['nope.yaml', 'prod.yaml'],
        ignoreMissingValuesFiles: true,
      }),
      chartDeps(),
    );
    assert.equal(ignored.error, undefined, ignored.error?.message);
  });

  it('packages a chart from a GitRepository artifact, with reconcileStrategy Revision', async () => {
    const tree = join(work, 'git-tree');
    writeChart(join(tree, 'charts', 'demo'), '0.3.0');
    writeFileSync(join(tree, 'charts', 'demo', '.helmignore'), 'prod.yaml\n');
    const owner = { kind: 'GitRepository', namespace: 'default', name: 'repo' };
    const revision = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
    const gitArtifact = await store.archive(owner, tree, { revision, matcher: null });
    sources.set('GitRepository/default/repo', {
      kind: 'GitRepository',
      metadata: { name: 'repo', namespace: 'default' },
      status: { artifact: gitArtifact },
    });
    const spec = { chart: './charts/demo', sourceRef: { kind: 'GitRepository', name: 'repo' } };
    const res = await reconcileHelmChart(helmChart('git', spec), chartDeps());
    assert.equal(res.error, undefined, res.error?.message);
    assert.equal(res.status.artifact?.revision, '0.3.0');
    assert.equal(res.status.observedSourceArtifactRevision, revision);
    assert.equal(cond(res.status, 'Ready')?.message, "packaged 'demo' chart with version '0.3.0'");
    const files = archiveFiles(readFileSync(store.localPath(res.status.artifact?.path ?? '')));
    assert.deepEqual(files.map((f) => f.name).sort(), [
      '.helmignore',
      'Chart.yaml',
      'templates/cm.yaml',
      'values.yaml',
    ]);
    const shown = runHelm(['show', 'chart', store.localPath(res.status.artifact?.path ?? '')]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /version: 0\.3\.0/);
    const rev = await reconcileHelmChart(
      helmChart('git-rev', { ...spec, reconcileStrategy: 'Revision' }),
      chartDeps(),
    );
    assert.equal(rev.status.artifact?.revision, '0.3.0+0123456789ab');
    const revShown = runHelm(['show', 'chart', store.localPath(rev.status.artifact?.path ?? '')]);
    assert.match(revShown.stdout, /version: 0\.3\.0\+0123456789ab/);
    const outside = await reconcileHelmChart(
      helmChart('outside', { ...spec, chart: '../x' }),
      chartDeps(),
    );
    assert.equal(cond(outside.status, 'Stalled')?.status, 'True');
    const gone = await reconcileHelmChart(
      helmChart('gone', { ...spec, sourceRef: { kind: 'GitRepository', name: 'nope' } }),
      chartDeps(),
    );
    assert.equal(cond(gone.status, 'FetchFailed')?.reason, 'SourceUnavailable');
  });

  it('fetches the index over TLS with a CA and a client certificate from certSecretRef', async () => {
    const certs = await makeTestCertificates({ ipAddresses: ['127.0.0.1'] });
    const tlsRepo = await startHelmRepoServer({
      dir: join(work, 'repo'),
      tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.caCert, requestCert: true },
    });
    try {
      secrets.set(
        'default/tls',
        secret({ 'ca.crt': certs.caCert, 'tls.crt': certs.clientCert, 'tls.key': certs.clientKey }),
      );
      const ok = await reconcileHelmRepository(
        helmRepository({ url: tlsRepo.url, certSecretRef: { name: 'tls' } }),
        { store, getSecret: chartDeps().getSecret },
      );
      assert.equal(ok.error, undefined, ok.error?.message);
      secrets.set('default/ca-only', secret({ 'ca.crt': certs.caCert }));
      const noClient = await reconcileHelmRepository(
        helmRepository({
          url: tlsRepo.url,
          certSecretRef: { name: 'ca-only' },
        }),
        { store, getSecret: chartDeps().getSecret },
      );
      assert.equal(cond(noClient.status, 'FetchFailed')?.reason, 'IndexationFailed');
    } finally {
      await tlsRepo.close();
    }
  });
});
