// `flotilla logs [--kind K] [--name N] [--level L] [-f] [--tail N] [--since D]`: the controller's
// log lines in `flux logs`'s format (`TIME LEVEL Kind/name.namespace - message error`), filtered
// by the object they are about. Where they come from:
// - installed in the cluster: the controller pod's log, read through the API
//   (pods/log, container `controller`) of the Deployment `install` created in --flux-namespace;
// - running outside it (`flotilla controller --log-file F`, `flotilla up`, which writes
//   .flotilla/controller.log): that file, with --log-file F; --follow waits for new lines.
import { createReadStream, statSync, watch } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../../core/index.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { FLUX_KINDS } from '../flux-kinds.js';
import { connect } from '../kube.js';
import { PART_OF, PART_OF_LABEL } from './install.js';

interface LogsFlags {
  readonly kind?: string;
  readonly name?: string;
  readonly level?: string;
  readonly follow: boolean;
  readonly tail?: string;
  readonly since?: string;
  readonly sinceTime?: string;
  readonly fluxNamespace: string;
  readonly logFile?: string;
}

/** One log line as flux's ControllerLogEntry has it. */
export interface LogEntry {
  readonly ts: string;
  readonly level: string;
  readonly msg: string;
  readonly error: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const LEVELS = ['debug', 'info', 'warn', 'error'];

/**
 * A controller log line (pino JSON) as a log entry: the kind from the reconciler's `controller`
 * field, the object from a `namespace/name` field named after the kind (`kustomization`,
 * `gitrepository`), `object` or `key`, else from `name` with `namespace`. Undefined for a line that is not JSON.
 */
export function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const controller = str(j['controller']);
  const kind =
    FLUX_KINDS.find((k) => k.kind.toLowerCase() === controller.toLowerCase())?.kind ??
    (str(j['kind']) || controller);
  // pino's own `name` is the logger's name ("flotilla"): an object's name counts only with
  // its namespace beside it.
  let name = j['namespace'] === undefined ? '' : str(j['name']);
  let namespace = str(j['namespace']);
  const ref = [kind.toLowerCase(), controller, 'object', 'key']
    .map((f) => str(j[f]))
    .find((v) => v.includes('/'));
  if (ref) {
    const slash = ref.indexOf('/');
    namespace = ref.slice(0, slash);
    name = ref.slice(slash + 1);
  }
  const err = j['err'];
  const error =
    typeof err === 'string'
      ? err
      : err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string'
        ? (err as { message: string }).message
        : str(j['error']);
  const time = j['time'];
  return {
    ts: typeof time === 'number' ? new Date(time).toISOString() : str(time),
    level:
      typeof j['level'] === 'number'
        ? (PINO_LEVELS[j['level']] ?? String(j['level']))
        : str(j['level']),
    msg: str(j['msg']),
    error,
    kind,
    name,
    namespace,
  };
}

/** flux's line format. */
export function formatLogEntry(e: LogEntry): string {
  return `${e.ts} ${e.level} ${e.kind}${e.name ? `/${e.name}.${e.namespace}` : ''} - ${e.msg} ${e.error}\n`;
}

function matches(e: LogEntry, flags: LogsFlags, ctx: CliContext): boolean {
  return (
    (!flags.level || flags.level === e.level) &&
    (!flags.kind || flags.kind.toLowerCase() === e.kind.toLowerCase()) &&
    (!flags.name || flags.name.toLowerCase() === e.name.toLowerCase()) &&
    (ctx.options.allNamespaces || ctx.options.namespace.toLowerCase() === e.namespace.toLowerCase())
  );
}

/** Prints the matching lines of a stream of controller log lines. */
async function printLines(
  ctx: CliContext,
  input: Readable,
  flags: LogsFlags,
  since: number,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    const e = parseLogLine(line);
    if (!e || !matches(e, flags, ctx)) continue;
    if (since > 0 && Date.parse(e.ts) < since) continue;
    ctx.stdout.write(formatLogEntry(e));
  }
}

/** The pod of each controller Deployment to read (a ready, running one first, then the newest). */
async function controllerPods(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  const deployments = (
    await client.list(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace, labelSelector: `${PART_OF_LABEL}=${PART_OF}` },
    )
  ).items;
  const pods: KubeObject[] = [];
  for (const d of deployments) {
    const labels =
      (d['spec'] as { template?: { metadata?: { labels?: Record<string, string> } } }).template
        ?.metadata?.labels ?? {};
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const list = (
      await client.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace, labelSelector: selector })
    ).items;
    const score = (p: KubeObject) => {
      const st = p['status'] as
        { phase?: string; conditions?: { type: string; status: string }[] } | undefined;
      const ready = st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 2 : 0;
      return ready + (st?.phase === 'Running' ? 1 : 0);
    };
    list.sort(
      (a, b) =>
        score(b) - score(a) ||
        (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
    );
    if (list[0]) pods.push(list[0]);
  }
  if (pods.length === 0)
    throw new CliError(
      `no Flotilla pods found in namespace "${namespace}" (for a controller running outside the cluster, read its log file with --log-file, e.g. .flotilla/controller.log for flotilla up)`,
    );
  return pods;
}

async function clusterLogs(ctx: CliContext, flags: LogsFlags): Promise<void> {
  const client = await connect(ctx);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const pods = await controllerPods(client, flags.fluxNamespace);
    await Promise.all(
      pods.map(async (pod) => {
        const containers =
          (pod['spec'] as { containers?: unknown[] } | undefined)?.containers ?? [];
        const stream = await client.transport.stream(
          {
            method: 'GET',
            path: `/api/v1/namespaces/${encodeURIComponent(flags.fluxNamespace)}/pods/${encodeURIComponent(pod.metadata.name ?? '')}/log`,
            query: {
              ...(containers.length > 1 ? { container: 'controller' } : {}),
              ...(flags.follow ? { follow: 'true' } : {}),
              ...(flags.tail !== undefined ? { tailLines: flags.tail } : {}),
              ...(flags.since
                ? { sinceSeconds: Math.round(parseDuration(flags.since, '--since') / 1000) }
                : {}),
              ...(flags.sinceTime ? { sinceTime: flags.sinceTime } : {}),
            },
          },
          abort.signal,
        );
        await printLines(ctx, stream, flags, 0).catch((err: unknown) => {
          if (!abort.signal.aborted) throw err;
        });
      }),
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    client.close();
  }
}

/** The last `n` lines' start offset in a file (for --tail on a log file). */
async function tailOffset(path: string, n: number): Promise<number> {
  if (n < 0) return 0;
  const offsets: number[] = [];
  let pos = 0;
  for await (const chunk of createReadStream(path)) {
    const b = chunk as Buffer;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) offsets.push(pos + i + 1);
    pos += b.length;
  }
  const starts = [0, ...offsets.filter((o) => o < pos)];
  return starts[Math.max(0, starts.length - n)] ?? 0;
}

async function fileLogs(ctx: CliContext, path: string, flags: LogsFlags): Promise<void> {
  try {
    statSync(path);
  } catch {
    throw new CliError(`--log-file: cannot read '${path}'`);
  }
  const since = flags.sinceTime
    ? Date.parse(flags.sinceTime)
    : flags.since
      ? Date.now() - parseDuration(flags.since, '--since')
      : 0;
  let offset = await tailOffset(path, flags.tail === undefined ? -1 : Number(flags.tail));
  const readFrom = async (start: number): Promise<number> => {
    const size = statSync(path).size;
    if (size < start) start = 0; // truncated or replaced: read it again from the start
    if (size === start) return start;
    await printLines(ctx, createReadStream(path, { start, end: size - 1 }), flags, since);
    return size;
  };
  offset = await readFrom(offset);
  if (!flags.follow) return;
  await new Promise<void>((done) => {
    let busy = Promise.resolve();
    const watcher = watch(path, () => {
      busy = busy.then(async () => {
        offset = await readFrom(offset);
      });
    });
    const timer = setInterval(() => watcher.emit('change'), 1000);
    const stop = () => {
      watcher.close();
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void busy.then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("display formatted logs of Flotilla's controller")
    .option('--kind <kind>', 'displays logs of a particular toolkit kind e.g GitRepository')
    .option('--name <name>', 'specifies the name of the object logs to be displayed')
    .option('--level <level>', `log level, available options are: (${LEVELS.join(', ')})`)
    .option('-f, --follow', 'specifies if the logs should be streamed', false)
    .option('--tail <lines>', 'lines of recent log file to display')
    .option(
      '--since <duration>',
      'only return logs newer than a relative duration like 5s, 2m, or 3h',
    )
    .option('--since-time <time>', 'only return logs after a specific date (RFC3339)')
    .option(
      '--flux-namespace <namespace>',
      'the namespace where the controller runs',
      'flux-system',
    )
    .option(
      '--log-file <file>',
      'read the log file of a controller running outside the cluster (flotilla controller --log-file, .flotilla/controller.log of flotilla up)',
    )
    .action(async (flags: LogsFlags, command: Command) => {
      const ctx = contextFrom(command);
      if (flags.level && !LEVELS.includes(flags.level))
        throw new CliError(
          `unsupported log level '${flags.level}', must be one of: ${LEVELS.join(', ')}`,
        );
      if (flags.since && flags.sinceTime)
        throw new CliError('at most one of `sinceTime` or `sinceDuration` may be specified');
      if (flags.sinceTime && Number.isNaN(Date.parse(flags.sinceTime)))
        throw new CliError(`${flags.sinceTime} is not a valid (RFC3339) time`);
      if (flags.since) formatDuration(parseDuration(flags.since, '--since'));
      if (flags.tail !== undefined && !/^-?\d+$/.test(flags.tail))
        throw new CliError(`invalid argument "${flags.tail}" for "--tail" flag`);
      if (flags.logFile) await fileLogs(ctx, flags.logFile, flags);
      else await clusterLogs(ctx, flags);
    });
}
