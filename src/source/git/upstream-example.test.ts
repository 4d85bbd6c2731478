// flux2-kustomize-helm-example's `.sourceignore` (`/*`, then `!/apps/`, `!/clusters/`,
// `!/infrastructure/`): the GitRepository artifact of its HEAD holds exactly the files under the
// three kept folders, on both ways an artifact is made (from the object database and from a
// checkout), as Flux's artifact does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { buildArtifact, extractTarball } from '../artifact/index.js';
import { GitMirror, checkoutCommit, planTreeTarball, treeTarballStream } from './index.js';
import { upstreamExample, upstreamExampleSkip } from '../../testing/index.js';

const EXAMPLE = 'flux2-kustomize-helm-example';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  await walk(dir);
  return out.sort();
}

describe(`${EXAMPLE}: .sourceignore negations`, { skip: upstreamExampleSkip(EXAMPLE) }, () => {
  let root: string;
  let mirror: GitMirror;
  let commit: string;
  let expected: string[];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'flotilla-upstream-'));
    const bare = join(root, 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', upstreamExample(EXAMPLE), bare]);
    mirror = new GitMirror({ dataDir: join(root, 'data'), url: `file://${bare}` });
    await mirror.fetch(['+refs/heads/main:refs/heads/main']);
    commit = execFileSync('git', ['-C', bare, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    const all = execFileSync('git', ['-C', bare, 'ls-tree', '-r', '--name-only', commit], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f !== '');
    assert.ok(all.includes('.sourceignore'));
    expected = all.filter((f) => /^(apps|clusters|infrastructure)\//.test(f)).sort();
    assert.ok(expected.length > 10, `the example has ${expected.length} manifest files`);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('the artifact from the object database holds every file under the kept folders', async () => {
    const plan = await planTreeTarball({ mirror, commit });
    assert.ok(plan);
    const dest = join(root, 'from-objects');
    await extractTarball(Readable.from(treeTarballStream(plan)), dest);
    assert.deepEqual(await listFiles(dest), expected);
  });

  it('the artifact from a checkout holds the same files', async () => {
    const co = await mkdtemp(join(root, 'checkout-'));
    await checkoutCommit({ mirror, commit, dest: co, dataDir: join(root, 'data') });
    const { tarball } = await buildArtifact(co);
    const dest = join(root, 'from-checkout');
    await extractTarball(Readable.from([tarball]), dest);
    assert.deepEqual(await listFiles(dest), expected);
  });
});
