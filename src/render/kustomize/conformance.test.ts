// Conformance: every case of the shared kustomize v5.5.0 corpus must build byte-for-byte (or fail when the real tool fails).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { buildKustomization, KustomizeError } from '../index.js';

// The corpus lives next to the project: <project root>/../shared/corpora/kustomize-v5.5.0, where the project root
// is three levels above this file (src/render/kustomize); a git worktree one level further down finds it too.
const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const corpus =
  [resolve(projectRoot, '..'), resolve(projectRoot, '..', '..')]
    .map((d) => join(d, 'shared', 'corpora', 'kustomize-v5.5.0'))
    .find((d) => existsSync(d)) ??
  resolve(projectRoot, '..', 'shared', 'corpora', 'kustomize-v5.5.0');

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i])
      return `line ${i + 1}: expected ${JSON.stringify(la[i] ?? '<end>')}, got ${JSON.stringify(lb[i] ?? '<end>')}`;
  }
  return 'identical';
}

test('kustomize v5.5.0 corpus conformance', (t) => {
  if (!existsSync(corpus)) {
    t.skip(`corpus not found at ${corpus}`);
    return;
  }
  const cases = readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const failures: string[] = [];
  for (const name of cases) {
    const dir = join(corpus, name);
    const target = readFileSync(join(dir, 'target'), 'utf8').trim();
    const expectedFile = join(dir, 'expected.yaml');
    const wantsFailure = !existsSync(expectedFile);
    let line: string;
    try {
      const { yaml } = buildKustomization(join(dir, 'input', target));
      if (wantsFailure) line = `FAIL ${name}: built, but kustomize fails on this case`;
      else {
        const expected = readFileSync(expectedFile, 'utf8');
        line =
          yaml === expected ? `ok   ${name}` : `FAIL ${name}: ${firstDifference(expected, yaml)}`;
      }
    } catch (err) {
      if (wantsFailure && err instanceof KustomizeError && err.message.length > 0) {
        line = `ok   ${name} (fails as expected: ${err.message.split('\n')[0] ?? ''})`;
      } else {
        line = `FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    if (line.startsWith('FAIL')) failures.push(line);
    console.log(line);
  }
  console.log(`kustomize corpus: ${cases.length - failures.length}/${cases.length} cases pass`);
  assert.deepEqual(failures, [], `${failures.length} corpus case(s) differ from kustomize v5.5.0`);
});
