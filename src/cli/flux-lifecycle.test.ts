// The commands around an installation — check (--pre), logs (filters, --follow), install
// --image, bootstrap git (against the local Git server, pushing over smart HTTP with basic auth)
// and uninstall — run as the shipped CLI against the local cluster and a controller process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHttpServer, type GitHttpServer } from '../source/index.js';
import {
  startCli,
  APPS_FIXTURE,
  startFluxCliEnv,
  until,
  type FluxCliEnv,
} from '../testing/index.js';

let env: FluxCliEnv;
let gitServer: GitHttpServer;

const ks = (name: string) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  namespace: 'flux-system',
  name,
});

before(async () => {
  env = await startFluxCliEnv({
    namespaces: ['apps'],
    files: APPS_FIXTURE,
  });
  const repos = join(env.root, 'repos');
  mkdirSync(repos);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(repos, 'fleet.git')]);
  gitServer = await startGitHttpServer({
    root: repos,
    allowPush: true,
    basicAuth: { username: 'git', password: 'sekret' },
  });
});

after(async () => {
  await gitServer.close();
  await env.stop();
});

describe('installation commands', () => {
  it('check --pre checks the cluster version and permissions', async () => {
    const res = await env.flotilla(['check', '--pre']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stderr,
      /^► checking prerequisites\n✔ Kubernetes \d+\.\d+\.\d+\S* >=1\.25\.0-0\n[\s\S]*✔ prerequisites checks passed\n$/,
    );
  });

  it('check finds the controller by its leader lease and every CRD', async () => {
    const res = await env.flotilla(['check']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /✔ flotilla-controller: leader \S+ \(lease renewed .* ago\)\n/);
    assert.match(res.stderr, /✔ gitrepositories\.source\.toolkit\.fluxcd\.io\/v1\n/);
    assert.match(res.stderr, /✔ kustomizations\.kustomize\.toolkit\.fluxcd\.io\/v1\n/);
    assert.match(res.stderr, /✔ all checks passed\n$/);
  });

  it('logs: the controller log in flux logs format, filtered by kind, name and level; --follow', async () => {
    const created = await env.flotilla([
      ...['create', 'source', 'git', 'repo', '--url', env.repo.url, '--branch', 'main'],
    ]);
    assert.equal(created.code, 0, created.stderr);
    await env.flotilla(['create', 'ks', 'apps', '--source', 'repo', '--path', './apps']);
    await env.flotilla(['create', 'ks', 'broken', '--source', 'repo', '--path', './nowhere']);
    const logs = (...args: string[]) => env.flotilla(['logs', '--log-file', env.logFile, ...args]);

    const all = await logs('-A');
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^\S+T\S+ info GitRepository\/repo\.flux-system - /m);
    const ofApps = await logs('--kind', 'Kustomization', '--name', 'apps');
    assert.match(ofApps.stdout, /^\S+ info Kustomization\/apps\.flux-system - /m);
    for (const line of ofApps.stdout.trim().split('\n'))
      assert.match(line, / Kustomization\/apps\.flux-system - /);
    // Flotilla's controller logs a failed reconcile at warn (flux's at error).
    const warnings = await logs('--level', 'warn', '-A');
    assert.match(warnings.stdout, /^\S+ warn Kustomization\/broken\.flux-system - .*nowhere/m);
    for (const line of warnings.stdout.trim().split('\n')) assert.match(line, /^\S+ warn /);
    const tail = await logs('-A', '--tail', '2');
    assert.equal(tail.stdout.trim().split('\n').length, 2);

    const follow = await startCli([
      ...['--kubeconfig', env.kubeconfig, 'logs', '--log-file', env.logFile, '-f'],
      ...['--kind', 'GitRepository', '--name', 'repo'],
    ]);
    try {
      await follow.waitFor(/GitRepository\/repo\.flux-system/);
      const before = follow.stdout().split('\n').length;
      const rec = await env.flotilla(['reconcile', 'source', 'git', 'repo']);
      assert.equal(rec.code, 0, rec.stderr);
      await until('a new log line of repo', () =>
        follow.stdout().split('\n').length > before ? true : undefined,
      );
      assert.doesNotMatch(follow.stdout(), /Kustomization\//);
    } finally {
      await follow.stop();
    }
  });

  it('logs without a log file or an installed controller says where logs are', async () => {
    const res = await env.flotilla(['logs']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^✗ .*--log-file/m);
  });

  it('install --image names the image; check shows it', async () => {
    const exported = await env.flotilla([
      ...['install', '--export', '--image', 'registry.example.test/team/flotilla:dev'],
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /\n\s+image: registry\.example\.test\/team\/flotilla:dev\n/);
    const installed = await env.flotilla(['install', '--image', 'localhost:5000/flotilla:test']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(
      installed.stderr,
      /✔ flotilla-controller: deployment ready\n✔ install finished\n$/,
    );
    const check = await env.flotilla(['check']);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /► localhost:5000\/flotilla:test\n/);
    assert.match(check.stderr, /✔ distribution: flotilla-v\d+\.\d+\.\d+/);
  });

  it('bootstrap git pushes the manifests and a sync Kustomization, applies them and waits', async () => {
    const url = `${gitServer.url}/fleet.git`;
    const res = await env.flotilla([
      ...['bootstrap', 'git', '--url', url, '--allow-insecure-http', '-u', 'git', '-p', 'sekret'],
      ...['--path', 'clusters/dev', '--image', 'localhost:5000/flotilla:test'],
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /► pushing component manifests to "http:/);
    assert.match(res.stderr, /✔ Kustomization reconciled successfully\n/);
    assert.match(res.stderr, /✔ all components are healthy\n$/);
    assert.doesNotMatch(res.stdout + res.stderr, /sekret/);
    const clone = join(env.root, 'clone');
    execFileSync('git', ['clone', '-q', join(env.root, 'repos', 'fleet.git'), clone]);
    const sync = readFileSync(join(clone, 'clusters/dev/flux-system/gotk-sync.yaml'), 'utf8');
    assert.match(sync, /kind: GitRepository[\s\S]*url: http:\/\/127\.0\.0\.1:\d+\/fleet\.git/);
    assert.match(sync, /kind: Kustomization[\s\S]*path: \.\/clusters\/dev/);
    const components = readFileSync(
      join(clone, 'clusters/dev/flux-system/gotk-components.yaml'),
      'utf8',
    );
    assert.match(components, /image: localhost:5000\/flotilla:test/);
    const synced = await env.client.get(ks('flux-system'));
    assert.match(
      (synced['status'] as { lastAppliedRevision?: string }).lastAppliedRevision ?? '',
      /^main@sha1:/,
    );
    // Run again: nothing to commit, the same result.
    const again = await env.flotilla([
      ...['bootstrap', 'git', '--url', url, '--allow-insecure-http', '-u', 'git', '-p', 'sekret'],
      ...['--path', 'clusters/dev', '--image', 'localhost:5000/flotilla:test'],
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /✔ component manifests are up to date\n/);
  });

  it('uninstall asks, then removes the objects, the CRDs and the namespace', async () => {
    const no = await env.flotilla(['uninstall'], { input: 'n\n' });
    assert.equal(no.code, 1);
    assert.match(
      no.stderr,
      /\? Are you sure you want to delete Flotilla and its custom resource definitions\? \[y\/N\] n\n✗ aborting\n/,
    );
    const dry = await env.flotilla(['uninstall', '--dry-run', '--silent']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /Deployment\/flux-system\/flotilla-controller deleted \(dry run\)/);
    assert.ok(await env.client.getOrUndefined(ks('apps')));
    const res = await env.flotilla(['uninstall', '--silent']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /✔ uninstall finished\n$/);
    // Deleted: the CRD goes once the cluster has removed its custom resources (its finalizer).
    await until(
      'the Kustomization CRD to be gone',
      async () =>
        (await env.client.getOrUndefined({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: 'kustomizations.kustomize.toolkit.fluxcd.io',
        })) === undefined,
      { timeoutMs: 30_000 },
    );
    const check = await env.flotilla(['check']);
    assert.equal(check.code, 1);
  });
});
