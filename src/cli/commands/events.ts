// `flotilla events [--for Kind[/name]] [--types Normal,Warning] [-w]`: the Events of Flux objects
// in a namespace (or all with -A), oldest first, in `flux events`'s table byte for byte. With a
// named object, the events of its source are shown too. Events are read through events.k8s.io/v1
// (what the controller writes; kube-apiserver serves the same Events as core/v1, where flux reads
// them) and shown with the core/v1 fields flux uses.
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { commaList } from '../create-flags.js';
import { CliError } from '../errors.js';
import { FLUX_API_KINDS, fluxKindNamed } from '../flux-kinds.js';
import { fluxLog } from '../flux-log.js';
import { renderFluxTable } from '../flux-table.js';
import { connect } from '../kube.js';
import { renderData } from '../output.js';
import { watchLifetime } from '../watch-until.js';

interface Event extends KubeObject {
  type?: string;
  reason?: string;
  note?: string;
  eventTime?: string;
  deprecatedCount?: number;
  deprecatedFirstTimestamp?: string;
  deprecatedLastTimestamp?: string;
  series?: { count?: number; lastObservedTime?: string };
  regarding?: { kind?: string; name?: string; namespace?: string };
}

const EVENTS = { apiVersion: 'events.k8s.io/v1', kind: 'Event' } as const;

/** Every kind `flux events` shows events of (its fluxKindMap). */
const EVENT_KINDS = [...FLUX_API_KINDS.map((k) => k.kind), 'ArtifactGenerator'];

const time = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);

/** apimachinery's HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function since(iso: string | undefined, now: number): string {
  const t = time(iso);
  return Number.isNaN(t) || t <= 0 ? '<unknown>' : humanDuration(now - t);
}

/** flux's LAST SEEN: age, and `(xN over AGE)` for repeated events. */
function lastSeen(e: Event, now: number): string {
  const first = e.eventTime ? since(e.eventTime, now) : since(e.deprecatedFirstTimestamp, now);
  if (e.series)
    return `${since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.deprecatedCount ?? 0) > 1)
    return `${since(e.deprecatedLastTimestamp, now)} (x${e.deprecatedCount ?? 0} over ${first})`;
  return first;
}

/** The time events are sorted by (kubectl's SortableEvents). */
function sortTime(e: Event): number {
  const t = e.series
    ? time(e.series.lastObservedTime)
    : e.deprecatedLastTimestamp
      ? time(e.deprecatedLastTimestamp)
      : time(e.eventTime);
  return Number.isNaN(t) ? 0 : t;
}

function header(showNamespace: boolean): string[] {
  return [
    ...(showNamespace ? ['Namespace'] : []),
    'Last seen',
    'Type',
    'Reason',
    'Object',
    'Message',
  ];
}

function row(e: Event, showNamespace: boolean, now: number): string[] {
  return [
    ...(showNamespace ? [e.metadata.namespace ?? ''] : []),
    lastSeen(e, now),
    e.type ?? '',
    e.reason ?? '',
    `${e.regarding?.kind ?? ''}/${e.regarding?.name ?? ''}`,
    e.note ?? '',
  ];
}

interface Selection {
  /** Events about this kind (and name) in the command's namespace. */
  readonly kind?: string;
  readonly name?: string;
  /** Events about the object's source, in its namespace. */
  readonly refs: readonly { kind: string; name: string; namespace: string }[];
}

async function selection(
  client: KubeClient,
  ctx: CliContext,
  forSelector: string | undefined,
): Promise<Selection> {
  if (!forSelector) return { refs: [] };
  const parts = forSelector.split('/');
  const [kindWord, name] =
    parts.length === 2 ? [parts[0] ?? '', parts[1] ?? ''] : [forSelector, ''];
  if (kindWord === '') throw new CliError('--for selector must be of format <kind>[/<name>]');
  const kind = EVENT_KINDS.find((k) => k.toLowerCase() === kindWord.toLowerCase());
  if (!kind) throw new CliError(`'${kindWord}' is not a recognized Flux kind`);
  const served = fluxKindNamed(kind);
  const refs: { kind: string; name: string; namespace: string }[] = [];
  if (name && served?.sourceRef) {
    const obj = await client.get({ ...served, namespace: ctx.options.namespace, name });
    const ref = served.sourceRef(obj);
    if (ref) refs.push(ref);
  }
  return { kind, ...(name ? { name } : {}), refs };
}

function selects(e: Event, sel: Selection, types: readonly string[], ctx: CliContext): boolean {
  const kind = e.regarding?.kind ?? '';
  if (!EVENT_KINDS.includes(kind)) return false;
  if (types.length > 0 && !types.some((t) => t.toLowerCase() === (e.type ?? '').toLowerCase()))
    return false;
  if (sel.kind === undefined) return true;
  const inNamespace = ctx.options.allNamespaces || e.metadata.namespace === ctx.options.namespace;
  if (inNamespace && kind === sel.kind && (!sel.name || e.regarding?.name === sel.name))
    return true;
  return sel.refs.some(
    (r) => r.kind === kind && r.name === e.regarding?.name && r.namespace === e.metadata.namespace,
  );
}

interface EventsFlags {
  readonly for?: string;
  readonly types?: string[];
  readonly watch: boolean;
}

async function listEvents(client: KubeClient, ctx: CliContext, sel: Selection): Promise<Event[]> {
  const namespaces = ctx.options.allNamespaces
    ? [undefined]
    : [ctx.options.namespace, ...sel.refs.map((r) => r.namespace)];
  const out: Event[] = [];
  for (const namespace of new Set(namespaces)) {
    out.push(...(await client.list<Event>(EVENTS, namespace ? { namespace } : {})).items);
  }
  return out;
}

async function watchEvents(
  client: KubeClient,
  ctx: CliContext,
  sel: Selection,
  types: readonly string[],
  showNamespace: boolean,
): Promise<void> {
  const lifetime = watchLifetime(ctx.options.timeoutMs);
  let first = true;
  const namespaces = ctx.options.allNamespaces
    ? [undefined]
    : [...new Set([ctx.options.namespace, ...sel.refs.map((r) => r.namespace)])];
  try {
    await Promise.all(
      namespaces.map(async (namespace) => {
        let resourceVersion: string | undefined;
        while (!lifetime.signal.aborted) {
          await client.watch(
            EVENTS,
            {
              ...(namespace ? { namespace } : {}),
              ...(resourceVersion ? { resourceVersion } : {}),
            },
            (ev) => {
              resourceVersion = ev.object.metadata.resourceVersion ?? resourceVersion;
              if (ev.type === 'DELETED' || ev.type === 'BOOKMARK') return;
              const e = ev.object as Event;
              if (!selects(e, sel, types, ctx)) return;
              const head = first ? header(showNamespace) : [];
              first = false;
              ctx.stdout.write(renderFluxTable(head, [row(e, showNamespace, Date.now())]));
            },
            lifetime.signal,
          );
        }
      }),
    );
  } finally {
    lifetime.dispose();
  }
}

export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('display Kubernetes events for Flux resources')
    .option('--for <kind[/name]>', 'get events for a particular object')
    .option(
      '--types <types>',
      'filter events for certain types (valid types are: Normal, Warning)',
      commaList,
    )
    .option('-w, --watch', 'indicate if the events should be streamed', false)
    .action(async (opts: EventsFlags, command: Command) => {
      const ctx = contextFrom(command);
      const types = opts.types ?? [];
      for (const t of types)
        if (!['normal', 'warning'].includes(t.toLowerCase()))
          throw new CliError(`type '${t}' not supported. Supported types are Normal, Warning`);
      const client = await connect(ctx);
      try {
        const sel = await selection(client, ctx, opts.for);
        const showNamespace =
          ctx.options.allNamespaces || sel.refs.some((r) => r.namespace !== ctx.options.namespace);
        if (opts.watch) {
          await watchEvents(client, ctx, sel, types, showNamespace);
          return;
        }
        const events = (await listEvents(client, ctx, sel))
          .filter((e) => selects(e, sel, types, ctx))
          .sort((a, b) => sortTime(a) - sortTime(b));
        if (ctx.options.output !== 'table') {
          ctx.stdout.write(
            renderData({ apiVersion: 'v1', kind: 'List', items: events }, ctx.options.output),
          );
          return;
        }
        if (events.length === 0) {
          fluxLog(ctx).failure(
            ctx.options.allNamespaces
              ? 'No events found.'
              : `No events found in ${ctx.options.namespace} namespace.`,
          );
          return;
        }
        const now = Date.now();
        ctx.stdout.write(
          renderFluxTable(
            header(showNamespace),
            events.map((e) => row(e, showNamespace, now)),
          ),
        );
      } finally {
        client.close();
      }
    });
}
