// `flotilla delete source git|bucket|kustomization NAME [-s]`: deletes the object after asking
// for confirmation (`--silent` skips it), with flux's messages and exit codes.
import type { Command } from 'commander';
import { contextFrom, type CliContext } from '../context.js';
import { confirm } from '../confirm.js';
import { CliError } from '../errors.js';
import { FLUX_KINDS, type FluxKind } from '../flux-kinds.js';
import { fluxLog } from '../flux-log.js';
import { connect } from '../kube.js';
import { verbKindCommand } from '../kind-commands.js';

async function runDelete(
  ctx: CliContext,
  kind: FluxKind,
  name: string | undefined,
  silent: boolean,
): Promise<void> {
  if (!name) throw new CliError(`${kind.humanKind} name is required`);
  const namespace = ctx.options.namespace;
  const client = await connect(ctx);
  try {
    const ref = { ...kind, namespace, name };
    await client.get(ref);
    if (!silent && !(await confirm(ctx, `Are you sure you want to delete this ${kind.humanKind}`)))
      throw new CliError('aborting');
    const log = fluxLog(ctx);
    log.action(`deleting ${kind.humanKind} ${name} in ${namespace} namespace`);
    await client.delete(ref);
    log.success(`${kind.humanKind} deleted`);
  } finally {
    client.close();
  }
}

export function registerDeleteCommand(program: Command): void {
  const del = program
    .command('delete')
    .description('delete sources and resources')
    .option('-s, --silent', 'delete resource without asking for confirmation', false);
  for (const kind of FLUX_KINDS) {
    verbKindCommand(del, kind, '[name]', (w) => `delete ${w}s`)
      .description(`delete a ${kind.kind}`)
      .option('-s, --silent', 'delete resource without asking for confirmation', false)
      .action((name: string | undefined, flags: { silent: boolean }, command: Command) =>
        runDelete(
          contextFrom(command),
          kind,
          name,
          flags.silent || command.optsWithGlobals<{ silent?: boolean }>().silent === true,
        ),
      );
  }
}
