// Tests SSH transport (sshd on 127.0.0.1 with known_hosts) and sshsig verification for every key type.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  GitMirror,
  fetchResolved,
  parseSshPublicKeys,
  planRef,
  prepareGitAuth,
  resolveRemoteRef,
  revisionString,
  verifySshSignature,
} from './index.js';
import { FixtureRepo, sshdUnavailable, startSshd, type SshServer } from '../../testing/index.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-ssh-test-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('git over SSH (sshd on 127.0.0.1)', () => {
  const why = sshdUnavailable();
  let sshd: SshServer | undefined;
  let repo: FixtureRepo;
  let head: string;
  before(async () => {
    if (why) return;
    sshd = await startSshd(join(root, 'sshd'));
    repo = FixtureRepo.create(root, 'ssh-repo');
    head = await repo.commit({ 'a.yaml': 'a: 1\n' }, 'one');
    repo.push('main');
  });
  after(async () => {
    await sshd?.close();
  });

  it('fetches with identity and known_hosts from the Secret', async (t) => {
    if (why || !sshd) return t.skip(why);
    const url = `${sshd.url}${repo.bare}`;
    const auth = await prepareGitAuth(url, {
      identity: sshd.clientKey,
      known_hosts: sshd.knownHosts,
    });
    try {
      const mirror = new GitMirror({ dataDir: join(root, 'data'), url, auth, timeoutMs: 20_000 });
      const resolved = await resolveRemoteRef(mirror, planRef({ branch: 'main' }));
      await fetchResolved(mirror, resolved);
      assert.equal(revisionString(resolved), `main@sha1:${head}`);
    } finally {
      await auth.dispose();
    }
  });

  it('refuses a host key that is not in known_hosts', async (t) => {
    if (why || !sshd) return t.skip(why);
    const url = `${sshd.url}${repo.bare}`;
    const other = join(root, 'otherhost');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const port = /:(\d+)$/.exec(sshd.url)?.[1] ?? '';
    const wrong = `[127.0.0.1]:${port} ${(await readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ')}\n`;
    const auth = await prepareGitAuth(url, { identity: sshd.clientKey, known_hosts: wrong });
    try {
      const mirror = new GitMirror({ dataDir: join(root, 'data2'), url, auth, timeoutMs: 20_000 });
      await assert.rejects(
        resolveRemoteRef(mirror, planRef({ branch: 'main' })),
        /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key/i,
      );
    } finally {
      await auth.dispose();
    }
  });

  it('refuses an identity that is not authorised', async (t) => {
    if (why || !sshd) return t.skip(why);
    const url = `${sshd.url}${repo.bare}`;
    const stranger = join(root, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const auth = await prepareGitAuth(url, {
      identity: await readFile(stranger, 'utf8'),
      known_hosts: sshd.knownHosts,
    });
    try {
      const mirror = new GitMirror({ dataDir: join(root, 'data3'), url, auth, timeoutMs: 20_000 });
      await assert.rejects(
        resolveRemoteRef(mirror, planRef({ branch: 'main' })),
        /Permission denied/,
      );
    } finally {
      await auth.dispose();
    }
  });

  it('uses a passphrase-protected identity with the Secret password', async (t) => {
    if (why || !sshd) return t.skip(why);
    const key = join(root, 'client_ed25519');
    // Re-encrypt a copy of the authorised client key with a passphrase.
    await writeFile(key, sshd.clientKey, { mode: 0o600 });
    execFileSync('ssh-keygen', ['-q', '-p', '-N', 'pass-phrase', '-f', key]);
    const url = `${sshd.url}${repo.bare}`;
    const auth = await prepareGitAuth(url, {
      identity: await readFile(key, 'utf8'),
      known_hosts: sshd.knownHosts,
      password: 'pass-phrase',
    });
    try {
      const mirror = new GitMirror({ dataDir: join(root, 'data4'), url, auth, timeoutMs: 20_000 });
      const resolved = await resolveRemoteRef(mirror, planRef({ branch: 'main' }));
      assert.equal(resolved.commit, head);
    } finally {
      await auth.dispose();
    }
  });
});

describe('sshsig verification (ssh-keygen -Y sign)', () => {
  const types: { name: string; args: string[] }[] = [
    { name: 'ed25519', args: ['-t', 'ed25519'] },
    { name: 'ecdsa p256', args: ['-t', 'ecdsa', '-b', '256'] },
    { name: 'ecdsa p384', args: ['-t', 'ecdsa', '-b', '384'] },
    { name: 'ecdsa p521', args: ['-t', 'ecdsa', '-b', '521'] },
    { name: 'rsa (rsa-sha2-512)', args: ['-t', 'rsa', '-b', '2048'] },
  ];
  for (const tc of types) {
    it(tc.name, async () => {
      const dir = await mkdtemp(join(root, 'sig-'));
      const key = join(dir, 'key');
      execFileSync('ssh-keygen', ['-q', ...tc.args, '-N', '', '-C', tc.name, '-f', key]);
      const msg = join(dir, 'msg');
      await writeFile(msg, 'tree abc\n\nmessage\n');
      execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'git', '-f', key, msg]);
      const sig = await readFile(`${msg}.sig`, 'utf8');
      const keys = parseSshPublicKeys(await readFile(`${key}.pub`, 'utf8'));
      const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`], {
        encoding: 'utf8',
      }).split(' ')[1];
      assert.equal(
        verifySshSignature(sig, Buffer.from('tree abc\n\nmessage\n'), keys).key.fingerprint,
        fp,
      );
      assert.throws(
        () => verifySshSignature(sig, Buffer.from('tree abc\n\nmessagE\n'), keys),
        /invalid signature/,
      );
      assert.throws(
        () => verifySshSignature(sig, Buffer.from('x'), keys, 'file'),
        /namespace 'git' is not 'file'/,
      );
      assert.throws(() => verifySshSignature(sig, Buffer.from('x'), []), /untrusted key/);
    });
  }
});
