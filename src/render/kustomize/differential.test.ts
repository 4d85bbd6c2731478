// Differential test against the kustomize v5.5.0 oracle: hundreds of generated kustomization trees
// (kubebuilder scaffolds, Tekton tasks, controller-gen CRDs, generators with awkward text, nested
// overlays with components, strategic merges, JSON patches, replacements) must build byte for byte
// as kustomize builds them, and fail where kustomize fails. Seeded, so every case can be rebuilt.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { oracleSkip } from '../../testing/index.js';
import { compareWithOracle, writeTree } from './testing/oracle-compare.js';
import { generateCase } from './testing/scenarios.js';
import type { GeneratedCase } from './testing/scenarios.js';

/** First seed and number of cases (fixed, so a failure names a case anyone can rebuild). */
const FIRST_SEED = 1;
const CASES = 400;
/** Oracle processes run at once. */
const PARALLEL = 2;

const root = mkdtempSync(join(tmpdir(), 'kustomize-differential-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeCase(c: GeneratedCase): string {
  const dir = join(root, c.name);
  writeTree(dir, c.files);
  return join(dir, c.target);
}

describe(
  'differential: generated kustomizations against kustomize v5.5.0',
  { skip: oracleSkip('kustomize') },
  () => {
    test(`${CASES} generated cases build as kustomize builds them`, async () => {
      const cases = Array.from({ length: CASES }, (_, i) => generateCase(FIRST_SEED + i));
      const problems: string[] = [];
      const byFamily = new Map<string, { n: number; same: number; failBoth: number }>();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < cases.length) {
          const c = cases[next++] as GeneratedCase;
          const r = await compareWithOracle(writeCase(c));
          const f = byFamily.get(c.family) ?? { n: 0, same: 0, failBoth: 0 };
          f.n++;
          if (r.problem !== undefined) problems.push(`${c.name}: ${r.problem}`);
          else if (r.built) f.same++;
          else f.failBoth++;
          byFamily.set(c.family, f);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      for (const [family, f] of [...byFamily].sort()) {
        console.log(
          `${family}: ${f.n} cases, ${f.same} identical output, ${f.failBoth} fail in both`,
        );
      }
      const agree = CASES - problems.length;
      console.log(
        `kustomize differential: ${agree}/${CASES} agree (${((100 * agree) / CASES).toFixed(1)}%), seeds ${FIRST_SEED}..${FIRST_SEED + CASES - 1}`,
      );
      for (const p of problems) console.log(`DIFF ${p}`);
      assert.deepEqual(problems, [], `${problems.length} generated case(s) differ from kustomize`);
    });
  },
);
