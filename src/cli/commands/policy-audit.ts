// `flotilla policy audit` and `flotilla policy serve`: one audit pass over the current cluster,
// printed; and the policy runtime (template/constraint sync, the admission webhook and the
// continuous audit) for a cluster.
import type { Command } from 'commander';
import { createLogger, errorMessage } from '../../core/index.js';
import type { KubeClient } from '../../kube/index.js';
import {
  ConstraintClient,
  DEFAULT_EXEMPT_NAMESPACES,
  DEFAULT_VIOLATIONS_LIMIT,
  loadClusterPolicies,
  runAudit,
  startPolicyRuntime,
  type AuditReport,
} from '../../policy/index.js';
import { contextFrom, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { connect } from '../kube.js';
import { renderData } from '../output.js';

function whole(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag}: expected a whole number of at least ${min}, got '${value}'`);
  return n;
}

/** Runs one audit against the cluster's own templates and constraints. */
export async function policyAudit(
  kube: KubeClient,
  limit: number,
): Promise<{ report: AuditReport; errors: readonly string[] }> {
  const client = new ConstraintClient();
  const loaded = await loadClusterPolicies(kube, client);
  const report = await runAudit({
    kube,
    client,
    violationsLimit: limit,
    namespaceOf: async (name) =>
      await kube.getOrUndefined({ apiVersion: 'v1', kind: 'Namespace', name }),
  });
  return { report, errors: loaded.errors };
}

/** The report as text: one block per constraint, its total and the violations kept. */
export function formatAudit(report: AuditReport): string {
  if (report.constraints.length === 0) return 'no constraints\n';
  const lines: string[] = [];
  for (const t of report.constraints) {
    const c = t.constraint;
    lines.push(
      `${c.kind}/${c.name} (${c.enforcementAction}): ${t.total} violation${t.total === 1 ? '' : 's'}`,
    );
    for (const v of t.violations()) {
      const where = v.namespace === undefined ? v.name : `${v.namespace}/${v.name}`;
      lines.push(`  ${v.kind} ${where}: ${v.message}`);
    }
    if (t.total > t.violations().length)
      lines.push(`  … and ${t.total - t.violations().length} more`);
  }
  return lines.join('\n') + '\n';
}

async function audit(ctx: CliContext, limit: number): Promise<number> {
  const kube = await connect(ctx);
  try {
    const { report, errors } = await policyAudit(kube, limit);
    for (const e of errors) ctx.stderr.write(`warning: ${e}\n`);
    if (ctx.options.output === 'table') ctx.stdout.write(formatAudit(report));
    else
      ctx.stdout.write(
        renderData(
          report.constraints.map((t) => ({
            kind: t.constraint.kind,
            name: t.constraint.name,
            enforcementAction: t.constraint.enforcementAction,
            totalViolations: t.total,
            violations: t.violations(),
          })),
          ctx.options.output,
        ),
      );
    return report.constraints.some((t) => t.total > 0) ? 1 : 0;
  } catch (err) {
    throw new CliError(`policy audit: ${errorMessage(err)}`);
  } finally {
    kube.close();
  }
}

interface ServeFlags {
  host: string;
  port: string;
  auditInterval: string;
  violationsLimit: string;
  exemptNamespace: string[];
  timeout: string;
}

async function serve(ctx: CliContext, opts: ServeFlags): Promise<void> {
  const logger = createLogger({ level: ctx.options.verbose ? 'debug' : 'info' });
  const kube = await connect(ctx);
  const runtime = await startPolicyRuntime({
    kube,
    logger,
    host: opts.host,
    port: whole('--port', opts.port, 0),
    auditIntervalMs: whole('--audit-interval', opts.auditInterval, 0) * 1000,
    violationsLimit: whole('--violations-limit', opts.violationsLimit, 0),
    timeoutSeconds: whole('--timeout', opts.timeout, 1),
    exemptNamespaces:
      opts.exemptNamespace.length > 0 ? opts.exemptNamespace : DEFAULT_EXEMPT_NAMESPACES,
  });
  ctx.stdout.write(`policy webhook serving at ${runtime.webhook.url}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      runtime.stop().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  kube.close();
}

export function registerPolicyClusterCommands(policy: Command): void {
  policy
    .command('audit')
    .description("print the current cluster's constraint violations (one Gatekeeper audit pass)")
    .option('--limit <n>', 'violations shown per constraint', String(DEFAULT_VIOLATIONS_LIMIT))
    .action(async (opts: { limit: string }, command: Command) => {
      const ctx = contextFrom(command);
      process.exitCode = await audit(ctx, whole('--limit', opts.limit, 0));
    });
  policy
    .command('serve')
    .description(
      'run the Gatekeeper-compatible admission webhook and audit for the current cluster',
    )
    .option(
      '--host <addr>',
      'address the webhook listens on (the API server must reach it)',
      '127.0.0.1',
    )
    .option('--port <n>', 'webhook port (0: any free port)', '8443')
    .option('--audit-interval <seconds>', 'seconds between audits (0: no audit)', '60')
    .option('--violations-limit <n>', 'violations kept in each constraint status', '20')
    .option('--timeout <seconds>', "the webhook's timeoutSeconds", '3')
    .option(
      '--exempt-namespace <ns>',
      'namespace never reviewed (repeatable; default flotilla-system and kube-system)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (opts: ServeFlags, command: Command) => {
      await serve(contextFrom(command), opts);
    });
}
