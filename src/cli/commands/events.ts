// `flotilla events [--for Kind/name]`: Kubernetes events (events.k8s.io/v1) of a namespace, oldest first.
import type { Command } from 'commander';
import type { KubeObject } from '../../kube/index.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { connect } from '../kube.js';
import { renderData, renderTable } from '../output.js';

interface Event extends KubeObject {
  type?: string;
  reason?: string;
  note?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedLastTimestamp?: string;
  regarding?: { kind?: string; name?: string; namespace?: string };
}

function lastSeen(e: Event): string {
  return (
    e.series?.lastObservedTime ??
    e.eventTime ??
    e.deprecatedLastTimestamp ??
    e.metadata.creationTimestamp ??
    ''
  );
}

function age(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '<unknown>';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description('show events (events.k8s.io/v1) of a namespace, oldest first')
    .option('--for <kind/name>', 'only events about this object, e.g. Kustomization/apps')
    .action(async (opts: { for?: string }, command: Command) => {
      const ctx = contextFrom(command);
      let filter: { kind: string; name: string } | undefined;
      if (opts.for) {
        const [kind, name, extra] = opts.for.split('/');
        if (!kind || !name || extra !== undefined)
          throw new CliError(`--for: expected Kind/name, got '${opts.for}'`);
        filter = { kind, name };
      }
      const client = await connect(ctx);
      try {
        const list = await client.list<Event>(
          { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
          ctx.options.allNamespaces ? {} : { namespace: ctx.options.namespace },
        );
        const events = list.items
          .filter(
            (e) =>
              !filter ||
              (e.regarding?.kind?.toLowerCase() === filter.kind.toLowerCase() &&
                e.regarding.name === filter.name),
          )
          .sort((a, b) => lastSeen(a).localeCompare(lastSeen(b)));
        if (ctx.options.output !== 'table') {
          ctx.stdout.write(
            renderData({ apiVersion: 'v1', kind: 'List', items: events }, ctx.options.output),
          );
          return;
        }
        if (events.length === 0) {
          ctx.stderr.write('no events found\n');
          return;
        }
        ctx.stdout.write(
          renderTable(events, [
            ...(ctx.options.allNamespaces
              ? [{ header: 'namespace', value: (e: Event) => e.metadata.namespace ?? '' }]
              : []),
            { header: 'last seen', value: (e) => age(lastSeen(e)) },
            { header: 'type', value: (e) => e.type ?? '' },
            { header: 'reason', value: (e) => e.reason ?? '' },
            {
              header: 'object',
              value: (e) => `${e.regarding?.kind ?? ''}/${e.regarding?.name ?? ''}`,
            },
            { header: 'message', value: (e) => (e.note ?? '').replaceAll('\n', ' ') },
          ]),
        );
      } finally {
        client.close();
      }
    });
}
