// `create` (kustomization, source git, secret git|helm|oci|tls, tenant) and the failure messages
// of `create`, `reconcile` and `get sources`, run as the shipped CLI against the local cluster
// and a controller process; --export output compared byte for byte with flux v2.9.5's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  APPS_FIXTURE,
  oracleSkip,
  sshdUnavailable,
  startFluxCliEnv,
  startSshd,
  type FluxCliEnv,
} from '../testing/index.js';

let env: FluxCliEnv;
let certFile: string;
let keyFile: string;

before(async () => {
  env = await startFluxCliEnv({
    namespaces: ['apps'],
    files: APPS_FIXTURE,
  });
  certFile = join(env.root, 'tls.crt');
  keyFile = join(env.root, 'tls.key');
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', keyFile, '-out', certFile, '-subj', '/CN=test', '-days', '1'],
  ]);
});

after(async () => {
  await env.stop();
});

describe('create --export prints what flux prints', { skip: oracleSkip('flux') }, () => {
  const cases = (): string[][] => [
    [
      ...['create', 'kustomization', 'web', '--source', 'GitRepository/repo', '--path', './apps'],
      ...['--prune', '--interval', '5m', '--target-namespace', 'apps', '--depends-on', 'infra'],
      ...['--health-check', 'Deployment/web.apps', '--wait', '--export'],
    ],
    ['create', 'ks', 'plain', '--source', 'repo', '--export'],
    ['create', 'source', 'git', 'podinfo', '--url', 'https://example.test/x.git', '--tag', 'v1'],
    ['create', 'secret', 'git', 'basic', '--url', 'https://h.test/x.git', '-u', 'u', '-p', 'p'],
    ['create', 'secret', 'git', 'bearer', '--url', 'https://h.test/x.git', '--bearer-token', 't'],
    ['create', 'secret', 'helm', 'charts', '-u', 'u', '-p', 'p'],
    ['create', 'secret', 'oci', 'registry', '--url', 'ghcr.io/org/app', '-u', 'u', '-p', 'p'],
    ['create', 'secret', 'tls', 'certs', '--tls-crt-file', certFile, '--tls-key-file', keyFile],
    ['create', 'tenant', 'dev', '--with-namespace', 'a,b'],
    [
      ...['create', 'tenant', 'ops', '--with-namespace', 'c', '--cluster-role', 'view'],
      ...['--with-service-account', 'robot'],
    ],
  ];
  it('byte for byte, with the same exit code', async () => {
    for (const args of cases()) {
      const full = args.includes('--export') ? args : [...args, '--export'];
      const [ours, theirs] = await Promise.all([env.flotilla(full), env.flux(full)]);
      assert.equal(ours.code, theirs.code, `${full.join(' ')}: ${ours.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, full.join(' '));
    }
  });
  it('refuses what flux refuses, with its message', async () => {
    for (const args of [
      ['create', 'secret', 'helm', 'x', '-u', 'u', '-p', 'p'],
      ['create', 'ks', 'no-source', '--path', './x'],
      ['create', 'secret', 'tls', 'missing', '--tls-crt-file', '/nonexistent/crt'],
    ]) {
      const [ours, theirs] = await Promise.all([
        env.flotilla([...args, '--export']),
        env.flux([...args, '--export']),
      ]);
      assert.equal(ours.code, theirs.code, args.join(' '));
      assert.equal(ours.code, 1);
      assert.equal(
        ours.stderr.split('\n')[0]?.slice(0, 20),
        theirs.stderr.split('\n')[0]?.slice(0, 20),
      );
    }
  });
});

describe('create against the cluster', () => {
  it('create source git and create kustomization wait for the reconcile and print the revision', async () => {
    const src = await env.flotilla([
      'create',
      'source',
      'git',
      'repo',
      '--url',
      env.repo.url,
      '--branch',
      'main',
    ]);
    assert.equal(src.code, 0, src.stderr);
    assert.match(src.stderr, /✔ fetched revision: main@sha1:[0-9a-f]{40}\n$/);
    const createApps = [
      'create',
      'ks',
      'apps',
      '--source',
      'GitRepository/repo',
      '--path',
      './apps',
      '--prune',
    ];
    const ks = await env.flotilla(createApps);
    assert.equal(ks.code, 0, ks.stderr);
    assert.match(
      ks.stderr,
      /✚ generating Kustomization\n► applying Kustomization\n✔ Kustomization created\n◎ waiting for Kustomization reconciliation\n✔ Kustomization apps is ready\n✔ applied revision main@sha1:[0-9a-f]{40}\n$/,
    );
    const cm = await env.client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'apps',
      name: 'settings',
    });
    assert.equal(cm.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'apps');
    const again = await env.flotilla(createApps);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /✔ Kustomization updated\n/);
  });

  it('a failing source: create exits 1 at once with the error, get sources shows it, reconcile too', async () => {
    const started = Date.now();
    const bad = await env.flotilla([
      ...['create', 'source', 'git', 'broken', '--url', 'http://127.0.0.1:1/nothing.git'],
      ...['--branch', 'main', '--timeout', '2m'],
    ]);
    assert.equal(bad.code, 1);
    assert.ok(Date.now() - started < 60_000, 'did not wait for the timeout');
    assert.match(
      bad.stderr,
      /◎ waiting for GitRepository source reconciliation\n✗ GitRepository reconciliation failed: '.*127\.0\.0\.1:1.*'\n$/,
    );
    assert.doesNotMatch(bad.stderr, /controller running/);
    const get = await env.flotilla(['get', 'sources', 'git', 'broken']);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /^broken\s+\t\s*False\s*\tFalse\s*\t.*127\.0\.0\.1:1/m);
    assert.doesNotMatch(get.stdout, /building artifact/);
    const rec = await env.flotilla(['reconcile', 'source', 'git', 'broken', '--timeout', '2m']);
    assert.equal(rec.code, 1);
    assert.match(
      rec.stderr,
      /► annotating GitRepository broken in flux-system namespace\n✔ GitRepository annotated\n◎ waiting for GitRepository reconciliation\n✗ GitRepository reconciliation failed: '.*127\.0\.0\.1:1/,
    );
  });

  it('a failing Kustomization: create ks exits 1 with the build error', async () => {
    const res = await env.flotilla([
      ...['create', 'ks', 'missing', '--source', 'GitRepository/repo', '--path', './nowhere'],
    ]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /✗ Kustomization reconciliation failed: '.*nowhere/);
  });

  it('create secret git and tls write the Secrets flux writes', async () => {
    const git = await env.flotilla([
      'create',
      'secret',
      'git',
      'creds',
      '--url',
      'https://h.test/x.git',
      '-u',
      'me',
      '-p',
      'pw',
    ]);
    assert.equal(git.code, 0, git.stderr);
    assert.match(git.stderr, /► git secret 'creds' created in 'flux-system' namespace\n/);
    const secret = await env.client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'flux-system',
      name: 'creds',
    });
    const data = secret['data'] as Record<string, string>;
    assert.equal(Buffer.from(data['username'] ?? '', 'base64').toString(), 'me');
    assert.equal(Buffer.from(data['password'] ?? '', 'base64').toString(), 'pw');
    assert.doesNotMatch(git.stdout + git.stderr, /pw/);
    const tls = await env.flotilla([
      'create',
      'secret',
      'tls',
      'certs',
      '--tls-crt-file',
      certFile,
      '--tls-key-file',
      keyFile,
    ]);
    assert.equal(tls.code, 0, tls.stderr);
    const t = await env.client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'flux-system',
      name: 'certs',
    });
    assert.deepEqual(Object.keys(t['data'] as object).sort(), ['tls.crt', 'tls.key']);
  });

  it('create tenant makes the namespaces, ServiceAccount and RoleBinding', async () => {
    const res = await env.flotilla(['create', 'tenant', 'team', '--with-namespace', 'team-a']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /✔ tenant setup completed\n$/);
    const rb = await env.client.get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      namespace: 'team-a',
      name: 'team-reconciler',
    });
    assert.equal((rb['roleRef'] as { name: string }).name, 'cluster-admin');
    const sa = await env.client.get({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: 'team-a',
      name: 'team',
    });
    assert.equal(sa.metadata.labels?.['toolkit.fluxcd.io/tenant'], 'team');
  });
});

describe(
  'create secret git for Git over SSH',
  {
    skip: sshdUnavailable() ?? oracleSkip('flux'),
  },
  () => {
    it('generates a key pair (or reads --private-key-file) and scans the host key', async () => {
      const sshd = await startSshd(join(env.root, 'sshd'));
      try {
        const url = `${sshd.url}/srv/fleet.git`;
        const parse = (out: string) =>
          (parseYaml(out) as { stringData: Record<string, string> }).stringData;
        const generated = await env.flotilla([
          'create',
          'secret',
          'git',
          'deploy',
          '--url',
          url,
          '--export',
        ]);
        assert.equal(generated.code, 0, generated.stderr);
        const data = parse(generated.stdout);
        // The host key line as flux writes it (flux scans the same server).
        const theirs = await env.flux([
          'create',
          'secret',
          'git',
          'deploy',
          '--url',
          url,
          '--export',
        ]);
        assert.equal(theirs.code, 0, theirs.stderr);
        assert.equal(data['known_hosts'], parse(theirs.stdout)['known_hosts']);
        assert.equal(data['known_hosts']?.trim(), sshd.knownHosts.trim());
        assert.match(data['identity.pub'] ?? '', /^ecdsa-sha2-nistp384 \S+\n?$/);
        const keyFile = join(env.root, 'generated-key');
        writeFileSync(keyFile, data['identity'] ?? '', { mode: 0o600 });
        const derived = execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' });
        assert.equal(derived.trim().split(' ').slice(0, 2).join(' '), data['identity.pub']?.trim());

        const clientKey = join(env.root, 'client-key');
        writeFileSync(clientKey, sshd.clientKey, { mode: 0o600 });
        const given = await env.flotilla([
          ...['create', 'secret', 'git', 'deploy', '--url', url, '--private-key-file', clientKey],
        ]);
        assert.equal(given.code, 0, given.stderr);
        assert.match(given.stderr, /✚ deploy key: ssh-ed25519 /);
        const secret = await env.client.get({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: 'flux-system',
          name: 'deploy',
        });
        const stored = secret['data'] as Record<string, string>;
        assert.equal(Buffer.from(stored['identity'] ?? '', 'base64').toString(), sshd.clientKey);
        assert.equal(
          Buffer.from(stored['known_hosts'] ?? '', 'base64').toString(),
          data['known_hosts'],
        );
        assert.doesNotMatch(given.stdout + given.stderr, /PRIVATE KEY/);
      } finally {
        await sshd.close();
      }
    });
  },
);
