// The ignore matcher against `git check-ignore` on generated patterns and paths: the verdicts
// must agree everywhere git and go-git (Flux's matcher) agree. go-git differs by design in one
// way: a pattern that matches a directory also matches everything below it, so a negation that
// matches a directory re-includes all of it, even below an excluded directory or against an
// earlier pattern that matches the file itself (git re-includes the directory only). Such
// verdicts are counted and must be inclusions by a negation that matches an ancestor. Then Go's
// filepath.Match details that differ from git, checked directly.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Rng } from '../../testing/index.js';
import { IgnoreBaseline, createSourceMatcher } from './index.js';
import { GitignorePattern, MatchResult, goFilepathMatch } from './gitignore-pattern.js';

const NAMES = ['a', 'b', 'ab', 'apps', 'keep', 'a.yaml', 'b.yml', 'x.txt', '.hidden', 'c-d'];
const COMPONENTS = [
  ...NAMES,
  '*',
  '*.yaml',
  '*.y*ml',
  'a*',
  '?b',
  '[ab]',
  '[a-c]*',
  '[^a]*',
  'k?ep',
];

function genPattern(rng: Rng): string {
  let p = '';
  if (rng.next() < 0.3) p += '!';
  const anchored = rng.next() < 0.4;
  if (anchored) p += '/';
  const n = 1 + rng.int(3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    // `**` as a whole component, never last (go-git lets `a/**` match `a` itself; git does not).
    if (i < n - 1 && rng.next() < 0.15) parts.push('**');
    else parts.push(rng.pick(COMPONENTS));
  }
  p += parts.join('/');
  if (rng.next() < 0.3) p += '/';
  return p;
}

function genPaths(rng: Rng): string[] {
  const files = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const depth = 1 + rng.int(3);
    const parts: string[] = [];
    for (let d = 0; d < depth; d++) parts.push(rng.pick(NAMES));
    files.add(parts.join('/'));
  }
  // A name cannot be a file and a directory at once: keep the deeper path.
  const out = [...files].filter((f) => ![...files].some((g) => g.startsWith(`${f}/`)));
  return out;
}

interface Tree {
  readonly files: string[];
  readonly dirs: string[];
}

function treeOf(files: readonly string[]): Tree {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return { files: [...files], dirs: [...dirs] };
}

/** git's verdict for every path, from one `git check-ignore --no-index -v -n --stdin`. */
function gitVerdicts(dir: string, paths: readonly string[]): Map<string, boolean> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  // Exit status 1 means only that no path is ignored.
  const r = spawnSync('git', ['check-ignore', '--no-index', '-v', '-n', '--stdin', '-z'], {
    cwd: dir,
    env,
    input: paths.join('\0') + '\0',
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`git check-ignore: ${r.stderr}`);
  const out = r.stdout;
  // -z: source, line, pattern, path, each NUL-terminated.
  const fields = out.split('\0');
  const verdicts = new Map<string, boolean>();
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const pattern = fields[i + 2] as string;
    verdicts.set(fields[i + 3] as string, pattern !== '' && !pattern.startsWith('!'));
  }
  return verdicts;
}

describe('ignore rules against git check-ignore', () => {
  it('agree on generated patterns and paths (root and nested ignore files)', () => {
    const rng = new Rng(20261208);
    let compared = 0;
    let reincluded = 0;
    for (let round = 0; round < 60; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'flotilla-check-ignore-'));
      try {
        execFileSync('git', ['init', '-q', dir], {
          env: { PATH: process.env['PATH'] ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
        });
        const { files, dirs } = treeOf(genPaths(rng));
        for (const f of files) {
          mkdirSync(join(dir, f, '..'), { recursive: true });
          writeFileSync(join(dir, f), '');
        }
        const rootPatterns = Array.from({ length: 1 + rng.int(5) }, () => genPattern(rng));
        writeFileSync(join(dir, '.gitignore'), rootPatterns.join('\n') + '\n');
        const ruleSets = [{ domain: '', patterns: rootPatterns, origin: '.gitignore' }];
        // Sometimes a nested file too, scoped to its directory (a .sourceignore in a subfolder).
        const nested = dirs.length > 0 && rng.next() < 0.5 ? rng.pick(dirs) : undefined;
        if (nested !== undefined) {
          const nestedPatterns = Array.from({ length: 1 + rng.int(3) }, () => genPattern(rng));
          writeFileSync(join(dir, nested, '.gitignore'), nestedPatterns.join('\n') + '\n');
          ruleSets.push({ domain: nested, patterns: nestedPatterns, origin: 'nested' });
        }
        const m = createSourceMatcher({ baseline: IgnoreBaseline.None, ruleSets });
        const patterns = ruleSets.flatMap((r) =>
          r.patterns.map(
            (t) => new GitignorePattern(t, r.domain === '' ? [] : r.domain.split('/')),
          ),
        );
        /** The pattern that decides a path in go-git (the last with an opinion). */
        const decider = (parts: string[], isDir: boolean): GitignorePattern | undefined =>
          patterns.findLast((pt) => pt.match(parts, isDir) !== MatchResult.NoMatch);
        const all = [
          ...dirs.map((d) => [d, true] as const),
          ...files.map((f) => [f, false] as const),
        ];
        const git = gitVerdicts(
          dir,
          all.map(([p]) => p),
        );
        for (const [p, isDir] of all) {
          const ours = m.ignores(p, isDir);
          const parts = p.split('/');
          const d = decider(parts, isDir);
          const viaAncestor =
            d?.inclusion === true &&
            parts
              .slice(0, -1)
              .some((_, i) => d.match(parts.slice(0, i + 1), true) !== MatchResult.NoMatch);
          const excludedAncestor = parts
            .slice(0, -1)
            .some((_, i) => m.ignores(parts.slice(0, i + 1).join('/'), true));
          if (d?.inclusion === true && (viaAncestor || excludedAncestor) && git.get(p) === true) {
            // go-git: a negation re-includes this path below an excluded directory, or through
            // the directory it matched; git re-includes neither.
            assert.equal(ours, false, `${p}: re-included by ${d.parts.join('/')}`);
            reincluded++;
            continue;
          }
          assert.equal(
            ours,
            git.get(p),
            `${p} (dir=${isDir}) with ${JSON.stringify(ruleSets)}: git says ${git.get(p)}`,
          );
          compared++;
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.ok(compared > 2000, `compared ${compared} verdicts`);
    assert.ok(reincluded > 0, 'the generator produced go-git re-inclusions');
  });

  it("keeps everything under negated folders after '/*' (flux2-kustomize-helm-example)", () => {
    const m = createSourceMatcher({
      ruleSets: [
        {
          domain: '',
          patterns: ['/*', '!/apps/', '!/clusters/', '!/infrastructure/'],
          origin: 'x',
        },
      ],
    });
    for (const [p, isDir, ignored] of [
      ['apps', true, false],
      ['apps/base/podinfo/release.yaml', false, false],
      ['clusters/staging/apps.yaml', false, false],
      ['infrastructure/controllers/kustomization.yaml', false, false],
      ['README.md', false, true],
      ['scripts', true, true],
      ['scripts/validate.sh', false, true],
      ['.github/workflows/e2e.yaml', false, true],
    ] as const) {
      assert.equal(m.ignores(p, isDir), ignored, p);
    }
    // An excluded folder that no negation reaches is not walked at all.
    assert.equal(m.canPrune('scripts'), true);
    assert.equal(m.canPrune('apps'), false);
  });

  it("matches components with Go's filepath.Match", () => {
    const cases: [string, string, boolean][] = [
      ['*.yaml', '.a.yaml', true],
      ['a?c', 'abc', true],
      ['a?c', 'ac', false],
      ['[a-c]x', 'bx', true],
      ['[^a-c]x', 'bx', false],
      ['[^a-c]x', 'dx', true],
      // `!` does not negate a class in Go (git's wildmatch would).
      ['[!a]x', '!x', true],
      ['[!a]x', 'bx', false],
      ['\\*x', '*x', true],
      ['\\*x', 'ax', false],
      ['[z-a]', 'm', false],
      // Malformed patterns match nothing.
      ['[', '[', false],
      ['[]a]', 'a', false],
      ['a\\', 'a', false],
      ['é?', 'éü', true],
    ];
    for (const [pattern, name, want] of cases) {
      assert.equal(goFilepathMatch(pattern, name), want, `${pattern} vs ${name}`);
    }
  });

  it("lets 'a/**' match the directory a itself, as go-git does", () => {
    const m = createSourceMatcher({ baseline: IgnoreBaseline.None, specIgnore: 'a/**\n' });
    assert.equal(m.ignores('a', true), true);
    assert.equal(m.ignores('a/b/c', false), true);
    assert.equal(m.ignores('b/a/c', false), false);
  });
});
