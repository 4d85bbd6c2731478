// Signed commits verified by the shipped controller (issue 22, item 11): `flotilla controller`
// as users run it (bin/flotilla.js over the bundle, which runs from a V8 code cache where a
// dynamic import() of a package cannot work) verifies OpenPGP- and SSH-signed commits of a
// GitRepository with spec.verify, and refuses an unsigned one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalCluster, type LocalCluster } from '../localcluster/index.js';
import { KubeClient, type KubeObject } from '../kube/index.js';
import { startGitHttpServer, type GitHttpServer } from '../source/index.js';
import { installCrds } from '../controller/index.js';
import { startCli, type CliProcess } from '../testing/index.js';

const GR = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

const hasGpg = ((): boolean => {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let root: string;
let gnupg: string;
let cluster: LocalCluster;
let client: KubeClient;
let gitServer: GitHttpServer;
let controller: CliProcess;

function git(repo: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, { cwd: repo, env: { ...gitEnv, ...env }, encoding: 'utf8' });
}

/** A repository served as NAME.git with one commit made with `signArgs`; returns its SHA. */
function repoWithCommit(name: string, signArgs: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const work = join(root, `${name}-work`);
  git(root, ['init', '-q', '-b', 'main', work]);
  writeFileSync(
    join(work, 'cm.yaml'),
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`,
  );
  git(work, ['add', '.']);
  git(
    work,
    ['-c', 'user.name=t', '-c', 'user.email=test@example.com', ...signArgs, 'commit', '-qm', name],
    env,
  );
  git(root, ['clone', '-q', '--bare', work, join(root, `${name}.git`)]);
  return git(work, ['rev-parse', 'HEAD']).trim();
}

async function trust(name: string, data: Record<string, string>): Promise<void> {
  await client.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'flux-system' },
    stringData: data,
  });
}

async function gitRepository(name: string, secret: string): Promise<void> {
  await client.create({
    ...GR,
    metadata: { name, namespace: 'flux-system' },
    spec: {
      url: `${gitServer.url}/${name}.git`,
      interval: '10m',
      ref: { branch: 'main' },
      verify: { mode: 'HEAD', secretRef: { name: secret } },
    },
  });
}

type Condition = { type: string; status: string; reason?: string; message?: string };

/** The conditions of a GitRepository once it has a Ready condition for the current generation. */
async function settled(name: string): Promise<Condition[]> {
  const end = Date.now() + 60_000;
  for (;;) {
    const gr = await client.get<KubeObject & { status?: { conditions?: Condition[] } }>({
      ...GR,
      namespace: 'flux-system',
      name,
    });
    const ready = gr.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready !== undefined && ready.reason !== 'Progressing') return gr.status?.conditions ?? [];
    if (Date.now() > end)
      throw new Error(
        `${name} did not settle: ${JSON.stringify(gr.status)}\ncontroller:\n${controller.stderr().slice(-3000)}`,
      );
    await sleep(100);
  }
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'flotilla-signed-'));
  gnupg = join(root, 'gnupg');
  mkdirSync(gnupg);
  chmodSync(gnupg, 0o700);
  cluster = await startLocalCluster({ inMemory: true, simulate: false });
  client = await KubeClient.fromKubeConfig({ yaml: cluster.kubeconfig });
  await installCrds(client);
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  gitServer = await startGitHttpServer({ root });
  writeFileSync(join(root, 'kubeconfig'), cluster.kubeconfig);
  controller = await startCli([
    '--kubeconfig',
    join(root, 'kubeconfig'),
    'controller',
    '--data',
    join(root, 'data'),
    '--health-addr',
    '127.0.0.1:0',
    '--storage-addr',
    '127.0.0.1:0',
  ]);
});

after(async () => {
  await controller?.stop();
  if (hasGpg) {
    try {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], {
        env: { ...process.env, GNUPGHOME: gnupg },
      });
    } catch {
      // no agent was started
    }
  }
  await gitServer?.close();
  client?.close();
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the shipped controller verifies signed commits', () => {
  it('OpenPGP: a commit signed with gpg is verified with the armored public key', async (t) => {
    if (!hasGpg) return t.skip('gpg not installed');
    const env = { GNUPGHOME: gnupg };
    execFileSync(
      'gpg',
      [
        '--batch',
        '--passphrase',
        '',
        '--quick-gen-key',
        'Test <test@example.com>',
        'ed25519',
        'sign',
        'never',
      ],
      { env: { ...process.env, ...env }, stdio: 'ignore' },
    );
    const armored = execFileSync('gpg', ['--armor', '--export', 'test@example.com'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    const sha = repoWithCommit(
      'pgp',
      ['-c', 'user.signingkey=test@example.com', '-c', 'commit.gpgsign=true'],
      env,
    );
    await trust('pgp-keys', { 'signer.asc': armored });
    await gitRepository('pgp', 'pgp-keys');
    const conditions = await settled('pgp');
    const verified = conditions.find((c) => c.type === 'SourceVerified');
    assert.equal(verified?.status, 'True', JSON.stringify(conditions));
    assert.match(verified?.message ?? '', new RegExp(`commit '${sha}' with key`));
    assert.equal(conditions.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it('SSH: a commit signed with an SSH key is verified with the *.sshpub key', async () => {
    const key = join(root, 'signer');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'signer', '-f', key]);
    const sha = repoWithCommit('ssh', [
      '-c',
      'gpg.format=ssh',
      '-c',
      `user.signingkey=${key}`,
      '-c',
      'commit.gpgsign=true',
    ]);
    await trust('ssh-keys', { 'signer.sshpub': readFileSync(`${key}.pub`, 'utf8') });
    await gitRepository('ssh', 'ssh-keys');
    const conditions = await settled('ssh');
    const verified = conditions.find((c) => c.type === 'SourceVerified');
    assert.equal(verified?.status, 'True', JSON.stringify(conditions));
    assert.match(verified?.message ?? '', new RegExp(`commit '${sha}' with key 'SHA256:`));
  });

  it('an unsigned commit is refused and no artifact is stored', async () => {
    const sha = repoWithCommit('unsigned', []);
    await gitRepository('unsigned', 'ssh-keys');
    const conditions = await settled('unsigned');
    const ready = conditions.find((c) => c.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'InvalidCommitSignature');
    assert.match(ready?.message ?? '', new RegExp(`commit '${sha}' failed: object is not signed`));
  });
});
