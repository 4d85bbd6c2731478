// The whole GitOps loop end to end: a Git repository served over smart HTTP, the GitRepository
// and Kustomization controllers, and the local cluster over HTTPS as the target.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalCluster, type LocalCluster } from '../../localcluster/index.js';
import { KubeClient, type KubeObject } from '../../kube/index.js';
import { errorMessage } from '../../core/index.js';
import { startGitHttpServer, type GitHttpServer } from '../../source/index.js';
import { installCrds } from '../crds.js';
import { startControllers, type RunningControllers } from '../controllers.js';
import type { Kustomization } from './types.js';

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
let cluster: LocalCluster;
let client: KubeClient;
let gitServer: GitHttpServer;
let controllers: RunningControllers;
let root: string;
let work: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: work, env, encoding: 'utf8' });
}

function write(files: Record<string, string | null>): string {
  for (const [path, text] of Object.entries(files)) {
    const p = join(work, path);
    if (text === null) unlinkSync(p);
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
  }
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-qm', 'change');
  git('push', '-q', join(root, 'repo.git'), 'HEAD:main');
  return git('rev-parse', 'HEAD').trim();
}

const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  value: "${value}"\n`;

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;
const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      const ks = await client.list({ ...KS }, { namespace: 'flux-system' }).catch(() => undefined);
      const gr = await client.list({ ...GR }, { namespace: 'flux-system' }).catch(() => undefined);
      const state = JSON.stringify(
        [...(ks?.items ?? []), ...(gr?.items ?? [])].map((o) => [o.metadata.name, o['status']]),
      );
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${errorMessage(last)}` : ''}; state: ${state}`,
      );
    }
    await sleep(50);
  }
}

const getKs = (name: string) =>
  client.get<Kustomization>({ ...KS, namespace: 'flux-system', name });
const ready = (ks: Kustomization) => ks.status?.conditions?.find((c) => c.type === 'Ready');
const getCm = (name: string) =>
  client.getOrUndefined<KubeObject & { data?: Record<string, string> }>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'apps',
    name,
  });

async function requestReconcile(ref: { apiVersion: string; kind: string; name: string }) {
  await client.patch({ ...ref, namespace: 'flux-system' }, 'merge', {
    metadata: {
      annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() + Math.random() },
    },
  });
}

async function appliedRevision(name: string, sha: string): Promise<Kustomization> {
  return until(`${name} at ${sha.slice(0, 7)}`, async () => {
    const ks = await getKs(name);
    return ks.status?.lastAppliedRevision?.endsWith(sha) && ready(ks)?.status === 'True'
      ? ks
      : undefined;
  });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-e2e-'));
  work = join(root, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work], { env });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'repo.git')], { env });
  cluster = await startLocalCluster({ port: 0, inMemory: true, simulationDelayMs: 50 });
  client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  gitServer = await startGitHttpServer({ root });
  await installCrds(client);
  for (const ns of ['flux-system', 'apps']) {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  controllers = await startControllers({
    client,
    dataDir: join(root, 'data'),
    health: false,
    requeueDependencyMs: 200,
    healthPollMs: 100,
    minRetryDelayMs: 100,
  });
});

after(async () => {
  await controllers.stop();
  await gitServer.close();
  client.close();
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('Kustomization controller, end to end', () => {
  let first = '';

  it('applies a commit and reports Ready with the revision and an inventory', async () => {
    first = write({
      'deploy/a.yaml': cm('a', 'one'),
      'deploy/b.yaml': cm('b', 'one'),
      'other/kustomization.yaml': 'resources:\n- c.yaml\n',
      'other/c.yaml': cm('c', 'dependent'),
    });
    await client.create({
      ...GR,
      metadata: { name: 'repo', namespace: 'flux-system' },
      spec: { url: `${gitServer.url}/repo.git`, interval: '10m', ref: { branch: 'main' } },
    });
    await client.create({
      ...KS,
      metadata: { name: 'app', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './deploy',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'repo' },
      },
    });
    const ks = await appliedRevision('app', first);
    assert.equal(ks.status?.lastAppliedRevision, `main@sha1:${first}`);
    assert.equal(ready(ks)?.message, `Applied revision: main@sha1:${first}`);
    assert.deepEqual(ks.status?.inventory?.entries, [
      { id: 'apps_a__ConfigMap', v: 'v1' },
      { id: 'apps_b__ConfigMap', v: 'v1' },
    ]);
    assert.ok(ks.metadata.finalizers?.includes('finalizers.fluxcd.io'));
    const a = await getCm('a');
    assert.equal(a?.data?.['value'], 'one');
    assert.equal(a?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'app');
  });

  it('rolls out a change and prunes a removed file', async () => {
    const sha = write({ 'deploy/a.yaml': cm('a', 'two'), 'deploy/b.yaml': null });
    await requestReconcile({ ...GR, name: 'repo' });
    const ks = await appliedRevision('app', sha);
    assert.deepEqual(ks.status?.inventory?.entries, [{ id: 'apps_a__ConfigMap', v: 'v1' }]);
    assert.equal((await getCm('a'))?.data?.['value'], 'two');
    assert.equal(await getCm('b'), undefined, 'b was pruned');
  });

  it('corrects drift at the next reconcile', async () => {
    await client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'a' },
      'merge',
      {
        data: { value: 'edited by hand' },
      },
    );
    await requestReconcile({ ...KS, name: 'app' });
    await until('drift corrected', async () =>
      (await getCm('a'))?.data?.['value'] === 'two' ? true : undefined,
    );
  });

  it('a broken commit leaves Ready=False with a clear message and changes nothing', async () => {
    const sha = write({
      'deploy/a.yaml': cm('a', 'three'),
      'deploy/broken.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n  namespace: apps\ndata: [oops\n',
    });
    await requestReconcile({ ...GR, name: 'repo' });
    const ks = await until('build failure', async () => {
      const k = await getKs('app');
      return k.status?.lastAttemptedRevision?.endsWith(sha) && ready(k)?.status === 'False'
        ? k
        : undefined;
    });
    assert.equal(ready(ks)?.reason, 'BuildFailed');
    assert.match(ready(ks)?.message ?? '', /broken\.yaml/);
    assert.equal((await getCm('a'))?.data?.['value'], 'two', 'nothing applied');
    assert.ok(ks.status?.lastAppliedRevision?.endsWith(first) === false);
  });

  it('a failing dry-run applies nothing (all or nothing)', async () => {
    const sha = write({
      'deploy/broken.yaml': null,
      'deploy/a.yaml': cm('a', 'four'),
      'deploy/bad.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  namespace: missing-namespace\ndata:\n  x: "1"\n',
    });
    await requestReconcile({ ...GR, name: 'repo' });
    const ks = await until('dry-run failure', async () => {
      const k = await getKs('app');
      return k.status?.lastAttemptedRevision?.endsWith(sha) && ready(k)?.status === 'False'
        ? k
        : undefined;
    });
    assert.match(ready(ks)?.message ?? '', /ConfigMap\/missing-namespace\/bad/);
    assert.equal((await getCm('a'))?.data?.['value'], 'two', 'a was not written');
    write({ 'deploy/bad.yaml': null });
  });

  it('waits for dependsOn, then applies the dependent', async () => {
    const sha = git('rev-parse', 'HEAD').trim();
    await client.create({
      ...KS,
      metadata: { name: 'dependent', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './other',
        prune: true,
        dependsOn: [{ name: 'app' }],
        sourceRef: { kind: 'GitRepository', name: 'repo' },
      },
    });
    await requestReconcile({ ...GR, name: 'repo' });
    const app = await appliedRevision('app', sha);
    const dependent = await appliedRevision('dependent', sha);
    const appReady = Date.parse(ready(app)?.lastTransitionTime ?? '');
    const depReady = Date.parse(ready(dependent)?.lastTransitionTime ?? '');
    assert.ok(depReady >= appReady, 'dependent became ready after its dependency');
    assert.equal((await getCm('c'))?.data?.['value'], 'dependent');
  });

  it('suspend stops reconciling; resume picks up the latest revision', async () => {
    const before = (await getCm('a'))?.data?.['value'];
    await client.patch({ ...KS, namespace: 'flux-system', name: 'app' }, 'merge', {
      spec: { suspend: true },
    });
    await sleep(200);
    const sha = write({ 'deploy/a.yaml': cm('a', 'five') });
    await requestReconcile({ ...GR, name: 'repo' });
    await until('source at new revision', async () => {
      const gr = await client.get<KubeObject & { status?: { artifact?: { revision?: string } } }>({
        ...GR,
        namespace: 'flux-system',
        name: 'repo',
      });
      return gr.status?.artifact?.revision?.endsWith(sha) ? true : undefined;
    });
    await sleep(500);
    assert.equal((await getCm('a'))?.data?.['value'], before, 'suspended: not applied');
    await client.patch({ ...KS, namespace: 'flux-system', name: 'app' }, 'merge', {
      spec: { suspend: false },
    });
    await appliedRevision('app', sha);
    assert.equal((await getCm('a'))?.data?.['value'], 'five');
  });

  it('applies to a remote cluster through spec.kubeConfig, as a service account', async () => {
    const remote = await startLocalCluster({ port: 0, inMemory: true });
    const remoteClient = await KubeClient.fromKubeConfig({ yaml: remote.kubeconfig });
    try {
      await remoteClient.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'apps' },
      });
      // the remote cluster authorizes the impersonated service account with RBAC
      await remoteClient.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'deployer' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'flux-system' }],
      });
      await client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'remote-kubeconfig', namespace: 'flux-system' },
        data: { value: Buffer.from(remote.kubeconfig).toString('base64') },
      });
      const sha = git('rev-parse', 'HEAD').trim();
      await client.create({
        ...KS,
        metadata: { name: 'remote', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          path: './other',
          prune: true,
          serviceAccountName: 'deployer',
          kubeConfig: { secretRef: { name: 'remote-kubeconfig' } },
          sourceRef: { kind: 'GitRepository', name: 'repo' },
        },
      });
      await appliedRevision('remote', sha);
      const there = await remoteClient.get<KubeObject & { data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'apps',
        name: 'c',
      });
      assert.equal(there.data?.['value'], 'dependent');
      assert.equal(there.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'remote');
      // Deleting it prunes what it applied in the remote cluster.
      await client.delete({ ...KS, namespace: 'flux-system', name: 'remote' });
      await until('remote Kustomization gone', async () =>
        (await client.getOrUndefined({ ...KS, namespace: 'flux-system', name: 'remote' }))
          ? undefined
          : true,
      );
      assert.equal(
        await remoteClient.getOrUndefined({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'apps',
          name: 'c',
        }),
        undefined,
      );
    } finally {
      remoteClient.close();
      await remote.stop();
    }
  });

  it('deleting a Kustomization with prune deletes what it applied', async () => {
    await client.delete({ ...KS, namespace: 'flux-system', name: 'dependent' });
    await until('dependent gone', async () =>
      (await client.getOrUndefined({ ...KS, namespace: 'flux-system', name: 'dependent' }))
        ? undefined
        : true,
    );
    assert.equal(await getCm('c'), undefined);
  });
});

// Issue 22 item 5: pruning a Namespace never destroys what it should not. A Namespace that
// still holds objects of the current revision is never pruned; one holding objects the
// Kustomization does not manage or must not prune only with the opt-in annotation; and what a
// Namespace prune took with it is reported.
describe('Kustomization controller, namespace prune safety', () => {
  const NS = 'team-x';
  const nsYaml = (annotations = '') =>
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n${annotations}`;
  const inNs = (name: string, extra = '') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${extra}data:\n  value: "x"\n`;
  const namespaceRef = { apiVersion: 'v1', kind: 'Namespace', name: NS };
  const cmRef = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name });

  /** Waits for the reconcile of `sha` to fail, returning the Ready message. */
  async function failedAt(sha: string): Promise<string> {
    await requestReconcile({ ...GR, name: 'nsrepo' });
    return until(`nsprune failing at ${sha.slice(0, 7)}`, async () => {
      const ks = await getKs('nsprune');
      const r = ready(ks);
      return ks.status?.lastAttemptedRevision?.endsWith(sha) && r?.status === 'False'
        ? r.message
        : undefined;
    });
  }

  async function appliedNow(sha: string): Promise<Kustomization> {
    await requestReconcile({ ...GR, name: 'nsrepo' });
    return appliedRevision('nsprune', sha);
  }

  it('sets up a Namespace with objects in it', async () => {
    const sha = write({
      'nsprune/ns.yaml': nsYaml(),
      'nsprune/declared.yaml': inNs('declared'),
      // keeps the path in the revision when the files under test are gone
      'nsprune/anchor.yaml': cm('nsprune-anchor', 'x'),
    });
    await client.create({
      ...GR,
      metadata: { name: 'nsrepo', namespace: 'flux-system' },
      spec: { url: `${gitServer.url}/repo.git`, interval: '10m', ref: { branch: 'main' } },
    });
    await client.create({
      ...KS,
      metadata: { name: 'nsprune', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './nsprune',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'nsrepo' },
      },
    });
    await appliedNow(sha);
    assert.ok(await client.getOrUndefined(cmRef('declared')));
  });

  it('never prunes a Namespace holding objects of the current revision', async () => {
    const sha = write({ 'nsprune/ns.yaml': null });
    const message = await failedAt(sha);
    assert.match(message, new RegExp(`Namespace/${NS}`));
    assert.match(message, new RegExp(`ConfigMap/${NS}/declared`));
    assert.ok(await client.getOrUndefined(namespaceRef), 'the Namespace is kept');
    assert.ok(await client.getOrUndefined(cmRef('declared')), 'what is in it is kept');
  });

  it('never prunes a Namespace holding unmanaged or prune-disabled objects without the opt-in', async () => {
    let sha = write({
      'nsprune/ns.yaml': nsYaml(),
      'nsprune/declared.yaml': null,
      'nsprune/kept.yaml': inNs(
        'kept',
        '  annotations:\n    kustomize.toolkit.fluxcd.io/prune: disabled\n',
      ),
    });
    await appliedNow(sha);
    assert.equal(await client.getOrUndefined(cmRef('declared')), undefined, 'declared pruned');
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'handmade', namespace: NS },
      data: { value: 'made by hand' },
    });
    sha = write({ 'nsprune/ns.yaml': null, 'nsprune/kept.yaml': null });
    const message = await failedAt(sha);
    assert.match(message, new RegExp(`ConfigMap/${NS}/handmade`));
    assert.match(message, new RegExp(`ConfigMap/${NS}/kept`));
    assert.match(message, /flotilla\.dev\/prune-namespace-contents/);
    assert.ok(await client.getOrUndefined(namespaceRef), 'the Namespace is kept');
    assert.ok(await client.getOrUndefined(cmRef('handmade')), 'the unmanaged object is kept');
    assert.ok(await client.getOrUndefined(cmRef('kept')), 'the prune-disabled object is kept');
  });

  it('with the opt-in annotation prunes the Namespace and reports what went with it', async () => {
    let sha = write({
      'nsprune/ns.yaml': nsYaml(
        '  annotations:\n    flotilla.dev/prune-namespace-contents: "true"\n',
      ),
    });
    await appliedNow(sha);
    sha = write({ 'nsprune/ns.yaml': null });
    const ks = await appliedNow(sha);
    assert.equal(ready(ks)?.status, 'True');
    await until('the Namespace is gone', async () =>
      (await client.getOrUndefined(namespaceRef)) ? undefined : true,
    );
    const events = await client.list(
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { namespace: 'flux-system' },
    );
    const notes = events.items
      .filter((e) => (e['regarding'] as { name?: string } | undefined)?.name === 'nsprune')
      .map((e) => (typeof e['note'] === 'string' ? e['note'] : ''))
      .join('\n');
    assert.match(notes, new RegExp(`Namespace/${NS} deleted`));
    assert.match(notes, new RegExp(`ConfigMap/${NS}/handmade deleted`));
    assert.match(notes, new RegExp(`ConfigMap/${NS}/kept deleted`));
  });
});
