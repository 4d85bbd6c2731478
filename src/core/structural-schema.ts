// Structural-schema work on an object: unknown-field detection and pruning, OpenAPI defaults,
// and per-field validation (types, enums, required, bounds, patterns, formats) with
// kube-apiserver's messages; CRD kinds in the local cluster and Gatekeeper's constraint kinds both
// use it.
import { RE2JS } from 're2js';
import { FieldErrorType, type FieldError } from './field-errors.js';
import { jsonEqual } from './json-equal.js';
import { hasOwnKey, ownValue, setOwnValue } from './own-keys.js';
import { matchesFormat } from './schema-formats.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema of a declared property (own properties only: a field may be named `constructor`). */
function propertySchema(s: SchemaNode, key: string): SchemaNode | undefined {
  const props = s.properties;
  return props === undefined ? undefined : (ownValue(props, key) as SchemaNode | undefined);
}

/** An OpenAPI v3 schema node (the shape CRDs and the merge module use). */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  [ext: string]: unknown;
}

const ROOT_META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function preserves(s: SchemaNode): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Removes fields the schema does not declare (in place) and returns their paths
 * (`spec.foo`), the way CRD pruning and strict field validation see them.
 */
export function pruneUnknown(value: unknown, schema: SchemaNode | undefined): string[] {
  const unknown: string[] = [];
  prune(value, schema, undefined, true, unknown);
  return unknown;
}

/** The field path, built only for the (rare) unknown fields: the walk itself allocates none. */
interface PathLink {
  readonly parent: PathLink | undefined;
  readonly key: string | number;
}

function pathString(at: PathLink | undefined): string {
  let s = '';
  for (let l = at; l !== undefined; l = l.parent) {
    if (typeof l.key === 'number') s = `[${l.key}]${s}`;
    else s = l.parent === undefined ? `${l.key}${s}` : `.${l.key}${s}`;
  }
  return s;
}

/** ObjectMeta's JSON fields: what GetObjectMetaWithOptions keeps of a custom resource's metadata. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

function pruneObjectMeta(meta: unknown, at: PathLink, unknown: string[]): void {
  if (!isPlainObject(meta)) return;
  for (const key of Object.keys(meta)) {
    if (OBJECT_META_FIELDS.has(key)) continue;
    unknown.push(pathString({ parent: at, key }));
    delete meta[key];
  }
}

function prune(
  value: unknown,
  schema: SchemaNode | undefined,
  at: PathLink | undefined,
  root: boolean,
  unknown: string[],
): void {
  if (schema === undefined) return;
  if (isPlainObject(value)) {
    const props = schema.properties;
    const addl = schema.additionalProperties;
    const embedded = root || schema['x-kubernetes-embedded-resource'] === true;
    for (const key in value) {
      const sub = propertySchema(schema, key);
      if (sub !== undefined) {
        if (typeof value[key] === 'object' && value[key] !== null)
          prune(value[key], sub, { parent: at, key }, false, unknown);
      } else if (embedded && ROOT_META_FIELDS.has(key)) {
        if (key === 'metadata') pruneObjectMeta(value[key], { parent: at, key }, unknown);
        continue;
      } else if (isPlainObject(addl)) prune(value[key], addl, { parent: at, key }, false, unknown);
      // fields are kept where the schema allows anything: preserve-unknown-fields,
      // additionalProperties: true, or an object schema that declares nothing at all
      else if (addl === true || preserves(schema) || (props === undefined && addl === undefined))
        continue;
      else {
        unknown.push(pathString({ parent: at, key }));
        delete value[key];
      }
    }
  } else if (Array.isArray(value) && schema.items !== undefined) {
    for (let i = 0; i < value.length; i++)
      prune(value[i], schema.items, { parent: at, key: i }, false, unknown);
  }
}

/** Fills `default`s from the schema into objects that are present (in place). */
export function applyDefaults(value: unknown, schema: SchemaNode | undefined): void {
  if (schema === undefined) return;
  if (isPlainObject(value)) {
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (!hasOwnKey(value, key) || value[key] === undefined) {
        if (sub.default === undefined) continue;
        setOwnValue(value, key, structuredClone(sub.default));
      }
      applyDefaults(value[key], sub);
    }
    if (isPlainObject(schema.additionalProperties)) {
      for (const v of Object.values(value)) applyDefaults(v, schema.additionalProperties);
    }
  } else if (Array.isArray(value) && schema.items !== undefined) {
    for (const item of value) applyDefaults(item, schema.items);
  }
}

/** The JSON type kube-openapi infers from a decoded value (integral numbers are int64). */
function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Go's %v of a float64 bound (1, 1.5, 1e+21). */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return String(n)
    .replace(/e\+?(-?)(\d)$/, 'e+$10$2')
    .replace('e+-', 'e-');
}

/** kube-openapi's error, as apiextensions-apiserver turns it into a field error. */
function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: FieldErrorType.Invalid, field, value, detail };
}

function schemaTypes(s: SchemaNode): string[] {
  if (s['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return typeof s.type === 'string' && s.type !== '' ? [s.type] : [];
}

/** Formats kube-apiserver keeps on numbers; any other format is stripped from the schema. */
function keptFormat(s: SchemaNode): string {
  const f = typeof s.format === 'string' ? s.format : '';
  const types = schemaTypes(s);
  const t = types.length === 1 ? types[0] : '';
  if (t === 'integer') return f === 'int32' || f === 'int64' ? f : '';
  if (t === 'number') return f === 'float' || f === 'double' ? f : '';
  return t === '' || t === 'string' ? f : '';
}

/** The type validator: a value of another JSON type (or null where not nullable). */
function typeErrors(value: unknown, s: SchemaNode, path: string): FieldError[] {
  const types = schemaTypes(s);
  const format = keptFormat(s);
  if (types.length === 0 && format === '') return [];
  const t = typeOf(value);
  const name = types.join(',');
  const mismatch = (got: string): FieldError => ({
    type: FieldErrorType.TypeInvalid,
    field: path,
    value: got,
    detail: `${path} in body must be of type ${name}: ${JSON.stringify(got)}`,
  });
  if (value === null) return types.length > 0 && s.nullable !== true ? [mismatch('null')] : [];
  const numeric = types.includes('number') || types.includes('integer');
  // a format on a string or array value decides by itself (the format validator checks it)
  if (!numeric && format !== '' && (t === 'string' || t === 'array')) return [];
  const ok =
    types.includes(t) ||
    (t === 'integer' && types.includes('number')) ||
    (t === 'number' && types.includes('integer') && Number.isInteger(value));
  return ok ? [] : [mismatch(t)];
}

/** The string validator stops at its first failure (length, then pattern); formats apart. */
function stringErrors(value: string, s: SchemaNode, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const length = [...value].length;
  if (typeof s.maxLength === 'number' && length > s.maxLength)
    errs.push({ type: FieldErrorType.TooLong, field: path, detail: tooLongDetail(s.maxLength) });
  else if (typeof s.minLength === 'number' && length < s.minLength)
    errs.push(invalid(path, value, `${path} in body should be at least ${s.minLength} chars long`));
  else if (typeof s.pattern === 'string' && !patternMatches(s.pattern, value))
    errs.push(invalid(path, value, `${path} in body should match '${s.pattern}'`));
  const format = keptFormat(s);
  if (format !== '' && !matchesFormat(format, value))
    errs.push({
      type: FieldErrorType.TypeInvalid,
      field: path,
      value,
      detail: `${path} in body must be of type ${format}: ${JSON.stringify(value)}`,
    });
  return errs;
}

function tooLongDetail(max: number): string {
  return `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`;
}

const patterns = new Map<string, RE2JS | null>();

/** Patterns are Go regular expressions (RE2), matched anywhere in the value. */
function patternMatches(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null;
    }
    patterns.set(pattern, re);
  }
  return re === null || re.matcher(value).find();
}

function numberErrors(value: number, s: SchemaNode, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !isMultiple(value, s.multipleOf))
    errs.push(
      invalid(path, value, `${path} in body should be a multiple of ${goNumber(s.multipleOf)}`),
    );
  if (typeof s.minimum === 'number') {
    const exclusive = s.exclusiveMinimum === true;
    if (exclusive ? value <= s.minimum : value < s.minimum)
      errs.push(
        invalid(
          path,
          value,
          `${path} in body should be greater than ${exclusive ? '' : 'or equal to '}${goNumber(s.minimum)}`,
        ),
      );
  }
  if (typeof s.maximum === 'number') {
    const exclusive = s.exclusiveMaximum === true;
    if (exclusive ? value >= s.maximum : value > s.maximum)
      errs.push(
        invalid(
          path,
          value,
          `${path} in body should be less than ${exclusive ? '' : 'or equal to '}${goNumber(s.maximum)}`,
        ),
      );
  }
  return errs;
}

function isMultiple(value: number, factor: number): boolean {
  const q = value / factor;
  return Math.abs(q - Math.round(q)) < 1e-9;
}

function sliceErrors(value: unknown[], s: SchemaNode, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof s.minItems === 'number' && value.length < s.minItems)
    errs.push(
      invalid(path, value.length, `${path} in body should have at least ${s.minItems} items`),
    );
  if (typeof s.maxItems === 'number' && value.length > s.maxItems)
    errs.push({
      type: FieldErrorType.TooMany,
      field: path,
      value: value.length,
      detail: `must have at most ${s.maxItems} ${s.maxItems === 1 ? 'item' : 'items'}`,
    });
  return errs;
}

function enumErrors(value: unknown, s: SchemaNode, path: string): FieldError[] {
  if (!Array.isArray(s.enum) || s.enum.some((e) => jsonEqual(e, value))) return [];
  const allowed = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  return [
    {
      type: FieldErrorType.NotSupported,
      field: path,
      value,
      detail: `supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
    },
  ];
}

function objectErrors(
  value: Record<string, unknown>,
  s: SchemaNode,
  path: string,
  root: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const n = Object.keys(value).length;
  if (typeof s.minProperties === 'number' && n < s.minProperties)
    errs.push(
      invalid(path, n, `${path} in body should have at least ${s.minProperties} properties`),
    );
  if (typeof s.maxProperties === 'number' && n > s.maxProperties)
    errs.push({
      type: FieldErrorType.TooMany,
      field: path,
      value: n,
      detail: `must have at most ${s.maxProperties} ${s.maxProperties === 1 ? 'item' : 'items'}`,
    });
  const addl = isPlainObject(s.additionalProperties) ? s.additionalProperties : undefined;
  // map entries (additionalProperties), then declared properties, then required ones
  if (addl !== undefined)
    for (const [key, v] of Object.entries(value)) {
      if (propertySchema(s, key) !== undefined) continue;
      if (root && ROOT_META_FIELDS.has(key)) continue;
      errs.push(...validateSchema(v, addl, child(path, key), false));
    }
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    if (root && ROOT_META_FIELDS.has(key)) continue;
    if (hasOwnKey(value, key) && value[key] !== undefined)
      errs.push(...validateSchema(value[key], sub, child(path, key), false));
  }
  if (Array.isArray(s.required))
    for (const r of s.required)
      if (typeof r === 'string' && (!hasOwnKey(value, r) || value[r] === undefined))
        errs.push({ type: FieldErrorType.Required, field: child(path, r) });
  return errs;
}

/**
 * Validates a value against a structural schema as kube-openapi's validator does for custom
 * resources: per node the type, string (length, pattern, format), number, array, enum and
 * object checks in that order, the object's properties before its required fields.
 */
export function validateSchema(
  value: unknown,
  schema: SchemaNode | undefined,
  path = '',
  root = true,
): FieldError[] {
  if (schema === undefined) return [];
  const errs = typeErrors(value, schema, path);
  if (typeof value === 'string') errs.push(...stringErrors(value, schema, path));
  else if (typeof value === 'number') errs.push(...numberErrors(value, schema, path));
  else if (Array.isArray(value)) {
    if (schema.items !== undefined)
      for (let i = 0; i < value.length; i++)
        errs.push(...validateSchema(value[i], schema.items, `${path}[${i}]`, false));
    errs.push(...sliceErrors(value, schema, path));
  }
  errs.push(...enumErrors(value, schema, path));
  if (isPlainObject(value)) errs.push(...objectErrors(value, schema, path, root));
  return errs;
}
