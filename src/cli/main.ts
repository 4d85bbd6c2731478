// The flotilla command line: global flags in the kubectl/flux style and one command per file.
import { Command, CommanderError, Option } from 'commander';
import { errorMessage } from '../core/index.js';
import { CliError } from './errors.js';
import { paint } from './style.js';
import { packageInfo } from './version.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: the modules pull in the cluster
 * client, the local cluster, the renderer and so on, and loading all of them would cost every
 * invocation (`flotilla kustomize build`, `flotilla version`) most of a second.
 */
const COMMANDS: Record<string, () => Promise<Register[]>> = {
  up: async () => [(await import('./commands/up.js')).registerUpCommand],
  get: async () => [(await import('./commands/get.js')).registerGetCommand],
  reconcile: async () => [(await import('./commands/reconcile.js')).registerReconcileCommands],
  create: async () => [(await import('./commands/create.js')).registerCreateCommand],
  build: async () => [(await import('./commands/build-diff.js')).registerBuildCommand],
  diff: async () => [(await import('./commands/build-diff.js')).registerDiffCommand],
  tree: async () => [(await import('./commands/tree.js')).registerTreeCommand],
  events: async () => [(await import('./commands/events.js')).registerEventsCommand],
  controller: async () => [(await import('./commands/controller.js')).registerControllerCommand],
  install: async () => [(await import('./commands/install.js')).registerInstallCommand],
  cluster: async () => [(await import('./commands/cluster.js')).registerClusterCommand],
  kustomize: async () => [(await import('./commands/kustomize.js')).registerKustomizeCommand],
  version: async () => [(await import('./commands/version.js')).registerVersionCommand],
  rego: async () => [(await import('./commands/rego.js')).registerRegoCommand],
};
// suspend and resume live in the same module as reconcile.
COMMANDS['suspend'] = COMMANDS['reconcile'] as () => Promise<Register[]>;
COMMANDS['resume'] = COMMANDS['reconcile'] as () => Promise<Register[]>;

/** Global options that take a value, so the command name is found after them. */
const GLOBAL_WITH_VALUE = new Set([
  '--kubeconfig',
  '--context',
  '-n',
  '--namespace',
  '-o',
  '--output',
]);

/** The command named on the command line, if it is one of ours. */
function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return Object.hasOwn(COMMANDS, a) ? a : undefined;
  }
  return undefined;
}

/**
 * Builds the program. With `args` (the words after `flotilla`) naming a command, only that
 * command's module is loaded; otherwise (help, an unknown command) every command is registered.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
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

  const name = args === undefined ? undefined : commandName(args);
  const loaders = name ? [COMMANDS[name]] : [...new Set(Object.values(COMMANDS))];
  const registered = new Set<Register>();
  for (const load of loaders) {
    for (const register of (await load?.()) ?? []) {
      if (registered.has(register)) continue;
      registered.add(register);
      register(program);
    }
  }
  return program;
}

/** Runs the CLI and returns the exit code; errors go to stderr, never stdout. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
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
