// Schema-aware operations of server-side apply: field sets of values, merge, comparison and removal (structured-merge-diff semantics).
import { FieldSet, WalkPath } from './field-set.js';
import {
  hasOwnKey,
  isJsonObject,
  jsonClone,
  jsonEqual,
  ownValue,
  setOwnValue,
  type JsonObject,
} from './json-value.js';
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
      const child = into.child(key);
      toFieldSet(v[k], fieldSchema(s, k), child, path);
      // SMD: entries that are not declared fields (map values, untyped objects) are members too
      if (s?.properties?.[k] === undefined || v[k] === null) child.m = true;
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
          const child = n.child(key);
          toFieldSet(val[f], fieldSchema(item, f), child, path);
          if (item?.properties?.[f] === undefined || val[f] === null) child.m = true;
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
    // An added map or struct is a member with its fields. (Structs Go always holds, non-pointer
    // ones, are never added: the caller compares against a typed object that has them.)
    for (const k in v) insertAll(v[k], fieldSchema(s, k), into.child('f:' + k), path);
    into.m = true;
    return;
  }
  if (Array.isArray(v) && v.length > 0) {
    // An added list is a member with its items (a list Go always holds, like a Pod's containers,
    // is never added: the caller compares against a typed object that has it).
    into.m = true;
    const idx = indexList(v, s, path);
    if (idx === undefined) return;
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
  compareWalk(out, new WalkPath(), oldV, newV, s);
  out.modified.prune();
  out.added.prune();
  out.removed.prune();
  return out;
}

/** The node of `set` at the walk's position, extended by `extra`. */
function nodeAt(set: FieldSet, path: WalkPath, extra: string): FieldSet {
  let n = set;
  for (const k of path.parts) n = n.child(k);
  return n.child(extra);
}

function compareWalk(
  out: Comparison,
  path: WalkPath,
  o: unknown,
  n: unknown,
  sc: SchemaNode | undefined,
): void {
  // a null list or map (what Go holds for an unset slice or map) compares as an empty one
  if (o === null && Array.isArray(n)) o = [];
  else if (o === null && granularMap(n, sc)) o = {};
  if (granularMap(o, sc) && granularMap(n, sc)) {
    for (const k in n) {
      const key = 'f:' + k;
      const cs = fieldSchema(sc, k);
      if (!hasOwnKey(o, k)) insertAll(n[k], cs, nodeAt(out.added, path, key), path);
      else {
        path.push(key);
        compareWalk(out, path, o[k], n[k], cs);
        path.pop();
      }
    }
    for (const k in o) {
      if (hasOwnKey(n, k)) continue;
      insertAll(o[k], fieldSchema(sc, k), nodeAt(out.removed, path, 'f:' + k), path);
    }
    return;
  }
  if (Array.isArray(o) && Array.isArray(n) && listInfo(sc).kind !== 'atomic') {
    const oi = indexList(o, sc, path)!;
    const ni = indexList(n, sc, path)!;
    const item = itemsOf(sc);
    for (const k of ni.keys) {
      const nv = ni.byKey.get(k);
      if (!oi.byKey.has(k)) insertAll(nv, item, markItem(nodeAt(out.added, path, k)), path);
      else {
        path.push(k);
        compareWalk(out, path, oi.byKey.get(k), nv, item);
        path.pop();
      }
    }
    for (const k of oi.keys)
      if (!ni.byKey.has(k))
        insertAll(oi.byKey.get(k), item, markItem(nodeAt(out.removed, path, k)), path);
    return;
  }
  if (!jsonEqual(o, n)) {
    let m = out.modified;
    for (const k of path.parts) m = m.child(k);
    m.m = true;
  }
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
      setOwnValue(out, k, merge(ownValue(out, k), cv, fieldSchema(s, k), path));
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
  const mergeItem = (k: string, l: unknown, c: unknown): unknown =>
    mergeListItem(k, l, c, isMap, item, path);
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

function mergeListItem(
  k: string,
  l: unknown,
  c: unknown,
  isMap: boolean,
  item: SchemaNode | undefined,
  path: WalkPath,
): unknown {
  if (c === undefined) return l;
  if (l === undefined || !isMap) return jsonClone(c);
  path.push(k);
  const merged = merge(l, c, item, path);
  path.pop();
  return merged;
}

/**
 * SMD's prune of an apply (Updater.prune with addBackOwnedItems and addBackDanglingItems): every
 * field unit the manager applied last time (`last`; struct fields count as units when anything
 * below them was applied) goes from `v` with its subtree, unless it is still owned (`keep`: the
 * new configuration and every other manager) and so are its ancestors inside that region. Fields
 * nobody applied before are left alone. Returns the new value (unchanged subtrees are shared).
 */
export function removeItems(
  v: unknown,
  last: FieldSet,
  keep: FieldSet | undefined,
  s: SchemaNode | undefined,
  path: WalkPath,
): unknown {
  if (last.c === undefined) return v;
  if (granularMap(v, s)) {
    const named = s?.properties !== undefined;
    let out: JsonObject | undefined;
    for (const [k, ln] of last.c) {
      if (k[0] !== 'f') continue;
      const f = k.slice(2);
      if (!hasOwnKey(v, f)) continue;
      const kn = keep?.get(k);
      const isNamed = named && ownValue(s.properties!, f) !== undefined;
      let next: unknown;
      if (isUnit(ln, isNamed) && !isUnit(kn, isNamed)) next = REMOVED;
      else {
        path.push(k);
        next = removeItems(v[f], ln, kn, fieldSchema(s, f), path);
        path.pop();
      }
      if (next === v[f]) continue;
      out ??= { ...v };
      if (next === REMOVED) delete out[f];
      else setOwnValue(out, f, next);
    }
    return out ?? v;
  }
  if (Array.isArray(v) && v.length > 0) {
    const info = listInfo(s);
    if (info.kind === 'atomic') return v;
    const item = itemsOf(s);
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const el: unknown = v[i];
      const k =
        info.kind === 'map' ? itemKey(el, info.keys, item, path, i) : `v:${JSON.stringify(el)}`;
      const ln = last.get(k);
      let next: unknown = el;
      if (ln !== undefined) {
        const kn = keep?.get(k);
        if (ln.m && !isUnit(kn, false)) next = REMOVED;
        else if (ln.c !== undefined) {
          path.push(k);
          next = removeItems(el, ln, kn, item, path);
          path.pop();
        }
      }
      if (next !== el && out === undefined) out = v.slice(0, i);
      if (out !== undefined && next !== REMOVED) out.push(next);
    }
    return out ?? v;
  }
  return v;
}

const REMOVED = Symbol('removed');

/** Membership as SMD's EnsureNamedFieldsAreMembers sees it: struct fields count when anything below them does. */
function isUnit(n: FieldSet | undefined, named: boolean): boolean {
  if (n === undefined) return false;
  return n.m || (named && !n.isEmpty());
}
