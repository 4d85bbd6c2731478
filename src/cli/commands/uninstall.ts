// `flotilla uninstall [--keep-namespace] [--dry-run] [-s]`: removes what `install` put into the
// cluster, in flux's order and with its messages: the controller's objects (selected by the
// part-of label), the finalizers of every Flux object (no controller is left to remove them),
// the CRDs Flotilla serves (deleting every Flux object with them), and the namespace.
import type { Command } from 'commander';
import { errorMessage } from '../../core/index.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { loadCrds } from '../../controller/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { confirm } from '../confirm.js';
import { CliError } from '../errors.js';
import { FLUX_KINDS } from '../flux-kinds.js';
import { fluxLog, type FluxLog } from '../flux-log.js';
import { connect } from '../kube.js';
import { PART_OF, PART_OF_LABEL } from './install.js';

interface UninstallFlags {
  readonly keepNamespace: boolean;
  readonly dryRun: boolean;
  readonly silent: boolean;
}

/** The installed objects' kinds, namespaced first, in flux's order. */
const COMPONENT_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', namespaced: true },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
] as const;

class Uninstaller {
  failed = 0;
  readonly suffix: string;
  constructor(
    private readonly client: KubeClient,
    private readonly log: FluxLog,
    private readonly dryRun: boolean,
  ) {
    this.suffix = dryRun ? '(dry run)' : '';
  }

  async delete(obj: KubeObject, subject: string): Promise<void> {
    try {
      await this.client.delete(
        {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name ?? '',
          ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        },
        { dryRun: this.dryRun },
      );
      this.log.success(`${subject} deleted ${this.suffix}`);
    } catch (err) {
      this.failed++;
      this.log.failure(`${subject} deletion failed: ${errorMessage(err)}`);
    }
  }

  async components(namespace: string): Promise<void> {
    const labelSelector = `${PART_OF_LABEL}=${PART_OF}`;
    for (const k of COMPONENT_KINDS) {
      const items = await this.client
        .list(k, { labelSelector, ...(k.namespaced ? { namespace } : {}) })
        .then((l) => l.items)
        .catch(() => [] as KubeObject[]);
      for (const obj of items) {
        const subject = k.namespaced
          ? `${k.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`
          : `${k.kind}/${obj.metadata.name ?? ''}`;
        await this.delete({ ...obj, apiVersion: k.apiVersion, kind: k.kind }, subject);
      }
    }
  }

  async finalizers(): Promise<void> {
    for (const kind of FLUX_KINDS) {
      const items = await this.client
        .list(kind)
        .then((l) => l.items)
        .catch(() => [] as KubeObject[]);
      for (const obj of items) {
        const subject = `${kind.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
        try {
          await this.client.update(
            { ...obj, metadata: { ...obj.metadata, finalizers: [] } },
            { dryRun: this.dryRun },
          );
          this.log.success(`${subject} finalizers deleted ${this.suffix}`);
        } catch (err) {
          this.failed++;
          this.log.failure(`${subject} removing finalizers failed: ${errorMessage(err)}`);
        }
      }
    }
  }

  async crds(): Promise<void> {
    for (const crd of loadCrds()) {
      const live = await this.client.getOrUndefined({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: crd.metadata.name ?? '',
      });
      if (live) await this.delete(live, `CustomResourceDefinition/${live.metadata.name ?? ''}`);
    }
  }
}

async function uninstall(ctx: CliContext, flags: UninstallFlags): Promise<void> {
  const ns = ctx.options.namespace;
  if (
    !flags.dryRun &&
    !flags.silent &&
    !(await confirm(
      ctx,
      'Are you sure you want to delete Flotilla and its custom resource definitions',
    ))
  )
    throw new CliError('aborting');
  const log = fluxLog(ctx);
  const client = await connect(ctx);
  try {
    const u = new Uninstaller(client, log, flags.dryRun);
    log.action(`deleting components in ${ns} namespace`);
    await u.components(ns);
    log.action('deleting toolkit.fluxcd.io finalizers in all namespaces');
    await u.finalizers();
    log.action('deleting toolkit.fluxcd.io custom resource definitions');
    await u.crds();
    if (!flags.keepNamespace)
      await u.delete(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        `Namespace/${ns}`,
      );
    log.success('uninstall finished');
  } finally {
    client.close();
  }
}

export function registerUninstallCommand(program: Command): void {
  program
    .command('uninstall')
    .description('uninstall Flotilla and its custom resource definitions')
    .option('--keep-namespace', 'skip namespace deletion', false)
    .option('--dry-run', 'only print the objects that would be deleted', false)
    .option('-s, --silent', 'delete components without asking for confirmation', false)
    .action((flags: UninstallFlags, command: Command) => uninstall(contextFrom(command), flags));
}
