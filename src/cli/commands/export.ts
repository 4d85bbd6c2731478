// `flotilla export source git|bucket|kustomization [NAME | --all]`: objects as YAML that can be
// applied elsewhere (name, namespace, labels, annotations and spec), byte for byte as
// `flux export` prints them; --with-credentials adds a source's Secret.
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { exportObject, printExport } from '../flux-export.js';
import { FLUX_KINDS, type FluxKind } from '../flux-kinds.js';
import { connect } from '../kube.js';
import { verbKindCommand } from '../kind-commands.js';

interface ExportFlags {
  readonly all: boolean;
  readonly withCredentials?: boolean;
}

/** The Secret a source reads its credentials from, as flux exports it. */
async function credentials(client: KubeClient, namespace: string, name: string): Promise<string> {
  let secret: KubeObject;
  try {
    secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  } catch (err) {
    throw new CliError(
      `failed to retrieve secret ${name}, error: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return printExport({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    data: secret['data'] ?? {},
    type: secret['type'] ?? '',
  });
}

async function runExport(
  ctx: CliContext,
  kind: FluxKind,
  name: string | undefined,
  flags: ExportFlags,
): Promise<void> {
  if (!flags.all && !name) throw new CliError('name is required');
  const namespace = ctx.options.namespace;
  const client = await connect(ctx);
  try {
    const objects = flags.all
      ? (await client.list(kind, { namespace })).items
      : [await client.get({ ...kind, namespace, name: name ?? '' })];
    if (objects.length === 0) throw new CliError(`no objects found in ${namespace} namespace`);
    for (const obj of objects) {
      ctx.stdout.write(printExport(exportObject(obj, kind), kind.goFields));
      const secret = flags.withCredentials ? kind.secretRef?.(obj) : undefined;
      // As flux, the credentials of the first source that has some end the listing.
      if (secret) {
        ctx.stdout.write(await credentials(client, obj.metadata.namespace ?? namespace, secret));
        return;
      }
    }
  } finally {
    client.close();
  }
}

export function registerExportCommand(program: Command): void {
  const exp = program
    .command('export')
    .description('export resources in YAML format')
    .option('--all', 'select all resources', false);
  for (const kind of FLUX_KINDS) {
    const leaf = verbKindCommand(exp, kind, '[name]', (w) => `export ${w}s in YAML format`)
      .description(`export ${kind.kind} objects in YAML format`)
      .option('--all', 'select all resources', false);
    if (kind.secretRef) leaf.option('--with-credentials', 'include credential secrets', false);
    leaf.action((name: string | undefined, flags: ExportFlags, command: Command) =>
      runExport(contextFrom(command), kind, name, {
        ...flags,
        all: flags.all || command.optsWithGlobals<{ all?: boolean }>().all === true,
      }),
    );
  }
}
