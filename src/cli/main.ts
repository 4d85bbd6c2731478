// The flotilla command line: global flags in the kubectl/flux style and one command per file.
import { Command, CommanderError, Help, Option } from 'commander';
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
  helm: async () => [(await import('./commands/helm.js')).registerHelmCommand],
  version: async () => [(await import('./commands/version.js')).registerVersionCommand],
  rego: async () => [(await import('./commands/rego.js')).registerRegoCommand],
  policy: async () => [(await import('./commands/policy.js')).registerPolicyCommand],
  tower: async () => [(await import('./commands/tower.js')).registerTowerCommand],
};
// suspend and resume live in the same module as reconcile.
COMMANDS['suspend'] = COMMANDS['reconcile'] as () => Promise<Register[]>;
COMMANDS['resume'] = COMMANDS['reconcile'] as () => Promise<Register[]>;

/**
 * What `flotilla --help` lists for each command (the term and summary commander would print), so
 * the root help loads no command module; main-help.test.ts checks it against the real commands.
 * A command missing here is still listed: its module is loaded for the help.
 */
const LISTING: Record<string, { readonly term: string; readonly description: string }> = {
  up: {
    term: 'up [options]',
    description: 'run the whole GitOps loop on the embedded local cluster (what `npm start` runs)',
  },
  get: { term: 'get', description: 'show Flux sources and Kustomizations with their status' },
  reconcile: {
    term: 'reconcile',
    description: 'reconcile a source or Kustomization now and wait for the result',
  },
  suspend: { term: 'suspend', description: 'suspend reconciliation of a source or Kustomization' },
  resume: {
    term: 'resume',
    description: 'resume reconciliation of a source or Kustomization and wait for the result',
  },
  create: { term: 'create', description: 'create Flux objects' },
  build: {
    term: 'build',
    description: 'render a Kustomization from a local directory as the controller would',
  },
  diff: {
    term: 'diff',
    description:
      'show what applying a Kustomization from a local directory would change (exit 1 on differences)',
  },
  tree: { term: 'tree', description: 'show the objects a Kustomization manages' },
  events: {
    term: 'events [options]',
    description: 'show events (events.k8s.io/v1) of a namespace, oldest first',
  },
  controller: {
    term: 'controller [options]',
    description: 'run the GitRepository and Kustomization controllers against a cluster',
  },
  install: {
    term: 'install [options]',
    description:
      'install the CRDs, RBAC and controller Deployment into a cluster (or print them with --export)',
  },
  cluster: {
    term: 'cluster',
    description: 'run and inspect the embedded local Kubernetes-compatible cluster',
  },
  kustomize: {
    term: 'kustomize',
    description: 'render kustomizations natively (kustomize v5.5.0 compatible)',
  },
  helm: {
    term: 'helm',
    description: 'render Helm charts natively (helm v3.21.4 compatible)',
  },
  version: {
    term: 'version',
    description: 'print the version of flotilla and of the runtime it runs on',
  },
  rego: { term: 'rego', description: 'evaluate and test Rego policies (OPA compatible)' },
  policy: {
    term: 'policy',
    description: 'test Gatekeeper policies (gator verify) and show audit results',
  },
  tower: {
    term: 'tower [options]',
    description: 'serve Tower, the fleet dashboard, for one or more clusters (kubeconfig contexts)',
  },
};

/** Global options that take a value, so the command name is found after them. */
const GLOBAL_WITH_VALUE = new Set([
  '--kubeconfig',
  '--context',
  '-n',
  '--namespace',
  '-o',
  '--output',
]);

/** The first word on the command line that is not an option or a global option's value. */
function firstWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (GLOBAL_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/**
 * Registers every command for the root help: from LISTING where it has the command (no module
 * loaded), otherwise through the command's module. Order as the modules register themselves.
 */
async function registerListing(program: Command): Promise<void> {
  const defaultHelp = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => LISTING[cmd.name()]?.term ?? defaultHelp.subcommandTerm(cmd),
  });
  for (const load of new Set(Object.values(COMMANDS))) {
    const names = Object.keys(COMMANDS).filter((n) => COMMANDS[n] === load);
    if (names.every((n) => Object.hasOwn(LISTING, n))) {
      for (const n of names) program.command(n).description(LISTING[n]?.description ?? '');
    } else {
      for (const register of await load()) register(program);
    }
  }
}

/**
 * Builds the program. With `args` (the words after `flotilla`) naming a command, only that
 * command's module is loaded; with no command word at all (`flotilla --help`), the commands are
 * listed without loading their modules; otherwise (an unknown command, `help CMD`) every command
 * is registered.
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command('flotilla')
    .description('GitOps for fleets of Kubernetes clusters')
    .version(packageInfo().version, '--version', 'print the version number')
    .option(
      '--kubeconfig <path>',
      'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)',
    )
    .option(
      '--context <name>',
      'kubeconfig context to use (flotilla tower takes several)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
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

  const word = args === undefined ? undefined : firstWord(args);
  if (args !== undefined && word === undefined) {
    await registerListing(program);
    return program;
  }
  const name = word !== undefined && Object.hasOwn(COMMANDS, word) ? word : undefined;
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
