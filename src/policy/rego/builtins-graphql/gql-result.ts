// Turns gqlparser-shaped documents into the Rego values OPA returns (pruned as OPA's topdown does).
import { fromJS, type Value } from '../value.js';

/**
 * OPA's pruneIrrelevantGraphQLASTNodes: drops Position, nulls, and arrays/objects that are empty
 * once pruned. Strings and booleans stay even when empty/false.
 */
function prune(x: unknown): unknown {
  if (Array.isArray(x)) {
    const out: unknown[] = [];
    for (const e of x as unknown[]) {
      if (e === null || e === undefined) continue;
      const p = prune(e);
      if (isEmpty(p)) continue;
      out.push(p);
    }
    return out;
  }
  if (typeof x === 'object' && x !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === 'Position' || v === null || v === undefined) continue;
      const p = prune(v);
      if (isEmpty(p)) continue;
      out[k] = p;
    }
    return out;
  }
  return x;
}

function isEmpty(x: unknown): boolean {
  if (Array.isArray(x)) return x.length === 0;
  return typeof x === 'object' && x !== null && Object.keys(x).length === 0;
}

/** The Rego value of a document as OPA returns it. */
export function documentValue(doc: object): Value {
  return fromJS(prune(doc));
}
