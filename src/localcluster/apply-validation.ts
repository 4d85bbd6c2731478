// The type check structured-merge-diff makes of a server-side apply configuration before merging
// it ("failed to create typed patch object"): scalars of the wrong type, maps and lists where the
// schema says otherwise, with SMD's paths and messages.
import { ownValue } from '../core/index.js';
import { isPlainObject } from './object-meta.js';
import type { SchemaNode } from '../core/index.js';

/** Go's %T of a JSON value as Go's JSON decoding produces it. */
function goType(v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}';
  if (isPlainObject(v)) return 'map[string]interface {}';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v;
}

function keyOf(item: unknown, keys: unknown): string | undefined {
  if (!Array.isArray(keys) || !isPlainObject(item)) return undefined;
  const parts = keys.map((k) => `${String(k)}=${JSON.stringify(item[String(k)])}`);
  return `[${parts.join(',')}]`;
}

/** SMD's validation errors (`.spec.replicas: expected numeric (int or float), got string`). */
export function appliedTypeErrors(value: unknown, schema: SchemaNode): string[] {
  const errs: string[] = [];
  walk(value, schema, '', errs, true);
  return errs;
}

/** Where a map may hold fields its schema does not name. */
function openMap(s: SchemaNode): boolean {
  return (
    s['x-kubernetes-preserve-unknown-fields'] === true ||
    s.additionalProperties === true ||
    isPlainObject(s.additionalProperties) ||
    s.properties === undefined
  );
}

const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function walk(
  v: unknown,
  s: SchemaNode | undefined,
  path: string,
  errs: string[],
  root = false,
): void {
  if (s === undefined || v === null || v === undefined) return;
  if (s['x-kubernetes-preserve-unknown-fields'] === true && s.properties === undefined) return;
  const format = typeof s.format === 'string' ? s.format : '';
  if (format === 'int-or-string' || s.oneOf !== undefined || s.anyOf !== undefined) return;
  if (s.properties !== undefined || s.type === 'object') {
    if (!isPlainObject(v)) return; // Go's decoding reports these
    for (const [k, x] of Object.entries(v)) {
      const declared =
        s.properties === undefined
          ? undefined
          : (ownValue(s.properties, k) as SchemaNode | undefined);
      if (declared === undefined && !openMap(s) && !(root && ROOT_FIELDS.has(k))) {
        // SMD stops walking a map at its first undeclared field
        errs.push(`${path}.${k}: field not declared in schema`);
        return;
      }
      const sub =
        declared ?? (isPlainObject(s.additionalProperties) ? s.additionalProperties : undefined);
      walk(x, sub, `${path}.${k}`, errs);
    }
    return;
  }
  if (s.type === 'array') {
    if (!Array.isArray(v)) return;
    v.forEach((x, i) => {
      const key = keyOf(x, s['x-kubernetes-list-map-keys']) ?? `[${i}]`;
      walk(x, s.items, `${path}${key}`, errs);
    });
    return;
  }
  if ((s.type === 'integer' || s.type === 'number') && typeof v !== 'number')
    errs.push(`${path}: expected numeric (int or float), got ${goType(v)}`);
  else if (s.type === 'string' && typeof v !== 'string' && !Array.isArray(v) && !isPlainObject(v))
    errs.push(`${path}: expected string, got &value.valueUnstructured{Value:${JSON.stringify(v)}}`);
  else if (s.type === 'boolean' && typeof v !== 'boolean' && !Array.isArray(v) && !isPlainObject(v))
    errs.push(`${path}: expected boolean, got &{${typeof v === 'string' ? v : JSON.stringify(v)}}`);
}
