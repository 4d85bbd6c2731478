// Evaluates one query with a module, input and data by the engine and by the opa oracle and
// compares the outcomes: the value bound to `x` (through JSON, as opa prints it) or the error
// code and message. Used by the tests that hold the engine to OPA's behaviour case by case.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOpa } from '../../../testing/index.js';
import { RegoError } from '../errors.js';
import { compile } from '../eval-query.js';
import { parseJSON, toJSON } from '../json.js';
import { RegoVersion } from '../parser.js';
import type { Value } from '../value.js';
import { equal, str } from '../value.js';

export interface Case {
  readonly name: string;
  /** One module (package t); v0 syntax unless `v1`. @default none */
  readonly module?: string;
  readonly v1?: boolean;
  /** The query's value is bound to x. */
  readonly query: string;
  /** JSON text of the input document. @default no input */
  readonly input?: string;
  /** JSON text of the base data document. @default {} */
  readonly data?: string;
}

export type Outcome =
  | { readonly kind: 'value'; readonly value: Value | undefined }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

export class OpaComparison {
  private readonly tmp = mkdtempSync(join(tmpdir(), 'rego-opa-compare-'));
  private n = 0;

  /** Both outcomes, whether they agree, and a report naming both when they do not. */
  run(c: Case): { same: boolean; ours: Outcome; opa: Outcome; report: string } {
    const ours = this.ours(c);
    const opa = this.opa(c);
    return {
      same: same(ours, opa),
      ours,
      opa,
      report: `flotilla ${show(ours)}\nopa      ${show(opa)}`,
    };
  }

  ours(c: Case): Outcome {
    try {
      const modules = c.module === undefined ? [] : [{ file: 't.rego', source: c.module }];
      const policy = compile(modules, { regoVersion: c.v1 ? RegoVersion.V1 : RegoVersion.V0 });
      const r = policy.evalDetailed(`x := ${c.query}`, {
        ...(c.input === undefined ? {} : { input: parseJSON(c.input) }),
        ...(c.data === undefined ? {} : { data: parseJSON(c.data) }),
      });
      return { kind: 'value', value: r.results[0]?.bindings.get('x') };
    } catch (e) {
      if (!(e instanceof RegoError)) throw e;
      return { kind: 'error', code: e.code, message: e.detail };
    }
  }

  opa(c: Case): Outcome {
    const dir = join(this.tmp, `case${this.n++}`);
    mkdirSync(dir);
    const args = ['eval', ...(c.v1 ? [] : ['--v0-compatible']), '-f', 'json'];
    if (c.module !== undefined) {
      writeFileSync(join(dir, 't.rego'), c.module);
      args.push('-d', 't.rego');
    }
    if (c.input !== undefined) {
      writeFileSync(join(dir, 'input.json'), c.input);
      args.push('-i', 'input.json');
    }
    if (c.data !== undefined) {
      writeFileSync(join(dir, 'data.json'), c.data);
      args.push('-d', 'data.json');
    }
    const out = parseJSON(runOpa([...args, `x := ${c.query}`], { cwd: dir }).stdout);
    if (out.kind !== 'object') throw new Error('opa printed no JSON object');
    const errors = out.get(str('errors'));
    if (errors?.kind === 'array') {
      const first = errors.get(0);
      const field = (k: string): string => {
        const v = first?.kind === 'object' ? first.get(str(k)) : undefined;
        return v?.kind === 'string' ? v.value : '';
      };
      return { kind: 'error', code: field('code'), message: field('message') };
    }
    const result = out.get(str('result'));
    const row = result?.kind === 'array' ? result.get(0) : undefined;
    const bindings = row?.kind === 'object' ? row.get(str('bindings')) : undefined;
    return {
      kind: 'value',
      value: bindings?.kind === 'object' ? bindings.get(str('x')) : undefined,
    };
  }

  dispose(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export function show(o: Outcome): string {
  if (o.kind === 'error') return `${o.code}: ${o.message}`;
  return o.value === undefined ? '<undefined>' : toJSON(o.value);
}

function same(a: Outcome, b: Outcome): boolean {
  if (a.kind === 'error') {
    return b.kind === 'error' && a.code === b.code && a.message === b.message;
  }
  if (b.kind === 'error') return false;
  if (a.value === undefined || b.value === undefined) return a.value === b.value;
  // Through JSON as opa prints it: sets become arrays.
  return equal(parseJSON(toJSON(a.value)), parseJSON(toJSON(b.value)));
}
