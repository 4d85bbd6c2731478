// Differential test: every policy of the gatekeeper-library general corpus, evaluated by
// `flotilla rego eval` (the shipped bundle) and `opa eval` on the same generated inputs, must give
// the same violations. Inputs start from the corpus' own: the gator suites' samples (objects,
// constraint parameters, inventories) and the inputs its Rego unit tests pass `with input as`;
// each is then mutated (fields added and removed, values of other types, empty containers,
// unicode, special keys, numbers beyond 2^53). One process per policy and side evaluates every
// input: the inputs are a data document, the query iterates over them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  Rng,
  shippedCliRunner,
  corpus,
  corpusSkip,
  mutate,
  oracleSkip,
  runOpa,
  stringifyJSON,
} from '../../testing/index.js';
import type { JSONDoc } from '../../testing/index.js';
import type { Expr, Module, Rule, Term } from './ast.js';
import { defaultBuiltins } from './builtin-registry.js';
import { compileModules } from './compiler.js';
import { Policy } from './eval-query.js';
import { parseJSON, toJSON } from './json.js';
import { parseModule, RegoVersion } from './parser.js';
import type { Value } from './value.js';
import { equal, str, toJS, valueToString } from './value.js';

const GATEKEEPER = 'gatekeeper-library-general';
/** Mutated variants made from each seed input. */
const MUTANTS_PER_SEED = 12;

interface Case {
  readonly input: JSONDoc;
  readonly inventory: JSONDoc;
}

const tmp = mkdtempSync(join(tmpdir(), 'rego-gk-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function readYaml(path: string): Record<string, unknown> {
  return parseYaml(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** A field of a YAML document as text ('' when absent or not a string). */
function text(o: Record<string, unknown>, key: string, fallback = ''): string {
  const v = o[key];
  return typeof v === 'string' ? v : fallback;
}

function gvk(obj: Record<string, unknown>): { group: string; version: string; kind: string } {
  const apiVersion = text(obj, 'apiVersion', 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group: group ?? '', version: version ?? '', kind: text(obj, 'kind') };
}

/** Gatekeeper's data.inventory layout for cached objects. */
function inventoryOf(objects: readonly Record<string, unknown>[]): JSONDoc {
  const inv: Record<string, Record<string, unknown>> = { cluster: {}, namespace: {} };
  for (const o of objects) {
    const meta = (o['metadata'] ?? {}) as Record<string, unknown>;
    const ns = meta['namespace'] as string | undefined;
    const at = (root: Record<string, unknown>, keys: string[]): Record<string, unknown> => {
      let cur = root;
      for (const k of keys) cur = (cur[k] ??= {}) as Record<string, unknown>;
      return cur;
    };
    const gv = text(o, 'apiVersion', 'v1');
    const kind = text(o, 'kind');
    const dir =
      ns === undefined ? at(inv, ['cluster', gv, kind]) : at(inv, ['namespace', ns, gv, kind]);
    dir[text(meta, 'name')] = o;
  }
  return inv as JSONDoc;
}

/** Inputs from the gator suite of a template: each case's object under its constraint. */
function suiteCases(dir: string): Case[] {
  const suite = readYaml(join(dir, 'suite.yaml'));
  const out: Case[] = [];
  for (const t of (suite['tests'] ?? []) as Record<string, unknown>[]) {
    if (!t['constraint']) continue;
    const constraint = readYaml(join(dir, text(t, 'constraint')));
    const params = ((constraint['spec'] ?? {}) as Record<string, unknown>)['parameters'] ?? {};
    for (const c of (t['cases'] ?? []) as Record<string, unknown>[]) {
      const object = readYaml(join(dir, text(c, 'object')));
      const meta = (object['metadata'] ?? {}) as Record<string, unknown>;
      const inventory = ((c['inventory'] ?? []) as string[]).map((f) => readYaml(join(dir, f)));
      const review = {
        kind: gvk(object),
        name: meta['name'] ?? '',
        namespace: meta['namespace'] ?? '',
        operation: 'CREATE',
        object,
      };
      out.push({
        input: { review, parameters: params } as unknown as JSONDoc,
        inventory: inventoryOf(inventory),
      });
    }
  }
  return out;
}

function isInput(t: Term): boolean {
  return t.type === 'var' && t.name === 'input';
}

function isInventory(t: Term): boolean {
  return (
    t.type === 'ref' &&
    t.terms.length === 2 &&
    t.terms[0]?.type === 'var' &&
    t.terms[0].name === 'data' &&
    t.terms[1]?.type === 'string' &&
    t.terms[1].value === 'inventory'
  );
}

/**
 * The inputs (and inventories) the Rego unit tests evaluate the policy with: for every
 * `... with input as X` in a test, a rule collecting X after the expressions before it.
 */
function unitTestCases(files: readonly string[], testFile: string): Case[] {
  const modules: Module[] = files.map((f) =>
    parseModule(readFileSync(f, 'utf8'), f, { regoVersion: RegoVersion.V0 }),
  );
  const test = parseModule(readFileSync(testFile, 'utf8'), testFile, {
    regoVersion: RegoVersion.V0,
  });
  const added: Rule[] = [];
  for (const r of test.rules) {
    const first = r.head.ref[0];
    if (first?.type !== 'var' || !first.name.startsWith('test_')) continue;
    r.body.forEach((e, i) => {
      if (e.type !== 'expr') return;
      const input = e.with.find((w) => isInput(w.target))?.value;
      if (!input) return;
      const inventory = e.with.find((w) => isInventory(w.target))?.value ?? {
        type: 'object',
        pairs: [],
        loc: e.loc,
      };
      const value: Term = {
        type: 'object',
        pairs: [
          [{ type: 'string', value: 'input', loc: e.loc }, input],
          [{ type: 'string', value: 'inventory', loc: e.loc }, inventory],
        ],
        loc: e.loc,
      };
      const truth: Expr = {
        type: 'expr',
        negated: false,
        term: { type: 'boolean', value: true, loc: e.loc },
        with: [],
        loc: e.loc,
      };
      added.push({
        head: {
          ref: [{ type: 'var', name: '__captured', loc: e.loc }],
          args: undefined,
          value,
          assign: false,
          kind: 'multi',
          loc: e.loc,
        },
        body: i === 0 ? [truth] : r.body.slice(0, i),
        isDefault: false,
        elseRule: undefined,
        loc: e.loc,
      });
    });
  }
  test.rules.push(...added);
  const policy = new Policy(compileModules([...modules, test], defaultBuiltins()));
  const got = policy.evalDetailed(`x := data.${test.pkg.join('.')}.__captured`, {});
  const set = got.results[0]?.bindings.get('x');
  const out: Case[] = [];
  if (set?.kind !== 'set') return out;
  for (const v of set.sorted()) {
    // Through the lossless JSON text, so numbers stay what the test wrote.
    const doc = JSON.parse(toJSON(v)) as { input: JSONDoc; inventory: JSONDoc };
    out.push({ input: doc.input, inventory: doc.inventory });
  }
  return out;
}

interface PolicyDir {
  readonly name: string;
  readonly dir: string;
  readonly pkg: string;
  readonly files: readonly string[];
  readonly testFile: string;
  readonly libraryDir: string;
}

function policies(root: string): PolicyDir[] {
  const src = join(root, 'src', 'general');
  return readdirSync(src)
    .sort()
    .map((name) => {
      const dir = join(src, name);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.rego') && !f.endsWith('_test.rego'))
        .map((f) => join(dir, f));
      const pkg = /^package\s+(\S+)/m.exec(readFileSync(join(dir, 'src.rego'), 'utf8'))?.[1];
      return {
        name,
        dir,
        pkg: pkg ?? name,
        files,
        testFile: join(dir, 'src_test.rego'),
        libraryDir: join(root, 'library', 'general', name),
      };
    });
}

/** The seeds of a policy and their mutants, deterministic for a policy name. */
function casesFor(p: PolicyDir): { cases: Case[]; seeds: number } {
  const seeds = [...suiteCases(p.libraryDir), ...unitTestCases(p.files, p.testFile)];
  let h = 0;
  for (const c of p.name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  const rng = new Rng(h);
  const cases: Case[] = [...seeds];
  for (const s of seeds) {
    for (let i = 0; i < MUTANTS_PER_SEED; i++) {
      // Mostly the object under review and the parameters; sometimes the whole input.
      const which = rng.int(4);
      const input = s.input as { [k: string]: JSONDoc };
      if (which === 0) cases.push({ input: mutate(s.input, rng), inventory: s.inventory });
      else if (which === 1) {
        cases.push({
          input: { ...input, parameters: mutate(input['parameters'] ?? {}, rng) },
          inventory: s.inventory,
        });
      } else if (which === 2) {
        cases.push({ input: s.input, inventory: mutate(s.inventory, rng) });
      } else {
        const review = (input['review'] ?? {}) as { [k: string]: JSONDoc };
        const object = mutate(mutate(review['object'] ?? {}, rng), rng);
        cases.push({ input: { ...input, review: { ...review, object } }, inventory: s.inventory });
      }
    }
  }
  return { cases, seeds: seeds.length };
}

/**
 * A module evaluating the policy on each case: its violations (absent when undefined) as pairs
 * [index, value]. A module, not the query: opa 1.22 ignores `with input as c.input` inside a
 * comprehension of the query itself when `c` is local to it (docs/rego.md).
 */
function driver(pkg: string): string {
  return `package __diff
r := [[i, v] | some i; c := data.cases[i]; v := data.${pkg}.violation with input as c.input with data.inventory as c.inventory]
`;
}

/** The pairs of `r` from an eval's JSON output, by case index, as exact Rego values. */
function resultsOf(stdout: string, what: string): Map<number, Value> {
  const field = (v: Value | undefined, k: string): Value | undefined =>
    v?.kind === 'object' ? v.get(str(k)) : undefined;
  const first = (v: Value | undefined): Value | undefined =>
    v?.kind === 'array' ? v.get(0) : undefined;
  const r = field(field(first(field(parseJSON(stdout), 'result')), 'bindings'), 'r');
  if (r?.kind !== 'array') throw new Error(`${what}: ${stdout.slice(0, 2000)}`);
  const out = new Map<number, Value>();
  for (const pair of r.items) {
    const i = pair.kind === 'array' ? pair.get(0) : undefined;
    const v = pair.kind === 'array' ? pair.get(1) : undefined;
    if (i?.kind === 'number' && v) out.set(Number(toJS(i)), v);
  }
  return out;
}

test(
  'flotilla rego eval and opa eval agree on every gatekeeper-library policy for generated inputs',
  { skip: oracleSkip('opa') || corpusSkip(GATEKEEPER), timeout: 600_000 },
  async () => {
    const cli = await shippedCliRunner();
    let total = 0;
    let matched = 0;
    let seedCount = 0;
    const differences: string[] = [];
    const list = policies(corpus(GATEKEEPER));
    for (const p of list) {
      const { cases, seeds } = casesFor(p);
      seedCount += seeds;
      const dir = join(tmp, p.name);
      mkdirSync(dir, { recursive: true });
      const casesFile = join(dir, 'cases.json');
      writeFileSync(
        casesFile,
        `{"cases":[${cases.map((c) => `{"input":${stringifyJSON(c.input)},"inventory":${stringifyJSON(c.inventory)}}`).join(',')}]}`,
      );
      const driverFile = join(dir, 'driver.rego');
      writeFileSync(driverFile, driver(p.pkg));
      const args = ['eval', '--v0-compatible', ...p.files.flatMap((f) => ['-d', f])];
      args.push('-d', casesFile, '-d', driverFile, 'r := data.__diff.r');
      const ours = cli.run(['rego', ...args]);
      const opa = runOpa(args);
      assert.equal(ours.code, 0, `${p.name}: ${ours.stderr}`);
      assert.equal(opa.code, 0, `${p.name}: ${opa.stdout}`);
      const mine = resultsOf(ours.stdout, `flotilla on ${p.name}`);
      const theirs = resultsOf(opa.stdout, `opa on ${p.name}`);
      cases.forEach((c, i) => {
        total++;
        const a = mine.get(i);
        const b = theirs.get(i);
        if ((a === undefined && b === undefined) || (a && b && equal(a, b))) matched++;
        else if (differences.length < 20) {
          differences.push(
            `${p.name} #${i}: flotilla ${a ? valueToString(a) : '<undefined>'} opa ${b ? valueToString(b) : '<undefined>'}\n  input ${stringifyJSON(c.input).slice(0, 600)}`,
          );
        }
      });
    }
    const rate = ((100 * matched) / total).toFixed(2);
    console.log(
      `${list.length} policies × their inputs = ${total} evaluations (${seedCount} seed inputs ` +
        `from the corpus, ${MUTANTS_PER_SEED} mutants of each): ${matched} match opa (${rate}%)`,
    );
    assert.deepEqual(differences, []);
  },
);
