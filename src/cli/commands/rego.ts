// `flotilla rego eval|test`: evaluate a Rego query over policy and data files, or run `test_*` rules like `opa test`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { errorMessage } from '../../core/index.js';
import {
  compile,
  EMPTY_OBJECT,
  isRegoError,
  ObjectBuilder,
  parseJSON,
  parseYAML,
  RegoVersion,
  runTests,
  str,
  toJSON,
} from '../../policy/index.js';
import type { DetailedResult, Policy, RegoModuleSource, Value } from '../../policy/index.js';
import { CliError } from '../errors.js';
import { formatTestReport } from './rego-test-report.js';

/** Policy modules and data documents loaded from files and directories. */
export interface LoadedFiles {
  readonly modules: RegoModuleSource[];
  /**
   * The data document: files are placed at the path of their directory, as `opa` does. Kept as
   * a Rego value: numbers exact (`1e400`, integers beyond 2^53) and every key an own key.
   */
  readonly data: Value;
}

/** `doc`'s keys merged into `base` at `path` (a later file's key replaces an earlier one's). */
function put(base: Value, path: readonly string[], doc: Value, file: string): Value {
  if (base.kind !== 'object') {
    throw new CliError(`${file}: data conflicts with a document at ${path.join('.')}`);
  }
  const b = new ObjectBuilder();
  base.forEach((k, v) => {
    b.set(k, v);
  });
  if (path.length === 0) {
    if (doc.kind !== 'object') throw new CliError(`${file}: a data file must hold an object`);
    doc.forEach((k, v) => {
      b.set(k, v);
    });
    return b.build();
  }
  const [seg, ...rest] = path as [string, ...string[]];
  b.set(str(seg), put(base.get(str(seg)) ?? EMPTY_OBJECT, rest, doc, file));
  return b.build();
}

/** Reads .rego, .json and .yaml/.yml files from the given files and directories (recursively). */
export function loadFiles(paths: readonly string[], regoVersion: RegoVersion): LoadedFiles {
  const modules: RegoModuleSource[] = [];
  let data: Value = EMPTY_OBJECT;
  const visit = (path: string, root: string, explicit: boolean): void => {
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      throw new CliError(`${path}: ${errorMessage(err)}`);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(path).sort()) {
        if (e.startsWith('.')) continue;
        visit(join(path, e), root, false);
      }
      return;
    }
    const text = (): string => readFileSync(path, 'utf8');
    const dir = relative(root, join(path, '..'));
    const at = dir === '' ? [] : dir.split(/[\\/]/);
    if (path.endsWith('.rego')) {
      modules.push({ file: path, source: text(), regoVersion });
    } else if (path.endsWith('.json')) {
      try {
        data = put(data, at, parseJSON(text()), path);
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`${path}: ${errorMessage(err)}`);
      }
    } else if (path.endsWith('.yaml') || path.endsWith('.yml')) {
      try {
        data = put(data, at, parseYAML(text()), path);
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`${path}: ${errorMessage(err)}`);
      }
    } else if (explicit) {
      throw new CliError(`${path}: not a .rego, .json or .yaml file`);
    }
  };
  for (const p of paths) {
    const isDir = statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
    visit(p, isDir ? p : join(p, '..'), true);
  }
  return { modules, data };
}

/**
 * An error as the CLI prints it. Rego errors carry file, line and column
 * (`a.rego:4:12: rego_parse_error: ...`); OPA's own text stops at the line.
 */
function regoErrorText(err: unknown): string {
  if (isRegoError(err) && err.location !== undefined && err.location.file !== '') {
    const { file, row, col } = err.location;
    return `${file}:${row}:${col}: ${err.code}: ${err.detail}`;
  }
  return errorMessage(err);
}

function compileOrFail(loaded: LoadedFiles): Policy {
  try {
    return compile(loaded.modules);
  } catch (err) {
    throw new CliError(regoErrorText(err), 1, 'RegoCompileFailed');
  }
}

function readInput(file: string): Value {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`${file}: ${errorMessage(err)}`);
  }
  try {
    if (file.endsWith('.yaml') || file.endsWith('.yml')) return parseYAML(text);
    return parseJSON(text);
  } catch (err) {
    throw new CliError(`${file}: ${errorMessage(err)}`);
  }
}

export interface RegoEvalFlags {
  /** Policy and data files or directories. @default [] */
  readonly data?: readonly string[];
  /** Input document file (JSON or YAML). @default none */
  readonly input?: string;
  /** Parse modules with the v0 syntax. @default false */
  readonly v0?: boolean;
  /** Report built-in errors instead of treating calls as undefined. @default false */
  readonly strict?: boolean;
  /** Exit 1 when the query is undefined. @default false */
  readonly fail?: boolean;
  /** Write the explanation trace to stderr. @default false */
  readonly explain?: boolean;
}

/**
 * `opa eval`'s JSON output, byte for byte: Go's indented encoding of its result set (members in
 * the order of its structs, `bindings` left out when empty, values exact: numbers as written,
 * sets sorted, `<`, `>`, `&` escaped).
 */
function resultJSON(results: DetailedResult['results'], texts: DetailedResult['texts']): string {
  if (results.length === 0) return '{}';
  const value = (v: Value, depth: number): string =>
    toJSON(v, { indent: '  ', prefix: '  '.repeat(depth) });
  const rows = results.map((r) => {
    const exprs = r.expressions.map((v, i) => {
      const t = texts[i];
      return [
        '        {',
        `          "value": ${value(v, 5)},`,
        `          "text": ${toJSON(str(t?.text ?? ''))},`,
        '          "location": {',
        `            "row": ${t?.row ?? 1},`,
        `            "col": ${t?.col ?? 1}`,
        '          }',
        '        }',
      ].join('\n');
    });
    const names = [...r.bindings.keys()].sort();
    const bindings = names.map(
      (n) => `        ${toJSON(str(n))}: ${value(r.bindings.get(n) as Value, 4)}`,
    );
    return [
      '    {',
      `      "expressions": [\n${exprs.join(',\n')}\n      ]${bindings.length > 0 ? ',' : ''}`,
      ...(bindings.length > 0 ? [`      "bindings": {\n${bindings.join(',\n')}\n      }`] : []),
      '    }',
    ].join('\n');
  });
  return `{\n  "result": [\n${rows.join(',\n')}\n  ]\n}`;
}

/** `rego eval`: returns the text to print (OPA's JSON result) and the print() lines for stderr. */
export function regoEval(query: string, flags: RegoEvalFlags): { stdout: string; stderr: string } {
  const version = flags.v0 ? RegoVersion.V0 : RegoVersion.V1;
  const loaded = loadFiles(flags.data ?? [], version);
  const policy = compileOrFail(loaded);
  const input = flags.input === undefined ? undefined : readInput(flags.input);
  try {
    const opts = {
      data: loaded.data,
      input,
      strictBuiltinErrors: flags.strict ?? false,
      trace: flags.explain ?? false,
    };
    const { results, prints, trace, texts } = policy.evalDetailed(query, opts);
    if (flags.fail && results.length === 0) {
      throw new CliError('query is undefined', 1, 'RegoUndefined');
    }
    const text = resultJSON(results, texts);
    const stderr = [...prints, ...trace].map((l) => l + '\n').join('');
    return { stdout: text + '\n', stderr };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(regoErrorText(err), 1, isRegoError(err) ? 'RegoEvalFailed' : 'Failed');
  }
}

export interface RegoTestFlags {
  /** Parse modules with the v0 syntax (`--v0-compatible`). @default false */
  readonly v0?: boolean;
  /** Report every test, print() output of passing ones and explain failures. @default false */
  readonly verbose?: boolean;
  /** Run only the tests whose full name matches this regular expression. @default all */
  readonly run?: string;
  /** Skipped (`todo_test_`) tests do not make the exit code non-zero. @default false */
  readonly exitZeroOnSkipped?: boolean;
  /** Fail (exit 1) when no test ran. @default false */
  readonly failOnEmpty?: boolean;
}

/**
 * `rego test`: runs every test rule as `opa test` does and returns its report (OPA's layout) and
 * exit code: 0 when every test passed, 2 when one failed, errored or (unless exitZeroOnSkipped)
 * was skipped.
 */
export function regoTest(
  paths: readonly string[],
  flags: RegoTestFlags = {},
): { report: string; exitCode: number } {
  const loaded = loadFiles(paths, flags.v0 ? RegoVersion.V0 : RegoVersion.V1);
  let run: RegExp | undefined;
  try {
    run = flags.run === undefined ? undefined : new RegExp(flags.run);
  } catch (err) {
    throw new CliError(`--run: ${errorMessage(err)}`);
  }
  let results;
  try {
    results = runTests(loaded.modules, {
      data: loaded.data,
      ...(run && { run }),
      explainFailures: flags.verbose ?? false,
    });
  } catch (err) {
    throw new CliError(regoErrorText(err), 1, 'RegoCompileFailed');
  }
  if (results.length === 0 && flags.failOnEmpty) {
    throw new CliError('no tests were run', 1, 'RegoNoTests');
  }
  const bad = results.some(
    (r) => r.outcome !== 'PASS' && !(r.outcome === 'SKIPPED' && flags.exitZeroOnSkipped),
  );
  const report = formatTestReport(results, { verbose: flags.verbose ?? false });
  return { report, exitCode: bad ? 2 : 0 };
}

export function registerRegoCommand(program: Command): void {
  const rego = program
    .command('rego')
    .description('evaluate and test Rego policies (OPA compatible)');
  rego
    .command('eval')
    .description('evaluate a Rego query and print the result as `opa eval` does (JSON)')
    .argument('<query>', 'the query, e.g. data.admission.deny')
    .option(
      '-d, --data <path>',
      'policy (.rego) or data (.json, .yaml) file or directory; repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('-i, --input <file>', 'input document (JSON or YAML)')
    .option('--v0-compatible', 'parse modules with the Rego v0 syntax (as OPA 0.x)', false)
    .option('--v0', 'short for --v0-compatible', false)
    .option(
      '--strict-builtin-errors',
      'fail on built-in errors instead of making the call undefined',
      false,
    )
    .option('--fail', 'exit 1 when the query is undefined', false)
    .option(
      '--explain',
      'write the explanation trace (Enter/Eval/Fail/Exit lines) to stderr',
      false,
    )
    .action(
      (
        query: string,
        opts: {
          data: string[];
          input?: string;
          v0Compatible: boolean;
          v0: boolean;
          strictBuiltinErrors: boolean;
          fail: boolean;
          explain: boolean;
        },
      ) => {
        const out = regoEval(query, {
          data: opts.data,
          ...(opts.input === undefined ? {} : { input: opts.input }),
          v0: opts.v0Compatible || opts.v0,
          strict: opts.strictBuiltinErrors,
          fail: opts.fail,
          explain: opts.explain,
        });
        if (out.stderr) process.stderr.write(out.stderr);
        process.stdout.write(out.stdout);
      },
    );
  rego
    .command('test')
    .description('run every test_* rule like `opa test`, with its report layout and exit codes')
    .argument('<paths...>', 'policy and data files or directories')
    .option('--v0-compatible', 'parse modules with the Rego v0 syntax (as OPA 0.x)', false)
    .option('--v0', 'short for --v0-compatible', false)
    .option('-v, --verbose', 'report every test and explain failures (FAILURES section)', false)
    .option('-r, --run <regex>', 'run only the tests whose full name matches')
    .option('-z, --exit-zero-on-skipped', 'skipped (todo_test_) tests leave the exit code 0', false)
    .option('--fail-on-empty', 'exit 1 when no test was run', false)
    .action(
      (
        paths: string[],
        opts: {
          v0Compatible: boolean;
          v0: boolean;
          verbose: boolean;
          run?: string;
          exitZeroOnSkipped: boolean;
          failOnEmpty: boolean;
        },
      ) => {
        const r = regoTest(paths, {
          v0: opts.v0Compatible || opts.v0,
          verbose: opts.verbose,
          ...(opts.run === undefined ? {} : { run: opts.run }),
          exitZeroOnSkipped: opts.exitZeroOnSkipped,
          failOnEmpty: opts.failOnEmpty,
        });
        process.stdout.write(r.report);
        // As opa: a failed test is reported on stdout only, with exit code 2.
        if (r.exitCode !== 0) process.exitCode = r.exitCode;
      },
    );
}
