// `flotilla check [--pre]`: flux's checks for Flotilla's one-Deployment controller. --pre checks
// the cluster (its Kubernetes version, and that the user may create what `install` creates);
// then the installation: its version labels, the controller Deployment's health and image, the
// controller's leader Lease (held and renewed: the controller process is alive and reconciling,
// in the cluster or outside it), and the CRDs with their stored versions. Exit 1 when a check fails.
import type { Command } from 'commander';
import semver from 'semver';
import { ResourceManager } from '../../apply/index.js';
import { FlotillaError } from '../../core/index.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { loadCrds } from '../../controller/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { fluxLog, type FluxLog } from '../flux-log.js';
import { connect } from '../kube.js';
import { humanDuration } from './events.js';
import { CONTROLLER_NAME, PART_OF, PART_OF_LABEL, waitForController } from './install.js';

/**
 * The Kubernetes versions Flotilla supports: it needs server-side apply, events.k8s.io/v1 and the
 * CEL validation rules of Flux's CRDs (on by default since 1.25).
 */
export const KUBERNETES_CONSTRAINT = '>=1.25.0-0';

/** What `install` creates, which the user must be allowed to create. */
const INSTALL_PERMISSIONS = [
  { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { group: '', resource: 'namespaces' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  { group: '', resource: 'serviceaccounts', namespaced: true },
  { group: '', resource: 'services', namespaced: true },
  { group: 'apps', resource: 'deployments', namespaced: true },
] as const;

async function kubernetesCheck(client: KubeClient, log: FluxLog): Promise<boolean> {
  let gitVersion: string;
  try {
    const res = await client.transport.request({ method: 'GET', path: '/version' });
    gitVersion = (JSON.parse(res.body) as { gitVersion?: string }).gitVersion ?? '';
  } catch (err) {
    log.failure(`Kubernetes API call failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  const v = semver.parse(gitVersion.replace(/^v/, ''));
  if (!v) {
    log.failure("Kubernetes version can't be determined");
    return false;
  }
  if (!semver.satisfies(v, KUBERNETES_CONSTRAINT, { includePrerelease: true })) {
    log.failure(`Kubernetes version ${gitVersion} does not match ${KUBERNETES_CONSTRAINT}`);
    return false;
  }
  log.success(
    `Kubernetes ${v.version}${v.build.length ? `+${v.build.join('.')}` : ''} ${KUBERNETES_CONSTRAINT}`,
  );
  return true;
}

/** SelfSubjectAccessReviews for what `install` creates; a warning where the cluster has none. */
async function permissionsCheck(
  client: KubeClient,
  ctx: CliContext,
  log: FluxLog,
): Promise<boolean> {
  const denied: string[] = [];
  for (const p of INSTALL_PERMISSIONS) {
    let review: KubeObject;
    try {
      review = await client.create({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: {},
        spec: {
          resourceAttributes: {
            verb: 'create',
            group: p.group,
            resource: p.resource,
            ...('namespaced' in p ? { namespace: ctx.options.namespace } : {}),
          },
        },
      });
    } catch (err) {
      if (err instanceof FlotillaError && err.reason === 'NoKindMatch') {
        log.warning('permissions not checked: the cluster does not serve SelfSubjectAccessReview');
        return true;
      }
      throw err;
    }
    const status = review['status'] as { allowed?: boolean } | undefined;
    if (status?.allowed !== true) denied.push(p.group ? `${p.resource}.${p.group}` : p.resource);
  }
  if (denied.length > 0) {
    log.failure(`not allowed to create ${denied.join(', ')} (install needs them)`);
    return false;
  }
  log.success('permissions: can create everything install creates');
  return true;
}

/** flux's "version in cluster": the installed version and whether a Kustomization manages it. */
async function versionCheck(client: KubeClient, log: FluxLog): Promise<boolean> {
  const crd = await client.getOrUndefined({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: 'gitrepositories.source.toolkit.fluxcd.io',
  });
  if (!crd) {
    log.failure(
      'checking failed: customresourcedefinitions.apiextensions.k8s.io "gitrepositories.source.toolkit.fluxcd.io" not found',
    );
    return false;
  }
  const labels = crd.metadata.labels ?? {};
  if (labels[PART_OF_LABEL])
    log.success(
      `distribution: ${labels[PART_OF_LABEL]}-${labels['app.kubernetes.io/version'] ?? ''}`,
    );
  log.success(`bootstrapped: ${'kustomize.toolkit.fluxcd.io/namespace' in labels}`);
  return true;
}

/** The controller Deployment (ready, image) and its leader Lease (held, renewed in time). */
async function controllerCheck(
  client: KubeClient,
  ctx: CliContext,
  log: FluxLog,
): Promise<boolean> {
  const ns = ctx.options.namespace;
  const selector = `${PART_OF_LABEL}=${PART_OF}`;
  const deployments = (
    await client.list(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace: ns, labelSelector: selector },
    )
  ).items;
  let ok = true;
  if (deployments.length > 0) {
    try {
      await waitForController(ctx, new ResourceManager(client));
    } catch {
      ok = false;
    }
    for (const d of deployments) {
      const containers =
        (d['spec'] as { template?: { spec?: { containers?: { image?: string }[] } } }).template
          ?.spec?.containers ?? [];
      for (const c of containers) log.action(c.image ?? '');
    }
  }
  const lease = await client.getOrUndefined<KubeObject>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: ns,
    name: `${CONTROLLER_NAME}-leader`,
  });
  const spec = lease?.['spec'] as
    { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } | undefined;
  const age = spec?.renewTime ? Date.now() - Date.parse(spec.renewTime) : Infinity;
  const fresh = spec?.holderIdentity && age <= (spec.leaseDurationSeconds ?? 15) * 1000;
  if (fresh) {
    log.success(
      `${CONTROLLER_NAME}: leader ${spec.holderIdentity ?? ''} (lease renewed ${humanDuration(age)} ago)`,
    );
  } else if (spec?.holderIdentity) {
    log.failure(
      `${CONTROLLER_NAME}: leader lease ${ns}/${CONTROLLER_NAME}-leader expired (last renewed by ${spec.holderIdentity})`,
    );
    ok = false;
  } else if (deployments.length === 0) {
    log.failure(
      `no controllers found in the '${ns}' namespace with the label selector '${selector}', nor a leader lease '${CONTROLLER_NAME}-leader' (a controller outside the cluster is found by its lease: run it with --enable-leader-election)`,
    );
    ok = false;
  }
  return ok;
}

/** Each CRD Flotilla serves, with its last stored version. */
async function crdsCheck(client: KubeClient, log: FluxLog): Promise<boolean> {
  let ok = true;
  const names = loadCrds()
    .map((c) => c.metadata.name ?? '')
    .sort();
  for (const name of names) {
    const crd = await client.getOrUndefined({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name,
    });
    const stored =
      (crd?.['status'] as { storedVersions?: string[] } | undefined)?.storedVersions ?? [];
    if (!crd) {
      log.failure(`${name} not found`);
      ok = false;
    } else if (stored.length === 0) {
      log.failure(`no stored versions for ${name}`);
      ok = false;
    } else {
      log.success(`${name}/${stored[stored.length - 1] ?? ''}`);
    }
  }
  return ok;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('check requirements and installation')
    .option('--pre', 'only run pre-installation checks', false)
    .action(async (opts: { pre: boolean }, command: Command) => {
      const ctx = contextFrom(command);
      const log = fluxLog(ctx);
      log.action('checking prerequisites');
      const client = await connect(ctx);
      try {
        let ok = await kubernetesCheck(client, log);
        ok = (await permissionsCheck(client, ctx, log)) && ok;
        if (opts.pre) {
          if (!ok) throw new CliError('prerequisites checks failed');
          log.success('prerequisites checks passed');
          return;
        }
        log.action('checking version in cluster');
        ok = (await versionCheck(client, log)) && ok;
        log.action('checking controllers');
        ok = (await controllerCheck(client, ctx, log)) && ok;
        log.action('checking crds');
        ok = (await crdsCheck(client, log)) && ok;
        if (!ok) throw new CliError('check failed');
        log.success('all checks passed');
      } finally {
        client.close();
      }
    });
}
