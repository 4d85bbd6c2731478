// Tests the long-running cat-file reader: sequential requests, missing objects, large objects,
// objects that arrive after the process started, and failures.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CatFile } from './index.js';
import { FixtureRepo, git } from '../../testing/index.js';

let root: string;
let repo: FixtureRepo;
let first: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-cat-file-'));
  repo = FixtureRepo.create(root, 'r');
  first = await repo.commit({ 'a.txt': 'alpha\n', 'big.bin': 'z'.repeat(3_000_000) }, 'first');
  repo.push('main');
});

after(() => rm(root, { recursive: true, force: true }));

const blobOf = (rev: string, path: string): string =>
  git(repo.bare, ['rev-parse', `${rev}:${path}`]);

describe('CatFile', () => {
  it('reads objects in order, request after request, missing ones as undefined', async () => {
    const cat = new CatFile(repo.bare);
    try {
      const [commit, missing, blob] = await cat.read([
        first,
        'f'.repeat(40),
        blobOf(first, 'a.txt'),
      ]);
      assert.equal(commit?.type, 'commit');
      assert.match(commit?.body.toString() ?? '', /^tree [0-9a-f]{40}\n/);
      assert.equal(missing, undefined);
      assert.deepEqual(blob, { type: 'blob', body: Buffer.from('alpha\n') });
      // A large object arrives in many chunks; two requests in flight resolve in order.
      const [big, again] = await Promise.all([
        cat.read([blobOf(first, 'big.bin')]),
        cat.read([blobOf(first, 'a.txt')]),
      ]);
      assert.equal(big[0]?.body.length, 3_000_000);
      assert.equal(again[0]?.body.toString(), 'alpha\n');
    } finally {
      cat.close();
    }
  });

  it('finds objects written after it started', async () => {
    const cat = new CatFile(repo.bare).start();
    try {
      assert.deepEqual(await cat.read([first]).then((o) => o.map((x) => x?.type)), ['commit']);
      const second = await repo.commit({ 'b.txt': 'beta\n' }, 'second');
      repo.push('main');
      const [c] = await cat.read([second]);
      assert.equal(c?.type, 'commit');
    } finally {
      cat.close();
    }
  });

  it('refuses invalid ids, reads after close and a repository that is not one', async () => {
    const cat = new CatFile(repo.bare);
    await assert.rejects(cat.read(['HEAD']), /invalid object id 'HEAD'/);
    cat.close();
    await assert.rejects(cat.read([first]), /closed/);
    const broken = new CatFile(join(root, 'nowhere.git'));
    await assert.rejects(
      broken.read([first]),
      /git cat-file exited \(128\).*not a git repository/s,
    );
    broken.close();
  });
});
