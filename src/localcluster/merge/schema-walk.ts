// How a schema node merges: list types and keys, atomic maps, child schemas (structured-merge-diff's reading of OpenAPI).
import { PatchError } from './errors.js';
import { isJsonObject } from './json-value.js';
import type { SchemaNode } from './types.js';

export type ListKind = 'atomic' | 'set' | 'map';

export interface ListInfo {
  readonly kind: ListKind;
  readonly keys: readonly string[];
}

const ATOMIC: ListInfo = { kind: 'atomic', keys: [] };
const SET: ListInfo = { kind: 'set', keys: [] };
const listCache = new WeakMap<SchemaNode, ListInfo>();

/**
 * The list semantics of a schema node, as kube-openapi's schemaconv derives them:
 * x-kubernetes-list-type first; otherwise a legacy `patchStrategy: merge` list is associative by
 * its merge key (or a set for scalars); everything else is atomic.
 */
export function listInfo(s: SchemaNode | undefined): ListInfo {
  if (s === undefined) return ATOMIC;
  const hit = listCache.get(s);
  if (hit !== undefined) return hit;
  let info = ATOMIC;
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'map') {
    const keys = s['x-kubernetes-list-map-keys'];
    info = { kind: 'map', keys: Array.isArray(keys) ? keys.map(String) : [] };
  } else if (lt === 'set') info = SET;
  else if (lt === undefined) {
    const ps = s['x-kubernetes-patch-strategy'];
    if (typeof ps === 'string' && ps.split(',').includes('merge')) {
      const mk = s['x-kubernetes-patch-merge-key'];
      info = typeof mk === 'string' ? { kind: 'map', keys: [mk] } : SET;
    }
  }
  listCache.set(s, info);
  return info;
}

/** Whether an object node is replaced as a whole (x-kubernetes-map-type: atomic). */
export function isAtomicMap(s: SchemaNode | undefined): boolean {
  return s !== undefined && s['x-kubernetes-map-type'] === 'atomic';
}

/** The schema of one field of an object node; undefined means untyped (maps granular, lists atomic). */
export function fieldSchema(s: SchemaNode | undefined, key: string): SchemaNode | undefined {
  if (s === undefined) return undefined;
  const p = s.properties?.[key];
  if (p !== undefined) return p;
  const ap = s.additionalProperties;
  return typeof ap === 'object' ? ap : undefined;
}

/** The path element ('k:{...}') of an associative list item, using key defaults from the schema. */
export function itemKey(
  item: unknown,
  keys: readonly string[],
  itemSchema: SchemaNode | undefined,
  where: () => string,
): string {
  if (!isJsonObject(item))
    throw new PatchError(`${where()}: associative list with keys has an element that is not a map`);
  if (keys.length === 1) {
    const k = keys[0]!;
    const v = keyValue(item, k, itemSchema, where);
    return `k:{${JSON.stringify(k)}:${JSON.stringify(v)}}`;
  }
  const sorted = [...keys].sort();
  const parts: string[] = [];
  for (const k of sorted)
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(keyValue(item, k, itemSchema, where))}`);
  return `k:{${parts.join(',')}}`;
}

function keyValue(
  item: Record<string, unknown>,
  k: string,
  itemSchema: SchemaNode | undefined,
  where: () => string,
): unknown {
  const v = item[k];
  if (v !== undefined && v !== null) return v;
  const d = itemSchema?.properties?.[k]?.default;
  if (d !== undefined) return d;
  throw new PatchError(
    `${where()}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
  );
}
