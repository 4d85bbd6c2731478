// `flotilla rego eval|test`: files and directories loaded as opa does, OPA's JSON result, test reports.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { oracleSkip, runOpa } from '../../testing/index.js';
import { CliError } from '../errors.js';
import { regoEval, regoTest, registerRegoCommand } from './rego.js';

const tmp = mkdtempSync(join(tmpdir(), 'rego-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const policyDir = join(tmp, 'policy');
mkdirSync(join(policyDir, 'config'), { recursive: true });
writeFileSync(
  join(policyDir, 'admission.rego'),
  `package admission

deny contains msg if {
  some label in data.config.required
  not input.metadata.labels[label]
  msg := sprintf("missing label %s", [label])
}
`,
);
writeFileSync(
  join(policyDir, 'config', 'data.json'),
  JSON.stringify({ required: ['app', 'owner'] }),
);
writeFileSync(
  join(policyDir, 'admission_test.rego'),
  `package admission

test_missing_owner if {
  deny == {"missing label owner"} with input as {"metadata": {"labels": {"app": "x"}}}
}

test_wrong if {
  count(deny) == 5 with input as {"metadata": {"labels": {}}}
}
`,
);
const inputFile = join(tmp, 'input.yaml');
writeFileSync(inputFile, 'metadata:\n  labels:\n    app: web\n');

test('rego eval prints OPA’s JSON result, with data files placed at their directory', () => {
  const out = regoEval('data.admission.deny', {
    data: [join(policyDir, 'admission.rego'), join(policyDir, 'config')],
    input: inputFile,
  });
  // A directory given directly is the root: its data.json is data.required, so nothing is
  // required and the set is empty (defined); through its parent it is data.config.required.
  const first = JSON.parse(out.stdout) as { result: { expressions: { value: unknown }[] }[] };
  assert.deepEqual(first.result[0]?.expressions[0]?.value, []);
  const out2 = regoEval('data.admission.deny', { data: [policyDir], input: inputFile });
  assert.deepEqual(JSON.parse(out2.stdout), {
    result: [
      {
        expressions: [
          {
            value: ['missing label owner'],
            text: 'data.admission.deny',
            location: { row: 1, col: 1 },
          },
        ],
      },
    ],
  });
});

test('rego eval keeps integers beyond 2^53 exact, from data files to the printed result', () => {
  const dir = join(tmp, 'big');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'data.json'), '{"n": 12345678901234567890}');
  const out = regoEval('x := data.n + 1', { data: [dir] });
  assert.match(out.stdout, /"x": 12345678901234567891\b/);
});

test('rego eval: undefined with --fail, and compile errors, are CliErrors', () => {
  assert.throws(
    () => regoEval('data.admission.nope', { data: [policyDir], fail: true }),
    (e: unknown) => e instanceof CliError && /undefined/.test(e.message),
  );
  const bad = join(tmp, 'bad.rego');
  writeFileSync(bad, 'package bad\np if {');
  assert.throws(
    () => regoEval('data.bad.p', { data: [bad] }),
    (e: unknown) => e instanceof CliError && /bad\.rego:2:7: rego_parse_error/.test(e.message),
  );
});

test('rego test reports failed tests as opa test does, with the totals and exit code 2', () => {
  const r = regoTest([policyDir]);
  assert.equal(r.exitCode, 2);
  const lines = r.report.trimEnd().split('\n');
  assert.equal(lines[0], `${join(policyDir, 'admission_test.rego')}:7:`);
  assert.match(lines[1] ?? '', /^data\.admission\.test_wrong: FAIL \(\d+(\.\d+)?(ns|µs|ms|s)\)$/);
  assert.deepEqual(lines.slice(2), ['-'.repeat(80), 'PASS: 1/2', 'FAIL: 1/2']);
});

test('rego test through the command sets exit code 2 on failure and writes no error', async () => {
  const program = new Command().exitOverride();
  registerRegoCommand(program);
  const original = process.stdout.write.bind(process.stdout);
  const chunks: string[] = [];
  process.stdout.write = (c: string | Uint8Array): boolean => {
    chunks.push(String(c));
    return true;
  };
  try {
    await program.parseAsync(['node', 'flotilla', 'rego', 'test', policyDir]);
    assert.equal(process.exitCode, 2);
  } finally {
    process.stdout.write = original;
    process.exitCode = undefined;
  }
  assert.match(chunks.join(''), /FAIL: 1\/2/);
});

test(
  'rego eval loads __proto__, constructor and prototype keys and folders as plain data, as opa does',
  { skip: oracleSkip('opa') },
  () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
    const dir = join(tmp, 'proto');
    mkdirSync(join(dir, '__proto__'), { recursive: true });
    mkdirSync(join(dir, 'constructor'), { recursive: true });
    writeFileSync(
      join(dir, '__proto__', 'data.json'),
      '{"polluted": "dir", "__proto__": {"x": 1}}',
    );
    writeFileSync(join(dir, 'constructor', 'data.yaml'), 'prototype:\n  polluted: yaml\n');
    writeFileSync(
      join(tmp, 'proto-input.yaml'),
      '__proto__:\n  polluted: input\nconstructor: {prototype: 1}\n',
    );
    const args = ['-d', dir, '-i', join(tmp, 'proto-input.yaml'), 'x := [data, input]'];
    const ours = regoEval('x := [data, input]', {
      data: [dir],
      input: join(tmp, 'proto-input.yaml'),
    });
    const opa = runOpa(['eval', ...args]);
    assert.equal(ours.stdout, opa.stdout);
    assert.match(ours.stdout, /"polluted": "dir"/);
    assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(','), before);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  },
);
