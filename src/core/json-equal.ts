// Deep equality over JSON values, shared by schema validation (enums) and the local cluster.

/** Deep equality over JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // keys holding undefined count as absent (they do not survive JSON); no key arrays allocated
  let n = 0;
  for (const k in ao) {
    const av = ao[k];
    if (av === undefined || !Object.prototype.hasOwnProperty.call(ao, k)) continue;
    n++;
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !jsonEqual(av, bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined && Object.prototype.hasOwnProperty.call(bo, k)) n--;
  return n === 0;
}
