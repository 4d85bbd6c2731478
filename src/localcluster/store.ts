// Object storage: SQLite (WAL) for durability plus an in-memory index for fast reads; assigns
// the monotonic resourceVersion and publishes every change to the watch hub.
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { WatchHub, WatchEventType, type StoreEvent } from './watch-hub.js';
import { metaOf, type KubeObject } from './object-meta.js';
import { forgetJson, rememberJson, toJson } from './json-cache.js';

export interface ObjectStoreOptions {
  /** SQLite file, or ':memory:'. */
  readonly path: string;
  /** @default 20000 */
  readonly watchHistory?: number;
  /** @default DEFAULT_WATCH_HISTORY_BYTES */
  readonly watchHistoryBytes?: number;
}

function nsKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class ObjectStore {
  readonly hub: WatchHub;
  private readonly db: Db;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private rv: number;
  private readonly stmtPut: Statement<[string, string, string, number, string]>;
  private readonly stmtDel: Statement<[string, string, string]>;
  private readonly stmtRv: Statement<[string]>;
  private readonly txDel: (skey: string, ns: string, name: string, rv: number) => void;

  constructor(options: ObjectStoreOptions) {
    this.db = new Database(options.path);
    if (options.path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      -- a rowid table: objects (a few KiB of JSON) fit its leaf pages, where a WITHOUT ROWID
      -- table spills them to overflow pages; databases made before keep their layout and work
      CREATE TABLE IF NOT EXISTS objects (skey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,
        rv INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (skey, ns, name));
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      INSERT OR IGNORE INTO meta (k, v) VALUES ('rv', '0');
    `);
    // the latest resourceVersion: written objects carry theirs, meta keeps the one of the last
    // delete (a put does not update meta: one statement per write instead of two)
    const rvRow = this.db.prepare<[], { v: string }>(`SELECT v FROM meta WHERE k = 'rv'`).get();
    const maxRow = this.db
      .prepare<[], { rv: number | null }>('SELECT MAX(rv) AS rv FROM objects')
      .get();
    this.rv = Math.max(Number(rvRow?.v ?? '0'), maxRow?.rv ?? 0);
    for (const row of this.db
      .prepare<[], { skey: string; ns: string; name: string; data: string }>(
        'SELECT skey, ns, name, data FROM objects',
      )
      .iterate()) {
      const obj = JSON.parse(row.data) as KubeObject;
      rememberJson(obj, row.data);
      this.bucket(row.skey).set(nsKey(row.ns, row.name), obj);
    }
    // an upsert keeps the row (and its index entry) in place, where REPLACE deletes and re-inserts
    this.stmtPut = this.db.prepare(
      `INSERT INTO objects (skey, ns, name, rv, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (skey, ns, name) DO UPDATE SET rv = excluded.rv, data = excluded.data`,
    );
    this.stmtDel = this.db.prepare('DELETE FROM objects WHERE skey = ? AND ns = ? AND name = ?');
    this.stmtRv = this.db.prepare(`UPDATE meta SET v = ? WHERE k = 'rv'`);
    this.txDel = this.db.transaction((skey: string, ns: string, name: string, rv: number) => {
      this.stmtDel.run(skey, ns, name);
      this.stmtRv.run(String(rv));
    });
    this.hub = new WatchHub(this.rv, {
      ...(options.watchHistory === undefined ? {} : { historySize: options.watchHistory }),
      ...(options.watchHistoryBytes === undefined
        ? {}
        : { historyBytes: options.watchHistoryBytes }),
    });
  }

  private bucket(skey: string): Map<string, KubeObject> {
    let b = this.data.get(skey);
    if (!b) {
      b = new Map();
      this.data.set(skey, b);
    }
    return b;
  }

  currentRv(): number {
    return this.rv;
  }

  /** A value kept across restarts (admin token, ...). */
  getMeta(key: string): string | undefined {
    return this.db.prepare<[string], { v: string }>('SELECT v FROM meta WHERE k = ?').get(key)?.v;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)').run(key, value);
  }

  /** Deletes a kept value so that its bytes are gone from the database and its WAL too. */
  deleteMetaSecurely(key: string): void {
    this.db.pragma('secure_delete = ON');
    try {
      this.db.prepare('DELETE FROM meta WHERE k = ?').run(key);
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.pragma('secure_delete = OFF');
    }
  }

  /** The stored object; callers must not mutate it. */
  get(skey: string, namespace: string, name: string): KubeObject | undefined {
    return this.data.get(skey)?.get(nsKey(namespace, name));
  }

  /** Stored objects of one resource (in one namespace when given), ordered by namespace/name. */
  list(skey: string, namespace?: string): KubeObject[] {
    const b = this.data.get(skey);
    if (!b) return [];
    const out: [string, KubeObject][] = [];
    const prefix = namespace === undefined ? undefined : `${namespace}/`;
    for (const [k, v] of b) if (prefix === undefined || k.startsWith(prefix)) out.push([k, v]);
    out.sort((a, c) => (a[0] < c[0] ? -1 : a[0] > c[0] ? 1 : 0));
    return out.map(([, v]) => v);
  }

  /** Storage keys that hold at least one object. */
  keys(): string[] {
    return [...this.data].filter(([, b]) => b.size > 0).map(([k]) => k);
  }

  /**
   * Writes `obj` (a private copy the store now owns), setting metadata.resourceVersion.
   * `expectRv` makes it a compare-and-swap against the stored version ('' = must not exist).
   * Returns the stored object, or undefined when the expectation failed.
   */
  put(skey: string, obj: KubeObject, expectRv?: string): KubeObject | undefined {
    const m = metaOf(obj);
    const namespace = m.namespace ?? '';
    const name = m.name ?? '';
    const b = this.bucket(skey);
    const key = nsKey(namespace, name);
    const old = b.get(key);
    if (expectRv !== undefined) {
      const current = old === undefined ? '' : (metaOf(old).resourceVersion ?? '');
      if (current !== expectRv) return undefined;
    }
    const rv = this.rv + 1;
    (obj.metadata as Record<string, unknown>).resourceVersion = String(rv);
    const json = JSON.stringify(obj);
    this.stmtPut.run(skey, namespace, name, rv, json); // one statement: its own transaction
    rememberJson(obj, json);
    this.rv = rv;
    b.set(key, obj);
    if (old !== undefined) forgetJson(old);
    this.publish({
      rv,
      type: old === undefined ? WatchEventType.Added : WatchEventType.Modified,
      skey,
      namespace,
      name,
      object: obj,
      old,
      size: json.length,
    });
    return obj;
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion. */
  remove(skey: string, namespace: string, name: string, expectRv?: string): KubeObject | undefined {
    const b = this.data.get(skey);
    const key = nsKey(namespace, name);
    const old = b?.get(key);
    if (!b || old === undefined) return undefined;
    if (expectRv !== undefined && metaOf(old).resourceVersion !== expectRv) return undefined;
    const rv = this.rv + 1;
    this.txDel(skey, namespace, name, rv);
    this.rv = rv;
    b.delete(key);
    const gone = { ...old, metadata: { ...metaOf(old), resourceVersion: String(rv) } };
    const size = toJson(old).length; // cached: the stored version was serialised when written
    forgetJson(old);
    this.publish({
      rv,
      type: WatchEventType.Deleted,
      skey,
      namespace,
      name,
      object: gone,
      old,
      size,
    });
    return gone;
  }

  private publish(event: StoreEvent): void {
    this.hub.publish(event);
  }

  close(): void {
    this.db.close();
  }
}
