// `flotilla create source git` and `create kustomization|ks`, as `flux create` does them:
// --export prints the object exactly as flux does; otherwise the object is created or updated,
// a reconcile is requested, and the command waits for it — ending at once, with the reported
// error and exit 1, when the reconcile fails. `create secret …` and `create tenant` are in their
// own modules.
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import { contextFrom, type CliContext } from '../context.js';
import {
  addCreateFlags,
  commaList,
  goDuration,
  parseLabels,
  validateObjectName,
  type CreateFlags,
} from '../create-flags.js';
import { CliError } from '../errors.js';
import { printExport } from '../flux-export.js';
import { GitRepositoryKind, KustomizationKind, typeMeta, type FluxKind } from '../flux-kinds.js';
import { fluxLog } from '../flux-log.js';
import { waitForReconcile } from '../flux-wait.js';
import { connect } from '../kube.js';
import { registerCreateSecretCommands, upsertSecret } from './create-secret.js';
import { registerCreateTenantCommand } from './create-tenant.js';
import { gitCredentialsSecret } from '../git-secret.js';
import { confirm } from '../confirm.js';

interface GitOpts extends CreateFlags {
  url?: string;
  branch?: string;
  tag?: string;
  tagSemver?: string;
  refName?: string;
  commit?: string;
  username?: string;
  password?: string;
  secretRef?: string;
  caFile?: string;
  privateKeyFile?: string;
  ignorePaths?: string[];
  sparseCheckoutPaths?: string[];
  recurseSubmodules: boolean;
  fetchTimeout?: string;
  silent: boolean;
}

/** The GitRepository `flux create source git` generates for these flags. */
export function gitRepositoryManifest(name: string, namespace: string, opts: GitOpts): KubeObject {
  if (!opts.url) throw new CliError('url is required');
  let scheme: string;
  try {
    scheme = new URL(opts.url).protocol.replace(/:$/, '');
  } catch {
    throw new CliError(`git URL parse failed: parse "${opts.url}": invalid URL`);
  }
  if (!['ssh', 'http', 'https'].includes(scheme))
    throw new CliError(`git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  if (!opts.branch && !opts.tag && !opts.tagSemver && !opts.commit && !opts.refName)
    throw new CliError(
      'a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver',
    );
  if (opts.caFile && scheme === 'ssh')
    throw new CliError('specifying a CA file is not supported for Git over SSH');
  const labels = parseLabels(opts.label);
  const ref = opts.commit
    ? { commit: opts.commit, branch: opts.branch ?? '' }
    : opts.refName
      ? { name: opts.refName }
      : opts.tagSemver
        ? { semver: opts.tagSemver }
        : opts.tag
          ? { tag: opts.tag }
          : { branch: opts.branch ?? '' };
  return {
    ...typeMeta(GitRepositoryKind),
    metadata: { name, namespace, labels },
    spec: {
      url: opts.url,
      interval: goDuration(opts.interval ?? '1m', '--interval'),
      ref,
      recurseSubmodules: opts.recurseSubmodules,
      ...(opts.fetchTimeout ? { timeout: goDuration(opts.fetchTimeout, '--fetch-timeout') } : {}),
      ...(opts.ignorePaths?.length ? { ignore: opts.ignorePaths.join('\n') } : {}),
      ...(opts.sparseCheckoutPaths?.length ? { sparseCheckout: opts.sparseCheckoutPaths } : {}),
      ...(opts.secretRef ? { secretRef: { name: opts.secretRef } } : {}),
    },
  };
}

interface KsOpts extends CreateFlags {
  source?: string;
  path: string;
  prune: boolean;
  wait: boolean;
  healthCheck?: string[];
  healthCheckTimeout: string;
  dependsOn?: string[];
  serviceAccount?: string;
  decryptionProvider?: string;
  decryptionSecret?: string;
  targetNamespace?: string;
  kubeconfigSecretRef?: string;
  retryInterval?: string;
}

const KS_SOURCE_KINDS = ['OCIRepository', 'GitRepository', 'Bucket'];

/** flux's `--source [<kind>/]<name>[.<namespace>]`. */
function parseSource(value: string | undefined): {
  kind: string;
  name: string;
  namespace?: string;
} {
  if (value === undefined || value.trim() === '') throw new CliError('source is required');
  const parts = value.split('/');
  let kind = parts.length === 2 ? (parts[0] ?? '') : '';
  let name = parts.length === 2 ? (parts[1] ?? '') : value;
  let namespace: string | undefined;
  const dots = name.split('.');
  if (dots.length > 1) {
    namespace = dots.pop();
    name = dots.join('.');
  }
  if (name === '') throw new CliError(`no name given for source of kind '${kind}'`);
  if (kind === '') {
    if (KS_SOURCE_KINDS.includes(name))
      throw new CliError(`no kind specified for source '${name}'`);
    kind = 'GitRepository';
  }
  const clean = KS_SOURCE_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!clean)
    throw new CliError(
      `source kind '${kind}' is not supported, must be one of: ${KS_SOURCE_KINDS.join(', ')}`,
    );
  kind = clean;
  return { kind, name, ...(namespace ? { namespace } : {}) };
}

/** flux's SafeRelativePath: the path made relative to `./`, never above it. */
function safeRelativePath(value: string): string {
  const segments: string[] = [];
  for (const seg of value.trim().split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  return `./${segments.join('/')}`;
}

const HEALTH_CHECK_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'HelmRelease'];

/** The Kustomization `flux create kustomization` generates for these flags. */
export function kustomizationManifest(name: string, namespace: string, opts: KsOpts): KubeObject {
  const path = safeRelativePath(opts.path);
  const source = parseSource(opts.source);
  const labels = parseLabels(opts.label);
  const spec: Record<string, unknown> = {
    interval: goDuration(opts.interval ?? '1m', '--interval'),
    path,
    prune: opts.prune,
    sourceRef: source,
    ...(opts.targetNamespace ? { targetNamespace: opts.targetNamespace } : {}),
  };
  if (opts.dependsOn?.length) {
    spec['dependsOn'] = opts.dependsOn.map((dep) => {
      const slash = dep.indexOf('/');
      return slash < 0
        ? { name: dep }
        : { namespace: dep.slice(0, slash), name: dep.slice(slash + 1) };
    });
  }
  if (opts.kubeconfigSecretRef)
    spec['kubeConfig'] = { secretRef: { name: opts.kubeconfigSecretRef } };
  const healthTimeout = goDuration(opts.healthCheckTimeout, '--health-check-timeout');
  if (opts.healthCheck?.length && !opts.wait) {
    spec['healthChecks'] = opts.healthCheck.map((w) => {
      const kindObj = w.split('/');
      if (kindObj.length !== 2)
        throw new CliError(
          `invalid health check '${w}' must be in the format 'kind/name.namespace' [${kindObj.join(' ')}]`,
        );
      const [kind = '', rest = ''] = kindObj;
      if (!HEALTH_CHECK_KINDS.includes(kind))
        throw new CliError(
          `invalid health check kind '${kind}' can be HelmRelease, Deployment, DaemonSet or StatefulSet`,
        );
      const nameNs = rest.split('.');
      if (nameNs.length !== 2)
        throw new CliError(
          `invalid health check '${w}' must be in the format 'kind/name.namespace'`,
        );
      return {
        ...(kind === 'HelmRelease' ? { apiVersion: 'helm.toolkit.fluxcd.io/v2' } : {}),
        kind,
        name: nameNs[0] ?? '',
        namespace: nameNs[1] ?? '',
      };
    });
    spec['timeout'] = healthTimeout;
  }
  if (opts.wait) {
    spec['wait'] = true;
    spec['timeout'] = healthTimeout;
  }
  if (opts.serviceAccount) spec['serviceAccountName'] = opts.serviceAccount;
  if (opts.decryptionProvider) {
    if (opts.decryptionProvider !== 'sops')
      throw new CliError(
        `unsupported decryption provider '${opts.decryptionProvider}', must be one of: sops`,
      );
    spec['decryption'] = {
      provider: opts.decryptionProvider,
      ...(opts.decryptionSecret ? { secretRef: { name: opts.decryptionSecret } } : {}),
    };
  }
  if (opts.retryInterval && goDuration(opts.retryInterval, '--retry-interval') !== '0s')
    spec['retryInterval'] = goDuration(opts.retryInterval, '--retry-interval');
  return { ...typeMeta(KustomizationKind), metadata: { name, namespace, labels }, spec };
}

/** Creates the object or replaces its labels and spec; flux's `created`/`updated` lines. */
async function upsert(
  ctx: CliContext,
  client: KubeClient,
  kind: FluxKind,
  obj: KubeObject,
  what: string,
): Promise<void> {
  const ref = { ...kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
  const existing = await client.getOrUndefined(ref);
  if (!existing) {
    await client.create(obj);
    fluxLog(ctx).success(`${what} created`);
    return;
  }
  await client.update({
    ...existing,
    metadata: { ...existing.metadata, labels: obj.metadata.labels ?? {} },
    spec: obj['spec'],
  });
  fluxLog(ctx).success(`${what} updated`);
}

/** Requests a reconcile of the object just written and waits for its result. */
async function reconcileCreated(
  ctx: CliContext,
  client: KubeClient,
  kind: FluxKind,
  obj: KubeObject,
  what: string,
): Promise<KubeObject> {
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  fluxLog(ctx).waiting(`waiting for ${what} reconciliation`);
  // As flux: no reconcile request (writing one while the controller handles the new object
  // only doubles its work); the conditions of the object's current generation are the answer.
  return waitForReconcile(client, kind, namespace, name, { timeoutMs: ctx.options.timeoutMs });
}

async function createSourceGit(name: string, opts: GitOpts, command: Command): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(name);
  const ns = ctx.options.namespace;
  const obj = gitRepositoryManifest(name, ns, opts);
  if (opts.export) {
    ctx.stdout.write(printExport(obj, GitRepositoryKind.goFields));
    return;
  }
  const log = fluxLog(ctx);
  const client = await connect(ctx);
  try {
    log.generate('generating GitRepository source');
    if (!opts.secretRef) {
      const secret = await gitCredentialsSecret({
        name,
        namespace: ns,
        url: opts.url ?? '',
        ...(opts.username ? { username: opts.username } : {}),
        ...(opts.password ? { password: opts.password } : {}),
        ...(opts.caFile ? { caFile: opts.caFile } : {}),
        ...(opts.privateKeyFile ? { privateKeyFile: opts.privateKeyFile } : {}),
      });
      if (secret) {
        const data = secret['stringData'] as Record<string, string>;
        if (data['known_hosts'])
          log.success(`collected public key from SSH server:\n${data['known_hosts']}`);
        if (data['identity.pub']) {
          log.generate(`deploy key: ${data['identity.pub']}`);
          if (
            !opts.silent &&
            !(await confirm(ctx, 'Have you added the deploy key to your repository'))
          )
            throw new CliError('aborting');
        }
        log.action('applying secret with repository credentials');
        await upsertSecret(client, secret);
        (obj['spec'] as Record<string, unknown>)['secretRef'] = { name };
        log.success('authentication configured');
      }
    }
    log.action('applying GitRepository source');
    await upsert(ctx, client, GitRepositoryKind, obj, 'GitRepository source');
    const done = await reconcileCreated(
      ctx,
      client,
      GitRepositoryKind,
      obj,
      'GitRepository source',
    );
    log.success('GitRepository source reconciliation completed');
    const revision = (done['status'] as { artifact?: { revision?: string } } | undefined)?.artifact
      ?.revision;
    if (!revision)
      throw new CliError('GitRepository source reconciliation completed but no artifact was found');
    log.success(`fetched revision: ${revision}`);
  } finally {
    client.close();
  }
}

async function createKustomization(name: string, opts: KsOpts, command: Command): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(name);
  if (!opts.path.startsWith('./') && safeRelativePath(opts.path) !== opts.path)
    throw new CliError('path must begin with ./');
  const obj = kustomizationManifest(name, ctx.options.namespace, opts);
  if (opts.export) {
    ctx.stdout.write(printExport(obj, KustomizationKind.goFields));
    return;
  }
  const log = fluxLog(ctx);
  log.generate('generating Kustomization');
  const client = await connect(ctx);
  try {
    log.action('applying Kustomization');
    await upsert(ctx, client, KustomizationKind, obj, 'Kustomization');
    const done = await reconcileCreated(ctx, client, KustomizationKind, obj, 'Kustomization');
    log.success(`Kustomization ${name} is ready`);
    log.success(KustomizationKind.successMessage(done));
  } catch (err) {
    if (isNotFound(err)) throw new CliError(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    client.close();
  }
}

export function registerCreateCommand(program: Command): void {
  const create = program.command('create').description('create or update sources and resources');
  const source = create.command('source').description('create or update sources');
  addCreateFlags(
    source
      .command('git <name>')
      .description('create or update a GitRepository source and wait for its artifact')
      .option('--url <url>', 'git address, e.g. ssh://git@host/org/repository')
      .option('--branch <branch>', 'git branch')
      .option('--tag <tag>', 'git tag')
      .option('--tag-semver <range>', 'git tag semver range')
      .option('--ref-name <ref>', 'git reference name')
      .option('--commit <sha>', 'git commit')
      .option('-u, --username <name>', 'basic authentication username')
      .option('-p, --password <password>', 'basic authentication password')
      .option(
        '--secret-ref <name>',
        'the name of an existing secret containing SSH or basic credentials',
      )
      .option(
        '--ca-file <file>',
        'path to TLS CA file used for validating self-signed certificates',
      )
      .option(
        '--private-key-file <file>',
        'path to a passwordless private key file used for authenticating to the Git SSH server',
      )
      .option(
        '--recurse-submodules',
        'when enabled, configures the source to recurse submodules',
        false,
      )
      .option('-s, --silent', 'assumes the deploy key is already setup, skips confirmation', false)
      .option(
        '--ignore-paths <paths>',
        'set paths to ignore in git resource (can specify multiple paths with commas: path1,path2)',
        commaList,
      )
      .option(
        '--sparse-checkout-paths <paths>',
        'set paths to sparse checkout in git resource (can specify multiple paths with commas: path1,path2)',
        commaList,
      )
      .option(
        '--fetch-timeout <duration>',
        'set a timeout for fetch operations performed by source-controller',
      ),
  ).action(createSourceGit);

  addCreateFlags(
    create
      .command('kustomization <name>')
      .alias('ks')
      .description('create or update a Kustomization and wait until it is applied')
      .option(
        '--source <[kind/]name[.namespace]>',
        "source that contains the Kubernetes manifests in the format '[<kind>/]<name>.<namespace>', where kind must be one of: (OCIRepository, GitRepository, Bucket), if kind is not specified it defaults to GitRepository",
      )
      .option('--path <path>', 'path to the directory containing a kustomization.yaml file', './')
      .option('--prune', 'enable garbage collection', false)
      .option('--wait', 'enable health checking of all the applied resources', false)
      .option(
        '--health-check <kind/name.namespace>',
        "workload to be included in the health assessment, in the format '<kind>/<name>.<namespace>'",
        commaList,
      )
      .option('--health-check-timeout <duration>', 'timeout of health checking operations', '2m0s')
      .option(
        '--depends-on <names>',
        "Kustomization that must be ready before this Kustomization can be applied, supported formats '<name>' and '<namespace>/<name>', also accepts comma-separated values",
        commaList,
      )
      .option(
        '--service-account <name>',
        'the name of the service account to impersonate when reconciling this Kustomization',
      )
      .option(
        '--decryption-provider <provider>',
        "decryption provider, available options are: 'sops'",
      )
      .option(
        '--decryption-secret <name>',
        'set the Kubernetes secret name that contains the OpenPGP private keys used for sops decryption',
      )
      .option(
        '--target-namespace <namespace>',
        'overrides the namespace of all Kustomization objects reconciled by this Kustomization',
      )
      .option(
        '--kubeconfig-secret-ref <name>',
        'the name of the Kubernetes Secret that contains a key with the kubeconfig file for connecting to a remote cluster',
      )
      .option(
        '--retry-interval <duration>',
        'the interval at which to retry a previously failed reconciliation',
      ),
  ).action(createKustomization);

  registerCreateSecretCommands(create);
  registerCreateTenantCommand(create);
}
