// Tests for the Flux-compatible ignore rules: defaults, .sourceignore scoping, spec.ignore priority.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  IgnoreBaseline,
  createSourceMatcher,
  loadSourceIgnoreFiles,
  loadSourceMatcher,
  parseIgnoreText,
} from './index.js';

type Case = readonly [path: string, isDir: boolean, ignored: boolean];

function check(matcher: ReturnType<typeof createSourceMatcher>, cases: readonly Case[]): void {
  for (const [path, isDir, ignored] of cases) {
    assert.equal(
      matcher.ignores(path, isDir),
      ignored,
      `${path} (dir=${isDir}) ignored=${ignored}`,
    );
  }
}

describe('createSourceMatcher', () => {
  it("applies Flux's default exclusions when there are no user patterns", () => {
    check(createSourceMatcher(), [
      ['.git', true, true],
      ['.git/HEAD', false, true],
      ['sub/.git', true, true],
      ['.gitignore', false, true],
      ['.gitmodules', false, true],
      ['.gitattributes', false, true],
      ['logo.png', false, true],
      ['docs/a.jpg', false, true],
      ['b.jpeg', false, true],
      ['c.gif', false, true],
      ['d.wmv', false, true],
      ['e.flv', false, true],
      ['chart.tar.gz', false, true],
      ['x.zip', false, true],
      ['.github', true, true],
      ['.github/workflows/ci.yaml', false, true],
      ['.circleci', true, true],
      ['.travis.yml', false, true],
      ['.gitlab-ci.yml', false, true],
      ['appveyor.yml', false, true],
      ['.drone.yml', false, true],
      ['cloudbuild.yaml', false, true],
      ['codeship-services.yml', false, true],
      ['codeship-steps.yml', false, true],
      ['deep/.goreleaser.yml', false, true],
      ['a/b/.sops.yaml', false, true],
      ['.flux.yaml', false, true],
      ['apps/deploy.yaml', false, false],
      ['kustomization.yaml', false, false],
      ['.sourceignore', false, false],
      ['.github.yaml', false, false],
      ['LOGO.PNG', false, false], // gitignore matching is case-sensitive
    ]);
  });

  it('replaces the non-VCS defaults as soon as any user pattern exists, keeping VCS ones', () => {
    const m = createSourceMatcher({ specIgnore: '*.txt\n' });
    check(m, [
      ['notes.txt', false, true],
      ['logo.png', false, false],
      ['.github/workflows/ci.yaml', false, false],
      ['.git/HEAD', false, true],
      ['.gitignore', false, true],
    ]);
  });

  it('keeps the defaults when spec.ignore holds only comments and blank lines', () => {
    const m = createSourceMatcher({ specIgnore: '# nothing\n\n   \n' });
    check(m, [['logo.png', false, true]]);
  });

  it('scopes .sourceignore patterns to their directory', () => {
    const m = createSourceMatcher({
      ruleSets: [
        { domain: '', patterns: ['/root-only.yaml'], origin: '.sourceignore' },
        { domain: 'apps', patterns: ['*.txt', '/local.yaml'], origin: 'apps/.sourceignore' },
      ],
    });
    check(m, [
      ['root-only.yaml', false, true],
      ['apps/root-only.yaml', false, false],
      ['apps/a.txt', false, true],
      ['apps/deep/b.txt', false, true],
      ['other/a.txt', false, false],
      ['apps/local.yaml', false, true],
      ['apps/deep/local.yaml', false, false],
      ['local.yaml', false, false],
    ]);
  });

  it('gives spec.ignore the last word over .sourceignore files', () => {
    const m = createSourceMatcher({
      ruleSets: [{ domain: '', patterns: ['*.yaml'], origin: '.sourceignore' }],
      specIgnore: '!keep.yaml',
    });
    check(m, [
      ['drop.yaml', false, true],
      ['keep.yaml', false, false],
    ]);
  });

  it('lets a later negation bring back a file below an excluded directory, as go-git does', () => {
    const m = createSourceMatcher({ specIgnore: '/dir/\n!/dir/keep.yaml\n' });
    check(m, [
      ['dir', true, true],
      ['dir/other.yaml', false, true],
      ['dir/keep.yaml', false, false],
    ]);
    assert.equal(m.canPrune('dir'), false);
    assert.equal(createSourceMatcher().canPrune('.git'), true);
  });

  it('excludes nothing by default with the None baseline (Flux Bucket rules)', () => {
    const m = createSourceMatcher({ baseline: IgnoreBaseline.None });
    check(m, [
      ['.git/HEAD', false, false],
      ['logo.png', false, false],
    ]);
    assert.equal(m.ruleSets.length, 0);
  });

  it('parses gitignore text like Flux ReadPatterns', () => {
    assert.deepEqual(parseIgnoreText('# c\n\n*.a\r\n  \n!b\n'), ['*.a', '!b']);
  });
});

describe('loadSourceIgnoreFiles', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-ignore-'));
    await mkdir(join(dir, 'apps/inner'), { recursive: true });
    await mkdir(join(dir, '.git'), { recursive: true });
    await mkdir(join(dir, 'b'), { recursive: true });
    await writeFile(join(dir, '.sourceignore'), '# root\n/secret.yaml\n');
    await writeFile(join(dir, 'apps/.sourceignore'), '*.txt\n');
    await writeFile(join(dir, 'apps/inner/.sourceignore'), '!keep.txt\n');
    await writeFile(join(dir, 'b/.sourceignore'), 'x\n');
    await writeFile(join(dir, '.git/.sourceignore'), 'never-read\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads every file, parents first, siblings in name order, skipping .git', async () => {
    const sets = await loadSourceIgnoreFiles(dir);
    assert.deepEqual(
      sets.map((s) => [s.domain, s.patterns, s.origin]),
      [
        ['', ['/secret.yaml'], '.sourceignore'],
        ['apps', ['*.txt'], 'apps/.sourceignore'],
        ['apps/inner', ['!keep.txt'], 'apps/inner/.sourceignore'],
        ['b', ['x'], 'b/.sourceignore'],
      ],
    );
  });

  it('combines files and spec.ignore into one matcher', async () => {
    const m = await loadSourceMatcher(dir, { specIgnore: 'extra.yaml' });
    check(m, [
      ['secret.yaml', false, true],
      ['apps/secret.yaml', false, false],
      ['apps/n.txt', false, true],
      ['apps/inner/keep.txt', false, false],
      ['apps/inner/drop.txt', false, true],
      ['extra.yaml', false, true],
      ['logo.png', false, false],
      ['.git/config', false, true],
    ]);
  });
});
