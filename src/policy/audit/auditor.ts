// The continuous audit: one pass every interval (Gatekeeper's `--audit-interval`, 60 s), its
// results written to the constraints' status; a failed pass is logged and the next one runs.
import type { Logger } from '../../core/index.js';
import { runAudit, type AuditOptions, type AuditReport } from './audit.js';
import { writeAuditStatus } from './status.js';
import { ensureReportCrds, ReportCollector, writePolicyReports } from './policy-report.js';

export interface AuditorOptions extends AuditOptions {
  /** @default 60000 */
  readonly intervalMs?: number;
  readonly logger: Logger;
  /** Told after each pass (tests, metrics). */
  readonly onAudit?: (report: AuditReport) => void;
  /** @default Date.now */
  readonly now?: () => Date;
  /** Also write PolicyReports and ClusterPolicyReports. @default true */
  readonly policyReports?: boolean;
}

export interface Auditor {
  /** Runs a pass now (waits for a pass in progress first). */
  runOnce(): Promise<AuditReport>;
  stop(): Promise<void>;
}

export function startAuditor(options: AuditorOptions): Auditor {
  const interval = options.intervalMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<AuditReport> | undefined;
  let crdsInstalled: Promise<void> | undefined;
  const pass = async (): Promise<AuditReport> => {
    const started = options.now?.() ?? new Date();
    const reports = options.policyReports === false ? undefined : new ReportCollector(started);
    const report = await runAudit({
      ...options,
      ...(reports === undefined ? {} : { onViolation: (c, v) => reports.add(c, v) }),
    });
    await writeAuditStatus(options.kube, report, started);
    if (reports !== undefined) {
      crdsInstalled ??= ensureReportCrds(options.kube).catch((err: unknown) => {
        crdsInstalled = undefined;
        throw err;
      });
      await crdsInstalled;
      await writePolicyReports(options.kube, reports);
    }
    options.logger.info(
      {
        objects: report.objects,
        kinds: report.kinds,
        violations: report.constraints.reduce((n, c) => n + c.total, 0),
      },
      'audit finished',
    );
    options.onAudit?.(report);
    return report;
  };
  const runOnce = async (): Promise<AuditReport> => {
    while (running !== undefined) await running.catch(() => undefined);
    running = pass();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => options.logger.error({ err }, 'audit failed'))
        .finally(schedule);
    }, interval);
    timer.unref();
  };
  schedule();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
