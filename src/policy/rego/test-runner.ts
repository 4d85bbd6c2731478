// What `opa test` does with a set of modules: finds the test rules, runs each definition on its
// own and reports PASS, FAIL, ERROR or SKIPPED with its duration, print() output and, when
// asked, the failed expressions (the explanation OPA prints under FAILURES).
//
// As OPA's test runner does, a test name defined more than once (v0 `test_x { a } test_x { b }`,
// common in the gatekeeper-library) is run once per definition: the second is `test_x#01`, the
// third `test_x#02`, counted per package. Rules named `todo_test_*` are reported SKIPPED. A test
// passes when its value is `true`.
import type { Location, Module, Rule, Term } from './ast.js';
import { defaultBuiltins } from './builtin-registry.js';
import { compileModules } from './compiler.js';
import { Policy } from './eval-query.js';
import type { RegoModuleSource } from './eval-query.js';
import { parseModule, RegoVersion } from './parser.js';

const TEST_PREFIX = 'test_';
const SKIP_PREFIX = 'todo_test_';

export type TestOutcome = 'PASS' | 'FAIL' | 'ERROR' | 'SKIPPED';

/** One event of a failure's explanation, as OPA's trace table shows it. */
export interface TestTraceEvent {
  readonly op: 'Enter' | 'Fail';
  /** How many `| ` marks precede the event (its nesting in OPA's trace). */
  readonly indent: number;
  /** Where: a file and row, or undefined for the test query (`query:1`). */
  readonly file: string | undefined;
  readonly row: number;
  readonly text: string;
}

export interface TestResult {
  /** The package as a reference: `data.a.b`. */
  readonly pkg: string;
  /** The test's name, with `#NN` for a repeated definition. */
  readonly name: string;
  readonly location: Location;
  readonly outcome: TestOutcome;
  /** Wall time of the evaluation in nanoseconds (0 for a skipped test). */
  readonly durationNs: number;
  /** What print() wrote, one line per call. */
  readonly output: readonly string[];
  /** The error text of an ERROR outcome (`file:row: code: message`). */
  readonly error?: string;
  /** For a FAIL, when asked for: the test's failed expressions. */
  readonly trace?: readonly TestTraceEvent[];
}

export interface TestRunOptions {
  /** The base data document (plain JS). @default {} */
  readonly data?: unknown;
  /** Syntax of modules that do not set their own. @default 'v1' */
  readonly regoVersion?: RegoVersion;
  /** Run only tests whose full name (`data.pkg.test_x`) matches. @default every test */
  readonly run?: RegExp;
  /** Explain failures (TestResult.trace). @default false */
  readonly explainFailures?: boolean;
}

/** The test rules of the modules, named as OPA's runner names them. */
interface TestRule {
  readonly pkg: readonly string[];
  readonly name: string;
  readonly rule: Rule;
  readonly source: string;
}

/** The name of the head's first reference segment that starts like a test, if any. */
function testName(rule: Rule): { name: string; index: number } | undefined {
  for (const [i, t] of rule.head.ref.entries()) {
    const n = i === 0 && t.type === 'var' ? t.name : t.type === 'string' ? t.value : undefined;
    if (n === undefined) return undefined;
    if (n.startsWith(TEST_PREFIX) || n.startsWith(SKIP_PREFIX)) return { name: n, index: i };
  }
  return undefined;
}

/** Renames repeated test definitions `name#01`, `name#02`… in place; returns the test rules. */
function collectTests(modules: readonly Module[], sources: readonly string[]): TestRule[] {
  const count = new Map<string, number>();
  const out: TestRule[] = [];
  modules.forEach((m, mi) => {
    m.rules.forEach((r, ri) => {
      const t = testName(r);
      if (!t || r.head.args) return;
      const key = [...m.pkg, ...r.head.ref.slice(0, t.index + 1).map(termText)].join('.');
      const seen = count.get(key) ?? 0;
      count.set(key, seen + 1);
      let rule = r;
      let name = t.name;
      if (seen > 0 && t.name.startsWith(TEST_PREFIX)) {
        name = `${t.name}#${String(seen).padStart(2, '0')}`;
        const renamed: Term =
          t.index === 0
            ? { type: 'var', name, loc: r.head.ref[0]!.loc }
            : { type: 'string', value: name, loc: r.head.ref[t.index]!.loc };
        const ref = r.head.ref.map((x, i) => (i === t.index ? renamed : x));
        rule = { ...r, head: { ...r.head, ref } };
        m.rules[ri] = rule;
      }
      const prefix = r.head.ref.slice(1, t.index).map(termText);
      out.push({ pkg: [...m.pkg, ...prefix], name, rule, source: sources[mi] ?? '' });
    });
  });
  return out;
}

function termText(t: Term): string {
  return t.type === 'var' ? t.name : t.type === 'string' ? t.value : '';
}

/** `data.a["b-c"]`: a reference to a rule path that stays valid for any key. */
export function refText(path: readonly string[]): string {
  return (
    'data' +
    path
      .map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`))
      .join('')
  );
}

/**
 * Parses and compiles the modules (throwing RegoError as compile() does) and runs every test.
 * Results come in module order, then rule order.
 */
export function runTests(
  sources: readonly RegoModuleSource[],
  options: TestRunOptions = {},
): TestResult[] {
  const modules = sources.map((m) =>
    parseModule(m.source, m.file, {
      regoVersion: m.regoVersion ?? options.regoVersion ?? RegoVersion.V1,
    }),
  );
  const tests = collectTests(
    modules,
    sources.map((s) => s.source),
  );
  const policy = new Policy(compileModules(modules, defaultBuiltins()));
  const results: TestResult[] = [];
  for (const t of tests) {
    const pkg = refText(t.pkg);
    if (options.run && !options.run.test(`${pkg}.${t.name}`)) continue;
    results.push(runOne(policy, t, pkg, options));
  }
  return results;
}

function runOne(policy: Policy, t: TestRule, pkg: string, options: TestRunOptions): TestResult {
  const base = { pkg, name: t.name, location: t.rule.loc };
  if (t.name.startsWith(SKIP_PREFIX)) {
    return { ...base, outcome: 'SKIPPED', durationNs: 0, output: [] };
  }
  const query = refText([...t.pkg, t.name]);
  const start = process.hrtime.bigint();
  try {
    const d = policy.evalDetailed(query, { data: options.data ?? {} });
    const durationNs = Number(process.hrtime.bigint() - start);
    const v = d.results[0]?.expressions[0];
    const pass = v?.kind === 'boolean' && v.value;
    if (pass) return { ...base, outcome: 'PASS', durationNs, output: d.prints };
    const trace = options.explainFailures ? explain(policy, t, query, options) : undefined;
    return { ...base, outcome: 'FAIL', durationNs, output: d.prints, ...(trace && { trace }) };
  } catch (err) {
    const durationNs = Number(process.hrtime.bigint() - start);
    return { ...base, outcome: 'ERROR', durationNs, output: [], error: errorText(err) };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The failed expressions of the test's own body, in OPA's lineage layout: the query, the rule,
 * then each of its expressions that failed. (OPA also shows failures inside the rules a test
 * calls, and prints its compiled form of an expression; this shows the expression as written.)
 */
function explain(
  policy: Policy,
  t: TestRule,
  query: string,
  options: TestRunOptions,
): TestTraceEvent[] {
  const where = refText([...t.pkg, t.name]);
  const queryEvent = (op: 'Enter' | 'Fail', indent: number): TestTraceEvent => ({
    op,
    indent,
    file: undefined,
    row: 1,
    text: `${where} = _`,
  });
  const enter = queryEvent('Enter', 0);
  const exit = queryEvent('Fail', 1);
  // OPA's rule index leaves out a rule that needs the input: a test never has one.
  if (t.rule.body.some(needsInput)) return [enter, exit];
  const d = policy.evalDetailed(query, { data: options.data ?? {}, trace: true });
  const file = t.rule.loc.file;
  const own = new Set(t.rule.body.map((e) => `${e.loc.row}:${e.loc.col}`));
  const events: TestTraceEvent[] = [
    enter,
    { op: 'Enter', indent: 1, file, row: t.rule.loc.row, text: where },
  ];
  const lines = t.source.split('\n');
  for (const line of d.trace) {
    const m = /^Fail (.*):(\d+):(\d+) \w+$/.exec(line);
    if (!m || m[1] !== file || !own.has(`${m[2]}:${m[3]}`)) continue;
    const row = Number(m[2]);
    const text = exprText(lines[row - 1] ?? '', Number(m[3]));
    events.push({ op: 'Fail', indent: 2, file, row, text });
  }
  events.push(exit);
  return events;
}

/** `input.a.b`: a reference into the input with constant keys. */
function isInputRef(t: Term): boolean {
  if (t.type !== 'ref') return false;
  const [head, ...keys] = t.terms;
  return head?.type === 'var' && head.name === 'input' && keys.every((k) => k.type === 'string');
}

const SCALARS: readonly string[] = ['null', 'boolean', 'number', 'string'];

/**
 * An expression OPA's rule index keys the rule on: an input reference alone, or compared with
 * `=`/`==` to a constant (`input.kind == "Pod"`), outside `not` and `with`.
 */
function needsInput(e: Rule['body'][number]): boolean {
  if (e.type !== 'expr' || e.negated || e.with.length > 0) return false;
  const t = e.term;
  if (isInputRef(t)) return true;
  if (t.type !== 'call' || t.args.length !== 2) return false;
  if (!['eq', 'equal'].includes(t.op.join('.'))) return false;
  const [a, b] = t.args as [Term, Term];
  return (isInputRef(a) && SCALARS.includes(b.type)) || (isInputRef(b) && SCALARS.includes(a.type));
}

/**
 * The text of an expression starting at `col` of a line: up to a `;`, a comment, a bracket it
 * did not open (the rule's closing `}`) or the line's end.
 */
function exprText(line: string, col: number): string {
  const rest = line.slice(col - 1);
  let quote = false;
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && depth-- === 0) return rest.slice(0, i).trim();
    else if (c === ';' || c === '#') return rest.slice(0, i).trim();
  }
  return rest.trim();
}
