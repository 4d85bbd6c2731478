// Command groups whose implementation has not landed yet: they are listed in --help so the CLI's
// shape is visible, and running one says plainly that it is not built, with the issue that tracks
// it, and exits non-zero. Each entry moves to its own file when its issue lands.
import type { Command } from 'commander';
import { CliError, EXIT_NOT_BUILT } from '../errors.js';

interface Planned {
  readonly name: string;
  readonly description: string;
  readonly issue: number;
}

export const PLANNED: readonly Planned[] = [
  { name: 'get', description: 'show sources, kustomizations and their status', issue: 6 },
  { name: 'reconcile', description: 'reconcile a source or kustomization now and wait', issue: 6 },
  { name: 'suspend', description: 'suspend reconciliation of an object', issue: 6 },
  { name: 'resume', description: 'resume reconciliation of an object', issue: 6 },
  { name: 'build', description: 'render a kustomization as the controller would', issue: 6 },
  { name: 'diff', description: 'show what applying a kustomization would change', issue: 6 },
  { name: 'tree', description: 'show the objects a kustomization manages', issue: 6 },
  { name: 'events', description: 'show events of flotilla objects', issue: 6 },
  { name: 'controller', description: 'run all controllers against a cluster', issue: 6 },
  { name: 'install', description: 'install flotilla into a cluster', issue: 6 },
];

/** Registers a planned group; it accepts any arguments and reports that it is not built yet. */
export function registerPlannedCommand(program: Command, planned: Planned): void {
  program
    .command(planned.name)
    .description(`${planned.description} (not built yet: issue #${planned.issue})`)
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(() => {
      throw new CliError(
        `'flotilla ${planned.name}' is not built yet; it is tracked in issue #${planned.issue}`,
        EXIT_NOT_BUILT,
        'NotBuiltYet',
      );
    });
}
