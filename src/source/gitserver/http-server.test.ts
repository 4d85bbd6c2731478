// The Git smart-HTTP server with the real git client: clone, auth refusal, push when allowed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MALFORMED_TARGETS, rawRequest } from '../../testing/index.js';
import { startGitHttpServer } from './http-server.js';

const env = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};
// Local setup runs synchronously; talking to the server must not block the event loop it runs on.
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8' });
const run = promisify(execFile);
const remote = async (cwd: string, ...args: string[]) =>
  (await run('git', args, { cwd, env, encoding: 'utf8' })).stdout;
const remoteFails = async (cwd: string, ...args: string[]) =>
  run('git', args, { cwd, env, encoding: 'utf8' }).then(
    () => assert.fail(`git ${args.join(' ')} should have failed`),
    (err: { stderr: string }) => err.stderr,
  );

function seed(): string {
  const root = mkdtempSync(join(tmpdir(), 'gitsrv-'));
  const work = join(root, 'work');
  execFileSync('git', ['init', '-q', '-b', 'main', work], { env });
  writeFileSync(join(work, 'a.txt'), 'hello\n');
  git(work, 'add', '.');
  git(work, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'first');
  execFileSync('git', ['clone', '-q', '--bare', work, join(root, 'repo.git')], { env });
  return root;
}

describe('startGitHttpServer', () => {
  it('serves clones over smart HTTP and counts requests', async () => {
    const root = seed();
    const server = await startGitHttpServer({ root });
    try {
      await remote(root, 'clone', '-q', `${server.url}/repo.git`, 'clone');
      assert.equal(git(join(root, 'clone'), 'log', '--format=%s'), 'first\n');
      assert.ok(server.requests() >= 2);
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a wrong password and accepts the right one', async () => {
    const root = seed();
    const server = await startGitHttpServer({ root, basicAuth: { username: 'u', password: 'p' } });
    try {
      assert.match(
        await remoteFails(root, 'ls-remote', `http://u:wrong@${server.url.slice(7)}/repo.git`),
        /Authentication failed|401/,
      );
      const good = await remote(root, 'ls-remote', `http://u:p@${server.url.slice(7)}/repo.git`);
      assert.match(good, /refs\/heads\/main/);
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('accepts pushes only when allowed', async () => {
    const root = seed();
    const work = join(root, 'work');
    writeFileSync(join(work, 'b.txt'), 'b\n');
    git(work, 'add', '.');
    git(work, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'second');
    const readOnly = await startGitHttpServer({ root });
    try {
      await remoteFails(work, 'push', `${readOnly.url}/repo.git`, 'main');
    } finally {
      await readOnly.close();
    }
    const writable = await startGitHttpServer({ root, allowPush: true });
    try {
      await remote(work, 'push', '-q', `${writable.url}/repo.git`, 'main');
      assert.match(
        await remote(root, 'ls-remote', `${writable.url}/repo.git`),
        new RegExp(git(work, 'rev-parse', 'HEAD').trim()),
      );
    } finally {
      await writable.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('answers malformed URLs with 400 and keeps serving (issue 22 item 2)', async () => {
    const root = seed();
    const server = await startGitHttpServer({ root });
    try {
      for (const target of [...MALFORMED_TARGETS, '/repo.git/%E0%A4%A', '/repo.git/info/refs%']) {
        const res = await rawRequest(server.url, target);
        assert.equal(res.status, 400, `${target}: ${res.status} ${res.text}`);
      }
      await remote(root, 'clone', '-q', `${server.url}/repo.git`, 'clone');
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
