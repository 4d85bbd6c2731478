// Tests of the artifact tree cache: one download per digest however many builds hold it, failed
// downloads not kept, and eviction of unheld trees beyond the budgets (never of held ones).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MemoryFs } from '../../core/index.js';
import { ArtifactTreeCache } from './tree-cache.js';

/** A fetch that builds a tree of `size` bytes and counts its calls; `fail` digests reject. */
function counting(size = 10, fail = new Set<string>()) {
  const calls: string[] = [];
  const fetch = async (_url: string, digest: string, mount: string): Promise<MemoryFs> => {
    calls.push(digest);
    await new Promise((r) => setTimeout(r, 5));
    if (fail.has(digest)) throw new Error(`cannot download ${digest}`);
    const fs = new MemoryFs(mount);
    fs.addFile(['apps', 'a.yaml'], Buffer.alloc(size, 'a'));
    return fs;
  };
  return { calls, fetch };
}

describe('ArtifactTreeCache', () => {
  it('downloads a digest once for a thousand concurrent holders', async () => {
    const { calls, fetch } = counting();
    const cache = new ArtifactTreeCache({ fetch });
    const held = await Promise.all(
      Array.from({ length: 1000 }, () => cache.hold('http://x/a.tar.gz', 'sha256:aa')),
    );
    assert.deepEqual(calls, ['sha256:aa']);
    assert.equal(cache.fetches, 1);
    const first = held[0];
    assert.ok(first);
    assert.equal(first.root, '/artifact/sha256-aa');
    assert.equal(first.fs.readFile(`${first.root}/apps/a.yaml`).length, 10);
    assert.ok(held.every((h) => h.fs === first.fs));
    for (const h of held) h.release();
    // Kept after release (within the budget): the next reconcile of that revision reuses it.
    await cache.hold('http://x/a.tar.gz', 'sha256:aa');
    assert.equal(cache.fetches, 1);
  });

  it('does not keep a failed download', async () => {
    const fail = new Set(['sha256:bad']);
    const { calls, fetch } = counting(10, fail);
    const cache = new ArtifactTreeCache({ fetch });
    const results = await Promise.allSettled([
      cache.hold('u', 'sha256:bad'),
      cache.hold('u', 'sha256:bad'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(calls.length, 1, 'concurrent holders share the failed download');
    assert.deepEqual(cache.digests, []);
    fail.delete('sha256:bad');
    const h = await cache.hold('u', 'sha256:bad');
    assert.equal(calls.length, 2, 'tried again');
    h.release();
  });

  it('evicts the least recently used unheld trees beyond the byte and tree budgets', async () => {
    const { calls, fetch } = counting(100);
    const cache = new ArtifactTreeCache({ fetch, maxBytes: 250, maxTrees: 5 });
    const a = await cache.hold('u', 'sha256:a');
    for (const d of ['b', 'c', 'd']) (await cache.hold('u', `sha256:${d}`)).release();
    // Unheld: b, c, d = 300 bytes > 250: b (least recently used) goes; a is held and stays.
    assert.deepEqual(cache.digests, ['sha256:a', 'sha256:c', 'sha256:d']);
    a.release();
    // Unheld now a, c, d = 300 bytes: a, the least recently used, goes.
    assert.deepEqual(cache.digests, ['sha256:c', 'sha256:d']);
    (await cache.hold('u', 'sha256:c')).release();
    assert.deepEqual(cache.digests, ['sha256:d', 'sha256:c'], 'a hit is recent again');
    assert.equal(calls.length, 4);

    const few = new ArtifactTreeCache({ fetch, maxTrees: 2 });
    for (const d of ['x', 'y', 'z']) (await few.hold('u', `sha256:${d}`)).release();
    assert.deepEqual(few.digests, ['sha256:y', 'sha256:z']);
  });

  it('releases once however often release is called', async () => {
    const { fetch } = counting(100);
    const cache = new ArtifactTreeCache({ fetch, maxBytes: 0 });
    const one = await cache.hold('u', 'sha256:a');
    const two = await cache.hold('u', 'sha256:a');
    one.release();
    one.release();
    assert.deepEqual(cache.digests, ['sha256:a'], 'still held by the second build');
    two.release();
    assert.deepEqual(cache.digests, []);
  });
});
