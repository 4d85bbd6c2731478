// Tests for artifact tarballs, storage, garbage collection, the artifact server and the fetch client.
import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar-stream';
import { FlotillaError } from '../../core/index.js';
import { MALFORMED_TARGETS, rawRequest } from '../../testing/index.js';
import {
  ArtifactStore,
  buildArtifact,
  fetchArtifact,
  fetchArtifactTree,
  parseDigest,
  sha256Digest,
  startArtifactServer,
  type ArtifactServer,
} from './index.js';

interface ListedEntry {
  name: string;
  type: string;
  mode: number;
  mtime: number;
  uid: number;
  gid: number;
  body: string;
}

async function listTarball(gz: Buffer): Promise<ListedEntry[]> {
  const extract = tar.extract();
  const out: ListedEntry[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const h = entry.header;
      out.push({
        name: h.name,
        type: h.type,
        mode: h.mode,
        mtime: h.mtime.getTime(),
        uid: h.uid,
        gid: h.gid,
        body: Buffer.concat(chunks).toString(),
      });
    }
  })();
  extract.end(gunzipSync(gz));
  await done;
  return out;
}

async function makeTarball(
  entries: readonly {
    name: string;
    type?: 'file' | 'symlink' | 'directory';
    body?: string;
    linkname?: string;
  }[],
): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (e.type === 'symlink')
        pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? 'x' }, cb);
      else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' }, cb);
      else pack.entry({ name: e.name }, e.body ?? '', cb);
    });
  }
  pack.finalize();
  await collected;
  return gzipSync(Buffer.concat(chunks));
}

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'flotilla-artifact-'));
});
after(() => rm(work, { recursive: true, force: true }));

async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, 'apps/web'), { recursive: true });
  await mkdir(join(root, 'apps-b'), { recursive: true });
  await mkdir(join(root, '.git/objects'), { recursive: true });
  await mkdir(join(root, 'empty'), { recursive: true });
  await writeFile(join(root, 'apps/web/deploy.yaml'), 'kind: Deployment\n');
  await writeFile(join(root, 'apps-b/x.yaml'), 'x: 1\n');
  await writeFile(join(root, 'kustomization.yaml'), 'resources: []\n');
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\n');
  await chmod(join(root, 'run.sh'), 0o755);
  await writeFile(join(root, 'logo.png'), 'png');
  await writeFile(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  await writeFile(join(root, '.git/objects/ab'), 'blob');
  await symlink('kustomization.yaml', join(root, 'link.yaml'));
}

describe('buildArtifact', () => {
  it('writes a normalised tarball in walk order, without symlinks or ignored files', async () => {
    const root = join(work, 'tree-a');
    await makeTree(root);
    const { tarball, digest, size, files } = await buildArtifact(root);
    assert.equal(size, tarball.length);
    assert.equal(digest, sha256Digest(tarball));
    assert.equal(files, 4);
    const entries = await listTarball(tarball);
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.mode.toString(8)]),
      [
        ['apps/', 'directory', '755'],
        ['apps/web/', 'directory', '755'],
        ['apps/web/deploy.yaml', 'file', '644'],
        ['apps-b/', 'directory', '755'],
        ['apps-b/x.yaml', 'file', '644'],
        ['empty/', 'directory', '755'],
        ['kustomization.yaml', 'file', '644'],
        ['run.sh', 'file', '644'],
      ],
    );
    for (const e of entries) {
      assert.equal(e.mtime, 0, e.name);
      assert.equal(e.uid, 0);
      assert.equal(e.gid, 0);
    }
    assert.equal(
      entries.find((e) => e.name === 'apps/web/deploy.yaml')?.body,
      'kind: Deployment\n',
    );
  });

  it('gives the same digest for the same content, whatever the mtimes, modes or copy', async () => {
    const a = join(work, 'det-a');
    const b = join(work, 'det-b');
    await makeTree(a);
    await cp(a, b, { recursive: true, verbatimSymlinks: true });
    await utimes(join(b, 'kustomization.yaml'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    await chmod(join(b, 'apps-b/x.yaml'), 0o600);
    const first = await buildArtifact(a);
    const again = await buildArtifact(a);
    const copy = await buildArtifact(b);
    assert.equal(again.digest, first.digest);
    assert.equal(copy.digest, first.digest);
    await writeFile(join(b, 'apps-b/x.yaml'), 'x: 2\n');
    assert.notEqual((await buildArtifact(b)).digest, first.digest);
  });

  it('applies .sourceignore files and spec.ignore', async () => {
    const root = join(work, 'ign');
    await makeTree(root);
    await writeFile(join(root, 'apps/.sourceignore'), 'web/\n');
    const entries = await listTarball(
      (await buildArtifact(root, { specIgnore: '/run.sh' })).tarball,
    );
    const names = entries.map((e) => e.name);
    assert.ok(!names.includes('apps/web/deploy.yaml'));
    assert.ok(!names.includes('run.sh'));
    assert.ok(names.includes('apps/.sourceignore'));
    // user patterns replace the default extension rules, but .git stays out
    assert.ok(names.includes('logo.png'));
    assert.ok(!names.some((n) => n.startsWith('.git')));
  });

  it('includes everything with matcher null, and streams large files', async () => {
    const root = join(work, 'big');
    await mkdir(root, { recursive: true });
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    await writeFile(join(root, 'big.bin'), big);
    await writeFile(join(root, 'logo.png'), 'png');
    const { tarball } = await buildArtifact(root, { matcher: null });
    const entries = await listTarball(tarball);
    assert.deepEqual(
      entries.map((e) => [e.name, e.body.length]),
      [
        ['big.bin', big.length],
        ['logo.png', 3],
      ],
    );
  });

  it('refuses a path that is not a directory', async () => {
    await assert.rejects(buildArtifact(join(work, 'missing')), (err: unknown) => {
      assert.ok(err instanceof FlotillaError);
      assert.equal(err.reason, 'InvalidPath');
      return true;
    });
  });
});

describe('ArtifactStore', () => {
  const owner = { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' };

  it("lays artifacts out as Flux's storage does and writes atomically", async () => {
    const store = await ArtifactStore.open({
      root: join(work, 'store-a'),
      hostname: 'source.flux:80',
    });
    const src = join(work, 'store-src');
    await makeTree(src);
    const named = await store.archive(owner, src, {
      revision: 'main@sha1:abc',
      fileName: 'abc.tar.gz',
    });
    assert.equal(named.path, 'gitrepository/flux-system/podinfo/abc.tar.gz');
    assert.equal(named.url, 'http://source.flux:80/gitrepository/flux-system/podinfo/abc.tar.gz');
    assert.equal(named.revision, 'main@sha1:abc');
    assert.match(named.lastUpdateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const bytes = await readFile(store.localPath(named.path));
    assert.equal(named.digest, sha256Digest(bytes));
    assert.equal(named.size, bytes.length);

    const addressed = await store.archive({ kind: 'Bucket', namespace: 'ns', name: 'b' }, src, {
      revision: 'sha256:1',
    });
    assert.equal(addressed.path, `bucket/ns/b/${parseDigest(addressed.digest).hex}.tar.gz`);
    assert.equal(await store.exists(addressed), true);
    await store.verify(addressed);
    assert.deepEqual(await readdir(store.localPath('gitrepository/flux-system/podinfo')), [
      'abc.tar.gz',
    ]);

    await assert.rejects(
      store.archive(owner, join(work, 'nope'), { revision: 'x' }),
      /not a directory/,
    );
    assert.deepEqual(await readdir(store.localPath('gitrepository/flux-system/podinfo')), [
      'abc.tar.gz',
    ]);
  });

  it('detects a tampered artifact', async () => {
    const store = await ArtifactStore.open({ root: join(work, 'store-t') });
    const src = join(work, 'store-t-src');
    await makeTree(src);
    const a = await store.archive(owner, src, { revision: 'r' });
    await writeFile(store.localPath(a.path), 'tampered');
    await assert.rejects(store.verify(a), (err: unknown) => {
      assert.ok(err instanceof FlotillaError);
      assert.equal(err.reason, 'ArtifactVerificationFailed');
      return true;
    });
  });

  it('keeps the current and the newest artifacts up to the retention (2) and collects the rest', async () => {
    const store = await ArtifactStore.open({ root: join(work, 'store-gc') });
    const src = join(work, 'gc-src');
    await mkdir(src, { recursive: true });
    const made = [];
    for (let i = 0; i < 4; i++) {
      await writeFile(join(src, 'f.yaml'), `v: ${i}\n`);
      const a = await store.archive(owner, src, { revision: `r${i}` });
      const t = new Date(Date.UTC(2024, 0, 1, 0, 0, i));
      await utimes(store.localPath(a.path), t, t);
      made.push(a);
    }
    const [a0, a1, a2, a3] = made as [
      (typeof made)[0],
      (typeof made)[0],
      (typeof made)[0],
      (typeof made)[0],
    ];
    // The current artifact is an old one (e.g. a rollback): it survives with the newest one.
    const removed = await store.garbageCollect(owner, a1);
    assert.deepEqual(removed.sort(), [a0.path, a2.path].sort());
    assert.deepEqual(
      (await store.list(owner)).map((f) => f.path),
      [a3.path, a1.path],
    );
    assert.deepEqual(await store.garbageCollect(owner, a3), []);
    assert.equal(await store.removeAll(owner), 'gitrepository/flux-system/podinfo');
    assert.deepEqual(await store.list(owner), []);
  });

  it('also collects artifacts older than the TTL when one is set, never the current one', async () => {
    const now = Date.UTC(2024, 0, 1, 1, 0, 0);
    const store = await ArtifactStore.open({
      root: join(work, 'store-ttl'),
      retentionTtlMs: 60_000,
      now: () => new Date(now),
    });
    const src = join(work, 'ttl-src');
    await mkdir(src, { recursive: true });
    const made = [];
    for (const [i, ageS] of [
      [0, 3600],
      [1, 120],
      [2, 30],
    ] as const) {
      await writeFile(join(src, 'f.yaml'), `v: ${i}\n`);
      const a = await store.archive(owner, src, { revision: `r${i}` });
      const t = new Date(now - ageS * 1000);
      await utimes(store.localPath(a.path), t, t);
      made.push(a);
    }
    const [old, mid, young] = made as [(typeof made)[0], (typeof made)[0], (typeof made)[0]];
    assert.deepEqual(await store.garbageCollect(owner, old), [mid.path]);
    assert.deepEqual(
      (await store.list(owner)).map((f) => f.path),
      [young.path, old.path],
    );
  });

  it('serialises concurrent writes of one object', async () => {
    const store = await ArtifactStore.open({ root: join(work, 'store-c') });
    const src = join(work, 'conc-src');
    await makeTree(src);
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        store.archive(owner, src, { revision: `r${i}`, fileName: `r${i}.tar.gz` }),
      ),
    );
    assert.equal(new Set(results.map((r) => r.digest)).size, 1);
    assert.equal((await store.list(owner)).length, 3);
  });

  it('refuses names that would leave the storage', async () => {
    const store = await ArtifactStore.open({ root: join(work, 'store-n') });
    const cases = [
      { ...owner, name: '../x' },
      { ...owner, namespace: 'a/b' },
      { ...owner, kind: 'Git/Repo' },
      { ...owner, name: '' },
    ];
    for (const o of cases)
      assert.throws(() => store.objectDir(o), FlotillaError, JSON.stringify(o));
    assert.throws(() => store.artifactPath(owner, '../../etc'), FlotillaError);
    assert.throws(() => store.localPath('../outside'), FlotillaError);
  });
});

describe('artifact server and fetchArtifact', () => {
  let store: ArtifactStore;
  let server: ArtifactServer;
  const owner = { kind: 'Bucket', namespace: 'default', name: 'site' };
  let good: Awaited<ReturnType<ArtifactStore['archive']>>;

  before(async () => {
    store = await ArtifactStore.open({ root: join(work, 'srv-store') });
    server = await startArtifactServer({ store });
    const src = join(work, 'srv-src');
    await makeTree(src);
    good = await store.archive(owner, src, { revision: 'sha256:x' });
    const dir = store.localPath('bucket/default/site');
    await writeFile(
      join(dir, 'escape.tar.gz'),
      await makeTarball([{ name: '../evil.txt', body: 'x' }]),
    );
    await writeFile(join(dir, 'abs.tar.gz'), await makeTarball([{ name: '/etc/evil', body: 'x' }]));
    await writeFile(
      join(dir, 'link.tar.gz'),
      await makeTarball([
        { name: 'ok.yaml', body: 'a' },
        { name: 'l', type: 'symlink', linkname: '/etc/passwd' },
      ]),
    );
  });
  after(() => server.close());

  function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('advertises its address in artifact URLs', () => {
    assert.ok(good.url.startsWith(`${server.url}/bucket/default/site/`));
  });

  it('serves artifacts and /healthz, and nothing outside the storage', async () => {
    const cases: readonly [string, string, number][] = [
      ['/healthz', 'GET', 200],
      [`/${good.path}`, 'GET', 200],
      [`/${good.path}`, 'HEAD', 200],
      [`/${good.path}`, 'POST', 405],
      ['/bucket/default/site/missing.tar.gz', 'GET', 404],
      ['/bucket/default/site', 'GET', 404],
      ['/bucket/default/%2e%2e/%2e%2e/etc/passwd', 'GET', 404],
      ['/bucket/default/site/..%2f..%2f..%2fetc%2fpasswd', 'GET', 404],
      ['/bucket/../../etc/passwd', 'GET', 404],
    ];
    for (const [path, method, status] of cases) {
      assert.equal((await get(path, method)).status, status, `${method} ${path}`);
    }
    assert.equal((await get('/healthz')).body, 'ok\n');
  });

  it('answers malformed URLs with 400 and keeps serving (issue 22 item 2)', async () => {
    for (const target of MALFORMED_TARGETS) {
      const res = await rawRequest(server.url, target);
      assert.equal(res.status, 400, `${target}: ${res.status} ${res.text}`);
    }
    assert.equal((await get(`/${good.path}`)).status, 200);
  });

  it('downloads, verifies and extracts an artifact', async () => {
    const dest = join(work, 'fetched/ok');
    const res = await fetchArtifact(good.url, good.digest, dest);
    assert.equal(res.digest, good.digest);
    assert.equal(res.files, 4);
    assert.equal(await readFile(join(dest, 'apps/web/deploy.yaml'), 'utf8'), 'kind: Deployment\n');
    assert.deepEqual((await readdir(join(work, 'fetched'))).sort(), ['ok']);
  });

  it('refuses a digest mismatch and writes nothing', async () => {
    const dest = join(work, 'fetched-mismatch/out');
    const wrong = `sha256:${'0'.repeat(64)}`;
    await assert.rejects(fetchArtifact(good.url, wrong, dest), (err: unknown) => {
      assert.ok(err instanceof FlotillaError);
      assert.equal(err.reason, 'ArtifactDigestMismatch');
      assert.match(err.message, /digest mismatch: expected sha256:0{64}, got sha256:[0-9a-f]{64}/);
      return true;
    });
    // Nothing at all is written: not even the parent folder.
    assert.deepEqual(await readdir(join(work, 'fetched-mismatch')).catch(() => []), []);
  });

  it('refuses unsafe archives and writes nothing', async () => {
    const cases: readonly [string, RegExp][] = [
      ['escape.tar.gz', /unsafe path/],
      ['abs.tar.gz', /unsafe path/],
      ['link.tar.gz', /is a link/],
    ];
    for (const [file, message] of cases) {
      const path = `bucket/default/site/${file}`;
      const digest = sha256Digest(await readFile(store.localPath(path)));
      const parent = join(work, `fetched-${file}`);
      await assert.rejects(fetchArtifact(store.urlFor(path), digest, join(parent, 'out')), message);
      assert.deepEqual(await readdir(parent), [], file);
    }
  });

  it('serves latest.tar.gz through its link, but no link that leaves the directory', async () => {
    const url = await store.linkLatest(owner, good);
    assert.equal(url, `${server.url}/bucket/default/site/latest.tar.gz`);
    const dest = join(work, 'fetched-latest');
    await fetchArtifact(url, good.digest, dest);
    assert.equal(await readFile(join(dest, 'kustomization.yaml'), 'utf8'), 'resources: []\n');
    await symlink('../../../../etc/hostname', store.localPath('bucket/default/site/evil.tar.gz'));
    assert.equal((await get('/bucket/default/site/evil.tar.gz')).status, 404);
    assert.throws(() => store.artifactPath(owner, 'a/b.tar.gz'), FlotillaError);
  });

  it('stores arbitrary bytes atomically with writeStream', async () => {
    const bytes = Buffer.from('not a tarball, but stored the same way');
    const a = await store.writeStream(
      { kind: 'HelmChart', namespace: 'default', name: 'c' },
      Readable.from([bytes]),
      {
        revision: '1.0.0',
        fileName: 'c-1.0.0.tgz',
      },
    );
    assert.equal(a.path, 'helmchart/default/c/c-1.0.0.tgz');
    assert.equal(a.digest, sha256Digest(bytes));
    assert.equal(a.size, bytes.length);
    assert.deepEqual(await readFile(store.localPath(a.path)), bytes);
  });

  it('reports HTTP errors, bad digests and a non-empty destination clearly', async () => {
    await assert.rejects(
      fetchArtifact(
        `${server.url}/bucket/default/site/none.tar.gz`,
        good.digest,
        join(work, 'f404'),
      ),
      /HTTP 404/,
    );
    await assert.rejects(
      fetchArtifact(good.url, 'md5:abc', join(work, 'fbad')),
      /invalid digest 'md5:abc'/,
    );
    await assert.rejects(
      fetchArtifact(good.url, good.digest, join(work, 'fbig/out'), { maxDownloadSize: 10 }),
      /over the maximum download size of 10 bytes/,
    );
    assert.deepEqual(await readdir(join(work, 'fbig')).catch(() => []), []);
    const full = join(work, 'full');
    await mkdir(full, { recursive: true });
    await writeFile(join(full, 'x'), '');
    await assert.rejects(fetchArtifact(good.url, good.digest, full), /is not empty/);
  });

  it('unpacks a verified artifact into memory with the same checks (fetchArtifactTree)', async () => {
    const tree = await fetchArtifactTree(good.url, good.digest, '/artifact/good');
    assert.equal(tree.fileCount, 4);
    assert.equal(tree.kind('/artifact/good/apps'), 'dir');
    assert.equal(
      tree.readFile('/artifact/good/apps/web/deploy.yaml').toString(),
      'kind: Deployment\n',
    );
    assert.ok(tree.readdir('/artifact/good').includes('apps'));
    assert.equal(tree.realpath('/artifact/good/apps/./web/'), '/artifact/good/apps/web');
    assert.throws(() => tree.realpath('/artifact/good/missing'), { code: 'ENOENT' });
    assert.throws(() => tree.readFile('/artifact/good/apps'), { code: 'ENOENT' });
    await assert.rejects(
      fetchArtifactTree(good.url, `sha256:${'0'.repeat(64)}`, '/artifact/bad'),
      /digest mismatch/,
    );
    for (const [file, message] of [
      ['escape.tar.gz', /unsafe path/],
      ['link.tar.gz', /is a link/],
    ] as const) {
      const path = `bucket/default/site/${file}`;
      const digest = sha256Digest(await readFile(store.localPath(path)));
      await assert.rejects(fetchArtifactTree(store.urlFor(path), digest, '/artifact/x'), message);
    }
    const twice = await makeTarball([
      { name: 'a.yaml', body: 'one' },
      { name: './a.yaml', body: 'two' },
    ]);
    const twicePath = 'bucket/default/site/twice.tar.gz';
    await writeFile(store.localPath(twicePath), twice);
    await assert.rejects(
      fetchArtifactTree(store.urlFor(twicePath), sha256Digest(twice), '/artifact/twice'),
      /tar entry 'a.yaml' appears twice/,
    );
  });

  it('extracts from any readable via extractTarball', async () => {
    const { extractTarball } = await import('./index.js');
    const tgz = await makeTarball([
      { name: 'a/', type: 'directory' },
      { name: './a/b.yaml', body: 'b' },
    ]);
    const dest = join(work, 'extract-direct');
    assert.deepEqual(await extractTarball(Readable.from([tgz]), dest), { files: 1, bytes: 1 });
    assert.equal(await readFile(join(dest, 'a/b.yaml'), 'utf8'), 'b');
    await assert.rejects(
      extractTarball(Readable.from([tgz]), join(work, 'extract-small'), { maxSize: 0 }),
      /exceeds the maximum size/,
    );
  });
});
