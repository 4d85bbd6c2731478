// What every command receives: the global flags, a logger, and the streams to write to.
import type { Command } from 'commander';
import { createLogger, type Logger } from '../core/index.js';

/** Output formats of `-o/--output`, as kubectl and flux name them. */
export const OutputFormat = { Table: 'table', Yaml: 'yaml', Json: 'json' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

export interface GlobalOptions {
  readonly kubeconfig: string | undefined;
  /** The last --context given. */
  readonly context: string | undefined;
  /** Every --context given, in order (commands that show several clusters). */
  readonly contexts: readonly string[];
  readonly namespace: string;
  readonly allNamespaces: boolean;
  readonly output: OutputFormat;
  readonly verbose: boolean;
}

export interface CliContext {
  readonly options: GlobalOptions;
  readonly logger: Logger;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Reads the global flags from any (sub)command and builds the context a command runs in. */
export function contextFrom(command: Command): CliContext {
  const raw = command.optsWithGlobals<Record<string, unknown>>();
  const given = raw['context'];
  const contexts = Array.isArray(given)
    ? given.map(String)
    : typeof given === 'string'
      ? [given]
      : [];
  const options: GlobalOptions = {
    kubeconfig: typeof raw['kubeconfig'] === 'string' ? raw['kubeconfig'] : undefined,
    context: contexts.at(-1),
    contexts,
    namespace: typeof raw['namespace'] === 'string' ? raw['namespace'] : 'flux-system',
    allNamespaces: raw['allNamespaces'] === true,
    output: (raw['output'] as OutputFormat | undefined) ?? OutputFormat.Table,
    verbose: raw['verbose'] === true,
  };
  const logger = createLogger({ level: options.verbose ? 'debug' : 'warn' });
  return { options, logger, stdout: process.stdout, stderr: process.stderr };
}
