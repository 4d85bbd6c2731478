// `flotilla get sources git|bucket`, `get kustomizations|ks`, `get all`: Flux objects and their status.
import type { Command } from 'commander';
import type { KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { fluxColumns } from '../flux-tables.js';
import { connect, FluxKinds, type FluxKind } from '../kube.js';
import { renderData, renderTable } from '../output.js';

async function list(ctx: CliContext, kind: FluxKind): Promise<KubeObject[]> {
  const client = await connect(ctx);
  try {
    const res = await client.list(
      kind,
      ctx.options.allNamespaces ? {} : { namespace: ctx.options.namespace },
    );
    return res.items;
  } finally {
    client.close();
  }
}

function print(ctx: CliContext, groups: { title?: string; items: KubeObject[] }[]): void {
  const { output, allNamespaces } = ctx.options;
  const items = groups.flatMap((g) => g.items);
  if (output !== 'table') {
    ctx.stdout.write(renderData({ apiVersion: 'v1', kind: 'List', items }, output));
    return;
  }
  if (items.length === 0) {
    ctx.stderr.write(
      `no objects found in ${allNamespaces ? 'any namespace' : `${ctx.options.namespace} namespace`}\n`,
    );
    return;
  }
  const blocks = groups
    .filter((g) => g.items.length > 0)
    .map((g) => (g.title ? `${g.title}\n` : '') + renderTable(g.items, fluxColumns(allNamespaces)));
  ctx.stdout.write(blocks.join('\n'));
}

export function registerGetCommand(program: Command): void {
  const get = program
    .command('get')
    .description('show Flux sources and Kustomizations with their status');

  const sources = get.command('sources').description('show sources');
  for (const [name, kind] of [
    ['git', FluxKinds.git],
    ['bucket', FluxKinds.bucket],
  ] as const) {
    sources
      .command(name)
      .description(`show ${kind.kind} objects`)
      .action(async (_o: unknown, command: Command) => {
        const ctx = contextFrom(command);
        print(ctx, [{ items: await list(ctx, kind) }]);
      });
  }
  sources
    .command('all')
    .description('show every kind of source')
    .action(async (_o: unknown, command: Command) => {
      const ctx = contextFrom(command);
      print(ctx, [
        { title: 'GitRepository:', items: await list(ctx, FluxKinds.git) },
        { title: 'Bucket:', items: await list(ctx, FluxKinds.bucket) },
      ]);
    });

  get
    .command('kustomizations')
    .alias('ks')
    .alias('kustomization')
    .description('show Kustomizations')
    .action(async (_o: unknown, command: Command) => {
      const ctx = contextFrom(command);
      print(ctx, [{ items: await list(ctx, FluxKinds.kustomization) }]);
    });

  get
    .command('all')
    .description('show sources and Kustomizations')
    .action(async (_o: unknown, command: Command) => {
      const ctx = contextFrom(command);
      print(ctx, [
        { title: 'GitRepository:', items: await list(ctx, FluxKinds.git) },
        { title: 'Bucket:', items: await list(ctx, FluxKinds.bucket) },
        { title: 'Kustomization:', items: await list(ctx, FluxKinds.kustomization) },
      ]);
    });
}
