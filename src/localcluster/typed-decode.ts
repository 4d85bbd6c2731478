// Built-in kinds decoded as kube-apiserver's Go types decode them: a JSON value of the wrong type
// is an error worded like Go's encoding/json ("json: cannot unmarshal string into Go struct field
// DeploymentSpec.spec.replicas of type int32"), integers must fit their Go type, times parse as
// RFC 3339, quantities and base64 fields are checked, and `null` resets a field as Go does.
import { ownValue, setOwnValue } from '../core/index.js';
import { isPlainObject } from './object-meta.js';
import type { SchemaNode } from '../core/index.js';

/** Schema lookups the decoder needs besides the resolved schema itself. */
export interface TypeNames {
  /** The definition a resolved schema node stands for ('io.k8s.api.core.v1.Container'). */
  definitionName(node: SchemaNode): string | undefined;
}

/** A body that does not decode into the kind's Go type; the message is Go's. */
export class TypeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypeDecodeError';
  }
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** The short Go name of a definition: `io.k8s.api.apps.v1.DeploymentSpec` → DeploymentSpec. */
export function goStructName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}

/** `v1.DeploymentSpec`, `resource.Quantity`: the package-qualified Go type of a definition. */
function goQualified(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2] ?? ''}.${parts[parts.length - 1] ?? ''}`;
}

/** Go's name of the type a schema node decodes into, as encoding/json prints it. */
export function goTypeOf(s: SchemaNode | undefined, names: TypeNames): string {
  if (s === undefined) return 'interface {}';
  const def = names.definitionName(s);
  if (def === INT_OR_STRING) return 'int32';
  if (def !== undefined && s.properties !== undefined) return goQualified(def);
  if (s.format === 'date-time') return 'string';
  switch (s.type) {
    case 'string':
      return s.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return s.format === 'int32' ? 'int32' : s.format === 'int64' ? 'int64' : 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${goTypeOf(s.items, names)}`;
    case 'object':
      if (isPlainObject(s.additionalProperties))
        return `map[string]${goTypeOf(s.additionalProperties, names)}`;
      return def !== undefined ? goQualified(def) : 'map[string]interface {}';
    default:
      return def !== undefined ? goQualified(def) : 'interface {}';
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

interface Where {
  /** The Go struct being decoded ('ObjectMeta'); '' at the top. */
  readonly struct: string;
  /** JSON names of the struct fields from the root (map keys and list indices are not part of it). */
  readonly fields: readonly string[];
}

function mismatch(value: string, where: Where, goType: string): TypeDecodeError {
  if (where.struct === '')
    return new TypeDecodeError(`json: cannot unmarshal ${value} into Go value of type ${goType}`);
  return new TypeDecodeError(
    `json: cannot unmarshal ${value} into Go struct field ${where.struct}.${where.fields.join('.')} of type ${goType}`,
  );
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time as Go's time.Parse(time.RFC3339) does; the error text is Go's for the usual cases. */
function parseTime(text: string): Date {
  const m = RFC3339.exec(text);
  const d = m ? new Date(text) : undefined;
  if (d === undefined || Number.isNaN(d.getTime()))
    throw new TypeDecodeError(
      `parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(text)} as "2006"`,
    );
  return d;
}

/** metav1.Time marshals as RFC 3339 in UTC, whole seconds; MicroTime with six decimals. */
function formatTime(d: Date, micro: boolean): string {
  const iso = d.toISOString(); // 2026-01-01T00:00:00.000Z
  return micro ? `${iso.slice(0, 19)}.${iso.slice(20, 23)}000Z` : `${iso.slice(0, 19)}Z`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Go's base64.StdEncoding error: the offset of the first byte it cannot take. */
function checkBase64(text: string): void {
  const bad = /[^A-Za-z0-9+/=]/.exec(text);
  if (bad !== null) throw new TypeDecodeError(`illegal base64 data at input byte ${bad.index}`);
  if (text.length % 4 !== 0 || !BASE64.test(text)) {
    const eq = text.indexOf('=');
    const at = eq >= 0 && eq < text.length - 2 ? eq : Math.floor(text.length / 4) * 4;
    throw new TypeDecodeError(`illegal base64 data at input byte ${at}`);
  }
}

/**
 * Decodes a built-in object in place: throws a TypeDecodeError on the first value that does not
 * fit its Go type (in document order, as Go reports the first), drops `null` fields (Go resets
 * them), makes list and map entries that are `null` their element's zero value, and writes
 * times as Go writes them back.
 */
export function decodeTyped(
  obj: Record<string, unknown>,
  schema: SchemaNode,
  names: TypeNames,
): void {
  const def = names.definitionName(schema);
  decodeStruct(obj, schema, names, {
    struct: def === undefined ? '' : goStructName(def),
    fields: [],
  });
}

function decodeStruct(
  o: Record<string, unknown>,
  s: SchemaNode,
  names: TypeNames,
  where: Where,
): void {
  const props = s.properties ?? {};
  for (const key of Object.keys(o)) {
    const sub = ownValue(props, key) as SchemaNode | undefined;
    if (sub === undefined) continue; // unknown fields are the field validation's business
    const v = o[key];
    if (v === null) {
      delete o[key];
      continue;
    }
    const next = decodeValue(v, sub, names, {
      struct: where.struct,
      fields: [...where.fields, key],
    });
    if (next !== v) o[key] = next;
  }
}

/** Zero value of an element type, for `null` list items and map values. */
function zeroOf(s: SchemaNode | undefined, names: TypeNames): unknown {
  if (s === undefined) return null;
  const def = names.definitionName(s);
  if (def === QUANTITY || def === INT_OR_STRING) return null;
  if (s.properties !== undefined) return {};
  switch (s.type) {
    case 'string':
      return s.format === 'byte' ? null : '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function decodeValue(v: unknown, s: SchemaNode, names: TypeNames, where: Where): unknown {
  const def = names.definitionName(s);
  if (def === QUANTITY) {
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string' || !QUANTITY_RE.test(v.trim()))
      throw new TypeDecodeError(QUANTITY_MESSAGE);
    return v;
  }
  if (def === INT_OR_STRING) {
    if (typeof v === 'string') return v;
    return decodeInteger(v, 'int32', where);
  }
  if (s.properties !== undefined) {
    if (!isPlainObject(v)) throw mismatch(jsonKind(v), where, goTypeOf(s, names));
    decodeStruct(v, s, names, {
      struct: def === undefined ? where.struct : goStructName(def),
      fields: where.fields,
    });
    return v;
  }
  if (s.format === 'date-time' && s.type === 'string') {
    if (typeof v !== 'string') throw mismatch(jsonKind(v), where, 'string');
    return formatTime(parseTime(v), def === MICRO_TIME);
  }
  switch (s.type) {
    case 'string':
      if (typeof v !== 'string') throw mismatch(jsonKind(v), where, goTypeOf(s, names));
      if (s.format === 'byte') checkBase64(v);
      return v;
    case 'integer':
      return decodeInteger(v, typeof s.format === 'string' ? s.format : '', where);
    case 'number':
      if (typeof v !== 'number') throw mismatch(jsonKind(v), where, 'float64');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw mismatch(jsonKind(v), where, 'bool');
      return v;
    case 'array': {
      if (!Array.isArray(v)) throw mismatch(jsonKind(v), where, goTypeOf(s, names));
      const item = s.items;
      if (item === undefined) return v;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x === null) v[i] = zeroOf(item, names);
        else {
          const next = decodeValue(x, item, names, where);
          if (next !== x) v[i] = next;
        }
      }
      return v;
    }
    case 'object': {
      const ap = s.additionalProperties;
      if (!isPlainObject(ap)) return v; // RawExtension, FieldsV1, JSON: any value
      if (!isPlainObject(v)) throw mismatch(jsonKind(v), where, goTypeOf(s, names));
      for (const k of Object.keys(v)) {
        const x = v[k];
        if (x === null) setOwnValue(v, k, zeroOf(ap, names));
        else {
          const next = decodeValue(x, ap, names, where);
          if (next !== x) setOwnValue(v, k, next);
        }
      }
      return v;
    }
    default:
      return v;
  }
}

function decodeInteger(v: unknown, format: string, where: Where): number {
  const goType = format === 'int32' || format === 'int64' ? format : 'int';
  if (typeof v !== 'number') throw mismatch(jsonKind(v), where, goType);
  const [min, max] = INT_RANGES[goType] ?? INT_RANGES.int64!;
  if (!Number.isInteger(v) || v < min || v > max)
    throw mismatch(`number ${String(v)}`, where, goType);
  return v;
}
