// Structural-schema work on an object: unknown-field detection and pruning, OpenAPI defaults,
// and per-field validation (types, enums, required, bounds, patterns) for CRD kinds.
import { FieldErrorType, type FieldError } from './status-errors.js';
import { hasOwnKey, ownValue, setOwnValue } from '../core/index.js';
import { isPlainObject } from './object-meta.js';

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
      } else if (embedded && ROOT_META_FIELDS.has(key)) continue;
      else if (isPlainObject(addl)) prune(value[key], addl, { parent: at, key }, false, unknown);
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

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Validates an object against a structural schema; one FieldError per problem. */
export function validateSchema(
  value: unknown,
  schema: SchemaNode | undefined,
  path = '',
  root = true,
): FieldError[] {
  if (schema === undefined) return [];
  const errs: FieldError[] = [];
  if (value === null) {
    if (schema.nullable === true) return [];
    if (schema.type !== undefined)
      errs.push({
        type: FieldErrorType.TypeInvalid,
        field: path,
        value: null,
        detail: `must be ${schema.type}`,
      });
    return errs;
  }
  const t = typeOf(value);
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (t !== 'integer' && t !== 'string')
      errs.push({
        type: FieldErrorType.TypeInvalid,
        field: path,
        value,
        detail: 'must be integer or string',
      });
  } else if (schema.type !== undefined) {
    const ok =
      schema.type === t ||
      (schema.type === 'number' && t === 'integer') ||
      (schema.type === 'object' && t === 'object') ||
      (schema.type === 'array' && t === 'array');
    if (!ok) {
      errs.push({
        type: FieldErrorType.TypeInvalid,
        field: path,
        value: t,
        detail: `${path} in body must be of type ${schema.type}: ${JSON.stringify(t)}`,
      });
      return errs;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    errs.push({
      type: FieldErrorType.NotSupported,
      field: path,
      value,
      detail: `supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      errs.push({
        type: FieldErrorType.Invalid,
        field: path,
        value,
        detail: `${path} in body should be greater than or equal to ${schema.minimum}`,
      });
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      errs.push({
        type: FieldErrorType.Invalid,
        field: path,
        value,
        detail: `${path} in body should be less than or equal to ${schema.maximum}`,
      });
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      errs.push({
        type: FieldErrorType.Invalid,
        field: path,
        value,
        detail: `${path} in body should be at least ${schema.minLength} chars long`,
      });
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      errs.push({
        type: FieldErrorType.Invalid,
        field: path,
        value,
        detail: `${path} in body should be at most ${schema.maxLength} chars long`,
      });
    if (typeof schema.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value))
        errs.push({
          type: FieldErrorType.Invalid,
          field: path,
          value,
          detail: `${path} in body should match '${schema.pattern}'`,
        });
    }
  }
  if (isPlainObject(value)) {
    if (Array.isArray(schema.required)) {
      for (const r of schema.required) {
        if (typeof r === 'string' && value[r] === undefined)
          errs.push({ type: FieldErrorType.Required, field: child(path, r) });
      }
    }
    for (const [key, v] of Object.entries(value)) {
      if (root && ROOT_META_FIELDS.has(key)) continue;
      const sub =
        propertySchema(schema, key) ??
        (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub !== undefined) errs.push(...validateSchema(v, sub, child(path, key), false));
    }
  } else if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errs.push({
        type: FieldErrorType.Invalid,
        field: path,
        value: value.length,
        detail: `${path} in body should have at least ${schema.minItems} items`,
      });
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      errs.push({
        type: FieldErrorType.Invalid,
        field: path,
        value: value.length,
        detail: `${path} in body should have at most ${schema.maxItems} items`,
      });
    if (schema.items !== undefined)
      value.forEach((item, i) =>
        errs.push(...validateSchema(item, schema.items, `${path}[${i}]`, false)),
      );
  }
  return errs;
}
