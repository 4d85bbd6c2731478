// `flotilla reconcile`, `suspend` and `resume` for sources and Kustomizations, as `flux` does them:
// annotate reconcile.fluxcd.io/requestedAt, then wait (with progress) until the controller has
// handled that request, and report the revision or the failure.
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { Annotation, parseDuration } from '../../core/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { commandNameOf, connect, FluxKinds, type FluxKind } from '../kube.js';
import { paint } from '../style.js';

interface FluxObject extends KubeObject {
  spec?: { suspend?: boolean; sourceRef?: { kind: string; name: string; namespace?: string } };
  status?: {
    lastHandledReconcileAt?: string;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    artifact?: { revision?: string };
    lastAppliedRevision?: string;
  };
}

const step = (ctx: CliContext, s: string) =>
  ctx.stdout.write(`${paint(ctx.stdout, 'cyan', '►')} ${s}\n`);
const ok = (ctx: CliContext, s: string) =>
  ctx.stdout.write(`${paint(ctx.stdout, 'green', '✔')} ${s}\n`);
const wait = (ctx: CliContext, s: string) =>
  ctx.stdout.write(`${paint(ctx.stdout, 'cyan', '◎')} ${s}\n`);

async function getObject(
  client: KubeClient,
  kind: FluxKind,
  namespace: string,
  name: string,
): Promise<FluxObject> {
  const obj = await client.getOrUndefined<FluxObject>({ ...kind, namespace, name });
  if (!obj) throw new CliError(`${kind.kind} '${namespace}/${name}' not found`);
  return obj;
}

/** Requests a reconcile and waits until it was handled; returns the object afterwards. */
export async function reconcileAndWait(
  ctx: CliContext,
  client: KubeClient,
  kind: FluxKind,
  name: string,
  timeoutMs: number,
): Promise<FluxObject> {
  const ns = ctx.options.namespace;
  const obj = await getObject(client, kind, ns, name);
  if (obj.spec?.suspend)
    throw new CliError(
      `${kind.kind} '${ns}/${name}' is suspended; run 'flotilla resume ${commandNameOf(kind)} ${name}' first`,
    );
  step(ctx, `annotating ${kind.kind} ${name} in ${ns} namespace`);
  const requestedAt = new Date().toISOString();
  await client.patch({ ...kind, namespace: ns, name }, 'merge', {
    metadata: { annotations: { [Annotation.ReconcileRequestedAt]: requestedAt } },
  });
  ok(ctx, `${kind.kind} annotated`);
  wait(ctx, `waiting for ${kind.kind} reconciliation`);
  const deadline = Date.now() + timeoutMs;
  let lastMessage = '';
  for (;;) {
    const cur = await getObject(client, kind, ns, name);
    const conds = cur.status?.conditions ?? [];
    const ready = conds.find((c) => c.type === 'Ready');
    const reconciling = conds.find((c) => c.type === 'Reconciling' && c.status === 'True');
    const progress = reconciling?.message ?? '';
    if (progress && progress !== lastMessage) {
      ctx.stdout.write(`  ${progress}\n`);
      lastMessage = progress;
    }
    // Done: applied at this generation, or failed (then Reconciling says it will be retried,
    // and observedGeneration stays at the last generation that succeeded, as in Flux).
    const attempted = cur.status?.lastHandledReconcileAt === requestedAt && ready !== undefined;
    const handled =
      attempted &&
      (ready.status === 'False'
        ? !reconciling || reconciling.reason === 'ProgressingWithRetry'
        : ready.status === 'True' &&
          !reconciling &&
          cur.status?.observedGeneration === cur.metadata.generation);
    if (handled) {
      if (ready.status === 'False') {
        throw new CliError(
          `${kind.kind} reconciliation failed: ${ready.message ?? ready.reason ?? 'unknown reason'}`,
        );
      }
      return cur;
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `timed out after ${timeoutMs / 1000}s waiting for ${kind.kind} '${ns}/${name}' to be reconciled${ready?.message ? ` (last status: ${ready.message})` : ''}; is the controller running?`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function revisionLine(kind: FluxKind, obj: FluxObject): string {
  return kind.kind === 'Kustomization'
    ? `applied revision ${obj.status?.lastAppliedRevision ?? ''}`
    : `fetched revision ${obj.status?.artifact?.revision ?? ''}`;
}

function kindFor(word: string): FluxKind {
  if (word === 'ks' || word === 'kustomization' || word === 'kustomizations')
    return FluxKinds.kustomization;
  throw new CliError(`unknown kind '${word}'`);
}

type Verb = 'reconcile' | 'suspend' | 'resume';

async function run(
  verb: Verb,
  kind: FluxKind,
  name: string,
  opts: { timeout: string; withSource?: boolean },
  command: Command,
) {
  const ctx = contextFrom(command);
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const client = await connect(ctx);
  try {
    const ns = ctx.options.namespace;
    if (verb === 'suspend' || verb === 'resume') {
      await getObject(client, kind, ns, name);
      step(
        ctx,
        `${verb === 'suspend' ? 'suspending' : 'resuming'} ${kind.kind} ${name} in ${ns} namespace`,
      );
      await client.patch({ ...kind, namespace: ns, name }, 'merge', {
        spec: { suspend: verb === 'suspend' },
      });
      ok(ctx, `${kind.kind} ${verb === 'suspend' ? 'suspended' : 'resumed'}`);
      if (verb === 'suspend') return;
    }
    if (opts.withSource && kind.kind === 'Kustomization') {
      const ks = await getObject(client, kind, ns, name);
      const ref = ks.spec?.sourceRef;
      const sourceKind = ref?.kind === 'Bucket' ? FluxKinds.bucket : FluxKinds.git;
      if (ref) {
        const sourceCtx = { ...ctx, options: { ...ctx.options, namespace: ref.namespace ?? ns } };
        const src = await reconcileAndWait(sourceCtx, client, sourceKind, ref.name, timeoutMs);
        ok(ctx, revisionLine(sourceKind, src));
      }
    }
    const done = await reconcileAndWait(ctx, client, kind, name, timeoutMs);
    ok(ctx, revisionLine(kind, done));
  } finally {
    client.close();
  }
}

export function registerReconcileCommands(program: Command): void {
  for (const verb of ['reconcile', 'suspend', 'resume'] as const) {
    const description = {
      reconcile: 'reconcile a source or Kustomization now and wait for the result',
      suspend: 'suspend reconciliation of a source or Kustomization',
      resume: 'resume reconciliation of a source or Kustomization and wait for the result',
    }[verb];
    const group = program.command(verb).description(description);
    const ks = group
      .command('kustomization <name>')
      .alias('ks')
      .description(`${verb} a Kustomization`)
      .option('--timeout <duration>', 'how long to wait', '5m');
    if (verb === 'reconcile') ks.option('--with-source', 'reconcile its source first', false);
    ks.action((name: string, opts: { timeout: string; withSource?: boolean }, command: Command) =>
      run(verb, kindFor('ks'), name, opts, command),
    );
    const source = group.command('source').description(`${verb} a source`);
    for (const [word, kind] of [
      ['git', FluxKinds.git],
      ['bucket', FluxKinds.bucket],
    ] as const) {
      source
        .command(`${word} <name>`)
        .description(`${verb} a ${kind.kind}`)
        .option('--timeout <duration>', 'how long to wait', '5m')
        .action((name: string, opts: { timeout: string }, command: Command) =>
          run(verb, kind, name, opts, command),
        );
    }
  }
}
