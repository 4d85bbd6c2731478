// Checks that tarballs built from the object database are byte-identical to the artifact store's
// tarballs of a checkout, across ignore rules, long and non-ASCII names, links and sparse trees.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, symlink, chmod, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildArtifact } from '../artifact/index.js';
import { GitMirror, checkoutCommit, planTreeTarball, treeTarballStream } from './index.js';
import { FixtureRepo, git } from '../../testing/index.js';

let root: string;
let mirror: GitMirror;
let commit: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-tree-tarball-'));
  const repo = FixtureRepo.create(root, 'src');
  const long = `${'deep/'.repeat(30)}file-with-a-long-name-${'x'.repeat(80)}.yaml`;
  const files: Record<string, string> = {
    'README.md': '# readme\n',
    'apps/a.yaml': 'a: 1\n',
    'apps/b/c.yaml': 'c: 2\n',
    'apps/.sourceignore': '/local.yaml\n',
    'apps/local.yaml': 'local\n',
    'Zeta/upper.txt': 'upper sorts before lower in byte order\n',
    'apps-extra/x.yaml': 'x\n',
    'apps.yaml': 'sorts between apps/ and apps-extra/\n',
    'img/logo.png': 'png',
    'only-ignored/pic.jpg': 'jpg',
    'ünïcode/ファイル.yaml': 'utf8 names\n',
    'empty.txt': '',
    'big.bin': 'b'.repeat(300_000),
    // Above the store's 4 MiB read-in-one-go limit, and many cat-file chunks here.
    'huge.txt': Array.from({ length: 400_000 }, (_, i) => `line ${i}`).join('\n'),
    [long]: 'long path\n',
    // Longer than 100 bytes but splittable into a ustar prefix and name.
    [`${'nested-directory-name/'.repeat(6)}file.yaml`]: 'prefix split\n',
    '.github/workflows/ci.yaml': 'ci\n',
    'links/target.txt': 'target\n',
  };
  for (const [p, c] of Object.entries(files)) {
    await mkdir(join(repo.work, p, '..'), { recursive: true });
    await writeFile(join(repo.work, p), c);
  }
  await chmod(join(repo.work, 'apps/a.yaml'), 0o755);
  await symlink('target.txt', join(repo.work, 'links/link.txt'));
  await mkdir(join(repo.work, 'only-links'));
  await symlink('../README.md', join(repo.work, 'only-links/readme'));
  commit = await repo.commit({}, 'fixture');
  repo.push('main');
  mirror = new GitMirror({ dataDir: join(root, 'data'), url: `file://${repo.bare}` });
  await mirror.fetch(['+refs/heads/main:refs/heads/main']);
  assert.equal(git(repo.work, ['rev-parse', 'HEAD']), commit);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function viaObjects(
  specIgnore: string | undefined,
  sparse: string[],
): Promise<{ digest: string; size: number }> {
  const plan = await planTreeTarball({ mirror, commit, specIgnore, sparseCheckout: sparse });
  assert.ok(plan, 'tree is eligible for the fast path');
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of treeTarballStream(plan)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

async function viaCheckout(
  specIgnore: string | undefined,
  sparse: string[],
): Promise<{ digest: string; size: number }> {
  const dest = await mkdtemp(join(root, 'co-'));
  await checkoutCommit({
    mirror,
    commit,
    dest,
    dataDir: join(root, 'data'),
    sparseCheckout: sparse,
  });
  const r = await buildArtifact(dest, { specIgnore });
  return { digest: r.digest, size: r.size };
}

describe('tarball from the object database', () => {
  const cases: { name: string; specIgnore?: string; sparse?: string[] }[] = [
    { name: 'default rules and nested .sourceignore' },
    { name: 'spec.ignore replaces default exclusions', specIgnore: 'apps/b/\n*.bin\n' },
    { name: 'negation below an ignored directory', specIgnore: '/apps/\n!/apps/a.yaml\n' },
    { name: 'sparse checkout', sparse: ['apps', 'deep/deep'] },
    { name: 'everything ignored', specIgnore: '/*\n' },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      const fast = await viaObjects(tc.specIgnore, tc.sparse ?? []);
      const slow = await viaCheckout(tc.specIgnore, tc.sparse ?? []);
      assert.deepEqual(fast, slow);
    });
  }

  it('refuses a missing sparse directory like the checkout does', async () => {
    await assert.rejects(
      planTreeTarball({ mirror, commit, sparseCheckout: ['nope'] }),
      /sparse checkout dir 'nope' does not exist/,
    );
  });
});
