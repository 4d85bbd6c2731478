// The data directory keeps its secrets to its owner (issue 22, item 7): the directory is 0700,
// every file holding a secret 0600 (the database with its WAL and shared memory, the kubeconfig,
// the serving key), files and directories left more open are tightened on start, and the
// database stores the admin token only as a hash.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startLocalCluster, type LocalCluster } from './index.js';
import { TestClient } from '../testing/index.js';

const work = mkdtempSync(join(tmpdir(), 'flotilla-modes-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SECRET_FILES = [
  'cluster.db',
  'cluster.db-wal',
  'cluster.db-shm',
  'kubeconfig',
  'apiserver.key',
];

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

function assertPrivate(dir: string): void {
  assert.equal(mode(dir), '700', `${dir} is 0700`);
  for (const f of SECRET_FILES) {
    const path = join(dir, f);
    assert.ok(existsSync(path), `${f} exists`);
    assert.equal(mode(path), '600', `${f} is 0600`);
  }
}

/** Whether the token's text is anywhere in the database files. */
function storedInClear(dir: string, token: string): boolean {
  return ['cluster.db', 'cluster.db-wal'].some(
    (f) => existsSync(join(dir, f)) && readFileSync(join(dir, f)).includes(token),
  );
}

async function writeSomething(cluster: LocalCluster, name: string): Promise<void> {
  const client = new TestClient(cluster);
  try {
    const r = await client.send('POST', '/api/v1/namespaces/default/secrets', {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { k: 'v' } },
    });
    assert.equal(r.status, 201, r.text);
  } finally {
    client.close();
  }
}

describe('data directory file modes', () => {
  it('creates the directory 0700 and every secret file 0600, the token hashed', async () => {
    const dir = join(work, 'fresh');
    const cluster = await startLocalCluster({ dataDir: dir, simulate: false });
    try {
      await writeSomething(cluster, 'a');
      assertPrivate(dir);
      assert.equal(storedInClear(dir, cluster.token), false, 'token not stored in clear');
    } finally {
      await cluster.stop();
    }
  });

  it('tightens a directory and files left open, and keeps the token across restarts', async () => {
    const dir = join(work, 'open');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const first = await startLocalCluster({ dataDir: dir, simulate: false });
    await writeSomething(first, 'a');
    await first.stop();
    chmodSync(dir, 0o755);
    for (const f of ['cluster.db', 'kubeconfig', 'apiserver.key'])
      if (existsSync(join(dir, f))) chmodSync(join(dir, f), 0o644);
    const second = await startLocalCluster({ dataDir: dir, simulate: false });
    try {
      assert.equal(second.token, first.token, 'the token survives the restart');
      await writeSomething(second, 'b');
      assertPrivate(dir);
    } finally {
      await second.stop();
    }
  });

  it('moves a token stored in clear by an older version to a hash, keeping it valid', async () => {
    const dir = join(work, 'legacy');
    const first = await startLocalCluster({ dataDir: dir, simulate: false });
    const token = first.token;
    await first.stop();
    const db = new Database(join(dir, 'cluster.db'));
    db.prepare(`DELETE FROM meta WHERE k LIKE 'adminToken%'`).run();
    db.prepare(`INSERT INTO meta (k, v) VALUES ('adminToken', ?)`).run(token);
    db.close();
    assert.equal(storedInClear(dir, token), true);
    const second = await startLocalCluster({ dataDir: dir, simulate: false });
    try {
      assert.equal(second.token, token);
      await writeSomething(second, 'c');
      assert.equal(storedInClear(dir, token), false, 'the clear token is gone');
    } finally {
      await second.stop();
    }
  });

  it('issues a new token when the kubeconfig holding the old one is gone', async () => {
    const dir = join(work, 'rotate');
    const first = await startLocalCluster({ dataDir: dir, simulate: false });
    await first.stop();
    rmSync(join(dir, 'kubeconfig'));
    const second = await startLocalCluster({ dataDir: dir, simulate: false });
    try {
      assert.notEqual(second.token, first.token);
      const client = new TestClient({ ...second, token: first.token });
      try {
        assert.equal((await client.send('GET', '/api/v1/namespaces')).status, 401);
      } finally {
        client.close();
      }
      await writeSomething(second, 'd');
    } finally {
      await second.stop();
    }
  });
});
