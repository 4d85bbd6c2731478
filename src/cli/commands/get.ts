// `flotilla get sources git|bucket|all [NAME]`, `get kustomizations|ks [NAME]`, `get all`: the
// status of Flux objects, as `flux get` prints it (its table layout byte for byte, its errors and
// exit codes), with --no-header, --status-selector, -l/--label-selector and -w/--watch.
import type { Command } from 'commander';
import { FlotillaError } from '../../core/index.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { FLUX_KINDS, type FluxKind } from '../flux-kinds.js';
import { fluxLog } from '../flux-log.js';
import { renderFluxTable } from '../flux-table.js';
import { statusMatches, summaryHeader, summaryRow } from '../flux-tables.js';
import { connect } from '../kube.js';
import { kindCommand } from '../kind-commands.js';
import { renderData } from '../output.js';
import { watchLifetime } from '../watch-until.js';

interface GetFlags {
  readonly header: boolean;
  readonly watch: boolean;
  readonly statusSelector?: string;
  readonly labelSelector?: string;
  readonly showSource?: boolean;
}

function addGetFlags(cmd: Command): Command {
  return cmd
    .option('--no-header', 'skip the header when printing the results')
    .option('-w, --watch', 'after listing/getting the requested object, watch for changes', false)
    .option(
      '--status-selector <type=status>',
      'specify the status condition name and the desired state to filter the get result, e.g. ready=false or ready!=true',
    )
    .option('-l, --label-selector <selector>', 'filter objects by label selector');
}

/** `--status-selector type=status` or `type!=status` as a filter. */
function statusFilter(selector: string | undefined): (obj: KubeObject) => boolean {
  if (selector === undefined || selector === '') return () => true;
  const negated = selector.includes('!=');
  const sep = negated ? '!=' : '=';
  const i = selector.indexOf(sep);
  if (i < 0)
    throw new CliError(
      `expected status selector in type=status or type!=status format, but found: ${selector}`,
    );
  const type = selector.slice(0, i);
  const status = selector.slice(i + sep.length);
  return negated
    ? (obj) => !statusMatches(obj, type, status)
    : (obj) => statusMatches(obj, type, status);
}

const namespaceNameOrAny = (ctx: CliContext) =>
  ctx.options.allNamespaces ? 'any' : JSON.stringify(ctx.options.namespace);

function listScope(ctx: CliContext, name: string | undefined, flags: GetFlags) {
  return {
    ...(ctx.options.allNamespaces ? {} : { namespace: ctx.options.namespace }),
    ...(name ? { fieldSelector: `metadata.name=${name}` } : {}),
    ...(flags.labelSelector ? { labelSelector: flags.labelSelector } : {}),
  };
}

async function listKind(
  client: KubeClient,
  ctx: CliContext,
  kind: FluxKind,
  name: string | undefined,
  flags: GetFlags,
): Promise<KubeObject[]> {
  const res = await client.list(kind, listScope(ctx, name, flags));
  return res.items;
}

/** The table of one kind; `getAll` names rows `kind/name` and prints nothing for no rows. */
function printKind(
  ctx: CliContext,
  kind: FluxKind,
  items: readonly KubeObject[],
  name: string | undefined,
  flags: GetFlags,
  getAll: boolean,
): void {
  if (items.length === 0) {
    if (getAll) return;
    throw new CliError(
      name
        ? `${kind.kind} object '${name}' not found in ${namespaceNameOrAny(ctx)} namespace`
        : `no ${kind.kind} objects found in ${namespaceNameOrAny(ctx)} namespace`,
    );
  }
  const filter = statusFilter(flags.statusSelector);
  const options = {
    allNamespaces: ctx.options.allNamespaces,
    includeKind: getAll,
    showSource: flags.showSource === true,
  };
  const rows = items.filter(filter).map((o) => summaryRow(kind, o, options));
  if (getAll && rows.length === 0) return;
  const header = flags.header
    ? summaryHeader(ctx.options.allNamespaces, flags.showSource === true)
    : [];
  ctx.stdout.write(renderFluxTable(header, rows) + (getAll ? '\n' : ''));
}

async function runGet(
  command: Command,
  kinds: readonly FluxKind[],
  name: string | undefined,
  flags: GetFlags,
  getAll: boolean,
): Promise<void> {
  const ctx = contextFrom(command);
  statusFilter(flags.statusSelector);
  if (flags.watch && getAll)
    throw new CliError(`expected a single resource type, but found ${command.name()}`);
  const client = await connect(ctx);
  try {
    if (flags.watch && kinds[0]) {
      await watchKind(ctx, client, kinds[0], name, flags);
      return;
    }
    const listed: { kind: FluxKind; items: KubeObject[] }[] = [];
    for (const kind of kinds) {
      try {
        listed.push({ kind, items: await listKind(client, ctx, kind, name, flags) });
      } catch (err) {
        if (!getAll) throw err;
        // `get all` goes on past a kind the cluster does not serve, as flux does.
        if (!(err instanceof FlotillaError && err.reason === 'NoKindMatch'))
          fluxLog(ctx).failure(err instanceof Error ? err.message : String(err));
      }
    }
    if (ctx.options.output !== 'table') {
      const items = listed.flatMap((l) => l.items);
      ctx.stdout.write(renderData({ apiVersion: 'v1', kind: 'List', items }, ctx.options.output));
      return;
    }
    for (const { kind, items } of listed) printKind(ctx, kind, items, name, flags, getAll);
  } finally {
    client.close();
  }
}

/**
 * `get -w`: the current objects, then a row per change (header once), until --timeout or an
 * interrupt; the watch is resumed from the last resourceVersion when the server ends it.
 */
async function watchKind(
  ctx: CliContext,
  client: KubeClient,
  kind: FluxKind,
  name: string | undefined,
  flags: GetFlags,
): Promise<void> {
  const lifetime = watchLifetime(ctx.options.timeoutMs);
  const filter = statusFilter(flags.statusSelector);
  let first = true;
  let resourceVersion: string | undefined;
  try {
    while (!lifetime.signal.aborted) {
      await client.watch(
        kind,
        { ...listScope(ctx, name, flags), ...(resourceVersion ? { resourceVersion } : {}) },
        (event) => {
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'BOOKMARK') return;
          const rows = [event.object].filter(filter).map((o) =>
            summaryRow(kind, o, {
              allNamespaces: ctx.options.allNamespaces,
              includeKind: false,
              showSource: flags.showSource === true,
            }),
          );
          const header =
            first && flags.header
              ? summaryHeader(ctx.options.allNamespaces, flags.showSource === true)
              : [];
          first = false;
          ctx.stdout.write(renderFluxTable(header, rows));
        },
        lifetime.signal,
      );
    }
  } finally {
    lifetime.dispose();
  }
}

export function registerGetCommand(program: Command): void {
  const get = program.command('get').description('get the resources and their status');
  const group = (word: string) => `get ${word} statuses`;
  for (const kind of FLUX_KINDS) {
    const words = [...kind.words.slice(0, -1).map((w) => `${w}s`), kind.getWord.name];
    const leaf = kindCommand(get, words, kind.getWord.aliases, '[name]', group).description(
      `get ${kind.kind} statuses`,
    );
    if (kind.sourceRef) leaf.option('--show-source', 'show the source of the resource', false);
    addGetFlags(leaf).action((name: string | undefined, flags: GetFlags, command: Command) =>
      runGet(command, [kind], name, flags, false),
    );
  }
  const sources = get.commands.find((c) => c.name() === 'sources');
  sources?.alias('source');
  if (sources) {
    addGetFlags(sources.command('all [name]').description('get all source statuses')).action(
      (name: string | undefined, flags: GetFlags, command: Command) =>
        runGet(
          command,
          FLUX_KINDS.filter((k) => k.category === 'source'),
          name,
          flags,
          true,
        ),
    );
  }
  addGetFlags(get.command('all [name]').description('get all resources and statuses')).action(
    (name: string | undefined, flags: GetFlags, command: Command) =>
      runGet(command, FLUX_KINDS, name, flags, true),
  );
}
