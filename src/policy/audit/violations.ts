// One constraint's audit results as Gatekeeper writes them to `status`: `totalViolations` exact,
// `violations` capped at a limit. The kept violations are the first in a stable order (kind,
// namespace, name, message), whatever order the objects were listed in, and never more than the
// limit are held.
import type { ReviewResult } from '../gatekeeper/client.js';
import type { Constraint } from '../gatekeeper/constraint.js';
import { EnforcementAction } from '../gatekeeper/constants.js';
import { asString, field, splitApiVersion } from '../gatekeeper/object-access.js';

/** `status.violations[]` (Gatekeeper's StatusViolation). */
export interface StatusViolation {
  readonly message: string;
  readonly enforcementAction: string;
  /** For scoped constraints: the actions at the audit point. */
  readonly enforcementActions?: readonly string[];
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

const key = (v: StatusViolation): string[] => [
  v.kind,
  v.namespace ?? '',
  v.name,
  v.message,
  v.group,
  v.version,
];

function compare(a: StatusViolation, b: StatusViolation): number {
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] as string;
    const y = kb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The violation a result of an audited object becomes. */
export function statusViolation(
  result: ReviewResult,
  object: Readonly<Record<string, unknown>>,
): StatusViolation {
  const { group, version } = splitApiVersion(asString(object['apiVersion']));
  const namespace = asString(field(object, 'metadata', 'namespace'));
  return {
    message: result.msg,
    enforcementAction: result.enforcementAction,
    ...(result.enforcementAction === EnforcementAction.Scoped
      ? { enforcementActions: result.scopedActions }
      : {}),
    group,
    version,
    kind: asString(object['kind']),
    name: asString(field(object, 'metadata', 'name')),
    ...(namespace === '' ? {} : { namespace }),
  };
}

/** The running tally of one constraint. */
export class ConstraintViolations {
  total = 0;
  private readonly kept: StatusViolation[] = [];

  constructor(
    readonly constraint: Constraint,
    private readonly limit: number,
  ) {}

  add(v: StatusViolation): void {
    this.total++;
    if (this.limit <= 0) return;
    if (this.kept.length >= this.limit && compare(v, this.kept[this.kept.length - 1]!) >= 0) return;
    // binary search for the insertion point keeps the list sorted
    let lo = 0;
    let hi = this.kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(this.kept[mid]!, v) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.kept.splice(lo, 0, v);
    if (this.kept.length > this.limit) this.kept.pop();
  }

  violations(): StatusViolation[] {
    return [...this.kept];
  }
}
