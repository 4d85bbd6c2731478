// Gatekeeper's audit: a pass over the cluster's live objects, its results in constraint status,
// and the auditor that runs it on an interval.
export {
  DEFAULT_VIOLATIONS_LIMIT,
  namespaceExcluder,
  runAudit,
  type AuditOptions,
  type AuditReport,
} from './audit.js';
export { ConstraintViolations, statusViolation, type StatusViolation } from './violations.js';
export { writeAuditStatus } from './status.js';
export { startAuditor, type Auditor, type AuditorOptions } from './auditor.js';
export { loadClusterPolicies, type LoadedPolicies } from './cluster-policies.js';
export {
  DEFAULT_REPORT_RESULTS_LIMIT,
  ensureReportCrds,
  REPORT_API_VERSION,
  REPORT_NAME,
  ReportCollector,
  writePolicyReports,
} from './policy-report.js';
