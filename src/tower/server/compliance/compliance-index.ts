// Violations across the fleet: per cluster, per policy and per namespace, clusters side by side,
// with accepted risks (PolicyExceptions) applied: a covered violation is counted apart and names
// who accepted it; an expired exception stops covering at once.
import type { AcceptedRisk, ComplianceMatrixRow, Violation } from '../../api/types.js';
import { pageOf, type Paging } from '../paging.js';
import { covers, type FoundViolation, type RiskException } from './providers.js';

export interface ComplianceQuery extends Paging {
  readonly q: string;
  readonly clusters: readonly string[];
  readonly namespaces: readonly string[];
  readonly policies: readonly string[];
  /** Include violations covered by an accepted risk. @default false */
  readonly includeAccepted: boolean;
}

interface Entry {
  readonly cluster: string;
  readonly environment: string;
  readonly violations: readonly FoundViolation[];
  readonly unlisted: number;
  readonly policy: string;
}

export class ComplianceIndex {
  /** By `cluster/apiVersion/kind/namespace/name` of the report or constraint. */
  private readonly entries = new Map<string, Entry>();
  private readonly exceptions = new Map<string, RiskException & { cluster: string }>();
  /** Engines seen per cluster. */
  private readonly engines = new Map<string, Set<string>>();

  setEntry(key: string, entry: Entry | undefined): void {
    if (entry === undefined) this.entries.delete(key);
    else this.entries.set(key, entry);
  }

  setException(key: string, e: (RiskException & { cluster: string }) | undefined): void {
    if (e === undefined) this.exceptions.delete(key);
    else this.exceptions.set(key, e);
  }

  noteEngine(cluster: string, engine: string): void {
    const set = this.engines.get(cluster) ?? new Set();
    set.add(engine);
    this.engines.set(cluster, set);
  }

  enginesByCluster(): Record<string, string[]> {
    return Object.fromEntries([...this.engines].map(([c, s]) => [c, [...s].sort()]));
  }

  /** Every violation with accepted risks applied. */
  violations(now = Date.now()): Violation[] {
    const out: Violation[] = [];
    const byCluster = new Map<string, (RiskException & { cluster: string })[]>();
    for (const e of this.exceptions.values()) {
      byCluster.set(e.cluster, [...(byCluster.get(e.cluster) ?? []), e]);
    }
    for (const entry of this.entries.values()) {
      const exceptions = byCluster.get(entry.cluster) ?? [];
      for (const v of entry.violations) {
        const accepted = exceptions.find((e) => covers(e, v, now));
        out.push({
          ...v,
          cluster: entry.cluster,
          environment: entry.environment,
          ...(accepted
            ? { acceptedBy: accepted.acceptedBy || `${accepted.namespace}/${accepted.name}` }
            : {}),
        });
      }
    }
    return out.sort(
      (a, b) =>
        a.policy.localeCompare(b.policy) ||
        a.cluster.localeCompare(b.cluster) ||
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name),
    );
  }

  risks(now = Date.now()): AcceptedRisk[] {
    return [...this.exceptions.values()]
      .map((e) => ({
        cluster: e.cluster,
        namespace: e.namespace,
        name: e.name,
        policies: e.policies,
        justification: e.justification,
        ticket: e.ticket,
        acceptedBy: e.acceptedBy,
        expiresAt: e.expiresAt,
        expired: e.expiresAt !== '' && Date.parse(e.expiresAt) <= now,
      }))
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  }

  query(q: ComplianceQuery, now = Date.now()) {
    const words = q.q
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    const inSet = (set: readonly string[], v: string) => set.length === 0 || set.includes(v);
    const all = this.violations(now);
    const matching = all.filter(
      (v) =>
        inSet(q.clusters, v.cluster) &&
        inSet(q.namespaces, v.namespace) &&
        inSet(q.policies, v.policy) &&
        (q.includeAccepted || v.acceptedBy === undefined) &&
        (words.length === 0 ||
          words.every((w) =>
            `${v.policy} ${v.kind} ${v.namespace} ${v.name} ${v.message}`.toLowerCase().includes(w),
          )),
    );
    // The matrix counts what the engines counted (Gatekeeper lists only the first violations).
    const matrix = new Map<string, ComplianceMatrixRow & { clusters: Record<string, number> }>();
    for (const v of matching) {
      const row = matrix.get(v.policy) ?? { policy: v.policy, clusters: {}, total: 0 };
      row.clusters[v.cluster] = (row.clusters[v.cluster] ?? 0) + 1;
      matrix.set(v.policy, { ...row, total: row.total + 1 });
    }
    for (const e of this.entries.values()) {
      if (e.unlisted === 0 || !inSet(q.clusters, e.cluster) || !inSet(q.policies, e.policy))
        continue;
      if (q.namespaces.length > 0 || words.length > 0) continue;
      const row = matrix.get(e.policy) ?? { policy: e.policy, clusters: {}, total: 0 };
      row.clusters[e.cluster] = (row.clusters[e.cluster] ?? 0) + e.unlisted;
      matrix.set(e.policy, { ...row, total: row.total + e.unlisted });
    }
    const byNamespace = new Map<string, number>();
    for (const v of matching) byNamespace.set(v.namespace, (byNamespace.get(v.namespace) ?? 0) + 1);
    return {
      ...pageOf(matching, q),
      matrix: [...matrix.values()].sort(
        (a, b) => b.total - a.total || a.policy.localeCompare(b.policy),
      ),
      byNamespace: [...byNamespace]
        .map(([namespace, count]) => ({ namespace, count }))
        .sort((a, b) => b.count - a.count || a.namespace.localeCompare(b.namespace))
        .slice(0, 50),
      risks: this.risks(now),
    };
  }
}
