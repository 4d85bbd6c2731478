// `flotilla reconcile`, `suspend` and `resume` for every kind in the kinds table, as `flux` does
// them: reconcile annotates reconcile.fluxcd.io/requestedAt and waits until the controller has
// handled that request; suspend and resume patch spec.suspend (one object, several, or --all in
// the namespace), resume then waits for the object's new generation. A reported failure ends the
// wait at once (see flux-wait.ts).
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { FLUX_KINDS, fluxKindNamed, type FluxKind } from '../flux-kinds.js';
import { fluxLog } from '../flux-log.js';
import {
  ReconcileFailedError,
  getFluxObject,
  requestReconcile,
  waitForReconcile,
} from '../flux-wait.js';
import { connect } from '../kube.js';
import { verbKindCommand } from '../kind-commands.js';

const suspended = (obj: KubeObject) =>
  (obj['spec'] as { suspend?: boolean } | undefined)?.suspend === true;

/** Annotates the object and waits for the reconcile that handles the request; flux's lines. */
export async function reconcileObject(
  ctx: CliContext,
  client: KubeClient,
  kind: FluxKind,
  namespace: string,
  name: string,
): Promise<KubeObject> {
  const log = fluxLog(ctx);
  const obj = await getFluxObject(client, kind, namespace, name);
  if (suspended(obj)) throw new CliError('resource is suspended');
  log.action(`annotating ${kind.kind} ${name} in ${namespace} namespace`);
  const requestedAt = await requestReconcile(client, kind, namespace, name);
  log.success(`${kind.kind} annotated`);
  log.waiting(`waiting for ${kind.kind} reconciliation`);
  return waitForReconcile(client, kind, namespace, name, {
    timeoutMs: ctx.options.timeoutMs,
    requestedAt,
  });
}

async function reconcile(
  ctx: CliContext,
  kind: FluxKind,
  name: string,
  withSource: boolean,
): Promise<void> {
  const ns = ctx.options.namespace;
  const client = await connect(ctx);
  try {
    if (withSource) {
      const obj = await getFluxObject(client, kind, ns, name);
      if (suspended(obj)) throw new CliError('resource is suspended');
      const ref = kind.sourceRef?.(obj);
      if (ref) {
        const sourceKind = fluxKindNamed(ref.kind);
        if (!sourceKind) throw new CliError(`cannot reconcile source of kind ${ref.kind}`);
        const src = await reconcileObject(ctx, client, sourceKind, ref.namespace, ref.name);
        fluxLog(ctx).success(sourceKind.successMessage(src));
      }
    }
    const done = await reconcileObject(ctx, client, kind, ns, name);
    fluxLog(ctx).success(kind.successMessage(done));
  } finally {
    client.close();
  }
}

/** The objects named (each once), or all in the namespace with --all; flux's messages for none. */
async function targets(
  ctx: CliContext,
  client: KubeClient,
  kind: FluxKind,
  names: readonly string[],
  all: boolean,
): Promise<{ found: KubeObject[]; missing: string[] }> {
  const namespace = ctx.options.namespace;
  if (names.length === 0) {
    if (!all) throw new CliError(`${kind.humanKind} name is required`);
    return { found: (await client.list(kind, { namespace })).items, missing: [] };
  }
  const found: KubeObject[] = [];
  const missing: string[] = [];
  for (const name of new Set(names)) {
    const obj = await client.getOrUndefined({ ...kind, namespace, name });
    if (obj) found.push(obj);
    else missing.push(name);
  }
  return { found, missing };
}

async function setSuspend(
  client: KubeClient,
  kind: FluxKind,
  obj: KubeObject,
  suspend: boolean,
): Promise<void> {
  await client.patch(
    { ...kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' },
    'merge',
    { spec: { suspend } },
  );
}

async function suspendCmd(
  ctx: CliContext,
  kind: FluxKind,
  names: string[],
  all: boolean,
): Promise<void> {
  const log = fluxLog(ctx);
  const ns = ctx.options.namespace;
  const client = await connect(ctx);
  try {
    const { found, missing } = await targets(ctx, client, kind, names, all);
    if (names.length === 0 && found.length === 0) throw new CliError('no objects found');
    for (const name of missing) log.failure(`${kind.kind} ${name} not found in ${ns} namespace`);
    for (const obj of found) {
      log.action(`suspending ${kind.humanKind} ${obj.metadata.name ?? ''} in ${ns} namespace`);
      await setSuspend(client, kind, obj, true);
      log.success(`${kind.humanKind} suspended`);
    }
  } finally {
    client.close();
  }
}

async function resumeCmd(
  ctx: CliContext,
  kind: FluxKind,
  names: string[],
  opts: { all: boolean; wait?: boolean },
): Promise<void> {
  const log = fluxLog(ctx);
  const ns = ctx.options.namespace;
  // As flux: one named object is waited for unless --wait=false; several only with --wait.
  const shouldWait = opts.wait ?? names.length === 1;
  const client = await connect(ctx);
  try {
    const { found, missing } = await targets(ctx, client, kind, names, opts.all);
    if (names.length === 0 && found.length === 0)
      log.failure(`no ${kind.kind} objects found in ${ns} namespace`);
    for (const name of missing)
      log.failure(`${kind.kind} object '${name}' not found in ${ns} namespace`);
    for (const obj of found) {
      log.action(`resuming ${kind.humanKind} ${obj.metadata.name ?? ''} in ${ns} namespace`);
      await setSuspend(client, kind, obj, false);
      log.success(`${kind.humanKind} resumed`);
    }
    if (!shouldWait) return;
    const results = await Promise.all(
      found.map(async (obj) => {
        const name = obj.metadata.name ?? '';
        log.waiting(`waiting for ${kind.kind} reconciliation`);
        try {
          const done = await waitForReconcile(client, kind, ns, name, {
            timeoutMs: ctx.options.timeoutMs,
          });
          return { name, done };
        } catch (err) {
          const error =
            err instanceof ReconcileFailedError
              ? err.detail
              : err instanceof Error
                ? err.message
                : String(err);
          return { name, error };
        }
      }),
    );
    let failed = 0;
    for (const r of results.sort((a, b) => a.name.localeCompare(b.name))) {
      if ('error' in r) {
        failed++;
        log.failure(`${kind.kind} ${r.name} reconciliation failed: ${r.error ?? ''}`);
      } else {
        log.success(`${kind.kind} ${r.name} reconciliation completed`);
        log.success(kind.successMessage(r.done));
      }
    }
    if (failed > 0) throw new CliError(`reconciliation failed for ${failed} ${kind.kind}(s)`);
  } finally {
    client.close();
  }
}

export function registerReconcileCommands(program: Command): void {
  const reconcileGroup = program
    .command('reconcile')
    .description('reconcile sources and resources now and wait for the result');
  const suspendGroup = program
    .command('suspend')
    .description('suspend the reconciliation of sources and resources')
    .option('--all', 'suspend all resources in that namespace', false);
  const resumeGroup = program
    .command('resume')
    .description('resume suspended sources and resources and wait for the result')
    .option('--all', 'resume all resources in that namespace', false)
    .option('--wait', 'wait for each resource to reconcile (default: when one is named)')
    .option('--no-wait', 'do not wait for the resources to reconcile');
  const group = (verb: string) => (word: string) => `${verb} ${word}s`;
  for (const kind of FLUX_KINDS) {
    const rec = verbKindCommand(reconcileGroup, kind, '<name>', group('reconcile')).description(
      `trigger a reconciliation of a ${kind.kind} and wait for it`,
    );
    if (kind.sourceRef) rec.option('--with-source', 'reconcile its source first', false);
    rec.action((name: string, opts: { withSource?: boolean }, command: Command) =>
      reconcile(contextFrom(command), kind, name, opts.withSource === true),
    );
    verbKindCommand(suspendGroup, kind, '[names...]', group('suspend'))
      .description(`suspend reconciliation of ${kind.kind} objects`)
      .option('--all', 'suspend all resources in that namespace', false)
      .action((names: string[], opts: { all: boolean }, command: Command) =>
        suspendCmd(contextFrom(command), kind, names, opts.all || allFlag(command)),
      );
    verbKindCommand(resumeGroup, kind, '[names...]', group('resume'))
      .description(`resume suspended ${kind.kind} objects`)
      .option('--all', 'resume all resources in that namespace', false)
      .action((names: string[], opts: { all: boolean }, command: Command) => {
        const flags = command.optsWithGlobals<{ wait?: boolean; all?: boolean }>();
        return resumeCmd(contextFrom(command), kind, names, {
          all: opts.all || flags.all === true,
          ...(flags.wait === undefined ? {} : { wait: flags.wait }),
        });
      });
  }
}

/** `--all` given before the kind (`suspend --all ks`). */
function allFlag(command: Command): boolean {
  return command.optsWithGlobals<{ all?: boolean }>().all === true;
}
