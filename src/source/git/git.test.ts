// Tests the Git library against real servers on 127.0.0.1: http-backend (basic, bearer) and git daemon.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtemp, readFile, readdir, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CatFile,
  GitMirror,
  RefKind,
  checkHistory,
  checkoutCommit,
  fetchResolved,
  planRef,
  planTreeTarball,
  prepareGitAuth,
  resolveRemoteRef,
  revisionString,
  selectSemverTags,
  type GitAuth,
  type GitRepositoryRef,
} from './index.js';
import {
  FixtureRepo,
  git,
  makeTestCertificates,
  startGitDaemon,
  startHttpGitServer,
  type RunningServer,
  type TestCertificates,
} from '../../testing/index.js';

let root: string;
let repos: string;
let repo: FixtureRepo;
let basicServer: RunningServer;
let bearerServer: RunningServer;
let daemon: RunningServer;
let c1: string;
let c2: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-git-test-'));
  repos = join(root, 'repos');
  await mkdir(repos);
  repo = FixtureRepo.create(repos, 'app');
  c1 = await repo.commit(
    { 'deploy/app.yaml': 'kind: A\n', 'README.md': 'hi\n', 'other/x.txt': 'x\n' },
    'first',
  );
  git(repo.work, ['tag', 'v1.0.0']);
  git(repo.work, ['tag', '-a', '-m', 'annotated', 'v1.1.0']);
  c2 = await repo.commit({ 'deploy/app.yaml': 'kind: B\n' }, 'second');
  git(repo.work, ['tag', 'v2.0.0-rc.1']);
  git(repo.work, ['tag', 'not-a-version']);
  git(repo.work, ['branch', 'feature']);
  repo.push('main', 'feature', '--tags');
  git(repo.work, ['push', '-q', 'origin', `${c1}:refs/pull/1/head`]);
  basicServer = await startHttpGitServer({
    root: repos,
    basic: { username: 'alice', password: 's3cret-pw' },
  });
  bearerServer = await startHttpGitServer({ root: repos, bearer: 'tok-123456' });
  daemon = await startGitDaemon(repos);
});

after(async () => {
  await Promise.all([basicServer.close(), bearerServer.close(), daemon.close()]);
  await rm(root, { recursive: true, force: true });
});

async function resolve(
  url: string,
  ref: GitRepositoryRef | undefined,
  auth?: GitAuth,
): Promise<{ revision: string; mirror: GitMirror; commit: string }> {
  const mirror = new GitMirror({
    dataDir: join(root, 'data'),
    url,
    ...(auth ? { auth } : {}),
    timeoutMs: 20_000,
  });
  const plan = planRef(ref);
  const resolved = await resolveRemoteRef(mirror, plan, ref?.semver);
  await mirror.locked(() => fetchResolved(mirror, resolved));
  return { revision: revisionString(resolved), mirror, commit: resolved.commit };
}

describe('ref precedence and revisions (git daemon)', () => {
  const cases: { name: string; ref: GitRepositoryRef | undefined; want: () => string }[] = [
    { name: 'branch', ref: { branch: 'main' }, want: () => `main@sha1:${c2}` },
    { name: 'other branch', ref: { branch: 'feature' }, want: () => `feature@sha1:${c2}` },
    { name: 'lightweight tag', ref: { tag: 'v1.0.0' }, want: () => `v1.0.0@sha1:${c1}` },
    {
      name: 'annotated tag peels to commit',
      ref: { tag: 'v1.1.0' },
      want: () => `v1.1.0@sha1:${c1}`,
    },
    { name: 'semver range', ref: { semver: '>=1.0.0 <2.0.0' }, want: () => `v1.1.0@sha1:${c1}` },
    {
      name: 'semver with comma (Masterminds)',
      ref: { semver: '>=1.0.0, <1.1.0' },
      want: () => `v1.0.0@sha1:${c1}`,
    },
    {
      name: 'semver prerelease',
      ref: { semver: '>=2.0.0-0' },
      want: () => `v2.0.0-rc.1@sha1:${c2}`,
    },
    {
      name: 'semver beats tag and branch',
      ref: { semver: '1.0.x', tag: 'v1.1.0', branch: 'feature' },
      want: () => `v1.0.0@sha1:${c1}`,
    },
    {
      name: 'tag beats branch',
      ref: { tag: 'v1.0.0', branch: 'main' },
      want: () => `v1.0.0@sha1:${c1}`,
    },
    {
      name: 'name is absolute',
      ref: { name: 'refs/pull/1/head', tag: 'v2' },
      want: () => `refs/pull/1/head@sha1:${c1}`,
    },
    { name: 'commit only', ref: { commit: '' }, want: () => `sha1:${c1}` },
    { name: 'commit with branch', ref: { branch: 'main' }, want: () => `main@sha1:${c1}` },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      let ref = tc.ref;
      if (tc.name.startsWith('commit')) ref = { ...ref, commit: c1 };
      const { revision } = await resolve(`${daemon.url}/app.git`, ref);
      assert.equal(revision, tc.want());
    });
  }

  it('defaults to the master branch like Flux', () => {
    assert.deepEqual(planRef(undefined), {
      kind: RefKind.Branch,
      refName: 'refs/heads/master',
      allTags: false,
    });
  });

  it('reports a missing branch clearly', async () => {
    await assert.rejects(
      resolve(`${daemon.url}/app.git`, { branch: 'nope' }),
      /couldn't find remote ref 'refs\/heads\/nope'/,
    );
  });

  it('rejects invalid input with the field', () => {
    assert.throws(
      () => planRef({ commit: 'abc' }),
      (e: Error & { field?: string }) => e.field === 'spec.ref.commit',
    );
    assert.throws(() => planRef({ semver: 'not a range' }), /semver parse error/);
    assert.throws(() => planRef({ name: 'main' }), /full Git reference/);
  });
});

describe('in-process ref listing matches git ls-remote', () => {
  for (const server of ['daemon', 'http basic', 'http bearer'] as const) {
    it(server, async () => {
      const base =
        server === 'daemon'
          ? daemon.url
          : server === 'http basic'
            ? basicServer.url
            : bearerServer.url;
      const url = `${base}/app.git`;
      const data =
        server === 'http basic'
          ? { username: 'alice', password: 's3cret-pw' }
          : server === 'http bearer'
            ? { bearerToken: 'tok-123456' }
            : undefined;
      const auth = await prepareGitAuth(url, data);
      try {
        const fast = new GitMirror({ dataDir: join(root, 'cmp'), url, auth });
        const slow = new GitMirror({
          dataDir: join(root, 'cmp'),
          url,
          auth,
          inProcessListing: false,
        });
        assert.deepEqual(await fast.lsRemoteTags(), await slow.lsRemoteTags());
        const names = ['refs/heads/main', 'refs/tags/v1.1.0', 'refs/pull/1/head'];
        const listed = await fast.lsRemote(names);
        assert.deepEqual(listed, await slow.lsRemote(names));
        assert.equal(listed.get('refs/tags/v1.1.0')?.peeled, c1);
        assert.equal(listed.size, 3);
      } finally {
        await auth.dispose();
      }
    });
  }
});

describe('https with ca.crt and client certificates', () => {
  let pki: TestCertificates;
  let tlsServer: RunningServer | undefined;
  let mtlsServer: RunningServer | undefined;
  before(async () => {
    pki = await makeTestCertificates();
    tlsServer = await startHttpGitServer({
      root: repos,
      basic: { username: 'alice', password: 's3cret-pw' },
      tls: { key: pki.serverKey, cert: pki.serverCert },
    });
    mtlsServer = await startHttpGitServer({
      root: repos,
      tls: { key: pki.serverKey, cert: pki.serverCert, clientCa: pki.caCert },
    });
  });
  after(async () => {
    await Promise.all([tlsServer?.close(), mtlsServer?.close()]);
  });

  const cases: {
    name: string;
    server: () => RunningServer;
    data: () => Record<string, string>;
    error?: RegExp;
  }[] = [
    {
      name: 'trusted CA + basic auth',
      server: () => tlsServer as RunningServer,
      data: () => ({ username: 'alice', password: 's3cret-pw', 'ca.crt': pki.caCert }),
    },
    {
      name: 'unknown CA is refused',
      server: () => tlsServer as RunningServer,
      data: () => ({ username: 'alice', password: 's3cret-pw' }),
      error: /certificate|self.signed|issuer/i,
    },
    {
      name: 'client certificate (mTLS)',
      server: () => mtlsServer as RunningServer,
      data: () => ({ 'ca.crt': pki.caCert, 'tls.crt': pki.clientCert, 'tls.key': pki.clientKey }),
    },
    {
      name: 'missing client certificate is refused',
      server: () => mtlsServer as RunningServer,
      data: () => ({ 'ca.crt': pki.caCert }),
      error:
        /unable to list remote|unable to access|certificate|handshake|socket hang up|ECONNRESET/i,
    },
  ];
  for (const tc of cases) {
    for (const inProcess of [true, false]) {
      it(`${tc.name} (${inProcess ? 'in-process listing' : 'git binary'})`, async () => {
        const url = `${tc.server().url}/app.git`;
        const auth = await prepareGitAuth(url, tc.data());
        try {
          const mirror = new GitMirror({
            dataDir: join(root, `tls-${inProcess}`),
            url,
            auth,
            inProcessListing: inProcess,
          });
          const run = async (): Promise<string> => {
            const resolved = await resolveRemoteRef(mirror, planRef({ branch: 'main' }));
            await fetchResolved(mirror, resolved);
            return revisionString(resolved);
          };
          if (tc.error) await assert.rejects(run(), tc.error);
          else assert.equal(await run(), `main@sha1:${c2}`);
        } finally {
          await auth.dispose();
        }
      });
    }
  }
});

describe('timeouts and other transports', () => {
  it('times out a remote that never answers (in-process and git)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      for (const url of [`git://127.0.0.1:${port}/x.git`, `http://127.0.0.1:${port}/x.git`]) {
        for (const inProcess of [true, false]) {
          const mirror = new GitMirror({
            dataDir: join(root, 'to'),
            url,
            timeoutMs: 300,
            inProcessListing: inProcess,
          });
          const started = Date.now();
          await assert.rejects(mirror.lsRemote(['refs/heads/main']), /timed out after 300ms/);
          assert.ok(Date.now() - started < 5000);
        }
      }
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('reads file:// remotes with the git binary', async () => {
    const { revision } = await resolve(`file://${repo.bare}`, { tag: 'v1.1.0' });
    assert.equal(revision, `v1.1.0@sha1:${c1}`);
  });

  it('serialises concurrent work on one mirror', async () => {
    const url = `${daemon.url}/app.git`;
    const results = await Promise.all(
      [{ branch: 'main' }, { tag: 'v1.0.0' }, { branch: 'feature' }, { semver: '^1' }].map((ref) =>
        resolve(url, ref),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.revision),
      [`main@sha1:${c2}`, `v1.0.0@sha1:${c1}`, `feature@sha1:${c2}`, `v1.1.0@sha1:${c1}`],
    );
  });
});

describe('semver selection', () => {
  it('ignores non-versions, prefers highest, reports ties', () => {
    assert.deepEqual(selectSemverTags('*', ['v1.0.0', '1.2.0', 'latest', 'v1.10.0']), ['v1.10.0']);
    assert.deepEqual(selectSemverTags('~1.0', ['v1.0.0', '1.0.0', 'v1.1.0']), ['1.0.0', 'v1.0.0']);
    assert.deepEqual(selectSemverTags('>=1.0.0', ['v1.0.0', 'v2.0.0-rc.1']), ['v1.0.0']);
    assert.deepEqual(selectSemverTags('<1.0.0', ['v1.0.0']), []);
  });
});

describe('http auth', () => {
  it('fetches with basic auth from the Secret', async () => {
    const auth = await prepareGitAuth(`${basicServer.url}/app.git`, {
      username: 'alice',
      password: 's3cret-pw',
    });
    try {
      const { revision } = await resolve(`${basicServer.url}/app.git`, { branch: 'main' }, auth);
      assert.equal(revision, `main@sha1:${c2}`);
    } finally {
      await auth.dispose();
    }
  });

  it('fetches with a bearer token', async () => {
    const auth = await prepareGitAuth(`${bearerServer.url}/app.git`, { bearerToken: 'tok-123456' });
    try {
      const { revision } = await resolve(`${bearerServer.url}/app.git`, { tag: 'v1.0.0' }, auth);
      assert.equal(revision, `v1.0.0@sha1:${c1}`);
    } finally {
      await auth.dispose();
    }
  });

  it('fails clearly with wrong credentials and never leaks them', async () => {
    const auth = await prepareGitAuth(`${basicServer.url}/app.git`, {
      username: 'alice',
      password: 'wrong-password',
    });
    try {
      await assert.rejects(
        resolve(`${basicServer.url}/app.git`, { branch: 'main' }, auth),
        (e: Error) => {
          assert.match(e.message, /authentication required \(HTTP 401\)/);
          assert.doesNotMatch(e.message, /wrong-password/);
          return true;
        },
      );
    } finally {
      await auth.dispose();
    }
  });

  it('fails clearly without credentials', async () => {
    await assert.rejects(
      resolve(`${bearerServer.url}/app.git`, { branch: 'main' }),
      /unable to list remote for '.*': authentication required \(HTTP 401\)/,
    );
  });

  it('gives a clear error from the git binary too (fetch with wrong credentials)', async () => {
    const url = `${basicServer.url}/app.git`;
    const auth = await prepareGitAuth(url, { username: 'alice', password: 'wrong-password' });
    try {
      const mirror = new GitMirror({
        dataDir: join(root, 'data-bin'),
        url,
        auth,
        inProcessListing: false,
      });
      await assert.rejects(mirror.fetch(['+refs/heads/main:refs/heads/main']), (e: Error) => {
        assert.match(
          e.message,
          /git fetch failed \(exit 128\): .*(Authentication failed|could not read Username)/,
        );
        assert.doesNotMatch(e.message, /wrong-password/);
        return true;
      });
    } finally {
      await auth.dispose();
    }
  });

  it('validates Secret keys like Flux', async () => {
    await assert.rejects(
      prepareGitAuth('https://h/r.git', { username: 'a' }),
      /invalid 'https' auth option: 'password' is required/,
    );
    await assert.rejects(
      prepareGitAuth('ssh://git@h/r.git', { identity: 'x' }),
      /'known_hosts' is required/,
    );
  });
});

describe('mirror, checkout and history (http)', () => {
  it('fetches incrementally and checks out sparse directories', async () => {
    const { mirror, commit } = await resolve(`${daemon.url}/app.git`, { branch: 'main' });
    const dest = await mkdtemp(join(root, 'co-'));
    await checkoutCommit({
      mirror,
      commit,
      dest,
      dataDir: join(root, 'data'),
      sparseCheckout: ['deploy'],
    });
    assert.deepEqual(await readdir(dest), ['deploy']);
    assert.equal(await readFile(join(dest, 'deploy/app.yaml'), 'utf8'), 'kind: B\n');
    const full = await mkdtemp(join(root, 'co-'));
    await checkoutCommit({ mirror, commit, dest: full, dataDir: join(root, 'data') });
    assert.deepEqual((await readdir(full)).sort(), ['README.md', 'deploy', 'other']);
    await assert.rejects(
      checkoutCommit({
        mirror,
        commit,
        dest: full,
        dataDir: join(root, 'data'),
        sparseCheckout: ['missing'],
      }),
      /sparse checkout dir 'missing' does not exist/,
    );
  });

  it('detects a force push and a fast-forward', async () => {
    const r = FixtureRepo.create(repos, 'hist');
    const a = await r.commit({ f: '1' }, 'a');
    const b = await r.commit({ f: '2' }, 'b');
    r.push('main');
    const url = `${daemon.url}/hist.git`;
    const first = await resolve(url, { branch: 'main' });
    assert.equal(first.commit, b);
    const c = await r.commit({ f: '3' }, 'c');
    r.push('main');
    const ff = await resolve(url, { branch: 'main' });
    // Merge-base alone, and the parent walk on a running cat-file (with merge-base behind it).
    const withCat = async (fn: (cat: CatFile | undefined) => Promise<void>): Promise<void> => {
      await fn(undefined);
      const cat = new CatFile(ff.mirror.dir);
      try {
        await fn(cat);
      } finally {
        cat.close();
      }
    };
    await withCat(async (cat) =>
      assert.deepEqual(await checkHistory(ff.mirror, b, c, cat), {
        rewritten: false,
        lastCommitAvailable: true,
      }),
    );
    // A merge whose second parent descends from the last commit.
    git(r.work, ['checkout', '-q', '-b', 'side', a]);
    const s1 = await r.commit({ g: '1' }, 'side');
    git(r.work, ['checkout', '-q', 'main']);
    git(r.work, ['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
    const m = r.head();
    r.push('main');
    const merged = await resolve(url, { branch: 'main' });
    assert.equal(merged.commit, m);
    await withCat(async (cat) => {
      assert.equal((await checkHistory(merged.mirror, s1, m, cat)).rewritten, false);
      assert.equal((await checkHistory(merged.mirror, a, m, cat)).rewritten, false);
    });
    git(r.work, ['reset', '-q', '--hard', a]);
    const d = await r.commit({ f: '4' }, 'd');
    r.push('main');
    const forced = await resolve(url, { branch: 'main' });
    assert.equal(forced.commit, d);
    await withCat(async (cat) =>
      assert.deepEqual(await checkHistory(forced.mirror, m, d, cat), {
        rewritten: true,
        lastCommitAvailable: true,
      }),
    );
  });

  it('checks out submodules recursively from their own mirrors', async () => {
    const sub = FixtureRepo.create(repos, 'sub');
    await sub.commit({ 'lib/s.txt': 'sub\n' }, 'sub');
    sub.push('main');
    const sup = FixtureRepo.create(repos, 'super');
    await sup.commit({ 'a.txt': 'a' }, 'init');
    git(sup.work, [
      '-c',
      'protocol.file.allow=always',
      'submodule',
      'add',
      '-q',
      `${daemon.url}/sub.git`,
      'vendor/sub',
    ]);
    git(sup.work, ['commit', '-q', '-m', 'add sub']);
    sup.push('main');
    const { mirror, commit } = await resolve(`${daemon.url}/super.git`, { branch: 'main' });
    const dest = await mkdtemp(join(root, 'co-'));
    await checkoutCommit({
      mirror,
      commit,
      dest,
      dataDir: join(root, 'data'),
      recurseSubmodules: true,
    });
    assert.equal(await readFile(join(dest, 'vendor/sub/lib/s.txt'), 'utf8'), 'sub\n');
    // Trees with submodules always take the checkout path.
    assert.equal(await planTreeTarball({ mirror, commit }), undefined);
  });
});
