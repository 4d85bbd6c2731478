// Schema-aware operations of server-side apply: field sets of values, merge, comparison and removal (structured-merge-diff semantics).
import { FieldSet, WalkPath } from './field-set.js';
import { isJsonObject, jsonClone, jsonEqual, type JsonObject } from './json-value.js';
import { fieldSchema, isAtomicMap, itemKey, listInfo } from './schema-walk.js';
import type { SchemaNode } from './types.js';

const itemsOf = (s: SchemaNode | undefined): SchemaNode | undefined => s?.items;

function granularMap(v: unknown, s: SchemaNode | undefined): v is JsonObject {
  return isJsonObject(v) && !isAtomicMap(s);
}

interface ListIndex {
  keys: string[];
  byKey: Map<string, unknown>;
}

/** The path element of every item of a granular list (undefined for atomic lists). */
function indexList(
  list: unknown[],
  s: SchemaNode | undefined,
  path: WalkPath,
): ListIndex | undefined {
  const info = listInfo(s);
  if (info.kind === 'atomic') return undefined;
  const keys: string[] = [];
  const byKey = new Map<string, unknown>();
  const item = itemsOf(s);
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    const k =
      info.kind === 'map' ? itemKey(el, info.keys, item, path, i) : `v:${JSON.stringify(el)}`;
    if (byKey.has(k)) continue; // duplicates: the first one wins, as SMD keeps the first
    keys.push(k);
    byKey.set(k, el);
  }
  return { keys, byKey };
}

/** The field set an applied configuration claims (SMD's ToFieldSet): leaves, list items, set values. */
export function toFieldSet(
  v: unknown,
  s: SchemaNode | undefined,
  into: FieldSet,
  path: WalkPath,
): void {
  if (granularMap(v, s)) {
    let any = false;
    for (const k in v) {
      any = true;
      const key = 'f:' + k;
      path.push(key);
      toFieldSet(v[k], fieldSchema(s, k), into.child(key), path);
      path.pop();
    }
    if (!any) into.m = true;
    return;
  }
  if (Array.isArray(v) && v.length > 0) {
    const idx = indexList(v, s, path);
    if (idx !== undefined) {
      const item = itemsOf(s);
      const isMap = listInfo(s).kind === 'map';
      for (const k of idx.keys) {
        const n = into.child(k);
        n.m = true;
        const val = idx.byKey.get(k);
        if (!isMap || !isJsonObject(val)) continue;
        path.push(k);
        for (const f in val) {
          const key = 'f:' + f;
          path.push(key);
          toFieldSet(val[f], fieldSchema(item, f), n.child(key), path);
          path.pop();
        }
        path.pop();
      }
      return;
    }
  }
  into.m = true;
}

/** Every node of a value as a member (what SMD's Compare reports for an added or removed subtree). */
function insertAll(v: unknown, s: SchemaNode | undefined, into: FieldSet, path: WalkPath): void {
  if (granularMap(v, s)) {
    // Structs are containers only (they exist empty in kube's typed objects); maps are members.
    let any = false;
    for (const k in v) {
      any = true;
      insertAll(v[k], fieldSchema(s, k), into.child('f:' + k), path);
    }
    if (!any || s?.properties === undefined) into.m = true;
    return;
  }
  if (Array.isArray(v) && v.length > 0) {
    // A granular list is a container of its items (kube shows no '.' on it); atomic ones are leaves.
    const idx = indexList(v, s, path);
    if (idx === undefined) {
      into.m = true;
      return;
    }
    const item = itemsOf(s);
    const isMap = listInfo(s).kind === 'map';
    for (const k of idx.keys) {
      const n = into.child(k);
      n.m = true;
      const val = idx.byKey.get(k);
      if (isMap && isJsonObject(val))
        for (const f in val) insertAll(val[f], fieldSchema(item, f), n.child('f:' + f), path);
    }
    return;
  }
  into.m = true;
}

/** The differences between two values: changed leaves, added and removed subtrees. */
export interface Comparison {
  readonly modified: FieldSet;
  readonly added: FieldSet;
  readonly removed: FieldSet;
}

export function compare(oldV: unknown, newV: unknown, s: SchemaNode | undefined): Comparison {
  const out: Comparison = {
    modified: new FieldSet(),
    added: new FieldSet(),
    removed: new FieldSet(),
  };
  const path = new WalkPath();
  const at = (set: FieldSet, extra: string): FieldSet => {
    let n = set;
    for (const k of path.parts) n = n.child(k);
    return n.child(extra);
  };
  const walk = (o: unknown, n: unknown, sc: SchemaNode | undefined): void => {
    if (granularMap(o, sc) && granularMap(n, sc)) {
      for (const k in n) {
        const key = 'f:' + k;
        const cs = fieldSchema(sc, k);
        if (!(k in o)) insertAll(n[k], cs, at(out.added, key), path);
        else {
          path.push(key);
          walk(o[k], n[k], cs);
          path.pop();
        }
      }
      for (const k in o) {
        if (k in n) continue;
        insertAll(o[k], fieldSchema(sc, k), at(out.removed, 'f:' + k), path);
      }
      return;
    }
    if (Array.isArray(o) && Array.isArray(n) && listInfo(sc).kind !== 'atomic') {
      const oi = indexList(o, sc, path)!;
      const ni = indexList(n, sc, path)!;
      const item = itemsOf(sc);
      for (const k of ni.keys) {
        const nv = ni.byKey.get(k);
        if (!oi.byKey.has(k)) insertAll(nv, item, markItem(at(out.added, k)), path);
        else {
          path.push(k);
          walk(oi.byKey.get(k), nv, item);
          path.pop();
        }
      }
      for (const k of oi.keys)
        if (!ni.byKey.has(k)) insertAll(oi.byKey.get(k), item, markItem(at(out.removed, k)), path);
      return;
    }
    if (!jsonEqual(o, n)) {
      let m = out.modified;
      for (const k of path.parts) m = m.child(k);
      m.m = true;
    }
  };
  walk(oldV, newV, s);
  out.modified.prune();
  out.added.prune();
  out.removed.prune();
  return out;
}

function markItem(n: FieldSet): FieldSet {
  n.m = true;
  return n;
}

/** live.Merge(config) as SMD does it: maps merge, associative lists merge by key, the rest is replaced. */
export function merge(
  live: unknown,
  config: unknown,
  s: SchemaNode | undefined,
  path: WalkPath,
): unknown {
  if (granularMap(config, s)) {
    const out: JsonObject = granularMap(live, s) ? { ...live } : {};
    for (const k in config) {
      const cv = config[k];
      if (cv === null) {
        delete out[k];
        continue;
      }
      path.push('f:' + k);
      out[k] = merge(out[k], cv, fieldSchema(s, k), path);
      path.pop();
    }
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const ci = indexList(config, s, path);
    if (ci !== undefined) return mergeList(live, ci, s, path);
  }
  return jsonClone(config);
}

/** SMD's list merge order: live items stay in place, shared items follow the config's order, new ones are inserted. */
function mergeList(
  live: unknown[],
  ci: ListIndex,
  s: SchemaNode | undefined,
  path: WalkPath,
): unknown[] {
  const li = indexList(live, s, path)!;
  const item = itemsOf(s);
  const isMap = listInfo(s).kind === 'map';
  const mergeItem = (k: string, l: unknown, c: unknown): unknown => {
    if (c === undefined) return l;
    if (l === undefined || !isMap) return jsonClone(c);
    path.push(k);
    const merged = merge(l, c, item, path);
    path.pop();
    return merged;
  };
  const shared = ci.keys.filter((k) => li.byKey.has(k));
  let nextShared = 0;
  const out: unknown[] = [];
  const done = new Set<string>();
  let l = 0;
  let r = 0;
  while (l < li.keys.length || r < ci.keys.length) {
    if (l < li.keys.length && r < ci.keys.length) {
      const lk = li.keys[l]!;
      if (lk === ci.keys[r]) {
        done.add(lk);
        out.push(mergeItem(lk, li.byKey.get(lk), ci.byKey.get(lk)));
        l++;
        r++;
        if (shared[nextShared] === lk) nextShared++;
        continue;
      }
      if (ci.byKey.has(lk) && nextShared < shared.length && shared[nextShared] !== lk) {
        l++;
        continue;
      }
    }
    if (l < li.keys.length) {
      const lk = li.keys[l]!;
      if (!ci.byKey.has(lk)) {
        out.push(li.byKey.get(lk));
        l++;
        continue;
      }
      if (done.has(lk)) {
        l++;
        continue;
      }
    }
    if (r < ci.keys.length) {
      const rk = ci.keys[r]!;
      done.add(rk);
      out.push(mergeItem(rk, li.byKey.get(rk), ci.byKey.get(rk)));
      r++;
      if (shared[nextShared] === rk) nextShared++;
    } else l++;
  }
  return out;
}

/**
 * Removes from `v` the members of `remove` (a manager's previously applied fields it no longer
 * applies), keeping anything in `keep` (fields other managers or the new configuration own).
 * Maps emptied by the removal disappear, as Go's omitempty drops them for built-in kinds.
 * Returns the new value (unchanged subtrees are shared).
 */
export function removeItems(
  v: unknown,
  remove: FieldSet,
  keep: FieldSet | undefined,
  s: SchemaNode | undefined,
  path: WalkPath,
): unknown {
  if (remove.c === undefined) return v;
  if (granularMap(v, s)) {
    const out: JsonObject = { ...v };
    let changed = false;
    for (const [k, rn] of remove.c) {
      if (k[0] !== 'f') continue;
      const f = k.slice(2);
      if (!(f in out)) continue;
      path.push(k);
      const next = removeChild(out[f], rn, keep?.get(k), fieldSchema(s, f), path);
      path.pop();
      if (next === REMOVED) {
        delete out[f];
        changed = true;
      } else if (next !== out[f]) {
        out[f] = next;
        changed = true;
      }
    }
    return changed ? out : v;
  }
  if (Array.isArray(v) && v.length > 0) {
    const info = listInfo(s);
    if (info.kind === 'atomic') return v;
    const item = itemsOf(s);
    const out: unknown[] = [];
    let changed = false;
    for (let i = 0; i < v.length; i++) {
      const el: unknown = v[i];
      const k =
        info.kind === 'map' ? itemKey(el, info.keys, item, path, i) : `v:${JSON.stringify(el)}`;
      const rn = remove.get(k);
      if (rn === undefined) {
        out.push(el);
        continue;
      }
      path.push(k);
      const next = removeChild(el, rn, keep?.get(k), item, path, info.keys);
      path.pop();
      if (next !== REMOVED) out.push(next);
      if (next !== el) changed = true;
    }
    return changed ? out : v;
  }
  return v;
}

const REMOVED = Symbol('removed');

function removeChild(
  v: unknown,
  rn: FieldSet,
  kn: FieldSet | undefined,
  s: SchemaNode | undefined,
  path: WalkPath,
  keyFields?: readonly string[],
): unknown {
  if (rn.m && (kn === undefined || kn.isEmpty())) return REMOVED;
  let next = v;
  if (rn.m && kn !== undefined && !kn.m && granularMap(v, s)) {
    // The node itself goes, but others own parts of it: keep only those parts (and list keys).
    const out: JsonObject = {};
    for (const f in v) {
      const sub = kn.get('f:' + f);
      if (sub !== undefined) out[f] = v[f];
      else if (keyFields?.includes(f)) out[f] = v[f];
    }
    next = out;
  }
  if (rn.c !== undefined) next = removeItems(next, rn, kn, s, path);
  if (next !== v && isJsonObject(next) && Object.keys(next).length === 0 && !(kn?.m ?? false))
    return REMOVED;
  return next;
}
