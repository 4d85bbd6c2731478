// `flotilla rego test|eval` as users run them (bin/flotilla.js over the bundle) against the opa
// oracle: the gatekeeper-library's own unit tests, and the report layout byte for byte where no
// time is involved.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { shippedCliRunner, corpus, corpusSkip, oracleSkip, runOpa } from '../../testing/index.js';
import type { ShippedCli } from '../../testing/index.js';

const GATEKEEPER = 'gatekeeper-library-general';
const RULE = '-'.repeat(80);

let cli: ShippedCli;
const tmp = mkdtempSync(join(tmpdir(), 'rego-bin-'));
before(async () => {
  cli = await shippedCliRunner();
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Go durations (`102.86µs`, `1.5ms`) masked: the only part of the report that may differ. */
function maskTimes(text: string): string {
  return text.replace(/\(\d+(\.\d+)?(ns|µs|ms|s)\)/g, '(T)');
}

/**
 * A report cut into its parts. opa runs tests in parallel and in map order, so the per-test
 * blocks are compared as a sorted list; the FAILURES section per failure, likewise. opa's
 * `Traceback:` of an error (its evaluation stack) is dropped: Flotilla does not print one.
 */
function parts(report: string): { blocks: string[]; failures: string[]; summary: string[] } {
  const lines = maskTimes(report).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const rules = lines.flatMap((l, i) => (l === RULE ? [i] : []));
  const hasFailures = lines[(rules[0] ?? -1) + 1] === 'FAILURES';
  const blockLines = rules.length === 0 ? [] : lines.slice(0, rules[0]);
  const failureLines = hasFailures ? lines.slice((rules[1] ?? 0) + 1, rules[2]) : [];
  const summary = lines.slice((rules[rules.length - 1] ?? -1) + 1);
  const split = (xs: string[], start: RegExp): string[] => {
    const out: string[][] = [];
    for (const l of xs) {
      if (start.test(l) || out.length === 0) out.push([]);
      (out[out.length - 1] as string[]).push(l);
    }
    return out
      .map((b) => b.join('\n').replace(/\n+$/, ''))
      .map((b) => b.replace(/\n {2}Traceback:(\n {4}.*)*/g, ''))
      .sort();
  };
  return {
    blocks: split(blockLines, /^\S.*:\d+:$/),
    failures: split(failureLines, /^data\.\S+: FAIL/),
    summary,
  };
}

describe('rego test through the shipped CLI', { skip: oracleSkip('opa') }, () => {
  test(
    'every unit test of the gatekeeper-library corpus passes with --v0-compatible, reported as opa does',
    { skip: corpusSkip(GATEKEEPER) },
    () => {
      const cwd = corpus(GATEKEEPER);
      const ours = cli.run(['rego', 'test', '--v0-compatible', 'src'], { cwd });
      const opa = runOpa(['test', '--v0-compatible', 'src'], { cwd });
      assert.equal(ours.stderr, '');
      assert.equal(ours.code, 0);
      assert.equal(opa.code, 0);
      assert.match(ours.stdout, /^PASS: \d+\/\d+\n$/);
      assert.equal(ours.stdout, opa.stdout);
      // Verbose: one block per test, file:row: above it; the same blocks as opa's.
      const v = parts(cli.run(['rego', 'test', '--v0', '-v', 'src'], { cwd }).stdout);
      const o = parts(runOpa(['test', '--v0-compatible', '-v', 'src'], { cwd }).stdout);
      assert.deepEqual(v, o);
      assert.ok(v.blocks.length >= 500, `${v.blocks.length} tests`);
    },
  );

  describe('report layout on failures, errors, print output, skipped and repeated tests', () => {
    const dir = join(tmp, 'policy');
    before(() => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'a.rego'),
        [
          'package a',
          'p = 1',
          'test_ok { p == 1 }',
          'test_fail { p == 2 }',
          'test_print { print("hello", p); p == 2 }',
          'test_pass_print { print("in ok"); true }',
          'test_twice { p == 1 }',
          'test_twice { p == 3 }',
          'f(x) = 1',
          'f(x) = 2',
          'test_conflict { f(1) }',
          'todo_test_later { false }',
          'test_undefined { input.nope }',
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'b.rego'), 'package b.c\ntest_b { true }\n');
    });

    for (const verbose of [false, true]) {
      test(`${verbose ? 'verbose' : 'default'}: opa's layout, counts and exit code`, () => {
        const flags = verbose ? ['-v'] : [];
        const ours = cli.run(['rego', 'test', '--v0-compatible', ...flags, 'policy'], { cwd: tmp });
        const opa = runOpa(['test', '--v0-compatible', ...flags, 'policy'], { cwd: tmp });
        assert.equal(ours.code, 2);
        assert.equal(ours.code, opa.code);
        assert.equal(ours.stderr, '');
        const mine = parts(ours.stdout);
        const theirs = parts(opa.stdout);
        assert.deepEqual(mine.blocks, theirs.blocks);
        assert.deepEqual(mine.summary, theirs.summary);
        assert.deepEqual(mine.summary, [
          'PASS: 4/10',
          'FAIL: 4/10',
          'SKIPPED: 1/10',
          'ERROR: 1/10',
        ]);
        if (!verbose) {
          assert.deepEqual(mine.failures, []);
          assert.deepEqual(theirs.failures, []);
          return;
        }
        // The explanation shows opa's compiled form of an expression (`data.a.p = 2`), this
        // one the expression as written (`p == 2`): compared with that text masked.
        const maskFail = (b: string): string =>
          b.replace(/^( {2}\S+:\d+ +(?:\| )+Fail ).*( {2})$/gm, '$1…$2');
        assert.deepEqual(mine.failures.map(maskFail), theirs.failures.map(maskFail));
        assert.match(mine.failures.join('\n'), /\| \| Fail p == 2 {2}$/m);
      });
    }

    test('-r runs the matching tests only; -z leaves skipped tests out of the exit code', () => {
      const ours = cli.run(['rego', 'test', '--v0', '-r', 'test_ok|todo', '-z', 'policy'], {
        cwd: tmp,
      });
      const opa = runOpa(['test', '--v0-compatible', '-r', 'test_ok|todo', '-z', 'policy'], {
        cwd: tmp,
      });
      assert.equal(ours.code, 0);
      assert.equal(opa.code, 0);
      assert.equal(maskTimes(ours.stdout), maskTimes(opa.stdout));
    });
  });
});

describe('rego eval through the shipped CLI', { skip: oracleSkip('opa') }, () => {
  test('prints what opa eval prints, byte for byte', () => {
    const dir = join(tmp, 'eval');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'm.rego'),
      'package m\nimport future.keywords\nmsgs contains sprintf("<%v> & %v", [x, y]) if { some x, y in input }\n',
    );
    writeFileSync(join(dir, 'input.json'), '{"a": 1, "b": [1.5, 12345678901234567890]}');
    for (const query of ['data.m.msgs', 'x := data.m.msgs; count(x) > 1', 'data.m.nope']) {
      const args = ['eval', '--v0-compatible', '-d', 'm.rego', '-i', 'input.json', query];
      const ours = cli.run(['rego', ...args], { cwd: dir });
      const opa = runOpa(args, { cwd: dir });
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, opa.stdout, query);
    }
  });
});
