// Object store durability: resourceVersions stay monotonic across reopening (whether the last
// write was a put or a delete), and databases written by the earlier WITHOUT ROWID layout work.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ObjectStore } from './store.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dbPath(): string {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-store-'));
  dirs.push(d);
  return join(d, 'cluster.db');
}

function cm(name: string, value: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns' },
    data: { value },
  };
}

type Step = (s: ObjectStore) => void;

describe('ObjectStore', () => {
  const cases: { name: string; steps: Step[]; rv: number; names: string[] }[] = [
    {
      name: 'last write a put',
      steps: [(s) => s.put('configmaps', cm('a', '1')), (s) => s.put('configmaps', cm('b', '1'))],
      rv: 2,
      names: ['a', 'b'],
    },
    {
      name: 'last write a delete',
      steps: [
        (s) => s.put('configmaps', cm('a', '1')),
        (s) => s.put('configmaps', cm('b', '1')),
        (s) => s.put('configmaps', cm('a', '2')),
        (s) => s.remove('configmaps', 'ns', 'a'),
      ],
      rv: 4,
      names: ['b'],
    },
    {
      name: 'everything deleted',
      steps: [(s) => s.put('configmaps', cm('a', '1')), (s) => s.remove('configmaps', 'ns', 'a')],
      rv: 2,
      names: [],
    },
  ];
  for (const c of cases) {
    it(`keeps the resourceVersion across reopening: ${c.name}`, () => {
      const path = dbPath();
      const s1 = new ObjectStore({ path });
      for (const step of c.steps) step(s1);
      assert.equal(s1.currentRv(), c.rv);
      s1.close();
      const s2 = new ObjectStore({ path });
      assert.equal(s2.currentRv(), c.rv);
      assert.deepEqual(
        s2.list('configmaps').map((o) => (o.metadata as { name: string }).name),
        c.names,
      );
      const next = s2.put('configmaps', cm('c', '1'));
      assert.equal(
        (next?.metadata as { resourceVersion: string }).resourceVersion,
        String(c.rv + 1),
      );
      s2.close();
    });
  }

  it('reads and updates a database written with the WITHOUT ROWID layout', () => {
    const path = dbPath();
    const db = new Database(path);
    db.exec(`
      CREATE TABLE objects (skey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,
        rv INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (skey, ns, name)) WITHOUT ROWID;
      CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      INSERT INTO meta (k, v) VALUES ('rv', '7');
    `);
    const old = { ...cm('a', '1'), metadata: { name: 'a', namespace: 'ns', resourceVersion: '7' } };
    db.prepare('INSERT INTO objects VALUES (?, ?, ?, ?, ?)').run(
      'configmaps',
      'ns',
      'a',
      7,
      JSON.stringify(old),
    );
    db.close();
    const s = new ObjectStore({ path });
    assert.equal(s.currentRv(), 7);
    assert.equal(s.put('configmaps', cm('a', '2'), '7') !== undefined, true);
    s.close();
    const again = new ObjectStore({ path });
    assert.equal(again.currentRv(), 8);
    assert.deepEqual(again.get('configmaps', 'ns', 'a')?.data, { value: '2' });
    again.close();
  });
});
