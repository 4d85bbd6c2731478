// The flux-style commands end to end: a local cluster, a Git server and the controllers run in
// this process; each command runs as the shipped `flotilla` (bin/flotilla.js over the bundle)
// with --kubeconfig.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient } from '../kube/index.js';
import { startGitHttpServer, type GitHttpServer } from '../source/index.js';
import { installCrds, startControllers, type RunningControllers } from '../controller/index.js';
import { newAgeKey, oracleSkip, runCli, sopsEncrypt } from '../testing/index.js';

const env = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  NO_COLOR: '1',
};
let cluster: LocalCluster;
let client: KubeClient;
let gitServer: GitHttpServer;
let controllers: RunningControllers;
let root: string;
let work: string;
let kubeconfig: string;

/** Runs the shipped flotilla without blocking this process's event loop (the servers live here). */
const flotilla = (...args: string[]) => runCli(['--kubeconfig', kubeconfig, ...args], { env });

function commit(files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  }
  const git = (...a: string[]) => execFileSync('git', a, { cwd: work, env, encoding: 'utf8' });
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'change');
  git('push', '-q', join(root, 'repo.git'), 'HEAD:main');
  return git('rev-parse', 'HEAD').trim();
}

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
  work = join(root, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work], { env });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'repo.git')], { env });
  cluster = await startLocalCluster({ port: 0, inMemory: true, simulationDelayMs: 50 });
  kubeconfig = join(root, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig);
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
    healthPollMs: 100,
  });
  commit({
    'apps/kustomization.yaml': 'resources:\n- web.yaml\n- settings.yaml\n',
    'apps/web.yaml': deployment(1),
    'apps/settings.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: apps\ndata:\n  env: ${env:=dev}\n',
  });
});

after(async () => {
  await controllers.stop();
  await gitServer.close();
  client.close();
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('flotilla commands against a cluster', () => {
  it('create source git --export prints the object; create source git waits for the artifact', async () => {
    const exported = await flotilla(
      'create',
      'source',
      'git',
      'repo',
      '--url',
      `${gitServer.url}/repo.git`,
      '--branch',
      'main',
      '--export',
    );
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(
      exported.stdout,
      /kind: GitRepository\nmetadata:\n {2}name: repo\n {2}namespace: flux-system\nspec:\n {2}interval: 1m0s\n/,
    );
    const created = await flotilla(
      'create',
      'source',
      'git',
      'repo',
      '--url',
      `${gitServer.url}/repo.git`,
      '--branch',
      'main',
      '--interval',
      '10m',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /✔ fetched revision main@sha1:[0-9a-f]{40}/);
  });

  it('get sources git shows the revision and Ready', async () => {
    const res = await flotilla('get', 'sources', 'git');
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^NAME\s+REVISION\s+SUSPENDED\s+READY\s+MESSAGE\nrepo\s+main@sha1:[0-9a-f]{40}\s+False\s+True\s+stored artifact/,
    );
    const json = await flotilla('get', 'sources', 'git', '-o', 'json');
    assert.equal((JSON.parse(json.stdout) as { items: unknown[] }).items.length, 1);
  });

  it('reconcile ks waits for the applied revision; get ks, tree ks and events show it', async () => {
    await client.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './apps',
        prune: true,
        wait: true,
        sourceRef: { kind: 'GitRepository', name: 'repo' },
        postBuild: { substitute: { env: 'staging' } },
      },
    });
    const rec = await flotilla('reconcile', 'ks', 'apps', '--with-source');
    assert.equal(rec.code, 0, rec.stderr);
    assert.match(rec.stdout, /► annotating GitRepository repo in flux-system namespace/);
    assert.match(rec.stdout, /✔ applied revision main@sha1:[0-9a-f]{40}/);

    const get = await flotilla('get', 'ks');
    assert.match(get.stdout, /apps\s+main@sha1:[0-9a-f]{40}\s+False\s+True\s+Applied revision/);
    const tree = await flotilla('tree', 'ks', 'apps');
    assert.equal(
      tree.stdout,
      'Kustomization/flux-system/apps\n├── ConfigMap/apps/settings\n└── Deployment/apps/web\n',
    );
    const events = await flotilla('events', '--for', 'Kustomization/apps');
    assert.match(
      events.stdout,
      /Normal\s+ReconciliationSucceeded\s+Kustomization\/apps\s+ConfigMap\/apps\/settings created/,
    );
  });

  it('build ks renders the local directory with substitution, as the controller would', async () => {
    const res = await flotilla('build', 'ks', 'apps', '--path', join(work, 'apps'));
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^apiVersion: v1\ndata:\n {2}env: staging\nkind: ConfigMap\nmetadata:\n {2}name: settings\n {2}namespace: apps\n/,
    );
    assert.match(res.stdout, /---\napiVersion: apps\/v1\nkind: Deployment\n/);
  });

  it('build ks and diff ks mask SOPS-encrypted Secret values, as flux build does', async (t) => {
    const skip = oracleSkip('sops');
    if (skip) return t.skip(skip);
    const key = await newAgeKey();
    const dir = join(work, 'sops-apps');
    mkdirSync(dir, { recursive: true });
    const secret =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: apps\nstringData:\n  password: cli-secret-value\n';
    writeFileSync(
      join(dir, 'secret.yaml'),
      sopsEncrypt(secret, 'secret.yaml', {
        age: [key.recipient],
        flags: ['--encrypted-regex', '^(data|stringData)$'],
      }),
    );
    try {
      const built = await flotilla('build', 'ks', 'apps', '--path', dir);
      assert.equal(built.code, 0, built.stderr);
      assert.match(
        built.stdout,
        /stringData:\n {2}password: '\*\*SOPS\*\*'|password: "\*\*SOPS\*\*"|password: \*\*SOPS\*\*/,
      );
      assert.doesNotMatch(built.stdout, /ENC\[|sops:/);
      const diffed = await flotilla('diff', 'ks', 'apps', '--path', dir);
      assert.doesNotMatch(diffed.stdout + diffed.stderr, /cli-secret-value/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('diff ks exits 0 without differences and 1 with them, showing the change', async () => {
    const same = await flotilla('diff', 'ks', 'apps', '--path', join(work, 'apps'));
    assert.equal(same.code, 0, same.stdout + same.stderr);
    writeFileSync(join(work, 'apps/web.yaml'), deployment(3));
    const changed = await flotilla('diff', 'ks', 'apps', '--path', join(work, 'apps'));
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /► Deployment\/apps\/web drifted/);
    assert.match(changed.stdout, /-\s+replicas: 1\n\+\s+replicas: 3/);
    const broken = await flotilla('diff', 'ks', 'missing', '--path', join(work, 'apps'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /Kustomization 'flux-system\/missing' not found/);
  });

  it('suspend and resume', async () => {
    const s = await flotilla('suspend', 'ks', 'apps');
    assert.equal(s.code, 0, s.stderr);
    assert.match((await flotilla('get', 'ks')).stdout, /apps\s+\S+\s+True\s/);
    const refused = await flotilla('reconcile', 'ks', 'apps');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is suspended/);
    const r = await flotilla('resume', 'ks', 'apps');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✔ Kustomization resumed\n[\s\S]*✔ applied revision/);
  });

  it('install --export prints CRDs, RBAC and the controller Deployment', async () => {
    const res = await flotilla('install', '--export');
    assert.equal(res.code, 0, res.stderr);
    for (const kind of [
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'ClusterRoleBinding',
      'Service',
      'Deployment',
    ]) {
      assert.match(res.stdout, new RegExp(`^kind: ${kind}$`, 'm'));
    }
    assert.match(res.stdout, /- --enable-leader-election/);
  });
});
