// JSON patch (RFC 6902) as kube-apiserver applies it for application/json-patch+json, test op included.
import { PatchError } from './errors.js';
import { hasOwnKey, isJsonObject, jsonClone, jsonEqual, setOwnValue } from './json-value.js';
import type { KubeObject } from './types.js';

type Container = Record<string, unknown> | unknown[];

/**
 * Applies an RFC 6902 patch to a copy of `obj`. Throws PatchError (naming the operation index,
 * op and path) for a malformed patch or an operation that does not apply; never returns a partial
 * result.
 */
export function applyJsonPatch(obj: KubeObject, patch: unknown): KubeObject {
  if (!Array.isArray(patch))
    throw new PatchError('json patch: the patch must be a JSON array of operations', 400);
  let doc: unknown = jsonClone(obj);
  patch.forEach((op: unknown, i) => {
    doc = applyOperation(doc, op, i);
  });
  if (!isJsonObject(doc)) throw new PatchError('json patch: the result is not a JSON object');
  return doc;
}

function applyOperation(doc: unknown, raw: unknown, index: number): unknown {
  if (!isJsonObject(raw)) throw new PatchError(`json patch: operation ${index} is not an object`);
  const op = raw.op;
  const path = raw.path;
  if (typeof op !== 'string')
    throw new PatchError(`json patch: operation ${index} has no "op" string`);
  if (typeof path !== 'string')
    throw new PatchError(`json patch: operation ${index} (${op}) has no "path" string`);
  const where = `${op} operation ${index} on path "${path}"`;
  const value = (): unknown => {
    if (!hasOwnKey(raw, 'value')) throw new PatchError(`json patch: ${where} has no "value"`);
    return jsonClone(raw.value);
  };
  const from = (): string => {
    if (typeof raw.from !== 'string')
      throw new PatchError(`json patch: ${where} has no "from" string`);
    return raw.from;
  };
  switch (op) {
    case 'add':
      return add(doc, parsePointer(path, where), value(), where);
    case 'remove':
      return remove(doc, parsePointer(path, where), where).doc;
    case 'replace': {
      const tokens = parsePointer(path, where);
      if (tokens.length === 0) return value();
      get(doc, tokens, where); // must exist
      const { doc: d } = remove(doc, tokens, where);
      return add(d, tokens, value(), where);
    }
    case 'move': {
      const src = parsePointer(from(), where);
      const dst = parsePointer(path, where);
      if (src.length < dst.length && src.every((t, i) => t === dst[i]))
        throw new PatchError(`json patch: ${where}: cannot move a value into one of its children`);
      const { doc: d, removed } = remove(doc, src, where);
      return add(d, dst, removed, where);
    }
    case 'copy':
      return add(
        doc,
        parsePointer(path, where),
        jsonClone(get(doc, parsePointer(from(), where), where)),
        where,
      );
    case 'test': {
      const actual = get(doc, parsePointer(path, where), where);
      if (!jsonEqual(actual, raw.value))
        throw new PatchError(`json patch: testing value ${path} failed: test failed`);
      return doc;
    }
    default:
      throw new PatchError(`json patch: operation ${index} has unknown op "${op}"`);
  }
}

function parsePointer(path: string, where: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/'))
    throw new PatchError(`json patch: ${where}: a JSON pointer must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, where: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw new PatchError(`json patch: ${where}: invalid array index "${token}"`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length))
    throw new PatchError(`json patch: ${where}: array index ${i} out of bounds`);
  return i;
}

function parentOf(doc: unknown, tokens: string[], where: string): Container {
  const parent = get(doc, tokens.slice(0, -1), where);
  if (Array.isArray(parent) || isJsonObject(parent)) return parent;
  throw new PatchError(
    `json patch: ${where}: doc is missing path: parent is not an object or array`,
  );
}

function get(doc: unknown, tokens: string[], where: string): unknown {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, where)];
    else if (isJsonObject(cur) && hasOwnKey(cur, t)) cur = cur[t];
    else throw new PatchError(`json patch: ${where}: doc is missing path: missing value`);
  }
  return cur;
}

function add(doc: unknown, tokens: string[], value: unknown, where: string): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, where), 0, value);
  else setOwnValue(parent, last, value);
  return doc;
}

function remove(doc: unknown, tokens: string[], where: string): { doc: unknown; removed: unknown } {
  if (tokens.length === 0)
    throw new PatchError(`json patch: ${where}: cannot remove the whole document`);
  const parent = parentOf(doc, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false, where);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  if (!hasOwnKey(parent, last))
    throw new PatchError(`json patch: ${where}: doc is missing key: missing value`);
  const removed = parent[last];
  delete parent[last];
  return { doc, removed };
}
