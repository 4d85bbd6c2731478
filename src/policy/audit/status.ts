// Writes an audit's results into each constraint's status as Gatekeeper's audit does:
// `auditTimestamp`, `totalViolations` and `violations` (cleared when there are none).
import { isNotFound, PatchType, type KubeClient } from '../../kube/index.js';
import { CONSTRAINTS_GROUP } from '../gatekeeper/constants.js';
import type { AuditReport } from './audit.js';

/** Patches every audited constraint's status; a constraint deleted meanwhile is skipped. */
export async function writeAuditStatus(
  kube: KubeClient,
  report: AuditReport,
  timestamp: Date,
): Promise<void> {
  // Go's metav1.Time: RFC 3339 with second precision
  const auditTimestamp = timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const t of report.constraints) {
    const violations = t.violations();
    try {
      await kube.patch(
        {
          apiVersion: `${CONSTRAINTS_GROUP}/v1beta1`,
          kind: t.constraint.kind,
          name: t.constraint.name,
        },
        PatchType.Merge,
        {
          status: {
            auditTimestamp,
            totalViolations: t.total,
            violations: violations.length === 0 ? null : violations,
          },
        },
        { subresource: 'status' },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
