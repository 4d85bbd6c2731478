// Drift detection: does the server-side dry-run result differ from the live object?
import { hasOwnKey, setOwnValue } from '../core/index.js';
import type { KubeObject } from '../kube/index.js';

/**
 * Compares as Flux does: labels, annotations, then the whole object without metadata and
 * status (so managedFields, resourceVersion, generation and timestamps never count).
 */
export function hasDrifted(live: KubeObject | undefined, dryRun: KubeObject): boolean {
  if (!live || !dryRun.metadata.resourceVersion) return true;
  if (!deepEqual(live.metadata.labels ?? {}, dryRun.metadata.labels ?? {})) return true;
  if (!deepEqual(live.metadata.annotations ?? {}, dryRun.metadata.annotations ?? {})) return true;
  return !deepEqual(withoutMetaAndStatus(live), withoutMetaAndStatus(dryRun));
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj))
    if (k !== 'metadata' && k !== 'status') setOwnValue(out, k, v);
  return out;
}

/** Structural equality of JSON values; object key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => hasOwnKey(bo, k) && deepEqual(ao[k], bo[k]));
}
