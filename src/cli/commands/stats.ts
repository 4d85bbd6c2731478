// `flotilla stats [-A]`: per Flux kind, how many objects run, fail (Ready=False) and are
// suspended, and the storage their artifacts take — `flux stats`'s report byte for byte. Kinds
// Flotilla does not serve (yet) are listed with zeros, as flux lists kinds whose controller is
// not installed.
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { FLUX_API_KINDS } from '../flux-kinds.js';
import { renderFluxTable } from '../flux-table.js';
import { connect } from '../kube.js';

/** flux's formatSize: bytes in IEC units with one decimal, `-` for none. */
export function formatSize(bytes: number): string {
  if (bytes === 0) return '-';
  const unit = 1024;
  if (bytes < unit) return `${bytes} B`;
  let div = unit;
  let exp = 0;
  for (let n = Math.floor(bytes / unit); n >= unit; n = Math.floor(n / unit)) {
    div *= unit;
    exp++;
  }
  // Go's %.1f: the nearest tenth, a tie to the even one (1280 B is 1.2 KiB, not 1.3).
  const scaled = BigInt(bytes) * 10n;
  const d = BigInt(div);
  let tenths = scaled / d;
  const twice = (scaled - tenths * d) * 2n;
  if (twice > d || (twice === d && tenths % 2n === 1n)) tenths++;
  return `${tenths / 10n}.${tenths % 10n} ${'KMGTPE'[exp] ?? ''}iB`;
}

async function statsOf(
  client: KubeClient,
  ctx: CliContext,
  kind: { apiVersion: string; kind: string },
): Promise<string[]> {
  let items: KubeObject[] = [];
  try {
    items = (
      await client.list(kind, ctx.options.allNamespaces ? {} : { namespace: ctx.options.namespace })
    ).items;
  } catch {
    // As flux: a kind the cluster does not serve counts as none.
  }
  let suspended = 0;
  let failing = 0;
  let size = 0;
  for (const item of items) {
    const spec = item['spec'] as { suspend?: boolean } | undefined;
    const status = item['status'] as
      { conditions?: { type: string; status: string }[]; artifact?: { size?: number } } | undefined;
    if (spec?.suspend === true) suspended++;
    failing += (status?.conditions ?? []).filter(
      (c) => c.type === 'Ready' && c.status === 'False',
    ).length;
    if (typeof status?.artifact?.size === 'number') size += status.artifact.size;
  }
  return [kind.kind, `${items.length - suspended}`, `${failing}`, `${suspended}`, formatSize(size)];
}

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('stats of Flux reconciles')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextFrom(command);
      const client = await connect(ctx);
      try {
        const rows: string[][] = [];
        for (const kind of FLUX_API_KINDS) rows.push(await statsOf(client, ctx, kind));
        ctx.stdout.write(
          renderFluxTable(['Reconcilers', 'Running', 'Failing', 'Suspended', 'Storage'], rows),
        );
      } finally {
        client.close();
      }
    });
}
