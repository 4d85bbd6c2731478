// RFC 6902 JSON patches as kustomize applies them (evanphx/json-patch semantics, YAML or JSON operation lists).
import { cloneValue, isYamlMap, parseYamlDocuments, valuesEqual } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';

export interface JsonPatchOp {
  /** The operation; '' when missing or not a string (applying it fails, as in evanphx/json-patch). */
  readonly op: string;
  /** undefined when missing (applying fails then, not decoding). */
  readonly path: string | undefined;
  readonly from?: string;
  readonly value?: YamlValue;
}

export class JsonPatchError extends Error {}

/**
 * Decodes a patch text as kustomize does: text starting with `[` is JSON, anything else is YAML
 * (go-yaml v2 rules, first document) turned into JSON; the result must be a list of objects.
 * Operations are checked when applied, so a malformed operation fails only where it is used.
 */
export function decodeJsonPatch(text: string): JsonPatchOp[] {
  if (text === '') throw new JsonPatchError('empty json patch operations');
  let v: YamlValue;
  try {
    v = text.startsWith('[')
      ? fromJsonish(JSON.parse(text) as YamlValue)
      : (parseYamlDocuments(text, true)[0] ?? null);
  } catch (err) {
    throw new JsonPatchError(`invalid JSON patch: ${(err as Error).message}`);
  }
  // JSON null decodes into an empty list of operations.
  if (v === null) return [];
  if (!Array.isArray(v))
    throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return v.map((e) => {
    if (e === null) return { op: '', path: undefined };
    if (!isYamlMap(e))
      throw new JsonPatchError('json: cannot unmarshal a non-object into a JSON patch operation');
    const op = e['op'];
    const path = e['path'];
    const out: { op: string; path: string | undefined; from?: string; value?: YamlValue } = {
      op: typeof op === 'string' ? op : '',
      path: typeof path === 'string' ? path : undefined,
    };
    if (typeof e['from'] === 'string') out.from = e['from'];
    if ('value' in e) out.value = fromJsonish(e['value']);
    return out;
  });
}

/** Operations as encoding/json decodes them: maps without a prototype, numbers as float64. */
function fromJsonish(v: YamlValue): YamlValue {
  if (Array.isArray(v)) return v.map(fromJsonish);
  if (isYamlMap(v)) {
    const out = Object.create(null) as YamlMap;
    for (const [k, x] of Object.entries(v)) out[k] = fromJsonish(x);
    return out;
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

function splitPointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer '${p}'`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Container = { kind: 'map'; m: YamlMap } | { kind: 'seq'; a: YamlValue[] };

function findParent(doc: YamlValue, parts: string[], path: string): { c: Container; key: string } {
  let cur: YamlValue | undefined = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!/^\d+$/.test(p) || i >= cur.length) throw missing(path);
      cur = cur[i];
    } else if (isYamlMap(cur)) {
      if (!(p in cur)) throw missing(path);
      cur = cur[p];
    } else throw missing(path);
  }
  const key = parts[parts.length - 1] as string;
  if (Array.isArray(cur)) return { c: { kind: 'seq', a: cur }, key };
  if (isYamlMap(cur)) return { c: { kind: 'map', m: cur }, key };
  throw missing(path);
}

function missing(path: string): JsonPatchError {
  return new JsonPatchError(`doc is missing path: "${path}": missing value`);
}

function getAt(doc: YamlValue, path: string): YamlValue {
  const parts = splitPointer(path);
  if (parts.length === 0) return doc;
  const { c, key } = findParent(doc, parts, path);
  if (c.kind === 'map') {
    if (!(key in c.m)) throw new JsonPatchError(`doc is missing key: ${path}: missing value`);
    return c.m[key] as YamlValue;
  }
  const i = Number(key);
  if (!/^\d+$/.test(key) || i >= c.a.length)
    throw new JsonPatchError(`index out of bounds at ${path}`);
  return c.a[i] as YamlValue;
}

function add(doc: YamlValue, path: string, value: YamlValue): YamlValue {
  const parts = splitPointer(path);
  if (parts.length === 0) return value;
  const { c, key } = findParent(doc, parts, path);
  if (c.kind === 'map') c.m[key] = value;
  else if (key === '-') c.a.push(value);
  else {
    const i = Number(key);
    if (!/^-?\d+$/.test(key) || i > c.a.length || i < -c.a.length) {
      throw new JsonPatchError(`add operation does not apply: index out of bounds at "${path}"`);
    }
    c.a.splice(i < 0 ? c.a.length + i : i, 0, value);
  }
  return doc;
}

function remove(doc: YamlValue, path: string, op: string): YamlValue {
  const parts = splitPointer(path);
  const { c, key } = findParent(doc, parts, path);
  if (c.kind === 'map') {
    if (!(key in c.m))
      throw new JsonPatchError(`Unable to ${op} nonexistent key: ${key}: missing value`);
    delete c.m[key];
  } else {
    const i = Number(key);
    if (!/^-?\d+$/.test(key) || i >= c.a.length || i < -c.a.length) {
      throw new JsonPatchError(`Unable to ${op} invalid index ${key} at "${path}"`);
    }
    c.a.splice(i < 0 ? c.a.length + i : i, 1);
  }
  return doc;
}

/** Applies the operations to `doc` itself (which must not be used afterwards) and returns the result. */
export function applyJsonPatchInPlace(doc: YamlMap, ops: readonly JsonPatchOp[]): YamlValue {
  let cur: YamlValue = doc;
  for (const o of ops) cur = applyOp(cur, o);
  return cur;
}

function pathOf(o: JsonPatchOp): string {
  if (o.path === undefined)
    throw new JsonPatchError(
      `${o.op} operation failed to decode path: operation missing path field`,
    );
  return o.path;
}

function applyOp(cur: YamlValue, o: JsonPatchOp): YamlValue {
  switch (o.op) {
    case 'add':
      return add(cur, pathOf(o), cloneValue(o.value ?? null));
    case 'remove':
      return remove(cur, pathOf(o), 'remove');
    case 'replace':
      return replace(cur, pathOf(o), o.value ?? null);
    case 'move': {
      if (o.from === undefined) throw new JsonPatchError('move operation needs "from"');
      const path = pathOf(o);
      const v = getAt(cur, o.from);
      return add(remove(cur, o.from, 'move'), path, v);
    }
    case 'copy': {
      if (o.from === undefined) throw new JsonPatchError('copy operation needs "from"');
      const path = pathOf(o);
      return add(cur, path, cloneValue(getAt(cur, o.from)));
    }
    case 'test': {
      let actual: YamlValue | undefined;
      try {
        actual = getAt(cur, pathOf(o));
      } catch {
        actual = undefined;
      }
      if (!valuesEqual(actual, o.value ?? null))
        throw new JsonPatchError(`testing value ${o.path ?? ''} failed: test failed`);
      return cur;
    }
    default:
      throw new JsonPatchError(`Unexpected kind: ${o.op === '' ? 'unknown' : o.op}`);
  }
}

function replace(cur: YamlValue, path: string, value: YamlValue): YamlValue {
  const parts = splitPointer(path);
  if (parts.length === 0) return cloneValue(value);
  const { c, key } = findParent(cur, parts, path);
  if (c.kind === 'map') {
    // The json-patch version kustomize uses lets `replace` create a missing object key.
    c.m[key] = cloneValue(value);
    return cur;
  }
  const i = Number(key);
  if (!/^\d+$/.test(key) || i >= c.a.length) {
    throw new JsonPatchError(
      `replace operation does not apply: doc is missing key: ${path}: missing value`,
    );
  }
  c.a[i] = cloneValue(value);
  return cur;
}
