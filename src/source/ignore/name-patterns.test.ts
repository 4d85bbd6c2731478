// Checks the compiled name patterns against `ignore` itself: the fast matcher must give the same
// answer as one `ignore` instance per run of patterns, for generated patterns and paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ignore from 'ignore';
import { compileNamePattern } from './name-patterns.js';
import { createSourceMatcher, type IgnoreRuleSet } from './source-matcher.js';

/** The matcher as it was built before name patterns were compiled: `ignore` for every run. */
function referenceMatcher(sets: readonly IgnoreRuleSet[]): (p: string, dir: boolean) => boolean {
  const runs: { prefix: string; negative: boolean; patterns: string[] }[] = [];
  for (const s of sets) {
    const prefix = s.domain === '' ? '' : `${s.domain}/`;
    for (const pattern of s.patterns) {
      const negative = pattern.startsWith('!');
      const last = runs.at(-1);
      if (last && last.prefix === prefix && last.negative === negative) last.patterns.push(pattern);
      else runs.push({ prefix, negative, patterns: [pattern] });
    }
  }
  const compiled = runs.map((r) => ({
    ...r,
    ig: ignore({ allowRelativePaths: true, ignoreCase: false }).add(r.patterns),
  }));
  return (relPath, isDir) => {
    for (let i = compiled.length - 1; i >= 0; i--) {
      const c = compiled[i];
      if (!c || (c.prefix !== '' && !relPath.startsWith(c.prefix))) continue;
      const rel = relPath.slice(c.prefix.length);
      if (rel === '') continue;
      const res = c.ig.test(isDir ? `${rel}/` : rel);
      if (c.negative ? res.unignored : res.ignored) return !c.negative;
    }
    return false;
  };
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compileNamePattern', () => {
  const table: [string, boolean][] = [
    ['*.png', true],
    ['.github/', true],
    ['**/.sops.yaml', true],
    ['a?c', true],
    ['/anchored.yaml', false],
    ['dir/file', false],
    ['[ab].txt', false],
    ['a\\*', false],
    ['trailing ', false],
    ['a**b', false],
    ['**', false],
    ['.', false],
    ['..', false],
  ];
  for (const [pattern, simple] of table) {
    it(`${simple ? 'compiles' : 'leaves to ignore'} ${JSON.stringify(pattern)}`, () => {
      assert.equal(compileNamePattern(pattern) !== undefined, simple);
    });
  }
});

describe('createSourceMatcher against ignore', () => {
  it("gives ignore's answers for generated patterns, domains and paths", () => {
    const rnd = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const atoms = ['a', 'b', 'ab', '.a', 'a.b', 'b-a', '*', '?', '*.b', 'a*', '.*', '*a*'];
    const names = ['a', 'b', 'ab', 'ba', '.a', 'a.b', 'b-a', 'aa.b', '.ab', 'x'];
    const pattern = (): string => {
      let p = pick(atoms);
      const r = rnd();
      if (r < 0.15) p = `**/${p}`;
      else if (r < 0.25)
        p = `/${p}`; // anchored: left to ignore
      else if (r < 0.3) p = `${pick(names)}/${p}`; // inner slash: left to ignore
      if (rnd() < 0.3) p = `${p}/`;
      if (rnd() < 0.3) p = `!${p}`;
      return p;
    };
    let compared = 0;
    let ignored = 0;
    for (let round = 0; round < 300; round++) {
      const sets: IgnoreRuleSet[] = [];
      const nSets = 1 + Math.floor(rnd() * 3);
      for (let s = 0; s < nSets; s++) {
        const domain = rnd() < 0.6 ? '' : pick(['a', 'ab', 'a/b']);
        const patterns = Array.from({ length: 1 + Math.floor(rnd() * 4) }, pattern);
        sets.push({ domain, patterns, origin: `set ${s}` });
      }
      const fast = createSourceMatcher({ ruleSets: sets, baseline: 'None' });
      const ref = referenceMatcher(sets);
      for (let k = 0; k < 40; k++) {
        const depth = 1 + Math.floor(rnd() * 4);
        const path = Array.from({ length: depth }, () => pick(names)).join('/');
        const isDir = rnd() < 0.3;
        const want = ref(path, isDir);
        assert.equal(
          fast.ignores(path, isDir),
          want,
          `${path} (dir=${isDir}) with ${JSON.stringify(sets.map((s) => [s.domain, s.patterns]))}`,
        );
        compared++;
        if (want) ignored++;
      }
    }
    // The generator must exercise both answers, not just agree on "kept".
    assert.ok(ignored > compared / 10 && ignored < (compared * 9) / 10, `${ignored}/${compared}`);
  });

  it("keeps Flux's default exclusions as ignore applied them", () => {
    const fast = createSourceMatcher();
    const ref = referenceMatcher(fast.ruleSets);
    for (const path of [
      'a/.git',
      'x/.github/w.yaml',
      'deep/down/.sops.yaml',
      'pic.PNG',
      'pic.png',
      'a.tar.gz',
      'tar.gz',
      '.gitignore/x',
      'apps/ok.yaml',
    ]) {
      for (const isDir of [false, true]) assert.equal(fast.ignores(path, isDir), ref(path, isDir));
    }
  });
});
