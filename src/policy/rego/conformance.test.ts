// OPA's language conformance corpus (v1 cases) run through the engine, with per-category counts.
//
// The corpus lives outside the repository in shared/corpora/opa-conformance-v1 (found by
// src/testing/corpora.ts); see its SOURCE.md. Cases of left-out categories are listed as skipped with
// the reason and never counted as passed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { corpus as corpusDir, corpusSkip } from '../../testing/index.js';
import { RegoError } from './errors.js';
import { compile } from './eval-query.js';
import { parseJSON, toJSON } from './json.js';
import { parseQuery } from './parser.js';
import type { Value } from './value.js';
import { arr, compare, equal, num, ObjectBuilder } from './value.js';
import { compileQueryBody, compileModules } from './compiler.js';
import { Evaluator } from './eval.js';
import { defaultBuiltins } from './builtin-registry.js';

const corpusName = 'opa-conformance-v1';

/** Categories left out on purpose, with the reason printed in the report. */
const SKIPPED: Readonly<Record<string, string>> = {
  netlookupipaddr: 'net.lookup_ip_addr needs the network',
  invalidkeyerror: 'http.send needs the network',
};

/** Built-ins whose cases elsewhere are skipped for the same reasons. */
const SKIPPED_BUILTINS = /\b(http\.send\(|opa\.runtime\b|net\.lookup_ip_addr\()/;

/** Categories of the language itself (not of one built-in): every case must pass. */
const LANGUAGE_CORE = new Set([
  'arithmetic',
  'assignments',
  'baseandvirtualdocs',
  'comparisonexpr',
  'completedoc',
  'compositebasedereference',
  'compositereferences',
  'comprehensions',
  'containskeyword',
  'dataderef',
  'defaultkeyword',
  'disjunction',
  'elsekeyword',
  'embeddedvirtualdoc',
  'eqexpr',
  'evaltermexpr',
  'every',
  'example',
  'fix1863',
  'functionerrors',
  'functions',
  'helloworld',
  'indexing',
  'indirectreferences',
  'inputvalues',
  'keywordrefs',
  'negation',
  'nestedreferences',
  'partialdocconstants',
  'partialiter',
  'partialobjectdoc',
  'partialsetdoc',
  'refheads',
  'stringinterpolation',
  'topdowndynamicdispatch',
  'undos',
  'varreferences',
  'virtualdocs',
  'withkeyword',
]);

interface Case {
  readonly note: string;
  readonly query: string;
  readonly modules: readonly string[];
  readonly data: Value | undefined;
  readonly input: Value | undefined;
  readonly inputTerm: string | undefined;
  readonly wantResult: Value | undefined;
  readonly wantErrorCode: string | undefined;
  readonly wantError: string | undefined;
  readonly strict: boolean;
  readonly sortBindings: boolean;
}

function field(o: Value, k: string): Value | undefined {
  return o.kind === 'object' ? o.getStr(k) : undefined;
}

function strField(o: Value, k: string): string | undefined {
  const v = field(o, k);
  return v?.kind === 'string' ? v.value : undefined;
}

function loadCases(file: string): Case[] {
  const doc = parseJSON(readFileSync(file, 'utf8'));
  const cases = field(doc, 'cases');
  if (cases?.kind !== 'array') return [];
  return cases.items.map((c) => {
    const mods = field(c, 'modules');
    return {
      note: strField(c, 'note') ?? '',
      query: strField(c, 'query') ?? '',
      modules:
        mods?.kind === 'array' ? mods.items.map((m) => (m.kind === 'string' ? m.value : '')) : [],
      data: field(c, 'data'),
      input: field(c, 'input'),
      inputTerm: strField(c, 'input_term'),
      wantResult: field(c, 'want_result'),
      wantErrorCode: strField(c, 'want_error_code'),
      wantError: strField(c, 'want_error'),
      strict:
        field(c, 'strict_error')?.kind === 'boolean' &&
        (field(c, 'strict_error') as { value: boolean }).value,
      sortBindings:
        field(c, 'sort_bindings')?.kind === 'boolean' &&
        (field(c, 'sort_bindings') as { value: boolean }).value,
    };
  });
}

/** A value as OPA's JSON output shows it (sets as arrays, non-string keys as text). */
function asJSON(v: Value): Value {
  return parseJSON(toJSON(v));
}

/**
 * The corpus was converted to JSON through float64, so its integers beyond 2^53 are rounded
 * (18446744073709551614 reads 18446744073709552000). Both sides are compared at that precision.
 */
function roundBig(v: Value): Value {
  switch (v.kind) {
    case 'number':
      return Math.abs(v.f) > 2 ** 53 ? num(v.f) : v;
    case 'array':
      return arr(v.items.map(roundBig));
    case 'object': {
      const b = new ObjectBuilder();
      v.forEach((k, x) => void b.set(k, roundBig(x)));
      return b.build();
    }
    default:
      return v;
  }
}

function sortArrays(row: Value): Value {
  if (row.kind !== 'object') return row;
  const b = new ObjectBuilder();
  row.forEach((k, v) => void b.set(k, v.kind === 'array' ? arr([...v.items].sort(compare)) : v));
  return b.build();
}

function evalInputTerm(term: string): Value {
  const policy = compileModules([], defaultBuiltins());
  const q = compileQueryBody(parseQuery(`__x := ${term}`), policy);
  let out: Value | undefined;
  const ev = new Evaluator(policy, {
    input: undefined,
    data: new ObjectBuilder().build(),
    strict: false,
    nowNs: 0n,
    print: () => undefined,
    trace: undefined,
  });
  const f = new Array<Value | undefined>(q.nslots);
  ev.evalBody(q.body, 0, f, () => {
    out = f[q.vars[0]?.slot ?? 0];
    return true;
  });
  if (!out) throw new Error('input_term is undefined');
  return out;
}

type Outcome = { ok: true } | { ok: false; why: string };

function runCase(c: Case): Outcome {
  let rows: Value[];
  try {
    const policy = compile(c.modules.map((source, i) => ({ file: `test-${i}.rego`, source })));
    const input = c.inputTerm !== undefined ? evalInputTerm(c.inputTerm) : c.input;
    const d = policy.evalDetailed(c.query, {
      input,
      data: c.data,
      strictBuiltinErrors: c.strict,
      nowNs: 1_700_000_000_000_000_000n,
    });
    rows = d.results.map((r) => {
      const b = new ObjectBuilder();
      for (const [k, v] of r.bindings) b.set(parseJSON(JSON.stringify(k)), asJSON(v));
      return b.build();
    });
  } catch (e) {
    if (!(e instanceof RegoError))
      return { ok: false, why: `crash: ${(e as Error).stack ?? String(e)}` };
    if (c.wantErrorCode !== undefined && e.code === c.wantErrorCode) return { ok: true };
    if (
      c.wantErrorCode === undefined &&
      c.wantError !== undefined &&
      e.message.includes(c.wantError)
    ) {
      return { ok: true };
    }
    return {
      ok: false,
      why: `error ${e.message} (want ${c.wantErrorCode ?? 'results'}: ${c.wantError ?? ''})`,
    };
  }
  if (c.wantErrorCode !== undefined || (c.wantError !== undefined && c.wantResult === undefined)) {
    return {
      ok: false,
      why: `no error (want ${c.wantErrorCode ?? ''}: ${c.wantError ?? ''}), got ${rows.map((r) => toJSON(r)).join(' ')}`,
    };
  }
  const want = c.wantResult?.kind === 'array' ? c.wantResult.items : [];
  const norm = (r: Value): Value => roundBig(c.sortBindings ? sortArrays(r) : r);
  const got = rows.map(norm);
  const exp = want.map(norm);
  if (got.length === exp.length && got.every((g, i) => equal(g, exp[i] as Value)))
    return { ok: true };
  const sortRows = (xs: Value[]): Value[] => [...xs].sort(compare);
  const gs = sortRows(got);
  const es = sortRows(exp);
  if (gs.length === es.length && gs.every((g, i) => equal(g, es[i] as Value))) return { ok: true };
  return {
    ok: false,
    why: `got ${got.map((r) => toJSON(r)).join(' ')} want ${exp.map((r) => toJSON(r)).join(' ')}`,
  };
}

test('OPA v1 conformance corpus', { skip: corpusSkip(corpusName) }, () => {
  const corpus = corpusDir(corpusName);
  const only = process.env['REGO_CONFORMANCE_ONLY'];
  const verbose = process.env['REGO_CONFORMANCE_VERBOSE'] === '1';
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const lines: string[] = [];
  const failures: string[] = [];
  const coreFailures: string[] = [];
  for (const cat of readdirSync(corpus).sort()) {
    const dir = join(corpus, cat);
    if (!existsSync(join(dir)) || cat.endsWith('.md')) continue;
    if (only && !only.split(',').includes(cat)) continue;
    const cases = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((f) => loadCases(join(dir, f)));
    if (SKIPPED[cat]) {
      skipped += cases.length;
      lines.push(`${cat}: skipped ${cases.length} (${SKIPPED[cat]})`);
      continue;
    }
    let p = 0;
    let fl = 0;
    let s = 0;
    for (const c of cases) {
      if (c.modules.some((m) => SKIPPED_BUILTINS.test(m)) || SKIPPED_BUILTINS.test(c.query)) {
        s++;
        continue;
      }
      const r = runCase(c);
      if (r.ok) p++;
      else {
        fl++;
        failures.push(`${cat} | ${c.note}: ${r.why}`);
        if (LANGUAGE_CORE.has(cat)) coreFailures.push(`${cat} | ${c.note}`);
      }
    }
    passed += p;
    failed += fl;
    skipped += s;
    lines.push(`${cat}: ${p}/${p + fl}${s ? ` (${s} skipped: left-out built-ins)` : ''}`);
  }
  console.log(lines.join('\n'));
  if (verbose) console.log(failures.join('\n'));
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  assert.deepEqual(coreFailures, [], 'every case of the language-core categories passes');
  if (!only) {
    assert.ok(passed / (passed + failed) >= 0.95, 'at least 95% of the cases that are run pass');
  }
});
