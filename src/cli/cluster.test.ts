// `flotilla cluster start|kubeconfig` as a user runs them, the shipped entry: a real process,
// stopped with SIGTERM, or killed with SIGKILL and started again at once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, type CliProcess } from '../testing/index.js';

/** Starts `cluster start` and waits for its ready line. */
async function start(data: string): Promise<{ cli: CliProcess; line: string }> {
  const cli = await startCli(['cluster', 'start', '--data', data, '--port', '0']);
  await cli.waitFor(/\n/, 30_000);
  return { cli, line: cli.stdout() };
}

/** The API server's URL, CA and token from the kubeconfig `cluster kubeconfig` prints. */
async function credentials(data: string, line: string) {
  const printed = await runCli(['cluster', 'kubeconfig', '--data', data]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(printed.stdout, readFileSync(join(data, 'kubeconfig'), 'utf8'));
  assert.match(printed.stdout, /certificate-authority-data: /);
  assert.match(printed.stdout, /token: /);
  return {
    url: /https:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '',
    token: /token: (\S+)/.exec(printed.stdout)?.[1] ?? '',
    ca: Buffer.from(
      /certificate-authority-data: (\S+)/.exec(printed.stdout)?.[1] ?? '',
      'base64',
    ).toString(),
  };
}

function call(
  c: { url: string; token: string; ca: string },
  path: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${c.url}${path}`,
      {
        method,
        ca: c.ca,
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
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
}

const KEPT = '/api/v1/namespaces/default/configmaps/kept';

describe('flotilla cluster', () => {
  it('start serves until SIGTERM, writes a kubeconfig that kubeconfig prints; a restart keeps objects', async () => {
    const data = mkdtempSync(join(tmpdir(), 'flotilla-cluster-'));
    try {
      const first = await start(data);
      assert.match(
        first.line,
        /^local cluster serving at https:\/\/127\.0\.0\.1:\d+; kubeconfig written to .*kubeconfig\n$/,
      );
      assert.equal((statSync(data).mode & 0o777).toString(8), '700');
      assert.equal((statSync(join(data, 'kubeconfig')).mode & 0o777).toString(8), '600');
      const c = await credentials(data, first.line);
      const created = await call(c, '/api/v1/namespaces/default/configmaps', 'POST', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept' },
        data: { a: '1' },
      });
      assert.equal(created.status, 201, created.body);
      assert.equal(await first.cli.stop(), 0);

      const second = await start(data);
      const got = await call(await credentials(data, second.line), KEPT, 'GET');
      assert.equal(got.status, 200);
      assert.equal((JSON.parse(got.body) as { data: { a: string } }).data.a, '1');
      assert.equal(await second.cli.stop(), 0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('starts again right after kill -9 (issue 22 item 10)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'flotilla-cluster-kill-'));
    try {
      const first = await start(data);
      const c = await credentials(data, first.line);
      await call(c, '/api/v1/namespaces/default/configmaps', 'POST', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kept' },
      });
      await first.cli.stop('SIGKILL');
      const second = await start(data);
      assert.doesNotMatch(second.cli.stderr(), /in use by process/);
      const got = await call(await credentials(data, second.line), KEPT, 'GET');
      assert.equal(got.status, 200, 'the acknowledged write survived');
      assert.equal(await second.cli.stop(), 0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('start on a port that is taken exits at once with a clear error and writes nothing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const parent = mkdtempSync(join(tmpdir(), 'flotilla-port-'));
    const data = join(parent, 'data');
    try {
      const res = await runCli(['cluster', 'start', '--data', data, '--port', String(port)]);
      assert.equal(res.code, 1, res.stderr);
      assert.match(
        res.stderr,
        new RegExp(
          `cannot serve the local cluster on 127\\.0\\.0\\.1:${port}: the port is already in use`,
        ),
      );
      assert.equal(existsSync(data), false, 'no data directory left behind');
    } finally {
      taken.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('kubeconfig fails clearly when no cluster was started there', async () => {
    const res = await runCli(['cluster', 'kubeconfig', '--data', '/nonexistent-flotilla']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /no kubeconfig in \/nonexistent-flotilla: start the cluster first/);
  });
});
