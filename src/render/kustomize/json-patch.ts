// RFC 6902 JSON patches as kustomize applies them (evanphx/json-patch semantics, YAML or JSON operation lists).
import { cloneValue, isYamlMap, parseYaml, valuesEqual } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';

export interface JsonPatchOp {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: YamlValue;
}

export class JsonPatchError extends Error {}

/** Decodes a patch text into operations, or throws when it is not a list of operations. */
export function decodeJsonPatch(text: string): JsonPatchOp[] {
  if (text.trim() === '') throw new JsonPatchError('empty json patch operations');
  let v: YamlValue;
  try {
    v = text.trimStart().startsWith('[') ? (JSON.parse(text) as YamlValue) : parseYaml(text, true);
  } catch (err) {
    throw new JsonPatchError(`invalid JSON patch: ${(err as Error).message}`);
  }
  if (!Array.isArray(v)) throw new JsonPatchError('a JSON patch must be a list of operations');
  return v.map((e, i) => {
    if (!isYamlMap(e)) throw new JsonPatchError(`operation ${i} is not a map`);
    const op = e['op'];
    const path = e['path'];
    if (typeof op !== 'string') throw new JsonPatchError(`operation ${i}: missing 'op'`);
    if (typeof path !== 'string' && op !== 'test')
      throw new JsonPatchError(`operation ${i} (${op}): missing 'path'`);
    const out: { op: string; path: string; from?: string; value?: YamlValue } = {
      op,
      path: typeof path === 'string' ? path : '',
    };
    if (typeof e['from'] === 'string') out.from = e['from'];
    if ('value' in e) out.value = fromJsonish(e['value']);
    return out;
  });
}

function fromJsonish(v: YamlValue): YamlValue {
  if (Array.isArray(v)) return v.map(fromJsonish);
  if (isYamlMap(v)) {
    const out = Object.create(null) as YamlMap;
    for (const [k, x] of Object.entries(v)) out[k] = fromJsonish(x);
    return out;
  }
  return v;
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

/** Applies the operations to a copy of `doc` and returns the result. */
export function applyJsonPatch(doc: YamlMap, ops: readonly JsonPatchOp[]): YamlValue {
  let cur: YamlValue = cloneValue(doc);
  for (const o of ops) {
    switch (o.op) {
      case 'add':
        cur = add(cur, o.path, cloneValue(o.value ?? null));
        break;
      case 'remove':
        cur = remove(cur, o.path, 'remove');
        break;
      case 'replace': {
        const parts = splitPointer(o.path);
        if (parts.length === 0) {
          cur = cloneValue(o.value ?? null);
          break;
        }
        const { c, key } = findParent(cur, parts, o.path);
        if (c.kind === 'map') {
          // The json-patch version kustomize uses lets `replace` create a missing object key.
          c.m[key] = cloneValue(o.value ?? null);
        } else {
          const i = Number(key);
          if (!/^\d+$/.test(key) || i >= c.a.length) {
            throw new JsonPatchError(
              `replace operation does not apply: doc is missing key: ${o.path}: missing value`,
            );
          }
          c.a[i] = cloneValue(o.value ?? null);
        }
        break;
      }
      case 'move': {
        if (o.from === undefined) throw new JsonPatchError('move operation needs "from"');
        const v = getAt(cur, o.from);
        cur = remove(cur, o.from, 'move');
        cur = add(cur, o.path, v);
        break;
      }
      case 'copy': {
        if (o.from === undefined) throw new JsonPatchError('copy operation needs "from"');
        cur = add(cur, o.path, cloneValue(getAt(cur, o.from)));
        break;
      }
      case 'test': {
        let actual: YamlValue | undefined;
        try {
          actual = getAt(cur, o.path);
        } catch {
          actual = undefined;
        }
        if (!valuesEqual(actual, o.value ?? null)) {
          throw new JsonPatchError(`testing value ${o.path} failed: test failed`);
        }
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${o.op}`);
    }
  }
  return cur;
}
