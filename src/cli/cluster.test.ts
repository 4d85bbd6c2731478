// `flotilla cluster start|kubeconfig` as a user runs them: a real process, stopped with SIGTERM.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = ['--import', 'tsx', 'src/cli/bin.ts'];

describe('flotilla cluster', () => {
  it('start serves until SIGTERM, writes a kubeconfig that kubeconfig prints; a restart keeps objects', async () => {
    const data = mkdtempSync(join(tmpdir(), 'flotilla-cluster-'));
    try {
      const start = async () => {
        const child = spawn(
          process.execPath,
          [...cli, 'cluster', 'start', '--data', data, '--port', '0'],
          {
            cwd: root,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const deadline = Date.now() + 30_000;
        while (!out.includes('\n')) {
          if (Date.now() > deadline || child.exitCode !== null)
            throw new Error(`no ready line: ${out} ${err}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return { child, line: out };
      };
      const stop = (child: ReturnType<typeof spawn>) =>
        new Promise<number | null>((resolve) => {
          child.once('exit', (code) => resolve(code));
          child.kill('SIGTERM');
        });

      const first = await start();
      assert.match(
        first.line,
        /^local cluster serving at https:\/\/127\.0\.0\.1:\d+; kubeconfig written to .*kubeconfig\n$/,
      );
      const printed = spawnSync(
        process.execPath,
        [...cli, 'cluster', 'kubeconfig', '--data', data],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      assert.equal(printed.status, 0, printed.stderr);
      assert.equal(printed.stdout, readFileSync(join(data, 'kubeconfig'), 'utf8'));
      assert.match(printed.stdout, /certificate-authority-data: /);
      assert.match(printed.stdout, /token: /);

      const url = /https:\/\/127\.0\.0\.1:\d+/.exec(first.line)?.[0] ?? '';
      const token = /token: (\S+)/.exec(printed.stdout)?.[1] ?? '';
      const ca = Buffer.from(
        /certificate-authority-data: (\S+)/.exec(printed.stdout)?.[1] ?? '',
        'base64',
      ).toString();
      const { request } = await import('node:https');
      const call = (u: string, method: string, body?: unknown) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(
            u,
            {
              method,
              ca,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            },
            (res) => {
              let b = '';
              res.on('data', (d: Buffer) => (b += d.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
            },
          );
          req.on('error', reject);
          req.end(body === undefined ? undefined : JSON.stringify(body));
        });
      const created = await call(`${url}/api/v1/namespaces/default/configmaps`, 'POST', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept' },
        data: { a: '1' },
      });
      assert.equal(created.status, 201, created.body);
      assert.equal(await stop(first.child), 0);

      const second = await start();
      const port = /:(\d+);/.exec(second.line)?.[1];
      const got = await call(
        `https://127.0.0.1:${port}/api/v1/namespaces/default/configmaps/kept`,
        'GET',
      );
      assert.equal(got.status, 200);
      assert.equal((JSON.parse(got.body) as { data: { a: string } }).data.a, '1');
      assert.equal(await stop(second.child), 0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('kubeconfig fails clearly when no cluster was started there', () => {
    const res = spawnSync(
      process.execPath,
      [...cli, 'cluster', 'kubeconfig', '--data', '/nonexistent-flotilla'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.equal(res.status, 1);
    assert.match(res.stderr, /no kubeconfig in \/nonexistent-flotilla: start the cluster first/);
  });
});
