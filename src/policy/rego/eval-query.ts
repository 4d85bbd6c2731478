// The public engine: compile modules once, then evaluate queries with input and data.
import type { Module } from './ast.js';
import { defaultBuiltins } from './builtin-registry.js';
import type { BuiltinDef } from './builtin-types.js';
import type { RuleNode } from './compiler-ir.js';
import type { CompiledPolicy, CompiledQuery } from './compiler.js';
import { compileModules, compileQueryBody } from './compiler.js';
import { Evaluator } from './eval.js';
import { RegoError, RegoErrorCode } from './errors.js';
import { parseModule, parseQuery, RegoVersion } from './parser.js';
import type { JSValue, Value } from './value.js';
import { EMPTY_OBJECT, fromJS, isValue, toJS, TRUE } from './value.js';

/** One module's source text. */
export interface RegoModuleSource {
  /** Name used in error locations (a file path). */
  readonly file: string;
  readonly source: string;
  /** Syntax of this module; overrides CompileOptions.regoVersion. */
  readonly regoVersion?: RegoVersion;
}

export interface CompileOptions {
  /** Syntax of modules that do not set their own. @default 'v1' */
  readonly regoVersion?: RegoVersion;
  /** The built-in functions in scope. @default every built-in of this engine */
  readonly builtins?: ReadonlyMap<string, BuiltinDef>;
}

export interface EvalOptions {
  /** The input document: a Rego value or plain JS data. @default undefined (no input) */
  readonly input?: unknown;
  /** The base data document: a Rego value or plain JS data. @default {} */
  readonly data?: unknown;
  /** Report built-in errors instead of treating the call as undefined. @default false */
  readonly strictBuiltinErrors?: boolean;
  /** time.now_ns for this evaluation. @default the current time */
  readonly nowNs?: bigint;
  /** Record an explanation trace (one line per evaluated expression). @default false */
  readonly trace?: boolean;
}

/** OPA's result shape: the value of each query expression and the bindings of its variables. */
export interface QueryResult {
  readonly expressions: readonly {
    readonly value: JSValue;
    readonly text: string;
    readonly location: { readonly row: number; readonly col: number };
  }[];
  readonly bindings: Readonly<Record<string, JSValue>>;
}

/** Results with Rego values (exact numbers, sets) plus what print() wrote and the trace. */
export interface DetailedResult {
  readonly results: readonly {
    readonly expressions: readonly Value[];
    readonly bindings: ReadonlyMap<string, Value>;
  }[];
  readonly prints: readonly string[];
  readonly trace: readonly string[];
  /** The text and position of each query expression, in the order of `expressions`. */
  readonly texts: readonly { readonly text: string; readonly row: number; readonly col: number }[];
}

interface PreparedQuery {
  readonly compiled: CompiledQuery;
  readonly texts: readonly { text: string; row: number; col: number }[];
  /** For each scheduled expression, its position in the query as written. */
  readonly order: readonly number[];
}

/** A compiled set of modules. */
export class Policy {
  private readonly queries = new Map<string, PreparedQuery>();

  /** @internal use compile() */
  constructor(readonly compiled: CompiledPolicy) {}

  private prepare(query: string): PreparedQuery {
    let q = this.queries.get(query);
    if (!q) {
      const exprs = parseQuery(query);
      const compiled = compileQueryBody(exprs, this.compiled);
      const texts = exprTexts(
        query,
        exprs.map((e) => e.loc),
      );
      const order = compiled.body.map((e) => compiled.sourceIndex.get(e) ?? 0);
      q = { compiled, texts, order };
      if (this.queries.size < 1000) this.queries.set(query, q);
    }
    return q;
  }

  /** The data paths of every rule (functions included), in sorted order. */
  rulePaths(): string[][] {
    const out: string[][] = [];
    const walk = (n: RuleNode): void => {
      if (n.rules.length > 0 || n.defaults.length > 0) out.push([...n.path]);
      for (const key of [...n.children.keys()].sort()) walk(n.children.get(key) as RuleNode);
    };
    walk(this.compiled.root);
    return out;
  }

  /** True when the rule at `path` is a function (takes arguments). */
  isFunction(path: readonly string[]): boolean {
    let n: RuleNode | undefined = this.compiled.root;
    for (const s of path) n = n?.children.get(s);
    return (n?.rules[0] ?? n?.defaults[0])?.kind === 'function';
  }

  /** Evaluates a query; values stay Rego values. Throws RegoError on errors. */
  evalDetailed(query: string, options: EvalOptions = {}): DetailedResult {
    return withinStack(() => this.evalDetailedUnguarded(query, options));
  }

  private evalDetailedUnguarded(query: string, options: EvalOptions): DetailedResult {
    const q = this.prepare(query);
    const prints: string[] = [];
    const trace: string[] = [];
    const ev = new Evaluator(this.compiled, {
      input: options.input === undefined ? undefined : toValue(options.input, 'input'),
      data: options.data === undefined ? EMPTY_OBJECT : toValue(options.data, 'data'),
      strict: options.strictBuiltinErrors ?? false,
      nowNs: options.nowNs ?? BigInt(Date.now()) * 1_000_000n,
      print: (line) => prints.push(line),
      trace: options.trace ? (line) => trace.push(line) : undefined,
    });
    const body = q.compiled.body;
    const frame = new Array<Value | undefined>(q.compiled.nslots);
    const values = new Array<Value>(q.compiled.exprCount);
    const results: { expressions: Value[]; bindings: Map<string, Value> }[] = [];
    const step = (i: number): boolean => {
      if (i === body.length) {
        const bindings = new Map<string, Value>();
        for (const v of q.compiled.vars) {
          const x = frame[v.slot];
          if (x !== undefined) bindings.set(v.name, x);
        }
        results.push({ expressions: values.slice(), bindings });
        return false;
      }
      const e = body[i]!;
      const at = q.order[i] ?? i;
      if (e.k === 'term') {
        return ev.evalTerm(e.term, frame, (v) => {
          if (v.kind === 'boolean' && !v.value) return false;
          if (at >= 0) values[at] = v;
          return step(i + 1);
        });
      }
      return ev.evalExpr(e, frame, () => {
        if (at >= 0) values[at] = TRUE;
        return step(i + 1);
      });
    };
    step(0);
    return { results, prints, trace, texts: q.texts };
  }

  /** Evaluates a query and returns OPA's result shape (an empty array when undefined). */
  eval(query: string, options: EvalOptions = {}): QueryResult[] {
    return this.evalWithOutput(query, options).results;
  }

  /** Like eval, plus what print() wrote and the trace. */
  evalWithOutput(
    query: string,
    options: EvalOptions = {},
  ): { results: QueryResult[]; prints: readonly string[]; trace: readonly string[] } {
    const q = this.prepare(query);
    const d = this.evalDetailed(query, options);
    const results = withinStack(() =>
      d.results.map((r) => ({
        expressions: r.expressions.map((v, i) => ({
          value: toJS(v),
          text: q.texts[i]?.text ?? '',
          location: { row: q.texts[i]?.row ?? 1, col: q.texts[i]?.col ?? 1 },
        })),
        bindings: Object.fromEntries([...r.bindings].map(([k, v]) => [k, toJS(v)])),
      })),
    );
    return { results, prints: d.prints, trace: d.trace };
  }
}

/**
 * Runs `fn`, turning a JavaScript stack overflow (input or data nested thousands of levels deep,
 * which the recursive evaluator and built-ins cannot walk) into a Rego error the caller can report,
 * instead of an internal RangeError.
 */
function withinStack<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw tooDeep(e) ?? e;
  }
}

function tooDeep(e: unknown): RegoError | undefined {
  return e instanceof RangeError && /call stack/i.test(e.message)
    ? new RegoError(
        RegoErrorCode.EvalInternalError,
        'value nested too deeply to evaluate (maximum call stack size exceeded)',
      )
    : undefined;
}

function toValue(x: unknown, what: string): Value {
  if (isValue(x)) return x;
  try {
    return fromJS(x, what);
  } catch (e) {
    throw tooDeep(e) ?? new RegoError('eval_type_error', (e as Error).message);
  }
}

/** The source text of each query expression (from its start to the next one's). */
function exprTexts(
  query: string,
  locs: readonly { row: number; col: number }[],
): { text: string; row: number; col: number }[] {
  const lineStarts = [0];
  for (let i = 0; i < query.length; i++) if (query[i] === '\n') lineStarts.push(i + 1);
  const offs = locs.map((l) => (lineStarts[l.row - 1] ?? 0) + l.col - 1);
  return locs.map((l, i) => {
    const end = offs[i + 1] ?? query.length;
    const text = query.slice(offs[i], end).trim().replace(/;\s*$/, '').trim();
    return { text, row: l.row, col: l.col };
  });
}

/** Parses and compiles modules; throws RegoError (parse, compile, type, safety errors). */
export function compile(
  modules: readonly RegoModuleSource[],
  options: CompileOptions = {},
): Policy {
  const parsed: Module[] = modules.map((m) =>
    parseModule(m.source, m.file, {
      regoVersion: m.regoVersion ?? options.regoVersion ?? RegoVersion.V1,
    }),
  );
  return compileParsed(parsed, options);
}

/** Compiles modules parsed with parseModule (callers that inspect the syntax tree first). */
export function compileParsed(
  parsed: readonly Module[],
  options: Pick<CompileOptions, 'builtins'> = {},
): Policy {
  return new Policy(compileModules(parsed, options.builtins ?? defaultBuiltins()));
}
