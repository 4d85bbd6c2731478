// `flotilla create tenant NAME --with-namespace NS…`: per namespace, the Namespace, a
// ServiceAccount and a RoleBinding (to --cluster-role, cluster-admin by default) that limit the
// reconcilers acting for the tenant to its namespaces — the objects and messages of
// `flux create tenant`, and its --export byte for byte.
import type { Command } from 'commander';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { contextFrom } from '../context.js';
import {
  addCreateFlags,
  commaList,
  parseLabels,
  qualifiedNameErrors,
  validateObjectName,
  type CreateFlags,
} from '../create-flags.js';
import { CliError } from '../errors.js';
import { goYaml } from '../flux-export.js';
import { fluxLog } from '../flux-log.js';
import { connect } from '../kube.js';

const TENANT_LABEL = 'toolkit.fluxcd.io/tenant';

interface TenantFlags extends CreateFlags {
  withNamespace?: string[];
  clusterRole: string;
  withServiceAccount?: string;
  skipNamespace: boolean;
}

interface TenantObjects {
  readonly namespace: KubeObject;
  readonly account: KubeObject;
  readonly roleBinding: KubeObject;
}

function checkName(value: string, what: string): void {
  const errs = qualifiedNameErrors(value);
  if (errs.length > 0) throw new CliError(`invalid ${what} '${value}': [${errs.join(' ')}]`);
}

/** The Namespace, ServiceAccount and RoleBinding of each tenant namespace. */
export function tenantObjects(tenant: string, opts: TenantFlags): TenantObjects[] {
  checkName(tenant, 'tenant name');
  if (!opts.clusterRole) throw new CliError('cluster-role is required');
  if (!opts.withNamespace) throw new CliError('with-namespace is required');
  return opts.withNamespace.map((ns) => {
    checkName(ns, 'namespace');
    const labels = { ...parseLabels(opts.label), [TENANT_LABEL]: tenant };
    const accountName = opts.withServiceAccount || tenant;
    checkName(accountName, 'service-account name');
    return {
      namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
      account: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: accountName, namespace: ns, labels },
      },
      roleBinding: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${tenant}-reconciler`, namespace: ns, labels },
        subjects: [
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `gotk:${ns}:reconciler` },
          { kind: 'ServiceAccount', name: accountName, namespace: ns },
        ],
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: opts.clusterRole,
        },
      },
    };
  });
}

/** One object as flux's exportTenant prints it (Go's empty `spec: {}` removed). */
function exportText(obj: KubeObject): string {
  const text = goYaml(obj)
    .replace('spec: {}\n', '')
    .replace('  creationTimestamp: null\n', '')
    .replace('status: {}\n', '')
    .trim();
  return `---\n${text}\n`;
}

/** Whether every key of `want` has the same value in `have` (apimachinery's DeepDerivative). */
function derivative(want: unknown, have: unknown): boolean {
  if (want === undefined || want === null) return true;
  if (typeof want !== 'object') return want === have;
  if (typeof have !== 'object' || have === null) return false;
  if (Array.isArray(want))
    return (
      Array.isArray(have) &&
      want.length === have.length &&
      want.every((w, i) => derivative(w, have[i]))
    );
  return Object.entries(want).every(([k, v]) =>
    derivative(v, (have as Record<string, unknown>)[k]),
  );
}

/** Creates the object, or brings its labels (and a RoleBinding's subjects and role) up to date. */
async function upsert(client: KubeClient, obj: KubeObject): Promise<void> {
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
  const existing = await client.getOrUndefined(ref);
  if (!existing) {
    await client.create(obj);
    return;
  }
  if (obj.kind === 'RoleBinding') {
    // roleRef cannot change: flux deletes and recreates a RoleBinding that differs.
    const same =
      derivative(obj['subjects'], existing['subjects']) &&
      derivative(obj['roleRef'], existing['roleRef']) &&
      derivative(obj.metadata.labels, existing.metadata.labels);
    if (!same) {
      await client.delete(ref);
      await client.create(obj);
    }
    return;
  }
  if (!derivative(obj.metadata.labels, existing.metadata.labels))
    await client.update({
      ...existing,
      metadata: { ...existing.metadata, labels: obj.metadata.labels ?? {} },
    });
}

async function createTenant(tenant: string, opts: TenantFlags, command: Command): Promise<void> {
  const ctx = contextFrom(command);
  validateObjectName(tenant);
  const all = tenantObjects(tenant, opts);
  if (opts.export) {
    for (const t of all) {
      if (!opts.skipNamespace) ctx.stdout.write(exportText(t.namespace));
      ctx.stdout.write(exportText(t.account));
      ctx.stdout.write(exportText(t.roleBinding));
    }
    return;
  }
  const log = fluxLog(ctx);
  const client = await connect(ctx);
  try {
    for (const t of all) {
      if (!opts.skipNamespace) {
        log.action(`applying namespace ${t.namespace.metadata.name ?? ''}`);
        await upsert(client, t.namespace);
      }
      log.action(`applying service account ${t.account.metadata.name ?? ''}`);
      await upsert(client, t.account);
      log.action(`applying role binding ${t.roleBinding.metadata.name ?? ''}`);
      await upsert(client, t.roleBinding);
    }
  } finally {
    client.close();
  }
  log.success('tenant setup completed');
}

export function registerCreateTenantCommand(create: Command): void {
  addCreateFlags(
    create
      .command('tenant <name>')
      .description('create or update a tenant: namespaces, service accounts and role bindings')
      .option('--with-namespace <namespaces>', 'namespace belonging to this tenant', commaList)
      .option('--cluster-role <role>', 'cluster role of the tenant role binding', 'cluster-admin')
      .option('--with-service-account <name>', 'service account belonging to this tenant')
      .option('--skip-namespace', 'skip namespace creation (namespace must exist already)', false),
  ).action(createTenant);
}
