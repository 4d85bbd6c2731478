// `flotilla trace <resource> <name>…` (or `<resource>/<name>…`, or NAME --kind K --api-version V):
// which Kustomization manages an object (its owner labels, or an owner's), from which source and
// revision, and how their last reconciles went — the report of `flux trace` byte for byte
// (Bucket sources, which flux's report leaves out, get a section of the same shape).
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { parseApiVersion } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { KustomizationKind, fluxKindNamed, type FluxKind } from '../flux-kinds.js';
import { conditionOf } from '../flux-wait.js';
import { connect } from '../kube.js';

const KS_GROUP = 'kustomize.toolkit.fluxcd.io';

interface Target {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespaced: boolean;
}

/** The objects named on the command line, resolved as kubectl resolves resource names. */
async function resolveTargets(
  client: KubeClient,
  args: readonly string[],
  flags: { kind?: string; apiVersion?: string },
): Promise<Target[]> {
  if (flags.kind || flags.apiVersion) {
    if (args.length < 1) throw new CliError('object name is required');
    if (!flags.kind) throw new CliError('object kind is required (--kind)');
    if (!flags.apiVersion) throw new CliError('object apiVersion is required (--api-version)');
    const gv = parseApiVersion(flags.apiVersion);
    const res = await client.discovery.tryResourceFor({ ...gv, kind: flags.kind });
    return [
      {
        apiVersion: flags.apiVersion,
        kind: res?.kind ?? flags.kind,
        name: args[0] ?? '',
        namespaced: res?.namespaced ?? true,
      },
    ];
  }
  const usage = new CliError(
    'either `<resource>/<name>` or `<resource> <name>` is required as an argument',
  );
  const pairs: [string, string][] = [];
  if (args.some((a) => a.includes('/'))) {
    for (const a of args) {
      const [type, name, extra] = a.split('/');
      if (!type || !name || extra !== undefined) throw usage;
      pairs.push([type, name]);
    }
  } else {
    const [type, ...names] = args;
    if (!type || names.length === 0) throw usage;
    for (const n of names) pairs.push([type, n]);
  }
  const out: Target[] = [];
  for (const [type, name] of pairs) {
    const res = await client.discovery.resourceByName(type);
    if (!res) throw new CliError(`the server doesn't have a resource type "${type}"`);
    out.push({
      apiVersion: res.group ? `${res.group}/${res.version}` : res.version,
      kind: res.kind,
      name,
      namespaced: res.namespaced,
    });
  }
  return out;
}

/** The Kustomization named by the object's owner labels, or by an owner's (recursively). */
async function managingKustomization(
  client: KubeClient,
  obj: KubeObject,
): Promise<{ name: string; namespace: string } | undefined> {
  const labels = obj.metadata.labels ?? {};
  const name = labels[`${KS_GROUP}/name`];
  if (name) return { name, namespace: labels[`${KS_GROUP}/namespace`] ?? '' };
  for (const ref of (obj.metadata.ownerReferences ?? []) as {
    apiVersion?: string;
    kind?: string;
    name?: string;
  }[]) {
    const owner = await client
      .getOrUndefined({
        apiVersion: ref.apiVersion ?? '',
        kind: ref.kind ?? '',
        name: ref.name ?? '',
        namespace: obj.metadata.namespace,
      })
      .catch(() => undefined);
    if (!owner) return undefined;
    const found = await managingKustomization(client, owner);
    if (found) return found;
    if ((owner.metadata.ownerReferences ?? []).length > 0) return undefined;
  }
  return undefined;
}

/** Go's time.Time.String() of an RFC 3339 time in the local zone (`2024-01-02 03:04:05 +0000 UTC`). */
export function goTimeString(iso: string | undefined): string {
  if (!iso) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())}`;
  const clock = `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}`;
  const sign = off < 0 ? '-' : '+';
  const zone =
    off === 0
      ? 'UTC'
      : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
          .formatToParts(d)
          .find((x) => x.type === 'timeZoneName')?.value ?? '');
  return `${date} ${clock} ${sign}${p(Math.trunc(Math.abs(off) / 60))}${p(Math.abs(off) % 60)} ${zone}`;
}

type Spec = Record<string, unknown>;
/** A spec field as text (empty when absent or not a string). */
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const specOf = (o: KubeObject) => (o['spec'] as Spec | undefined) ?? {};
const statusOf = (o: KubeObject) =>
  (o['status'] as { artifact?: { revision?: string }; lastAppliedRevision?: string } | undefined) ??
  {};

function statusLines(obj: KubeObject, pad: string, showFailure: boolean): string {
  const ready = conditionOf(obj, 'Ready') as
    { status: string; message?: string; lastTransitionTime?: string } | undefined;
  if (!ready) return `\nStatus:${pad}Unknown`;
  const at = goTimeString(ready.lastTransitionTime);
  const status =
    showFailure && ready.status === 'False'
      ? `Last reconciliation failed at ${at}`
      : `Last reconciled at ${at}`;
  return `\nStatus:${pad}${status}\nMessage:${pad.slice(1)}${ready.message ?? ''}`;
}

/** The source section: GitRepository as flux prints it, Bucket in the same shape. */
function sourceSection(source: KubeObject): string {
  const spec = specOf(source);
  const revision = statusOf(source).artifact?.revision;
  let out = `\n---\n${source.kind}:`.padEnd(`\n---\n`.length + 17, ' ');
  out += `${source.metadata.name ?? ''}\nNamespace:       ${source.metadata.namespace ?? ''}`;
  if (source.kind === 'GitRepository') {
    out += `\nURL:             ${text(spec['url'])}`;
    const ref = spec['ref'] as { tag?: string; semver?: string; branch?: string } | undefined;
    if (ref?.tag) out += `\nTag:             ${ref.tag}`;
    else if (ref?.semver) out += `\nTag:             ${ref.semver}`;
    else if (ref?.branch) out += `\nBranch:          ${ref.branch}`;
  } else {
    out += `\nEndpoint:        ${text(spec['endpoint'])}`;
    out += `\nBucket name:     ${text(spec['bucketName'])}`;
  }
  if (revision) out += `\nRevision:        ${revision}`;
  return out + statusLines(source, '          ', true);
}

/** flux's trace report for an object managed by a Kustomization. */
async function kustomizationReport(
  client: KubeClient,
  obj: KubeObject,
  ref: { name: string; namespace: string },
): Promise<string> {
  let ks: KubeObject;
  try {
    ks = await client.get({ ...KustomizationKind, ...ref });
  } catch (err) {
    throw new Error(
      `failed to find kustomization: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const spec = specOf(ks);
  let out = `\nObject:          ${obj.kind}/${obj.metadata.name ?? ''}`;
  if (obj.metadata.namespace) out += `\nNamespace:       ${obj.metadata.namespace}`;
  out += '\nStatus:          Managed by Flux';
  out += `\n---\nKustomization:   ${ks.metadata.name ?? ''}\nNamespace:       ${ks.metadata.namespace ?? ''}`;
  if (spec['targetNamespace']) out += `\nTarget:          ${text(spec['targetNamespace'])}`;
  out += `\nPath:            ${text(spec['path'])}`;
  out += `\nRevision:        ${statusOf(ks).lastAppliedRevision ?? ''}`;
  out += statusLines(ks, '          ', false);
  const sourceRef = KustomizationKind.sourceRef?.(ks);
  const sourceKind: FluxKind | undefined = sourceRef ? fluxKindNamed(sourceRef.kind) : undefined;
  if (sourceRef && sourceKind) {
    let source: KubeObject;
    try {
      source = await client.get({
        ...sourceKind,
        namespace: sourceRef.namespace,
        name: sourceRef.name,
      });
    } catch (err) {
      throw new Error(
        `failed to find ${sourceRef.kind}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    out += sourceSection(source);
  }
  return `${out}\n`;
}

async function trace(
  ctx: CliContext,
  args: string[],
  flags: { kind?: string; apiVersion?: string },
): Promise<void> {
  const client = await connect(ctx);
  try {
    const targets = await resolveTargets(client, args, flags);
    for (const [i, t] of targets.entries()) {
      let obj: KubeObject;
      try {
        obj = await client.get({
          apiVersion: t.apiVersion,
          kind: t.kind,
          name: t.name,
          ...(t.namespaced ? { namespace: ctx.options.namespace } : {}),
        });
      } catch (err) {
        const status = (err as { status?: { message?: string } }).status?.message;
        // flux 2.9 words it so: `failed to find object:` with --kind, a literal `x:` without.
        throw new CliError(
          `${flags.kind ? 'failed to find object' : 'x'}: ${status ?? String(err)}`,
        );
      }
      try {
        const ks = await managingKustomization(client, obj);
        if (!ks) throw new Error('object not managed by Flux');
        ctx.stdout.write(await kustomizationReport(client, obj, ks));
      } catch (err) {
        ctx.stderr.write(
          `failed to trace ${obj.kind}/${obj.metadata.name ?? ''} in namespace ${obj.metadata.namespace ?? ''}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
      if (i < targets.length - 1) ctx.stdout.write('---\n');
    }
  } finally {
    client.close();
  }
}

export function registerTraceCommand(program: Command): void {
  program
    .command('trace')
    .argument('<args...>', '<resource> <name> [<name> ...], or <resource>/<name> ...')
    .description('trace in-cluster objects throughout the GitOps delivery pipeline')
    .option('--kind <kind>', "the Kubernetes object kind, e.g. Deployment'")
    .option('--api-version <version>', "the Kubernetes object API version, e.g. 'apps/v1'")
    .action((args: string[], flags: { kind?: string; apiVersion?: string }, command: Command) =>
      trace(contextFrom(command), args, flags),
    );
}
