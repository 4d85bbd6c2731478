// Reading untyped Kubernetes objects (JSON from the API server or YAML from files) safely: own
// keys only, defaults instead of throws, so a malformed object yields a clear error upstream.
import { ownValue } from '../../core/index.js';

export type JsonObject = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as an object, or an empty one. */
export function asRecord(v: unknown): JsonObject {
  return isRecord(v) ? v : {};
}

/** The value as a string, or ''. */
export function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The own field at a path of keys, or undefined. */
export function field(o: unknown, ...path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const k of path) {
    if (!isRecord(cur)) return undefined;
    cur = ownValue(cur, k);
  }
  return cur;
}

/** metadata.labels as a string map (non-string values are ignored, as labels.Set would). */
export function labelsOf(o: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const labels = field(o, 'metadata', 'labels');
  if (!isRecord(labels)) return out;
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Group and version of an apiVersion (`apps/v1` → [apps, v1]; `v1` → ['', v1]). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
