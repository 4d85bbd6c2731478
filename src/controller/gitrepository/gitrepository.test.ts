// Tests reconcileGitRepository end to end against real git servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArtifactStore,
  extractTarball,
  type Artifact,
  type SecretData,
} from '../../source/index.js';
import {
  FixtureRepo,
  git,
  startGitDaemon,
  sshdUnavailable,
  startHttpGitServer,
  startSshd,
  type RunningServer,
  type SshServer,
} from '../../testing/index.js';
import { deleteGitRepositoryArtifacts, reconcileGitRepository } from './kind.js';
import type { GitRepository, GitRepositoryStatus } from './types.js';
import type { GitRepositoryDeps } from './work.js';

let root: string;
let repos: string;
let store: ArtifactStore;
let http: RunningServer;
let daemon: RunningServer;
const secrets = new Map<string, SecretData>();
const artifacts = new Map<string, Artifact>();
let clock = new Date('2026-01-01T00:00:00Z');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-gitrepo-test-'));
  repos = join(root, 'repos');
  await mkdir(repos);
  store = await ArtifactStore.open({
    root: join(root, 'artifacts'),
    hostname: 'source.local',
    now: () => clock,
  });
  http = await startHttpGitServer({
    root: repos,
    basic: { username: 'bob', password: 'pa55word' },
  });
  daemon = await startGitDaemon(repos);
  secrets.set('auth', { username: 'bob', password: 'pa55word' });
  secrets.set('bad-auth', { username: 'bob', password: 'nope-nope' });
});

after(async () => {
  await Promise.all([http.close(), daemon.close()]);
  await rm(root, { recursive: true, force: true });
});

function deps(): GitRepositoryDeps {
  return {
    dataDir: join(root, 'data'),
    store,
    tmpDir: root,
    now: () => clock,
    getSecret: (ns, name) => {
      const s = secrets.get(name);
      if (!s) return Promise.reject(new Error(`secrets "${name}" not found`));
      return Promise.resolve(s);
    },
    getArtifact: (ns, name) => Promise.resolve(artifacts.get(name)),
  };
}

function object(
  name: string,
  spec: Partial<GitRepository['spec']>,
  status?: GitRepositoryStatus,
  annotations?: Record<string, string>,
): GitRepository {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: {
      name,
      namespace: 'flux-system',
      generation: 1,
      ...(annotations ? { annotations } : {}),
    },
    spec: { url: '', interval: '1m', ...spec },
    ...(status ? { status } : {}),
  };
}

async function files(a: Artifact): Promise<string[]> {
  const dir = await mkdtemp(join(root, 'x-'));
  await extractTarball(createReadStream(store.localPath(a.path)), dir);
  const out: string[] = [];
  const walk = async (d: string, prefix: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  await walk(dir, '');
  return out.sort();
}

function cond(
  status: GitRepositoryStatus,
  type: string,
): { status: string; reason: string; message: string } | undefined {
  const c = status.conditions?.find((x) => x.type === type);
  return c && { status: c.status, reason: c.reason, message: c.message };
}

describe('reconcileGitRepository over http with basic auth', () => {
  let repo: FixtureRepo;
  let c1: string;
  before(async () => {
    repo = FixtureRepo.create(repos, 'web');
    c1 = await repo.commit(
      { 'app/deploy.yaml': 'a: 1\n', 'docs/readme.md': 'x\n', 'ci.jpg': 'img' },
      'initial commit',
    );
    repo.push('main');
  });

  it('builds an artifact, then is a no-op, then follows a moved branch', async () => {
    const url = `${http.url}/web.git`;
    const first = await reconcileGitRepository(
      object('web', { url, secretRef: { name: 'auth' }, ref: { branch: 'main' } }, undefined, {
        'reconcile.fluxcd.io/requestedAt': 'r1',
      }),
      deps(),
    );
    const s = first.status;
    assert.equal(s.artifact?.revision, `main@sha1:${c1}`);
    assert.match(s.artifact?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(s.artifact?.path, `gitrepository/flux-system/web/${c1}.tar.gz`);
    assert.equal(s.artifact?.url, `http://source.local/gitrepository/flux-system/web/${c1}.tar.gz`);
    assert.equal(s.artifact?.lastUpdateTime, '2026-01-01T00:00:00Z');
    assert.equal(s.observedGeneration, 1);
    assert.equal(s.lastHandledReconcileAt, 'r1');
    assert.deepEqual(
      s.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['Ready', 'True', 'Succeeded', `stored artifact for revision 'main@sha1:${c1}'`],
        [
          'ArtifactInStorage',
          'True',
          'Succeeded',
          `stored artifact for revision 'main@sha1:${c1}'`,
        ],
      ],
    );
    assert.deepEqual(first.events, [
      {
        type: 'Normal',
        reason: 'NewArtifact',
        message: "stored artifact for commit 'initial commit'",
        annotations: {
          'source.toolkit.fluxcd.io/revision': `main@sha1:${c1}`,
          'source.toolkit.fluxcd.io/digest': s.artifact?.digest,
        },
      },
    ]);
    assert.equal(first.artifactChanged, true);
    assert.equal(first.requeueAfterMs, 60_000);
    // Flux's default exclusions drop *.jpg.
    assert.deepEqual(await files(s.artifact), ['app/deploy.yaml', 'docs/readme.md']);

    // Unchanged remote: same status, no events, no artifact.
    clock = new Date('2026-01-01T00:01:00Z');
    const before = http.requests();
    const second = await reconcileGitRepository(
      object('web', { url, secretRef: { name: 'auth' }, ref: { branch: 'main' } }, s),
      deps(),
    );
    assert.deepEqual(second.status, { ...s, lastHandledReconcileAt: 'r1' });
    assert.deepEqual(second.events, []);
    assert.equal(second.artifactChanged, false);
    assert.equal(
      http.requests() - before,
      2,
      'one ls-remote round trip (protocol v2: capabilities + ls-refs)',
    );

    // A moved branch gives a new revision and artifact.
    const c2 = await repo.commit({ 'app/deploy.yaml': 'a: 2\n' }, 'second');
    repo.push('main');
    const third = await reconcileGitRepository(
      object('web', { url, secretRef: { name: 'auth' }, ref: { branch: 'main' } }, second.status),
      deps(),
    );
    assert.equal(third.status.artifact?.revision, `main@sha1:${c2}`);
    assert.equal(third.artifactChanged, true);
    assert.equal(third.events[0]?.reason, 'NewArtifact');
    assert.equal(cond(third.status, 'Ready')?.status, 'True');
    assert.equal(cond(third.status, 'HistoryRewritten'), undefined);
  });

  it('reports wrong credentials on FetchFailed and Ready', async () => {
    const r = await reconcileGitRepository(
      object('web-bad', { url: `${http.url}/web.git`, secretRef: { name: 'bad-auth' } }),
      deps(),
    );
    const ff = cond(r.status, 'FetchFailed');
    assert.equal(ff?.status, 'True');
    assert.equal(ff?.reason, 'GitOperationFailed');
    assert.equal(
      ff?.message,
      `failed to checkout and determine revision: unable to list remote for '${http.url}/web.git': authentication required (HTTP 401)`,
    );
    assert.doesNotMatch(JSON.stringify(r), /nope-nope/);
    assert.deepEqual(cond(r.status, 'Ready'), ff && { ...ff, status: 'False' });
    assert.equal(cond(r.status, 'Reconciling')?.reason, 'ProgressingWithRetry');
    assert.equal(r.status.artifact, undefined);
    assert.equal(r.events[0]?.type, 'Warning');
    assert.equal(r.status.observedGeneration, undefined);
  });

  it('reports a missing Secret as AuthenticationFailed', async () => {
    const r = await reconcileGitRepository(
      object('web-nosecret', { url: `${http.url}/web.git`, secretRef: { name: 'missing' } }),
      deps(),
    );
    assert.deepEqual(cond(r.status, 'FetchFailed'), {
      status: 'True',
      reason: 'AuthenticationFailed',
      message: `failed to get secret 'flux-system/missing': secrets "missing" not found`,
    });
  });

  it('stalls on unsupported provider and proxy settings and on invalid URLs', async () => {
    const cases: [Partial<GitRepository['spec']>, string, string][] = [
      [
        { url: `${http.url}/web.git`, provider: 'azure' },
        'InvalidProviderConfiguration',
        "spec.provider 'azure' is not supported",
      ],
      [
        { url: `${http.url}/web.git`, proxySecretRef: { name: 'p' } },
        'InvalidProviderConfiguration',
        'spec.proxySecretRef is not supported',
      ],
      [
        { url: 'ftp://example.com/r.git' },
        'URLInvalid',
        "failed to parse url 'ftp://example.com/r.git'",
      ],
      [
        { url: 'https://u:secret@example.com/r.git' },
        'URLInvalid',
        'credentials in spec.url are not supported',
      ],
      [
        { url: `${http.url}/web.git`, interval: 'soon' },
        'InvalidSpec',
        'spec.interval: invalid duration "soon"',
      ],
    ];
    for (const [spec, reason, message] of cases) {
      const r = await reconcileGitRepository(object('web-stall', spec), deps());
      assert.equal(cond(r.status, 'Stalled')?.reason, reason);
      assert.ok(
        cond(r.status, 'Stalled')?.message.includes(message),
        cond(r.status, 'Stalled')?.message,
      );
      assert.equal(cond(r.status, 'Ready')?.status, 'False');
      assert.equal(r.requeueAfterMs, undefined);
      assert.equal(r.status.observedGeneration, 1);
    }
  });

  it('deletes all artifacts of a deleted object', async () => {
    const r = await reconcileGitRepository(
      object('web-del', {
        url: `${http.url}/web.git`,
        secretRef: { name: 'auth' },
        ref: { branch: 'main' },
      }),
      deps(),
    );
    assert.ok(r.status.artifact && (await store.exists(r.status.artifact)));
    await deleteGitRepositoryArtifacts(object('web-del', {}), deps());
    assert.equal(await store.exists(r.status.artifact), false);
  });

  it('leaves a suspended object alone', async () => {
    const r = await reconcileGitRepository(
      object('web-s', { url: `${http.url}/web.git`, suspend: true }),
      deps(),
    );
    assert.deepEqual(r, {
      status: {},
      events: [],
      requeueAfterMs: undefined,
      error: undefined,
      artifactChanged: false,
      deleted: false,
    });
  });
});

describe('reconcileGitRepository: tags, semver, ignore, include (git daemon)', () => {
  let c1: string;
  before(async () => {
    const repo = FixtureRepo.create(repos, 'lib');
    c1 = await repo.commit({ 'k/a.yaml': 'a\n', 'k/b.yaml': 'b\n', 'x/c.txt': 'c\n' }, 'v1');
    git(repo.work, ['tag', '-a', '-m', 'release', 'v1.2.0']);
    await repo.commit({ 'k/a.yaml': 'a2\n' }, 'v2');
    git(repo.work, ['tag', 'v2.0.0']);
    repo.push('main', '--tags');
  });

  it('resolves a tag and a semver range', async () => {
    const url = `${daemon.url}/lib.git`;
    const tag = await reconcileGitRepository(
      object('lib-tag', { url, ref: { tag: 'v1.2.0' } }),
      deps(),
    );
    assert.equal(tag.status.artifact?.revision, `v1.2.0@sha1:${c1}`);
    const sem = await reconcileGitRepository(
      object('lib-semver', { url, ref: { semver: '~1.2' } }),
      deps(),
    );
    assert.equal(sem.status.artifact?.revision, `v1.2.0@sha1:${c1}`);
    const none = await reconcileGitRepository(
      object('lib-none', { url, ref: { semver: '>=3.0.0' } }),
      deps(),
    );
    assert.equal(
      cond(none.status, 'FetchFailed')?.message,
      'failed to checkout and determine revision: no match found for semver: >=3.0.0',
    );
  });

  it('applies spec.ignore and sparseCheckout, and rebuilds when they change', async () => {
    const url = `${daemon.url}/lib.git`;
    const a = await reconcileGitRepository(
      object('lib-ign', { url, ref: { tag: 'v1.2.0' }, ignore: 'k/b.yaml' }),
      deps(),
    );
    assert.deepEqual(await files(a.status.artifact as Artifact), ['k/a.yaml', 'x/c.txt']);
    assert.equal(a.status.observedIgnore, 'k/b.yaml');
    const b = await reconcileGitRepository(
      object('lib-ign', { url, ref: { tag: 'v1.2.0' }, sparseCheckout: ['k'] }, a.status),
      deps(),
    );
    assert.deepEqual(await files(b.status.artifact as Artifact), ['k/a.yaml', 'k/b.yaml']);
    assert.deepEqual(b.status.observedSparseCheckout, ['k']);
  });

  it('honours .sourceignore files in the repository and pins a commit', async () => {
    const r = FixtureRepo.create(repos, 'ignored');
    const commit = await r.commit(
      {
        '.sourceignore': 'secrets/\n',
        'apps/.sourceignore': '/local.yaml\n',
        'apps/a.yaml': 'a',
        'apps/local.yaml': 'l',
        'secrets/s.yaml': 's',
        'top.png': 'p',
      },
      'with ignores',
    );
    await r.commit({ 'apps/a.yaml': 'later' }, 'later');
    r.push('main');
    const res = await reconcileGitRepository(
      object('ignored', { url: `${daemon.url}/ignored.git`, ref: { commit } }),
      deps(),
    );
    assert.equal(res.status.artifact?.revision, `sha1:${commit}`);
    // User patterns replace Flux's default exclusions, so top.png stays.
    assert.deepEqual(await files(res.status.artifact), [
      '.sourceignore',
      'apps/.sourceignore',
      'apps/a.yaml',
      'top.png',
    ]);
  });

  it('copies included artifacts fromPath to toPath', async () => {
    const url = `${daemon.url}/lib.git`;
    const dep = await reconcileGitRepository(
      object('lib-dep', { url, ref: { tag: 'v1.2.0' } }),
      deps(),
    );
    artifacts.set('lib-dep', dep.status.artifact as Artifact);
    const r = await reconcileGitRepository(
      object('lib-incl', {
        url,
        ref: { tag: 'v2.0.0' },
        include: [{ repository: { name: 'lib-dep' }, fromPath: 'x', toPath: 'vendor/x' }],
      }),
      deps(),
    );
    assert.deepEqual(await files(r.status.artifact as Artifact), [
      'k/a.yaml',
      'k/b.yaml',
      'vendor/x/c.txt',
      'x/c.txt',
    ]);
    assert.equal(r.status.includedArtifacts?.[0]?.digest, dep.status.artifact?.digest);
    const missing = await reconcileGitRepository(
      object('lib-incl2', { url, include: [{ repository: { name: 'nothing' } }] }),
      deps(),
    );
    assert.deepEqual(cond(missing.status, 'IncludeUnavailable'), {
      status: 'True',
      reason: 'NoArtifact',
      message: "no artifact available for include 'nothing'",
    });
  });
});

describe('reconcileGitRepository: history rewrite', () => {
  it('warns on a force push, and refuses to advance with immutable history', async () => {
    const repo = FixtureRepo.create(repos, 'hist');
    const a = await repo.commit({ f: '1' }, 'a');
    const b = await repo.commit({ f: '2' }, 'b');
    repo.push('main');
    const url = `${daemon.url}/hist.git`;
    const spec = { url, ref: { branch: 'main' } };
    const first = await reconcileGitRepository(object('hist', spec), deps());
    assert.equal(first.status.artifact?.revision, `main@sha1:${b}`);
    git(repo.work, ['reset', '-q', '--hard', a]);
    const c = await repo.commit({ f: '3' }, 'c');
    repo.push('main');

    const immutable = await reconcileGitRepository(
      object('hist', spec, first.status, { 'flotilla.dev/immutable-history': 'true' }),
      deps(),
    );
    assert.equal(immutable.status.artifact?.revision, `main@sha1:${b}`, 'artifact not advanced');
    assert.equal(immutable.artifactChanged, false);
    const hr = cond(immutable.status, 'HistoryRewritten');
    assert.equal(hr?.reason, 'ImmutableHistory');
    assert.match(
      hr?.message ?? '',
      new RegExp(
        `new head 'main@sha1:${c}' does not descend from last fetched revision 'main@sha1:${b}'`,
      ),
    );
    assert.equal(cond(immutable.status, 'Ready')?.status, 'False');
    assert.equal(cond(immutable.status, 'Ready')?.reason, 'HistoryRewritten');
    assert.ok(
      immutable.events.some((e) => e.type === 'Warning' && e.reason === 'HistoryRewritten'),
    );

    // Restoring the history ends the refusal.
    const saved = repo.head();
    git(repo.work, ['reset', '-q', '--hard', b]);
    repo.push('main');
    const restored = await reconcileGitRepository(
      object('hist', spec, immutable.status, { 'flotilla.dev/immutable-history': 'true' }),
      deps(),
    );
    assert.equal(restored.status.artifact?.revision, `main@sha1:${b}`);
    assert.equal(cond(restored.status, 'HistoryRewritten'), undefined);
    assert.equal(cond(restored.status, 'Ready')?.status, 'True');
    git(repo.work, ['reset', '-q', '--hard', saved]);
    repo.push('main');

    const allowed = await reconcileGitRepository(object('hist', spec, restored.status), deps());
    assert.equal(allowed.status.artifact?.revision, `main@sha1:${c}`);
    assert.equal(cond(allowed.status, 'HistoryRewritten')?.reason, 'ForcePushed');
    assert.equal(cond(allowed.status, 'Ready')?.status, 'True');
    assert.ok(
      allowed.events.some(
        (e) =>
          e.type === 'Warning' &&
          e.reason === 'HistoryRewritten' &&
          e.message.includes(b) &&
          e.message.includes(c),
      ),
    );

    const d = await repo.commit({ f: '4' }, 'd');
    repo.push('main');
    const ff = await reconcileGitRepository(object('hist', spec, allowed.status), deps());
    assert.equal(ff.status.artifact?.revision, `main@sha1:${d}`);
    assert.equal(cond(ff.status, 'HistoryRewritten'), undefined);
  });
});

describe('reconcileGitRepository: signature verification', () => {
  let gnupg: string;
  let sshKey: string;
  let otherSshKey: string;
  let pgpPublic: string;
  let fpr: string;
  let repo: FixtureRepo;
  const hasGpg = (() => {
    try {
      execFileSync('gpg', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  before(async () => {
    const keys = await mkdtemp(join(root, 'keys-'));
    gnupg = join(keys, 'gnupg');
    await mkdir(gnupg);
    await chmod(gnupg, 0o700);
    if (hasGpg) {
      execFileSync(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          'Flotilla Test <test@example.com>',
          'ed25519',
          'sign',
          'never',
        ],
        { env: { ...process.env, GNUPGHOME: gnupg }, stdio: 'ignore' },
      );
      pgpPublic = execFileSync('gpg', ['--armor', '--export', 'test@example.com'], {
        env: { ...process.env, GNUPGHOME: gnupg },
        encoding: 'utf8',
      });
      fpr =
        /fpr:+([0-9A-F]+):/.exec(
          execFileSync('gpg', ['--with-colons', '--fingerprint', 'test@example.com'], {
            env: { ...process.env, GNUPGHOME: gnupg },
            encoding: 'utf8',
          }),
        )?.[1] ?? '';
    }
    sshKey = join(keys, 'signer');
    otherSshKey = join(keys, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'signer', '-f', sshKey]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', otherSshKey]);
    repo = FixtureRepo.create(repos, 'signed');
  });

  it('verifies a gpg-signed commit and refuses an unsigned one', async (t) => {
    if (!hasGpg) return t.skip('gpg not installed');
    await repo.commit({ a: '1' }, 'signed', ['-S', `--gpg-sign=${fpr}`], { GNUPGHOME: gnupg });
    repo.push('main');
    secrets.set('pgp', { 'author.asc': pgpPublic });
    const spec = {
      url: `${daemon.url}/signed.git`,
      ref: { branch: 'main' },
      verify: { mode: 'HEAD', secretRef: { name: 'pgp' } },
    };
    const ok = await reconcileGitRepository(object('signed', spec), deps());
    const sv = cond(ok.status, 'SourceVerified');
    assert.equal(sv?.status, 'True');
    assert.match(
      sv?.message ?? '',
      new RegExp(
        `^verified signature of\\n\\t- commit '${repo.head()}' with key '${fpr.slice(-16)}'$`,
      ),
    );
    assert.equal(ok.status.sourceVerificationMode, 'HEAD');
    assert.ok(ok.status.artifact);

    const unsigned = await repo.commit({ a: '2' }, 'unsigned');
    repo.push('main');
    const bad = await reconcileGitRepository(object('signed', spec, ok.status), deps());
    assert.deepEqual(cond(bad.status, 'SourceVerified'), {
      status: 'False',
      reason: 'InvalidCommitSignature',
      message: `signature verification of commit '${unsigned}' failed: object is not signed`,
    });
    assert.equal(
      bad.status.artifact?.revision,
      ok.status.artifact?.revision,
      'no artifact for the unsigned revision',
    );
    assert.equal(cond(bad.status, 'Ready')?.reason, 'InvalidCommitSignature');
  });

  it('verifies SSH-signed commits and signed tags against *.sshpub keys', async () => {
    const r = FixtureRepo.create(repos, 'sshsigned');
    const sshArgs = ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${sshKey}`];
    await r.commit({ a: '1' }, 'ssh signed');
    git(r.work, [...sshArgs, 'commit', '-q', '--amend', '-S', '-m', 'ssh signed']);
    git(r.work, [...sshArgs, 'tag', '-s', '-m', 'signed tag', 'v1.0.0']);
    git(r.work, ['tag', '-a', '-m', 'unsigned tag', 'v0.9.0']);
    r.push('main', '--tags');
    secrets.set('ssh-trust', { 'signer.sshpub': await readFile(`${sshKey}.pub`, 'utf8') });
    secrets.set('ssh-other', { 'other.sshpub': await readFile(`${otherSshKey}.pub`, 'utf8') });
    const url = `${daemon.url}/sshsigned.git`;
    const both = await reconcileGitRepository(
      object('sshs', {
        url,
        ref: { tag: 'v1.0.0' },
        verify: { mode: 'TagAndHEAD', secretRef: { name: 'ssh-trust' } },
      }),
      deps(),
    );
    assert.equal(cond(both.status, 'SourceVerified')?.status, 'True');
    assert.match(
      cond(both.status, 'SourceVerified')?.message ?? '',
      /^verified signature of\n\t- tag 'v1\.0\.0' with key 'SHA256:[A-Za-z0-9+/]+'\n\t- commit '[0-9a-f]{40}' with key 'SHA256:/,
    );

    const wrongKey = await reconcileGitRepository(
      object('sshs2', {
        url,
        ref: { branch: 'main' },
        verify: { mode: 'HEAD', secretRef: { name: 'ssh-other' } },
      }),
      deps(),
    );
    assert.equal(cond(wrongKey.status, 'SourceVerified')?.reason, 'InvalidCommitSignature');
    assert.match(
      cond(wrongKey.status, 'SourceVerified')?.message ?? '',
      /signed by untrusted key SHA256:/,
    );
    assert.equal(wrongKey.status.artifact, undefined);

    const unsignedTag = await reconcileGitRepository(
      object('sshs3', {
        url,
        ref: { tag: 'v0.9.0' },
        verify: { mode: 'Tag', secretRef: { name: 'ssh-trust' } },
      }),
      deps(),
    );
    assert.deepEqual(cond(unsignedTag.status, 'SourceVerified'), {
      status: 'False',
      reason: 'InvalidGitObject',
      message: "cannot verify signature of tag 'v0.9.0' since it is not signed",
    });

    const tagModeOnBranch = await reconcileGitRepository(
      object('sshs4', {
        url,
        ref: { branch: 'main' },
        verify: { mode: 'Tag', secretRef: { name: 'ssh-trust' } },
      }),
      deps(),
    );
    assert.equal(cond(tagModeOnBranch.status, 'Stalled')?.reason, 'InvalidVerificationMode');
    assert.equal(tagModeOnBranch.requeueAfterMs, undefined);
  });
});

describe('reconcileGitRepository over SSH', () => {
  const why = sshdUnavailable();
  let sshd: SshServer | undefined;
  before(async () => {
    if (!why) sshd = await startSshd(join(root, 'sshd'));
  });
  after(async () => {
    await sshd?.close();
  });

  it('uses identity and known_hosts from the Secret, and reports a bad host key', async (t) => {
    if (why || !sshd) return t.skip(why);
    const repo = FixtureRepo.create(repos, 'over-ssh');
    const head = await repo.commit({ 'k.yaml': 'k: v\n' }, 'ssh commit');
    repo.push('main');
    const url = `${sshd.url}${repo.bare}`;
    secrets.set('ssh-auth', { identity: sshd.clientKey, known_hosts: sshd.knownHosts });
    const ok = await reconcileGitRepository(
      object('over-ssh', { url, secretRef: { name: 'ssh-auth' }, ref: { branch: 'main' } }),
      deps(),
    );
    assert.equal(ok.status.artifact?.revision, `main@sha1:${head}`);
    assert.deepEqual(await files(ok.status.artifact), ['k.yaml']);

    secrets.set('ssh-wrong-host', {
      identity: sshd.clientKey,
      known_hosts: `[127.0.0.1]:1 ${sshd.knownHosts.split(' ').slice(1).join(' ')}`,
    });
    const bad = await reconcileGitRepository(
      object('over-ssh-bad', {
        url,
        secretRef: { name: 'ssh-wrong-host' },
        ref: { branch: 'main' },
      }),
      deps(),
    );
    assert.equal(cond(bad.status, 'FetchFailed')?.reason, 'GitOperationFailed');
    assert.match(
      cond(bad.status, 'FetchFailed')?.message ?? '',
      /Host key verification failed|No .* host key is known/,
    );
  });
});
