// Real repositories against kustomize v5.5.0: every distinct kustomization directory in the whole
// history of the upstream example repositories under ../shared/upstream-examples (Flux's and Argo
// CD's, as git bundles) must build byte for byte as kustomize builds it, or fail where it fails
// (remote bases do: tests have no network, and Flotilla refuses them).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { oracleSkip } from '../../testing/index.js';
import { compareWithOracle } from './testing/oracle-compare.js';

const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const examples = [resolve(projectRoot, '..'), resolve(projectRoot, '..', '..')]
  .map((d) => join(d, 'shared', 'upstream-examples'))
  .find((d) => existsSync(d));
const BUNDLES = ['argocd-example-apps', 'flux2-kustomize-helm-example', 'flux2-multi-tenancy'];
const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

const root = mkdtempSync(join(tmpdir(), 'kustomize-upstream-'));
after(() => rmSync(root, { recursive: true, force: true }));

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * The kustomization directories a commit holds that no earlier commit held with the same content
 * (the directory's tree and its parent's, where bases usually are).
 */
function newDirectories(repo: string, commit: string, seen: Set<string>): string[] {
  const treeOf = (d: string): string => git(repo, 'rev-parse', `${commit}:${d}`).trim();
  const dirs = git(repo, 'ls-tree', '-r', '--name-only', commit)
    .split('\n')
    .filter((f) => KUSTOMIZATION.test(f))
    .map((f) => (dirname(f) === '.' ? '' : dirname(f)));
  return dirs.filter((d) => {
    const parent = d === '' || dirname(d) === '.' ? '' : dirname(d);
    const key = `${treeOf(d)} ${treeOf(parent)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe(
  'upstream example repositories against kustomize v5.5.0',
  { skip: examples === undefined ? 'shared/upstream-examples not found' : oracleSkip('kustomize') },
  () => {
    test('every distinct kustomization directory in their histories', async () => {
      const problems: string[] = [];
      let total = 0;
      let identical = 0;
      for (const name of BUNDLES) {
        const repo = join(root, name);
        execFileSync('git', ['clone', '-q', join(examples as string, `${name}.bundle`), repo]);
        const seen = new Set<string>();
        for (const commit of git(repo, 'rev-list', '--all').trim().split('\n')) {
          const dirs = newDirectories(repo, commit, seen);
          if (dirs.length === 0) continue;
          const tree = join(root, 'trees', `${name}-${commit.slice(0, 12)}`);
          mkdirSync(tree, { recursive: true });
          execFileSync('sh', [
            '-c',
            `git -C "$0" archive "$1" | tar -x -C "$2"`,
            repo,
            commit,
            tree,
          ]);
          for (const d of dirs) {
            total++;
            const r = await compareWithOracle(join(tree, d));
            if (r.problem !== undefined)
              problems.push(`${name}@${commit.slice(0, 7)}:${d || '.'}: ${r.problem}`);
            else if (r.built) identical++;
          }
          rmSync(tree, { recursive: true, force: true });
        }
      }
      console.log(
        `upstream examples: ${total} distinct kustomization directories, ${identical} identical output, ` +
          `${total - identical - problems.length} fail in both, ${problems.length} differ`,
      );
      for (const p of problems) console.log(`DIFF ${p}`);
      assert.ok(identical > 250, `only ${identical} directories built identically`);
      assert.deepEqual(problems, [], `${problems.length} directories differ from kustomize`);
    });
  },
);
