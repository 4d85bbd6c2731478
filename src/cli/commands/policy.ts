// `flotilla policy test|audit`: run gator Suites as `gator verify` does, and print a cluster's
// audit violations.
import type { Command } from 'commander';
import { errorMessage } from '../../core/index.js';
import {
  Engine,
  isSuiteFailure,
  parseFilter,
  readSuites,
  runSuite,
  type SuiteResult,
} from '../../policy/index.js';
import { CliError } from '../errors.js';
import { formatVerifyReport } from './policy-test-report.js';
import { registerPolicyClusterCommands } from './policy-audit.js';

export interface PolicyTestFlags {
  /** `cel` (Gatekeeper's default: K8sNativeValidation where a template has it) or `rego` */
  readonly engine?: string;
  readonly run?: string;
  readonly verbose?: boolean;
}

/** Runs the suites under the given paths; the report and the exit code (1 on any failure). */
export function policyTest(
  paths: readonly string[],
  flags: PolicyTestFlags = {},
): { report: string; exitCode: number } {
  const engine = flags.engine ?? 'cel';
  if (engine !== 'cel' && engine !== 'rego') {
    throw new CliError(`--engine: ${JSON.stringify(engine)} is not one of cel, rego`);
  }
  let filter;
  try {
    filter = parseFilter(flags.run);
  } catch (err) {
    throw new CliError(`--run: ${errorMessage(err)}`);
  }
  const engines = engine === 'rego' ? [Engine.Rego] : [Engine.CEL, Engine.Rego];
  const results: SuiteResult[] = [];
  for (const p of paths.length === 0 ? ['.'] : paths) {
    let suites;
    try {
      suites = readSuites(p);
    } catch (err) {
      throw new CliError(errorMessage(err));
    }
    for (const s of suites) results.push(runSuite(s, { engines, filter }));
  }
  return {
    report: formatVerifyReport(results, flags.verbose ?? false),
    exitCode: results.some(isSuiteFailure) ? 1 : 0,
  };
}

export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description('test Gatekeeper policies (gator verify) and show audit results');
  policy
    .command('test')
    .description('run gator Suites (test.gatekeeper.sh Suite files) like `gator verify`')
    .argument('[paths...]', 'suite files or directories; DIR/... includes subdirectories', [])
    .option('-r, --run <regex>', 'run only tests (TEST) or cases (TEST//CASE) whose names match')
    .option('-v, --verbose', 'print every test and case', false)
    .option(
      '--engine <engine>',
      'cel: run K8sNativeValidation code where a template has it, as Gatekeeper does; rego: Rego only',
      'cel',
    )
    .action((paths: string[], opts: { run?: string; verbose: boolean; engine: string }) => {
      const out = policyTest(paths, {
        engine: opts.engine,
        verbose: opts.verbose,
        ...(opts.run === undefined ? {} : { run: opts.run }),
      });
      process.stdout.write(out.report);
      if (out.exitCode !== 0) process.exitCode = out.exitCode;
    });
  registerPolicyClusterCommands(policy);
}
