// The flotilla command line: global flags in the kubectl/flux style and one command per file.
import { Command, CommanderError, Option } from 'commander';
import { errorMessage } from '../core/index.js';
import { registerBuildCommand, registerDiffCommand } from './commands/build-diff.js';
import { registerClusterCommand } from './commands/cluster.js';
import { registerControllerCommand } from './commands/controller.js';
import { registerCreateCommand } from './commands/create.js';
import { registerEventsCommand } from './commands/events.js';
import { registerGetCommand } from './commands/get.js';
import { registerInstallCommand } from './commands/install.js';
import { registerKustomizeCommand } from './commands/kustomize.js';
import { registerReconcileCommands } from './commands/reconcile.js';
import { registerTreeCommand } from './commands/tree.js';
import { registerUpCommand } from './commands/up.js';
import { registerVersionCommand } from './commands/version.js';
import { CliError } from './errors.js';
import { paint } from './style.js';
import { packageInfo } from './version.js';

/** Builds the program with every command registered; exported for tests and docs. */
export function buildProgram(): Command {
  const program = new Command('flotilla')
    .description('GitOps for fleets of Kubernetes clusters')
    .version(packageInfo().version, '--version', 'print the version number')
    .option(
      '--kubeconfig <path>',
      'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)',
    )
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <name>', 'namespace of the object', 'flux-system')
    .option('-A, --all-namespaces', 'act on all namespaces', false)
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'yaml', 'json'])
        .default('table'),
    )
    .option('--verbose', 'print debug logs to stderr', false)
    .showHelpAfterError('(run flotilla --help for usage)')
    .exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(paint(process.stderr, 'red', s)),
  });
  // Subcommands report usage errors the same way and exit through run() too.
  program.hook('preSubcommand', (_p, sub) => {
    sub.exitOverride();
  });

  registerUpCommand(program);
  registerGetCommand(program);
  registerReconcileCommands(program);
  registerCreateCommand(program);
  registerBuildCommand(program);
  registerDiffCommand(program);
  registerTreeCommand(program);
  registerEventsCommand(program);
  registerControllerCommand(program);
  registerInstallCommand(program);
  registerClusterCommand(program);
  registerKustomizeCommand(program);
  registerVersionCommand(program);
  return program;
}

/** Runs the CLI and returns the exit code; errors go to stderr, never stdout. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit through here with code 0; usage errors were already printed.
      return err.exitCode;
    }
    const verbose = argv.includes('--verbose');
    const message = err instanceof Error && verbose && err.stack ? err.stack : errorMessage(err);
    process.stderr.write(`${paint(process.stderr, 'red', 'error:')} ${message}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
