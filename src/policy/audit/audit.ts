// Gatekeeper's audit: every live object of every kind some constraint may match, listed a page at
// a time, reviewed at the audit enforcement point; per constraint the exact total and the first
// violations in a stable order. Objects in exempt namespaces are skipped, as Gatekeeper's
// `--exempt-namespace` and Config's `audit` process exclusions do.
import type { ApiResource, KubeClient, KubeObject } from '../../kube/index.js';
import type { ConstraintClient } from '../gatekeeper/client.js';
import { EnforcementPoint } from '../gatekeeper/constants.js';
import type { MatchKinds } from '../gatekeeper/match.js';
import { wildcardMatches } from '../gatekeeper/match.js';
import type { JsonObject } from '../gatekeeper/object-access.js';
import type { Constraint } from '../gatekeeper/constraint.js';
import { ConstraintViolations, statusViolation, type StatusViolation } from './violations.js';

/** Gatekeeper's `--constraint-violations-limit` default. */
export const DEFAULT_VIOLATIONS_LIMIT = 20;

export interface AuditOptions {
  readonly kube: KubeClient;
  readonly client: ConstraintClient;
  /** The Namespace object of a namespace (namespaceSelector), from a cache or the API. */
  readonly namespaceOf: (name: string) => JsonObject | undefined | Promise<JsonObject | undefined>;
  /** Namespaces whose objects are not audited (exempt namespaces, Config's audit exclusions). */
  readonly excludedNamespaces?: (namespace: string) => boolean;
  /** @default 20 */
  readonly violationsLimit?: number;
  /** Objects per list page. @default 500 */
  readonly pageSize?: number;
  /** Told about every violation, capped or not (PolicyReports). */
  readonly onViolation?: (constraint: Constraint, violation: StatusViolation) => void;
}

export interface AuditReport {
  /** One entry per constraint, in the client's order (kind, name). */
  readonly constraints: readonly ConstraintViolations[];
  /** Objects reviewed. */
  readonly objects: number;
  /** Kinds listed. */
  readonly kinds: number;
}

/** Whether a resource may be matched by any of the constraints' kinds (empty kinds match all). */
function wanted(r: ApiResource, kinds: readonly (readonly MatchKinds[] | undefined)[]): boolean {
  return kinds.some(
    (list) =>
      list === undefined ||
      list.length === 0 ||
      list.some(
        (k) =>
          (k.apiGroups.includes('*') || k.apiGroups.includes(r.group)) &&
          (k.kinds.includes('*') || k.kinds.includes(r.kind)),
      ),
  );
}

/** One pass over the cluster. */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const { kube, client } = options;
  const limit = options.violationsLimit ?? DEFAULT_VIOLATIONS_LIMIT;
  const tallies = new Map<string, ConstraintViolations>();
  for (const c of client.listConstraints())
    tallies.set(`${c.kind}/${c.name}`, new ConstraintViolations(c, limit));
  const constraintKinds = [...tallies.values()].map((t) => t.constraint.match?.kinds);
  const resources =
    tallies.size === 0
      ? []
      : (await kube.discovery.listableResources()).filter((r) => wanted(r, constraintKinds));
  let objects = 0;
  const namespaces = new Map<string, JsonObject | undefined>();
  for (const r of resources.sort((a, b) =>
    `${a.group}/${a.kind}` < `${b.group}/${b.kind}` ? -1 : 1,
  )) {
    const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
    for await (const page of kube.listPages(
      { apiVersion, kind: r.kind },
      { limit: options.pageSize ?? 500 },
    )) {
      for (const obj of page.items) {
        const ns = obj.metadata.namespace ?? '';
        if (ns !== '' && options.excludedNamespaces?.(ns) === true) continue;
        let namespace: JsonObject | undefined;
        if (ns !== '') {
          if (!namespaces.has(ns)) namespaces.set(ns, await options.namespaceOf(ns));
          namespace = namespaces.get(ns);
        }
        objects++;
        review(client, obj, namespace, tallies, options.onViolation);
      }
    }
  }
  return { constraints: [...tallies.values()], objects, kinds: resources.length };
}

function review(
  client: ConstraintClient,
  obj: KubeObject,
  namespace: JsonObject | undefined,
  tallies: Map<string, ConstraintViolations>,
  onViolation: AuditOptions['onViolation'],
): void {
  const object = obj as unknown as JsonObject;
  const results = client.review(
    { kind: 'object', object, ...(namespace === undefined ? {} : { namespace }) },
    { enforcementPoint: EnforcementPoint.Audit },
  );
  for (const r of results) {
    const v = statusViolation(r, object);
    tallies.get(`${r.constraint.kind}/${r.constraint.name}`)?.add(v);
    onViolation?.(r.constraint, v);
  }
}

/** Whether a namespace is excluded by an exact name or a Gatekeeper glob (`kube-*`). */
export function namespaceExcluder(patterns: readonly string[]): (namespace: string) => boolean {
  return (ns) => patterns.some((p) => wildcardMatches(p, ns));
}
