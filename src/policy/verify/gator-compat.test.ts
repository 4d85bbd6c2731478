// `flotilla policy test` (the shipped CLI) against `gator verify` on the same suites: the
// gatekeeper-library's general templates (with CEL preferred, as Gatekeeper does, and with Rego
// only) and Flotilla's own suites of passing, failing and broken tests. Reports must be the same
// line for line (runtimes aside), exit codes too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { corpus, corpusSkip, oracleSkip, runCli, runGator } from '../../testing/index.js';

const TESTDATA = fileURLToPath(new URL('./testdata', import.meta.url));
const CORPUS = 'gatekeeper-library-general';

/** Runtimes differ from run to run; everything else must not. */
const withoutTimes = (report: string): string =>
  report.replace(/\t\(\d+\.\d{3}s\)/g, '').replace(/\t\d+\.\d{3}s$/gm, '');

async function compare(
  cwd: string,
  args: readonly string[],
  gatorFlags: readonly string[],
  ours: readonly string[],
): Promise<string> {
  const want = runGator(['verify', '-v', ...gatorFlags, ...args], { cwd });
  const got = await runCli(['policy', 'test', '-v', ...ours, ...args], { cwd });
  assert.equal(got.stderr, '');
  assert.equal(withoutTimes(got.stdout), withoutTimes(want.stdout));
  assert.equal(got.code, want.code);
  return got.stdout;
}

describe(
  'flotilla policy test against gator verify',
  { skip: oracleSkip('gator') || corpusSkip(CORPUS) },
  () => {
    it('passes every general library suite as gator does (K8sNativeValidation preferred)', async () => {
      const out = await compare(corpus(CORPUS), ['library/...'], [], []);
      assert.equal((out.match(/^ok\t/gm) ?? []).length, 30);
      assert.match(out, /PASS\n\n$/);
    });

    it('passes every general library suite with the Rego engine only', async () => {
      const out = await compare(
        corpus(CORPUS),
        ['library/...'],
        ['--enable-k8s-native-validation=false'],
        ['--engine', 'rego'],
      );
      assert.equal((out.match(/--- PASS: /g) ?? []).length, 173);
    });

    it('reports failures, invalid constraints and broken templates as gator does', async () => {
      const out = await compare(TESTDATA, ['suites/'], [], []);
      await compare(TESTDATA, ['templates/'], [], []);
      assert.match(out, /--- FAIL: wrong-count/);
      await compare(
        TESTDATA,
        ['suites/suite.yaml'],
        ['--enable-k8s-native-validation=false'],
        ['--engine', 'rego'],
      );
    });

    it('filters tests and cases with --run as gator does', async () => {
      for (const run of ['rego-fails//want', 'cel', '^rego-passes$//', '//unlabelled']) {
        await compare(TESTDATA, ['--run', run, 'suites/'], [], []);
      }
    });
  },
);
