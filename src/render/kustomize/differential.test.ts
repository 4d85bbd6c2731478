// Differential test against the kustomize v5.5.0 oracle: hundreds of generated kustomization trees
// (kubebuilder scaffolds, Tekton tasks, controller-gen CRDs, generators with awkward text, nested
// overlays with components, strategic merges, JSON patches, replacements) must build byte for byte
// as kustomize builds them, and fail where kustomize fails. Seeded, so every case can be rebuilt.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { oracle, oracleSkip } from '../../testing/index.js';
import { buildKustomization } from '../index.js';
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
  for (const [p, content] of Object.entries(c.files)) {
    const f = join(dir, p);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, content);
  }
  return join(dir, c.target);
}

interface OracleRun {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function runOracle(dir: string): Promise<OracleRun> {
  return new Promise((resolve) => {
    execFile(
      oracle('kustomize'),
      ['build', dir],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ ok: err === null, stdout, stderr }),
    );
  });
}

function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}: kustomize ${JSON.stringify(a[i] ?? '<end>')}, flotilla ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return 'identical';
}

/** Compares one case; returns undefined when Flotilla agrees with kustomize, else what differs. */
async function compare(c: GeneratedCase): Promise<{ built: boolean; problem?: string }> {
  const dir = writeCase(c);
  const want = await runOracle(dir);
  let got: string | undefined;
  let error = '';
  try {
    got = buildKustomization(dir).yaml;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  if (!want.ok) {
    const last = want.stderr.trim().split('\n').pop() ?? '';
    return got === undefined
      ? { built: false }
      : { built: false, problem: `kustomize fails (${last}) but Flotilla builds` };
  }
  if (got === undefined)
    return { built: true, problem: `Flotilla fails: ${error.split('\n')[0] ?? ''}` };
  if (got !== want.stdout) return { built: true, problem: firstDifference(want.stdout, got) };
  return { built: true };
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
          const r = await compare(c);
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
