// How a schema node merges: list types and keys, atomic maps, child schemas (structured-merge-diff's reading of OpenAPI).
import { PatchError } from './errors.js';
import { isJsonObject, ownValue } from './json-value.js';
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
  const props = s.properties;
  // own properties only: a field named `constructor` is not Object's constructor
  const p = props === undefined ? undefined : (ownValue(props, key) as SchemaNode | undefined);
  if (p !== undefined) return p;
  const ap = s.additionalProperties;
  return typeof ap === 'object' ? ap : undefined;
}

/**
 * Item keys computed during one operation: an apply walks the live object several times.
 * Reset at the start of every operation so that objects a caller mutates later are re-keyed.
 */
let keyCache = new WeakMap<object, { keys: readonly string[]; key: string }>();

export function resetItemKeys(): void {
  keyCache = new WeakMap();
}

/** The path element ('k:{...}') of an associative list item, using key defaults from the schema. */
export function itemKey(
  item: unknown,
  keys: readonly string[],
  itemSchema: SchemaNode | undefined,
  path: { toString(): string },
  index: number,
): string {
  if (!isJsonObject(item))
    throw new PatchError(
      `${String(path)}: element ${index}: associative list with keys has an element that is not a map`,
    );
  const hit = keyCache.get(item);
  if (hit !== undefined && hit.keys === keys) return hit.key;
  let key: string;
  if (keys.length === 1) {
    const k = keys[0]!;
    key = `k:{${JSON.stringify(k)}:${JSON.stringify(keyValue(item, k, itemSchema, path, index))}}`;
  } else {
    const parts: string[] = [];
    for (const k of [...keys].sort())
      parts.push(
        `${JSON.stringify(k)}:${JSON.stringify(keyValue(item, k, itemSchema, path, index))}`,
      );
    key = `k:{${parts.join(',')}}`;
  }
  keyCache.set(item, { keys, key });
  return key;
}

function keyValue(
  item: Record<string, unknown>,
  k: string,
  itemSchema: SchemaNode | undefined,
  path: { toString(): string },
  index: number,
): unknown {
  const v = ownValue(item, k);
  if (v !== undefined && v !== null) return v;
  const props = itemSchema?.properties;
  const d =
    props === undefined ? undefined : (ownValue(props, k) as SchemaNode | undefined)?.default;
  if (d !== undefined) return d;
  throw new PatchError(
    `${String(path)}: element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
  );
}
