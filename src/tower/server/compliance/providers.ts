// Where violations come from: each provider reads one kind of policy result object and turns it
// into violation rows. PolicyReports and ClusterPolicyReports (wgpolicyk8s.io/v1alpha2, written by
// Kyverno, Flotilla's audit and others) and Gatekeeper constraints (constraints.gatekeeper.sh,
// status.violations from its audit) today; accepted risks come from PolicyException objects.
import type { KubeObject } from '../../../kube/index.js';

/** A violation without the cluster it was found on. */
export interface FoundViolation {
  readonly policy: string;
  readonly engine: 'gatekeeper' | 'policyreport';
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
  readonly action: string;
  readonly severity: string;
}

export interface ComplianceProvider {
  /** `group/version` served by the clusters that have this engine. */
  readonly groupVersion: string;
  /** Kinds to watch; undefined: every kind of the group (one per Gatekeeper template). */
  readonly kinds?: readonly string[];
  readonly engine: 'gatekeeper' | 'policyreport';
  /** Keeps only what violations need (e.g. a report's failing results). */
  transform(obj: KubeObject): KubeObject;
  violations(obj: KubeObject): FoundViolation[];
  /** Violations the engine counted but did not list (Gatekeeper caps its list). */
  unlisted(obj: KubeObject): number;
}

const MAX_MESSAGE = 400;
const cut = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const FAILING = new Set(['fail', 'warn', 'error']);

interface ReportResult {
  policy?: string;
  rule?: string;
  result?: string;
  severity?: string;
  message?: string;
  resources?: { kind?: string; name?: string; namespace?: string }[];
}

export const policyReportProvider: ComplianceProvider = {
  groupVersion: 'wgpolicyk8s.io/v1alpha2',
  kinds: ['PolicyReport', 'ClusterPolicyReport'],
  engine: 'policyreport',
  transform(obj) {
    const results = (Array.isArray(obj['results']) ? (obj['results'] as ReportResult[]) : [])
      .filter((r) => FAILING.has(str(r.result)))
      .map((r) => ({ ...r, message: cut(str(r.message)) }));
    return {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: {
        name: obj.metadata.name ?? '',
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      },
      ...(obj['scope'] ? { scope: obj['scope'] } : {}),
      results,
    };
  },
  violations(obj) {
    const scope = obj['scope'] as { kind?: string; name?: string; namespace?: string } | undefined;
    const results = Array.isArray(obj['results']) ? (obj['results'] as ReportResult[]) : [];
    return results
      .filter((r) => FAILING.has(str(r.result)))
      .flatMap((r) => {
        const resources = r.resources?.length ? r.resources : scope ? [scope] : [{}];
        const policy = r.rule ? `${str(r.policy)}/${r.rule}` : str(r.policy);
        return resources.map((res): FoundViolation => ({
          policy,
          engine: 'policyreport',
          kind: str(res.kind),
          namespace: str(res.namespace) || (obj.metadata.namespace ?? ''),
          name: str(res.name),
          message: str(r.message),
          action: str(r.result),
          severity: str(r.severity),
        }));
      });
  },
  unlisted: () => 0,
};

interface ConstraintStatus {
  totalViolations?: number;
  violations?: {
    kind?: string;
    name?: string;
    namespace?: string;
    message?: string;
    enforcementAction?: string;
  }[];
}

export const gatekeeperProvider: ComplianceProvider = {
  groupVersion: 'constraints.gatekeeper.sh/v1beta1',
  engine: 'gatekeeper',
  transform(obj) {
    const status = (obj['status'] as ConstraintStatus | undefined) ?? {};
    const spec = (obj['spec'] as { enforcementAction?: string } | undefined) ?? {};
    return {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: {
        name: obj.metadata.name ?? '',
        ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
      },
      spec: { enforcementAction: spec.enforcementAction ?? 'deny' },
      status: {
        totalViolations: status.totalViolations ?? status.violations?.length ?? 0,
        violations: (status.violations ?? []).map((v) => ({ ...v, message: cut(str(v.message)) })),
      },
    };
  },
  violations(obj) {
    const status = (obj['status'] as ConstraintStatus | undefined) ?? {};
    const action =
      (obj['spec'] as { enforcementAction?: string } | undefined)?.enforcementAction ?? 'deny';
    return (status.violations ?? []).map((v): FoundViolation => ({
      policy: `${obj.kind}/${obj.metadata.name ?? ''}`,
      engine: 'gatekeeper',
      kind: str(v.kind),
      namespace: str(v.namespace),
      name: str(v.name),
      message: str(v.message),
      action: str(v.enforcementAction) || action,
      severity: '',
    }));
  },
  unlisted(obj) {
    const status = (obj['status'] as ConstraintStatus | undefined) ?? {};
    return Math.max(0, (status.totalViolations ?? 0) - (status.violations?.length ?? 0));
  },
};

/** An accepted risk: which policies and objects it covers, why, who, until when. */
export interface RiskException {
  readonly namespace: string;
  readonly name: string;
  /** Constraint names, `Kind/name` or template kinds (PolicyReport policies by name). */
  readonly policies: readonly string[];
  readonly namespaces: readonly string[];
  readonly kinds: readonly string[];
  readonly names: readonly string[];
  readonly justification: string;
  readonly ticket: string;
  readonly acceptedBy: string;
  readonly expiresAt: string;
}

export const POLICY_EXCEPTION = {
  apiVersion: 'policy.flotilla.dev/v1',
  kind: 'PolicyException',
} as const;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap((x) => (typeof x === 'string' ? [x] : [])) : [];

/**
 * Reads a PolicyException (policy.flotilla.dev/v1): `spec.constraints` (names, `Kind/name` or
 * template kinds), `spec.match` (`kinds`, `namespaces`, `names`), `spec.justification`,
 * `spec.ticket`, `spec.expiresAt`; who accepted it from `status.acceptedBy` (stamped by admission).
 */
export function readException(obj: KubeObject): RiskException {
  const spec = (obj['spec'] as Record<string, unknown> | undefined) ?? {};
  const match = (spec['match'] as Record<string, unknown> | undefined) ?? {};
  const status = (obj['status'] as Record<string, unknown> | undefined) ?? {};
  const constraints = Array.isArray(spec['constraints'])
    ? (spec['constraints'] as unknown[]).flatMap((c) => {
        if (typeof c === 'string') return [c];
        if (typeof c === 'object' && c !== null) {
          const r = c as Record<string, unknown>;
          const name = str(r['name']);
          const kind = str(r['kind']);
          return [kind && name ? `${kind}/${name}` : kind || name];
        }
        return [];
      })
    : [];
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    policies: constraints.filter((c) => c !== ''),
    namespaces: strings(match['namespaces']),
    kinds: strings(match['kinds']),
    names: strings(match['names']),
    justification: str(spec['justification']),
    ticket: str(spec['ticket']),
    acceptedBy:
      str(status['acceptedBy']) ||
      str(obj.metadata.annotations?.['policy.flotilla.dev/accepted-by']),
    expiresAt: str(spec['expiresAt']),
  };
}

/** Whether an exception covers a violation (and is not expired at `now`). */
export function covers(e: RiskException, v: FoundViolation, now: number): boolean {
  if (e.expiresAt !== '' && Date.parse(e.expiresAt) <= now) return false;
  const [kindOfPolicy = '', nameOfPolicy = ''] = v.policy.split('/');
  const policyMatch = e.policies.some(
    (p) => p === v.policy || p === nameOfPolicy || p === kindOfPolicy,
  );
  if (!policyMatch) return false;
  if (e.namespaces.length > 0 && !e.namespaces.some((n) => globMatch(n, v.namespace))) return false;
  if (e.kinds.length > 0 && !e.kinds.includes(v.kind)) return false;
  if (e.names.length > 0 && !e.names.some((n) => globMatch(n, v.name))) return false;
  return true;
}

/** Gatekeeper's namespace globs: a trailing or leading `*`. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}
