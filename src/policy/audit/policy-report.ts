// Audit results as PolicyReports (wgpolicyk8s.io/v1alpha2): one PolicyReport per namespace with
// violations and one ClusterPolicyReport for cluster-scoped objects, named `flotilla-policy`,
// `policy` the constraint kind and `rule` the constraint name, `fail` for deny and `warn` for
// warn/dryrun; summaries exact, results capped per report. Reports of namespaces that no longer
// violate are deleted. The CRDs are installed when the cluster has none.
import {
  isNotFound,
  NoKindMatchError,
  type KubeClient,
  type KubeObject,
} from '../../kube/index.js';
import type { Constraint } from '../gatekeeper/constraint.js';
import type { StatusViolation } from './violations.js';
import { freeFormCrd } from '../admission/free-form-crd.js';

export const REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2';
export const REPORT_NAME = 'flotilla-policy';
const MANAGED = { 'app.kubernetes.io/managed-by': 'flotilla-policy' };
/** Results kept in one report (the summary still counts all). */
export const DEFAULT_REPORT_RESULTS_LIMIT = 1000;

interface Result {
  readonly policy: string;
  readonly rule: string;
  readonly message: string;
  readonly result: 'fail' | 'warn';
  readonly source: 'gatekeeper';
  readonly resources: { apiVersion: string; kind: string; name: string; namespace?: string }[];
  readonly properties: { enforcementAction: string };
  readonly timestamp: { seconds: number; nanos: number };
}

/** Collects the violations of one audit pass by namespace ('' for cluster-scoped). */
export class ReportCollector {
  private readonly byNamespace = new Map<
    string,
    { results: Result[]; fail: number; warn: number }
  >();

  constructor(
    private readonly now: Date,
    private readonly limit = DEFAULT_REPORT_RESULTS_LIMIT,
  ) {}

  add(constraint: Constraint, v: StatusViolation): void {
    const ns = v.namespace ?? '';
    let entry = this.byNamespace.get(ns);
    if (entry === undefined) {
      entry = { results: [], fail: 0, warn: 0 };
      this.byNamespace.set(ns, entry);
    }
    const actions = v.enforcementActions ?? [v.enforcementAction];
    const result = actions.includes('deny') ? 'fail' : 'warn';
    entry[result]++;
    if (entry.results.length >= this.limit) return;
    entry.results.push({
      policy: constraint.kind,
      rule: constraint.name,
      message: v.message,
      result,
      source: 'gatekeeper',
      resources: [
        {
          apiVersion: v.group === '' ? v.version : `${v.group}/${v.version}`,
          kind: v.kind,
          name: v.name,
          ...(v.namespace === undefined ? {} : { namespace: v.namespace }),
        },
      ],
      properties: { enforcementAction: v.enforcementAction },
      timestamp: { seconds: Math.floor(this.now.getTime() / 1000), nanos: 0 },
    });
  }

  /** The reports to write: one per namespace with violations. */
  reports(): KubeObject[] {
    return [...this.byNamespace].map(([ns, e]) => ({
      apiVersion: REPORT_API_VERSION,
      kind: ns === '' ? 'ClusterPolicyReport' : 'PolicyReport',
      metadata: { name: REPORT_NAME, ...(ns === '' ? {} : { namespace: ns }), labels: MANAGED },
      summary: { pass: 0, fail: e.fail, warn: e.warn, error: 0, skip: 0 },
      results: e.results,
    }));
  }
}

function reportCrd(kind: 'PolicyReport' | 'ClusterPolicyReport'): KubeObject {
  return freeFormCrd({
    group: 'wgpolicyk8s.io',
    kind,
    plural: kind === 'PolicyReport' ? 'policyreports' : 'clusterpolicyreports',
    version: 'v1alpha2',
    namespaced: kind === 'PolicyReport',
    fields: { scope: 'object', summary: 'object', results: 'array' },
  });
}

/** Installs the report CRDs unless the cluster already serves them (Kyverno, policy-reporter). */
export async function ensureReportCrds(kube: KubeClient): Promise<void> {
  for (const kind of ['PolicyReport', 'ClusterPolicyReport'] as const) {
    if (await kube.discovery.tryResourceFor({ group: 'wgpolicyk8s.io', version: 'v1alpha2', kind }))
      continue;
    await kube.apply(reportCrd(kind), { fieldManager: 'flotilla-policy', force: true });
    // served once established: discovery refreshes on a miss
    const deadline = Date.now() + 30_000;
    while (
      !(await kube.discovery.tryResourceFor({ group: 'wgpolicyk8s.io', version: 'v1alpha2', kind }))
    ) {
      if (Date.now() > deadline) throw new Error(`the ${kind} CRD was not served in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Writes this pass's reports and deletes the ones no longer needed. */
export async function writePolicyReports(
  kube: KubeClient,
  collector: ReportCollector,
): Promise<void> {
  const wanted = collector.reports();
  const keep = new Set(wanted.map((r) => `${r.kind ?? ''}/${r.metadata.namespace ?? ''}`));
  for (const r of wanted) {
    // replace the whole report: results are this pass's, not merged with the last
    const existing = await kube.getOrUndefined({
      apiVersion: REPORT_API_VERSION,
      kind: r.kind ?? '',
      name: REPORT_NAME,
      namespace: r.metadata.namespace,
    });
    if (existing === undefined) await kube.create(r);
    else
      await kube.update({
        ...r,
        metadata: {
          ...r.metadata,
          ...(existing.metadata.resourceVersion === undefined
            ? {}
            : { resourceVersion: existing.metadata.resourceVersion }),
        },
      });
  }
  for (const kind of ['PolicyReport', 'ClusterPolicyReport']) {
    let stale;
    try {
      stale = await kube.list(
        { apiVersion: REPORT_API_VERSION, kind },
        { labelSelector: 'app.kubernetes.io/managed-by=flotilla-policy' },
      );
    } catch (err) {
      if (err instanceof NoKindMatchError) continue;
      throw err;
    }
    for (const r of stale.items) {
      if (keep.has(`${kind}/${r.metadata.namespace ?? ''}`)) continue;
      try {
        await kube.delete({
          apiVersion: REPORT_API_VERSION,
          kind,
          name: r.metadata.name ?? '',
          namespace: r.metadata.namespace,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}
