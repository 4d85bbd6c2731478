// Strategic merge patch as apimachinery's strategicpatch applies it to built-in kinds: merge keys and patch directives.
import { PatchError } from './errors.js';
import {
  hasOwnKey,
  isJsonObject,
  jsonClone,
  jsonEqual,
  ownValue,
  setOwnValue,
  type JsonObject,
} from './json-value.js';
import { fieldSchema } from './schema-walk.js';
import type { KubeObject, SchemaNode } from './types.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/**
 * The message kube-apiserver answers a strategic merge patch of a custom resource with
 * (HTTP 415 UnsupportedMediaType): custom resources only accept JSON patch, merge patch and apply.
 */
export const STRATEGIC_MERGE_PATCH_UNSUPPORTED =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

interface PatchMeta {
  readonly strategies: readonly string[];
  readonly mergeKey: string | undefined;
}

function patchMeta(s: SchemaNode | undefined): PatchMeta {
  const ps = s?.['x-kubernetes-patch-strategy'];
  const mk = s?.['x-kubernetes-patch-merge-key'];
  return {
    strategies: typeof ps === 'string' ? ps.split(',') : [],
    mergeKey: typeof mk === 'string' ? mk : undefined,
  };
}

/**
 * Applies a strategic merge patch (application/strategic-merge-patch+json) to a copy of `obj`.
 * Lists whose schema says `patchStrategy: merge` merge by their `patchMergeKey` (or as sets of
 * scalars); other lists are replaced. Directives: `$patch: replace | delete` on maps and list
 * items (`$patch: merge` is rejected with apimachinery's errors), `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 * With `schema` undefined every list is replaced (merge-patch semantics); kube-apiserver refuses
 * strategic merge patches of custom resources, see STRATEGIC_MERGE_PATCH_UNSUPPORTED.
 */
export function applyStrategicMergePatch(
  obj: KubeObject,
  patch: unknown,
  schema: SchemaNode | undefined,
): KubeObject {
  if (!isJsonObject(patch))
    throw new PatchError('strategic merge patch: the patch must be a JSON object', 400);
  const out = mergeMap(jsonClone(obj), patch, schema, '');
  return out;
}

/** Go's %v of a map: `map[k1:v1 k2:v2]`, keys sorted. */
function goMap(m: JsonObject): string {
  const show = (v: unknown): string =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? goMap(v as JsonObject)
      : Array.isArray(v)
        ? `[${v.map(show).join(' ')}]`
        : String(v);
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${show(m[k])}`)
    .join(' ')}]`;
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  s: SchemaNode | undefined,
  path: string,
): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'replace') {
      const replaced: JsonObject = {};
      for (const k in patch) if (k !== DIRECTIVE) setOwnValue(replaced, k, jsonClone(patch[k]));
      return mergeMap({}, replaced, s, path);
    }
    if (directive === 'delete') return {};
    // apimachinery's handleDirectiveInMergeMap accepts only replace and delete on maps; kube-apiserver
    // answers its error as an internal one (500, Go's %v of the patch map)
    throw new PatchError(
      `unknown patch type: ${typeof directive === 'string' ? directive : JSON.stringify(directive)} in map: ${goMap(patch)}`,
      500,
    );
  }

  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain))
      throw new PatchError(
        `strategic merge patch: invalid patch format of retainKeys at ${path || '.'}: not a list`,
        400,
      );
    for (const k in patch) {
      if (k.startsWith('$') || patch[k] === null) continue; // directives and deletions are exempt
      if (!retain.includes(k))
        throw new PatchError(
          `strategic merge patch: invalid patch format of retainKeys: ${path}.${k} is not in the ${RETAIN_KEYS} list`,
          400,
        );
    }
    for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
  }

  // $setElementOrder/<field> lists, with their patch lists, are merged and then ordered.
  const ordered = new Set<string>();
  for (const k in patch) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    const order = patch[k];
    if (!Array.isArray(order))
      throw new PatchError(`strategic merge patch: ${path}.${k} must be a list`, 400);
    const fs = fieldSchema(s, field);
    const meta = patchMeta(fs);
    const live = ownValue(original, field);
    const orig = Array.isArray(live) ? (live as unknown[]) : [];
    const patchList = ownValue(patch, field);
    if (patchList !== undefined && !Array.isArray(patchList))
      throw new PatchError(`strategic merge patch: ${path}.${field} must be a list`, 400);
    if (!hasOwnKey(original, field) && patchList === undefined) {
      ordered.add(field);
      continue;
    }
    checkOrder(order, patchList ?? [], meta.mergeKey, `${path}.${field}`);
    let merged: unknown[];
    let serverOrder = orig;
    if (patchList === undefined) merged = orig;
    else if (!hasOwnKey(original, field)) merged = patchList.map((v) => cleanNew(v, fs?.items));
    else if (!meta.strategies.includes('merge')) merged = jsonClone(patchList);
    else {
      const r = mergeListDetailed(orig, patchList, fs, meta, `${path}.${field}`);
      merged = r.result;
      serverOrder = r.serverView;
    }
    const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey);
    setOwnValue(
      original,
      field,
      normalizeOrder(patchItems, serverOnly, order, serverOrder, meta.mergeKey),
    );
    ordered.add(field);
  }

  for (const k in patch) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || ordered.has(k)) continue;
    const pv = patch[k];
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(pv))
        throw new PatchError(`strategic merge patch: ${path}.${k} must be a list`, 400);
      const cur = ownValue(original, field);
      if (Array.isArray(cur))
        setOwnValue(
          original,
          field,
          cur.filter((v) => !pv.some((d) => jsonEqual(d, v))),
        );
      continue;
    }
    if (k.startsWith('$'))
      throw new PatchError(`strategic merge patch: unknown directive ${k} at ${path || '.'}`);
    if (pv === null) {
      delete original[k];
      continue;
    }
    const fs = fieldSchema(s, k);
    const orig = ownValue(original, k);
    // a value new to the object, or of another JSON type, is taken from the patch without its
    // directives; a map holding a directive is dropped altogether (apimachinery's removeDirectives)
    if (!hasOwnKey(original, k) || orig === null || goKind(orig) !== goKind(pv)) {
      const [v, keep] = removeDirectives(pv);
      if (keep) setOwnValue(original, k, v);
      else delete original[k];
      continue;
    }
    setOwnValue(original, k, mergeValue(orig, pv, fs, `${path}.${k}`));
  }
  return original;
}

function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'slice';
  if (isJsonObject(v)) return 'map';
  return typeof v;
}

/** apimachinery's removeDirectives: [value, keep]. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const [nv, keep] = removeDirectives(x);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  if (!isJsonObject(v)) return [v, true];
  if (hasOwnKey(v, DIRECTIVE)) return [undefined, false];
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const [nv, keep] = removeDirectives(x);
    if (keep) setOwnValue(out, k, nv);
  }
  return [out, true];
}

function mergeValue(orig: unknown, pv: unknown, s: SchemaNode | undefined, path: string): unknown {
  const meta = patchMeta(s);
  if (isJsonObject(pv)) {
    if (meta.strategies.includes('replace')) return mergeMap({}, pv, s, path);
    return mergeMap(isJsonObject(orig) ? orig : {}, pv, s, path);
  }
  if (Array.isArray(pv)) {
    if (!meta.strategies.includes('merge')) return jsonClone(pv);
    return mergeList(Array.isArray(orig) ? orig : [], pv, s, meta, path);
  }
  return pv;
}

function mergeList(
  original: unknown[],
  patch: unknown[],
  s: SchemaNode | undefined,
  meta: PatchMeta,
  path: string,
): unknown[] {
  return mergeListDetailed(original, patch, s, meta, path).result;
}

/** A value new to the object: nested directives and nulls are resolved against nothing. */
function cleanNew(v: unknown, s: SchemaNode | undefined): unknown {
  return isJsonObject(v) ? mergeMap({}, v, s, '') : jsonClone(v);
}

/**
 * Merges a `patchStrategy: merge` list. `serverView` is what apimachinery's later
 * $setElementOrder step sees as the live order: its Go code deletes and appends inside the live
 * list's backing array, so after deletions the first len(live) merged items stand in for it.
 */
function mergeListDetailed(
  original: unknown[],
  patch: unknown[],
  s: SchemaNode | undefined,
  meta: PatchMeta,
  path: string,
): { result: unknown[]; serverView: unknown[] } {
  const plainResult = (result: unknown[]): { result: unknown[]; serverView: unknown[] } => ({
    result,
    serverView: original,
  });
  if (original.length === 0 && patch.length === 0) return plainResult(original);
  const item = s?.items;
  const mapItems = patch.some(isJsonObject) || original.some(isJsonObject);
  let merged: unknown[];
  if (!mapItems) {
    merged = [];
    for (const v of [...original, ...patch])
      if (!merged.some((m) => jsonEqual(m, v))) merged.push(v);
    const [patchItems, serverOnly] = partition(merged, patch, undefined);
    return plainResult(normalizeOrder(patchItems, serverOnly, patch, original, undefined));
  }
  const key = meta.mergeKey;
  if (key === undefined)
    throw new PatchError(`strategic merge patch: cannot merge lists without merge key for ${path}`);
  let base = [...original];
  const plain: JsonObject[] = [];
  let replace = false;
  for (const v of patch) {
    if (!isJsonObject(v))
      throw new PatchError(`strategic merge patch: ${path}: list items must all be maps`);
    const d = v[DIRECTIVE];
    if (d === undefined) {
      plain.push(v);
      continue;
    }
    if (d === 'delete') {
      if (!hasOwnKey(v, key))
        throw new PatchError(
          `strategic merge patch: ${path}: map: ${JSON.stringify(v)} does not contain declared merge key: ${key}`,
        );
      base = base.filter((o) => !(isJsonObject(o) && jsonEqual(o[key], v[key])));
    } else if (d === 'replace') replace = true;
    else if (d === 'merge')
      throw new PatchError(
        `strategic merge patch: ${path}: merging lists cannot yet be specified in the patch`,
      );
    else
      throw new PatchError(
        `strategic merge patch: ${path}: unknown patch type: ${JSON.stringify(d)}`,
      );
  }
  if (replace) return plainResult(plain.map((v) => cleanNew(v, item)));
  const deleted = base.length < original.length;
  // new items are appended to a copy: the live order (`base`) knows only the live items
  merged = [...base];
  for (const v of plain) {
    if (!hasOwnKey(v, key))
      throw new PatchError(
        `strategic merge patch: ${path}: map: ${JSON.stringify(v)} does not contain declared merge key: ${key}`,
      );
    const i = merged.findIndex((o) => isJsonObject(o) && jsonEqual(o[key], v[key]));
    if (i >= 0)
      merged[i] = mergeMap(
        merged[i] as JsonObject,
        v,
        item,
        `${path}[${key}=${JSON.stringify(v[key])}]`,
      );
    else merged.push(cleanNew(v, item));
  }
  const serverView = deleted ? merged.slice(0, original.length) : original;
  const [patchItems, serverOnly] = partition(merged, plain, key);
  return { result: normalizeOrder(patchItems, serverOnly, plain, base, key), serverView };
}

function sameItem(a: unknown, b: unknown, key: string | undefined): boolean {
  if (key === undefined) return jsonEqual(a, b);
  return isJsonObject(a) && isJsonObject(b) && jsonEqual(a[key], b[key]);
}

function indexIn(list: readonly unknown[], v: unknown, key: string | undefined): number {
  for (let i = 0; i < list.length; i++) if (sameItem(list[i], v, key)) return i;
  return -1;
}

/** Splits merged items into those named by the patch (or order list) and server-only ones. */
function partition(
  merged: unknown[],
  patch: readonly unknown[],
  key: string | undefined,
): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of merged) (indexIn(patch, v, key) >= 0 ? inPatch : serverOnly).push(v);
  return [inPatch, serverOnly];
}

/**
 * apimachinery's validatePatchWithSetOrderList: the patch list's items (deletions aside) must
 * appear in the $setElementOrder list, in the same relative order.
 */
function checkOrder(
  order: readonly unknown[],
  patchList: readonly unknown[],
  key: string | undefined,
  path: string,
): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = patchList.filter((v) => !(isJsonObject(v) && v[DIRECTIVE] !== undefined));
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (key !== undefined && !(isJsonObject(item) && hasOwnKey(item, key)))
      throw new PatchError(
        `strategic merge patch: ${path}: map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`,
      );
    if (sameItem(item, order[o], key)) p++;
    o++;
  }
  if (p < items.length)
    throw new PatchError(
      `strategic merge patch: ${path}: the order in patch list ${JSON.stringify(patchList)} doesn't match $setElementOrder list ${JSON.stringify(order)}`,
    );
}

/**
 * Go's sort.SliceStable (an insertion sort for short lists) with apimachinery's comparator from
 * normalizeSliceOrder, which calls any pair with an item missing from `order` "less".
 */
function sortByOrder(
  list: unknown[],
  order: readonly unknown[],
  key: string | undefined,
): unknown[] {
  const out = [...list];
  const idx = out.map((v) => indexIn(order, v, key));
  const less = (a: number, b: number): boolean => (a >= 0 && b >= 0 ? a < b : true);
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(idx[j]!, idx[j - 1]!); j--) {
      [out[j], out[j - 1]] = [out[j - 1], out[j]];
      [idx[j], idx[j - 1]] = [idx[j - 1]!, idx[j]!];
    }
  }
  return out;
}

/**
 * apimachinery's normalizeElementOrder: patch items follow the patch order, server-only items
 * keep the live order, and the two are interleaved by their positions in the live list.
 */
function normalizeOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  key: string | undefined,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, key);
  const left = sortByOrder(serverOnly, serverOrder, key);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], key);
      const ri = indexIn(serverOrder, right[j], key);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
