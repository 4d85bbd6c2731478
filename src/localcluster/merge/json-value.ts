// JSON value helpers shared by the patch engines: type tests, deep equality and copying.
import { hasOwnKey, ownValue, setOwnValue } from '../../core/index.js';

/** Own-property access by keys from input (`__proto__`, `constructor` are fields, see core). */
export { hasOwnKey, ownValue, setOwnValue };

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  let n = 0;
  for (const k in ao) {
    if (!Object.prototype.hasOwnProperty.call(ao, k)) continue;
    n++;
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !jsonEqual(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (Object.prototype.hasOwnProperty.call(bo, k)) n--;
  return n === 0;
}

/**
 * Deep copy of a JSON value (plain objects and arrays only). Several times faster than
 * structuredClone on API objects, which is what every write of the local cluster copies.
 */
export function jsonClone<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = jsonClone(v[i] as unknown);
    return out as T;
  }
  const out: JsonObject = {};
  const o = v as JsonObject;
  for (const k in o) if (hasOwnKey(o, k)) setOwnValue(out, k, jsonClone(o[k]));
  return out as T;
}
