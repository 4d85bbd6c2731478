// The checks kube-apiserver makes on a CRD's openAPIV3Schema (apiextensions-apiserver v1.36):
// the structural-schema rules (ValidateStructural, errors sorted as it sorts them), the schema's
// defaults validated and pruned against it (ValidateDefaults), and the OpenAPI checks proper
// (ValidateCustomResourceDefinitionOpenAPISchema), with the same paths and messages.
import { RE2JS } from 're2js';
import { hasOwnKey } from '../../core/index.js';
import { isPlainObject } from '../object-meta.js';
import { pruneUnknown, validateSchema } from '../../core/index.js';
import { fieldErrorString, GoValue, type FieldError } from '../status-errors.js';
import { forbidden, invalid, notSupported, required } from './meta.js';
import { goSchemaValue } from './crd-go-values.js';

type Schema = Record<string, unknown>;
type Level = 'root' | 'item' | 'field';

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
/** The root fields allowed when the status subresource is enabled (as Go field names). */
const ALLOWED_AT_ROOT = [
  'Description',
  'Type',
  'Format',
  'Title',
  'Maximum',
  'ExclusiveMaximum',
  'Minimum',
  'ExclusiveMinimum',
  'MaxLength',
  'MinLength',
  'Pattern',
  'MaxItems',
  'MinItems',
  'UniqueItems',
  'MultipleOf',
  'Required',
  'Items',
  'Properties',
  'ExternalDocs',
  'Example',
  'XPreserveUnknownFields',
  'XValidations',
];
/** JSON names of JSONSchemaProps in Go struct order, with their Go names. */
const GO_FIELDS: readonly (readonly [string, string])[] = [
  ['id', 'ID'],
  ['$schema', 'Schema'],
  ['$ref', 'Ref'],
  ['description', 'Description'],
  ['type', 'Type'],
  ['nullable', 'Nullable'],
  ['format', 'Format'],
  ['title', 'Title'],
  ['default', 'Default'],
  ['maximum', 'Maximum'],
  ['exclusiveMaximum', 'ExclusiveMaximum'],
  ['minimum', 'Minimum'],
  ['exclusiveMinimum', 'ExclusiveMinimum'],
  ['maxLength', 'MaxLength'],
  ['minLength', 'MinLength'],
  ['pattern', 'Pattern'],
  ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'],
  ['uniqueItems', 'UniqueItems'],
  ['multipleOf', 'MultipleOf'],
  ['enum', 'Enum'],
  ['maxProperties', 'MaxProperties'],
  ['minProperties', 'MinProperties'],
  ['required', 'Required'],
  ['items', 'Items'],
  ['allOf', 'AllOf'],
  ['oneOf', 'OneOf'],
  ['anyOf', 'AnyOf'],
  ['not', 'Not'],
  ['properties', 'Properties'],
  ['additionalProperties', 'AdditionalProperties'],
  ['patternProperties', 'PatternProperties'],
  ['dependencies', 'Dependencies'],
  ['additionalItems', 'AdditionalItems'],
  ['definitions', 'Definitions'],
  ['externalDocs', 'ExternalDocs'],
  ['example', 'Example'],
  ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'],
  ['x-kubernetes-embedded-resource', 'XEmbeddedResource'],
  ['x-kubernetes-int-or-string', 'XIntOrString'],
  ['x-kubernetes-list-map-keys', 'XListMapKeys'],
  ['x-kubernetes-list-type', 'XListType'],
  ['x-kubernetes-map-type', 'XMapType'],
  ['x-kubernetes-validations', 'XValidations'],
];

function obj(v: unknown): Schema | undefined {
  return isPlainObject(v) ? v : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function props(s: Schema): [string, Schema][] {
  const p = obj(s.properties);
  if (p === undefined) return [];
  return Object.entries(p).flatMap(([k, v]) =>
    isPlainObject(v) ? [[k, v] as [string, Schema]] : [],
  );
}

function list(s: Schema, key: string): Schema[] {
  const v = s[key];
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** `additionalProperties` as a schema (true stands for an empty one), or undefined. */
function additional(s: Schema): { schema?: Schema; present: boolean } {
  const a = s.additionalProperties;
  if (isPlainObject(a)) return { schema: a, present: true };
  return { present: a === true || a === false };
}

const truthy = (s: Schema, k: string): boolean => s[k] === true;

/** A value the zero of its Go field: not set as far as the root-field check is concerned. */
function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === false || v === '' || v === 0;
}

// ---------------------------------------------------------------- structural schema (sorted)

/** NewStructural refuses these; kube-apiserver then skips the structural and default checks. */
function convertsToStructural(s: Schema, nested = false): boolean {
  if (Array.isArray(s.items)) return false;
  if (!nested && s['x-kubernetes-preserve-unknown-fields'] === false) return false;
  for (const k of [
    'id',
    '$schema',
    '$ref',
    'patternProperties',
    'dependencies',
    'additionalItems',
    'definitions',
  ])
    if (s[k] !== undefined) return false;
  const children = [
    ...props(s).map(([, v]) => v),
    ...(isPlainObject(s.items) ? [s.items] : []),
    ...(additional(s).schema !== undefined ? [additional(s).schema!] : []),
  ];
  if (!children.every((c) => convertsToStructural(c, nested))) return false;
  const nestedOnes = [...list(s, 'allOf'), ...list(s, 'anyOf'), ...list(s, 'oneOf')];
  if (isPlainObject(s.not)) nestedOnes.push(s.not);
  return nestedOnes.every((c) => convertsToStructural(c, true));
}

function child(path: string, key: string): string {
  return `${path}.${key}`;
}

function prop(path: string, key: string): string {
  return `${path}.properties[${key}]`;
}

function validateStructural(s: Schema, lvl: Level, path: string, errs: FieldError[]): void {
  const type = str(s.type);
  if (type === 'array' && s.items === undefined)
    errs.push(required(child(path, 'items'), 'must be specified'));
  if (isPlainObject(s.items)) validateStructural(s.items, 'item', child(path, 'items'), errs);
  for (const [k, v] of props(s)) validateStructural(v, 'field', prop(path, k), errs);
  const addl = additional(s);
  if (addl.present) {
    if (lvl === 'root')
      errs.push(forbidden(child(path, 'additionalProperties'), 'must not be used at the root'));
    if (addl.schema !== undefined)
      validateStructural(addl.schema, 'field', child(path, 'additionalProperties'), errs);
  }
  const intOrString = truthy(s, 'x-kubernetes-int-or-string');
  const preserve = truthy(s, 'x-kubernetes-preserve-unknown-fields');
  const embedded = truthy(s, 'x-kubernetes-embedded-resource');
  if (intOrString && preserve)
    errs.push(
      invalid(
        child(path, 'x-kubernetes-preserve-unknown-fields'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  if (intOrString && embedded)
    errs.push(
      invalid(
        child(path, 'x-kubernetes-embedded-resource'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  valueValidation(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), lvl, path, errs);
  if (embedded && type !== 'object') {
    if (type === '')
      errs.push(
        required(child(path, 'type'), 'must be object if x-kubernetes-embedded-resource is true'),
      );
    else
      errs.push(
        invalid(
          child(path, 'type'),
          type,
          'must be object if x-kubernetes-embedded-resource is true',
        ),
      );
  } else if (type === '' && !intOrString && !preserve) {
    const where = {
      root: 'at the root',
      item: 'for specified array items',
      field: 'for specified object fields',
    }[lvl];
    errs.push(required(child(path, 'type'), `must not be empty ${where}`));
  }
  if (embedded && addl.present)
    errs.push(
      forbidden(
        child(path, 'additionalProperties'),
        'must not be used if x-kubernetes-embedded-resource is set',
      ),
    );
  if (lvl === 'root' && type !== '' && type !== 'object')
    errs.push(invalid(child(path, 'type'), type, 'must be object at the root'));
  const checkMetadata = lvl === 'root' || embedded;
  const p = obj(s.properties) ?? {};
  for (const k of ['kind', 'apiVersion']) {
    const f = obj(hasOwnKey(p, k) ? p[k] : undefined);
    if (f !== undefined && checkMetadata && str(f.type) !== 'string')
      errs.push(invalid(child(prop(path, k), 'type'), str(f.type), 'must be string'));
  }
  const metadata = obj(hasOwnKey(p, 'metadata') ? p.metadata : undefined);
  if (metadata !== undefined)
    metadataInvariants(metadata, checkMetadata, lvl, prop(path, 'metadata'), errs);
  if (embedded && !preserve && props(s).length === 0)
    errs.push(
      required(
        child(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
}

function metadataInvariants(
  s: Schema,
  checkMetadata: boolean,
  lvl: Level,
  path: string,
  errs: FieldError[],
): void {
  if (checkMetadata && str(s.type) !== 'object')
    errs.push(invalid(child(path, 'type'), str(s.type), 'must be object'));
  if (lvl !== 'root') return;
  // at the root, metadata may only restrict name and generateName
  const names = props(s).map(([k]) => k);
  const onlyNames = names.every((k) => k === 'name' || k === 'generateName');
  const rest = Object.keys(s).filter(
    (k) => !['type', 'default', 'properties'].includes(k) && s[k] !== undefined,
  );
  if (!onlyNames || rest.length > 0)
    errs.push(
      forbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
}

const INT_OR_STRING_ANY_OF = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length === 2 &&
  isPlainObject(v[0]) &&
  isPlainObject(v[1]) &&
  Object.keys(v[0]).length === 1 &&
  v[0].type === 'integer' &&
  Object.keys(v[1]).length === 1 &&
  v[1].type === 'string';

function isIntOrStringAnyOf(s: Schema): boolean {
  return INT_OR_STRING_ANY_OF(s.anyOf);
}

function isIntOrStringAllOf(s: Schema): boolean {
  const all = list(s, 'allOf');
  return all.length >= 1 && INT_OR_STRING_ANY_OF(all[0]!.anyOf);
}

function valueValidation(
  s: Schema,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  lvl: Level,
  path: string,
  errs: FieldError[],
): void {
  if (!skipAnyOf)
    list(s, 'anyOf').forEach((n, i) =>
      nestedValidation(n, false, lvl, `${path}.anyOf[${i}]`, errs),
    );
  list(s, 'allOf').forEach((n, i) =>
    nestedValidation(n, skipFirstAllOfAnyOf && i === 0, lvl, `${path}.allOf[${i}]`, errs),
  );
  list(s, 'oneOf').forEach((n, i) => nestedValidation(n, false, lvl, `${path}.oneOf[${i}]`, errs));
  if (isPlainObject(s.not)) nestedValidation(s.not, false, lvl, `${path}.not`, errs);
  const pattern = s.pattern;
  if (typeof pattern === 'string' && pattern !== '') {
    const err = goRegexpError(pattern);
    if (err !== undefined)
      errs.push(
        invalid(
          child(path, 'pattern'),
          pattern,
          `must be a valid regular expression, but isn't: ${err}`,
        ),
      );
  }
}

/** Go's regexp.Compile error for a pattern (RE2 syntax), or undefined when it compiles. */
export function goRegexpError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // Go always names the offending text, an empty one included
    return msg.includes('`') ? msg : `${msg}: \`\``;
  }
}

const NESTED_FORBIDDEN: readonly (readonly [string, string])[] = [
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
];

function nestedValidation(
  v: Schema,
  skipAnyOf: boolean,
  lvl: Level,
  path: string,
  errs: FieldError[],
): void {
  valueValidation(v, skipAnyOf, false, lvl, path, errs);
  if (isPlainObject(v.items)) nestedValidation(v.items, false, lvl, child(path, 'items'), errs);
  for (const [k, p] of props(v)) nestedValidation(p, false, 'field', prop(path, k), errs);
  if (str(v.type) !== '')
    errs.push(forbidden(child(path, 'type'), 'must be empty to be structural'));
  if (additional(v).schema !== undefined || v.additionalProperties === true)
    errs.push(forbidden(child(path, 'additionalProperties'), 'must be undefined to be structural'));
  if (v.default !== undefined && v.default !== null)
    errs.push(forbidden(child(path, 'default'), 'must be undefined to be structural'));
  for (const [k, why] of NESTED_FORBIDDEN)
    if (str(v[k]) !== '') errs.push(forbidden(child(path, k), why));
  if (truthy(v, 'nullable'))
    errs.push(forbidden(child(path, 'nullable'), 'must be false to be structural'));
  for (const ext of [
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-embedded-resource',
    'x-kubernetes-int-or-string',
  ])
    if (truthy(v, ext)) errs.push(forbidden(child(path, ext), 'must be false to be structural'));
  if (Array.isArray(v['x-kubernetes-list-map-keys']) && v['x-kubernetes-list-map-keys'].length > 0)
    errs.push(
      forbidden(child(path, 'x-kubernetes-list-map-keys'), 'must be empty to be structural'),
    );
  for (const ext of ['x-kubernetes-list-type', 'x-kubernetes-map-type'])
    if (typeof v[ext] === 'string')
      errs.push(forbidden(child(path, ext), 'must be undefined to be structural'));
  if (Array.isArray(v['x-kubernetes-validations']) && v['x-kubernetes-validations'].length > 0)
    errs.push(forbidden(child(path, 'x-kubernetes-validations'), 'must be empty to be structural'));
  const p = obj(v.properties) ?? {};
  if (hasOwnKey(p, 'metadata'))
    errs.push(forbidden(prop(path, 'metadata'), 'must not be specified in a nested context'));
}

/** A map or list type extension on a node of another (or no) type. */
function typeRequiredBy(path: string, type: string, want: string, ext: string): FieldError {
  const detail = `must be ${want} if ${ext} is specified`;
  return type === ''
    ? required(child(path, 'type'), detail)
    : invalid(child(path, 'type'), type, detail);
}

/** validateStructuralCompleteness: what allOf/anyOf/oneOf/not name must exist in the schema. */
function completeness(s: Schema, path: string, errs: FieldError[]): void {
  completenessOf(s, s, path, path, errs);
}

function nestedCompleteness(
  v: Schema,
  s: Schema | undefined,
  sPath: string,
  vPath: string,
  errs: FieldError[],
): void {
  if (s === undefined) {
    errs.push(required(sPath, `because it is defined in ${vPath}`));
    return;
  }
  completenessOf(v, s, sPath, vPath, errs);
  if (isPlainObject(v.items))
    nestedCompleteness(v.items, obj(s.items), child(sPath, 'items'), child(vPath, 'items'), errs);
  const sp = obj(s.properties) ?? {};
  for (const [k, vf] of props(v)) {
    const sf = obj(hasOwnKey(sp, k) ? sp[k] : undefined);
    if (sf === undefined)
      errs.push(required(prop(sPath, k), `because it is defined in ${prop(vPath, k)}`));
    else nestedCompleteness(vf, sf, prop(sPath, k), prop(vPath, k), errs);
  }
}

function completenessOf(
  v: Schema,
  s: Schema,
  sPath: string,
  vPath: string,
  errs: FieldError[],
): void {
  const nested = [
    ...(isPlainObject(v.not) ? [[v.not, `${vPath}.not`] as const] : []),
    ...list(v, 'allOf').map((n, i) => [n, `${vPath}.allOf[${i}]`] as const),
    ...list(v, 'anyOf').map((n, i) => [n, `${vPath}.anyOf[${i}]`] as const),
    ...list(v, 'oneOf').map((n, i) => [n, `${vPath}.oneOf[${i}]`] as const),
  ];
  for (const [n, p] of nested) nestedCompleteness(n, s, sPath, p, errs);
}

// ---------------------------------------------------------------- defaults

/** ValidateDefaults: every default must validate against, and survive pruning by, its schema. */
function validateDefaults(
  s: Schema,
  path: string,
  root: Schema,
  insideMeta: boolean,
  errs: FieldError[],
): void {
  let meta = insideMeta;
  if (truthy(s, 'x-kubernetes-embedded-resource') && s !== root) meta = false;
  const d = s.default;
  if (d !== undefined && d !== null && !meta) {
    const pruned = structuredClone(d);
    if (pruneUnknown(pruned, s).length > 0)
      errs.push(invalid(child(path, 'default'), d, 'must not have unknown fields'));
    else
      for (const e of validateSchema(d, s, '', false))
        errs.push({
          ...e,
          field: e.field === '' ? child(path, 'default') : `${child(path, 'default')}.${e.field}`,
        });
  }
  if (isPlainObject(s.items)) validateDefaults(s.items, child(path, 'items'), root, meta, errs);
  const embedded = s === root || truthy(s, 'x-kubernetes-embedded-resource');
  for (const [k, v] of props(s))
    validateDefaults(v, prop(path, k), root, meta || (embedded && META_FIELDS.has(k)), errs);
}

// ---------------------------------------------------------------- the OpenAPI checks

interface Standard {
  readonly allowDefaults: boolean;
  readonly defaultsReason: string;
  readonly insideMeta: boolean;
}

function standardValidate(s: Schema, path: string, v: Standard, errs: FieldError[]): void {
  const type = str(s.type);
  if (type !== '' && !OPENAPI_V3_TYPES.includes(type))
    errs.push(notSupported(child(path, 'type'), type, OPENAPI_V3_TYPES));
  if (s.default !== undefined && s.default !== null && !v.allowDefaults)
    errs.push(
      forbidden(
        child(path, 'default'),
        `must not be set${v.defaultsReason === '' ? '' : ` ${v.defaultsReason}`}`,
      ),
    );
  if (str(s.id) !== '') errs.push(forbidden(child(path, 'id'), 'id is not supported'));
  if (s.additionalItems !== undefined)
    errs.push(forbidden(child(path, 'additionalItems'), 'additionalItems is not supported'));
  if (isPlainObject(s.patternProperties) && Object.keys(s.patternProperties).length > 0)
    errs.push(forbidden(child(path, 'patternProperties'), 'patternProperties is not supported'));
  if (isPlainObject(s.definitions) && Object.keys(s.definitions).length > 0)
    errs.push(forbidden(child(path, 'definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined)
    errs.push(forbidden(child(path, 'dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(forbidden(child(path, '$ref'), '$ref is not supported'));
  if (type === 'null')
    errs.push(
      forbidden(child(path, 'type'), 'type cannot be set to null, use nullable as an alternative'),
    );
  if (Array.isArray(s.items) && s.items.length > 0)
    errs.push(forbidden(child(path, 'items'), 'items must be a schema object and not an array'));
  if (v.insideMeta && truthy(s, 'x-kubernetes-embedded-resource'))
    errs.push(
      forbidden(
        child(path, 'x-kubernetes-embedded-resource'),
        'must not be used inside of resource meta',
      ),
    );
}

function openApiSchema(
  s: Schema,
  path: string,
  v: Standard,
  isRoot: boolean,
  errs: FieldError[],
): void {
  standardValidate(s, path, v, errs);
  if (truthy(s, 'uniqueItems'))
    errs.push(
      forbidden(
        child(path, 'uniqueItems'),
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  const addl = s.additionalProperties;
  if (addl !== undefined && addl !== null) {
    if (props(s).length > 0 && (addl === false || isPlainObject(addl)))
      errs.push(
        forbidden(
          child(path, 'additionalProperties'),
          'additionalProperties and properties are mutual exclusive',
        ),
      );
    const sub = v.insideMeta
      ? {
          ...v,
          allowDefaults: false,
          defaultsReason: 'inside additionalProperties applying to object metadata',
        }
      : v;
    if (isPlainObject(addl))
      openApiSchema(addl, child(path, 'additionalProperties'), sub, false, errs);
  }
  for (const [k, p] of props(s)) {
    let sub = v;
    if ((isRoot || truthy(s, 'x-kubernetes-embedded-resource')) && META_FIELDS.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, defaultsReason: `in top-level ${k}` };
    }
    openApiSchema(p, prop(path, k), sub, false, errs);
  }
  if (isPlainObject(s.not)) openApiSchema(s.not, child(path, 'not'), v, false, errs);
  for (const key of ['allOf', 'oneOf', 'anyOf'])
    list(s, key).forEach((n, i) => openApiSchema(n, `${path}.${key}[${i}]`, v, false, errs));
  if (isPlainObject(s.items)) openApiSchema(s.items, child(path, 'items'), v, false, errs);
  else if (Array.isArray(s.items))
    s.items.forEach(
      (n, i) => isPlainObject(n) && openApiSchema(n, `${path}.items[${i}]`, v, false, errs),
    );
  if (s['x-kubernetes-preserve-unknown-fields'] === false)
    errs.push(
      invalid(
        child(path, 'x-kubernetes-preserve-unknown-fields'),
        false,
        'must be true or undefined',
      ),
    );
  listAndMapTypes(s, path, errs);
}

function listAndMapTypes(s: Schema, path: string, errs: FieldError[]): void {
  const type = str(s.type);
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const keys = Array.isArray(s['x-kubernetes-list-map-keys'])
    ? (s['x-kubernetes-list-map-keys'] as unknown[]).map(String)
    : [];
  if (typeof mapType === 'string' && type !== 'object')
    errs.push(typeRequiredBy(path, type, 'object', 'x-kubernetes-map-type'));
  if (typeof mapType === 'string' && mapType !== 'atomic' && mapType !== 'granular')
    errs.push(notSupported(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  const items = obj(s.items);
  if (typeof listType === 'string' && type !== 'array')
    errs.push(typeRequiredBy(path, type, 'array', 'x-kubernetes-list-type'));
  else if (listType === 'set' && items !== undefined) {
    const it = str(items.type);
    const itemList = items['x-kubernetes-list-type'];
    if (it === 'array' && typeof itemList === 'string' && itemList !== 'atomic')
      errs.push(
        invalid(
          `${path}.items.x-kubernetes-list-type`,
          itemList,
          'must be atomic as item of a list with x-kubernetes-list-type=set',
        ),
      );
    if (it === 'object' && items['x-kubernetes-map-type'] !== 'atomic')
      errs.push(
        invalid(
          `${path}.items.x-kubernetes-map-type`,
          itemList ?? null,
          'must be atomic as item of a list with x-kubernetes-list-type=set',
        ),
      );
  }
  if (typeof listType === 'string' && !['atomic', 'set', 'map'].includes(listType))
    errs.push(
      notSupported(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']),
    );
  if (keys.length > 0) {
    if (typeof listType !== 'string')
      errs.push(
        required(
          child(path, 'x-kubernetes-list-type'),
          'must be map if x-kubernetes-list-map-keys is non-empty',
        ),
      );
    else if (listType !== 'map')
      errs.push(
        invalid(
          child(path, 'x-kubernetes-list-type'),
          listType,
          'must be map if x-kubernetes-list-map-keys is non-empty',
        ),
      );
  }
  if (listType === 'map') mapListChecks(s, path, keys, items, errs);
  mapListKeysMapSet(s, path, keys, items, errs);
}

function mapListChecks(
  s: Schema,
  path: string,
  keys: string[],
  items: Schema | undefined,
  errs: FieldError[],
): void {
  if (keys.length === 0)
    errs.push(
      required(
        child(path, 'x-kubernetes-list-map-keys'),
        'must not be empty if x-kubernetes-list-type is map',
      ),
    );
  if (s.items === undefined)
    errs.push(
      required(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'),
    );
  if (Array.isArray(s.items))
    errs.push(
      invalid(
        child(path, 'items'),
        s.items,
        'must only have a single schema if x-kubernetes-list-type is map',
      ),
    );
  if (items === undefined) return;
  if (str(items.type) !== 'object') {
    errs.push(
      invalid(
        `${path}.items.type`,
        str(items.type),
        "must be object if parent array's x-kubernetes-list-type is map",
      ),
    );
    return;
  }
  const ip = obj(items.properties) ?? {};
  const seen = new Set<string>();
  for (const k of keys) {
    const ks = obj(hasOwnKey(ip, k) ? ip[k] : undefined);
    if (ks === undefined)
      errs.push(
        invalid(
          child(path, 'x-kubernetes-list-map-keys'),
          keys,
          'entries must all be names of item properties',
        ),
      );
    else if (ks.type === 'array' || ks.type === 'object')
      errs.push(
        invalid(
          `${path}.items.properties[${k}].type`,
          str(items.type),
          "must be a scalar type if parent array's x-kubernetes-list-type is map",
        ),
      );
    if (seen.has(k))
      errs.push(
        invalid(
          child(path, 'x-kubernetes-list-map-keys'),
          keys,
          'must not contain duplicate entries',
        ),
      );
    seen.add(k);
  }
}

function mapListKeysMapSet(
  s: Schema,
  path: string,
  keys: string[],
  items: Schema | undefined,
  errs: FieldError[],
): void {
  const listType = s['x-kubernetes-list-type'];
  if (items === undefined || (listType !== 'set' && listType !== 'map')) return;
  if (truthy(items, 'nullable'))
    errs.push(
      forbidden(
        `${path}.items.nullable`,
        `cannot be nullable when x-kubernetes-list-type is ${listType}`,
      ),
    );
  if (listType !== 'map') return;
  const req = new Set(Array.isArray(items.required) ? items.required.map(String) : []);
  const ip = obj(items.properties) ?? {};
  for (const k of keys) {
    const ks = obj(hasOwnKey(ip, k) ? ip[k] : undefined);
    if (ks === undefined) continue;
    if (!req.has(k) && (ks.default === undefined || ks.default === null))
      errs.push(
        required(
          `${path}.items.properties[${k}].default`,
          'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
        ),
      );
    if (truthy(ks, 'nullable'))
      errs.push(
        forbidden(
          `${path}.items.properties[${k}].nullable`,
          'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
        ),
      );
  }
}

// ---------------------------------------------------------------- one schema location

/** Go's %v of the allowed root fields, `[Description Type ...]`. */
const ALLOWED_AT_ROOT_TEXT = `[${ALLOWED_AT_ROOT.join(' ')}]`;

function rootFieldsWithStatus(s: Schema, path: string, errs: FieldError[]): void {
  for (const [json, goName] of GO_FIELDS) {
    if (isZero(s[json])) continue;
    if (goName === 'Type') {
      if (s.type !== 'object') {
        errs.push(
          invalid(
            `${path}.openAPIV3Schema.type`,
            s.type,
            'only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
          ),
        );
        return;
      }
      continue;
    }
    if (!ALLOWED_AT_ROOT.includes(goName)) {
      errs.push(
        invalid(
          `${path}.openAPIV3Schema`,
          new GoValue(goSchemaValue(s)),
          `only ${ALLOWED_AT_ROOT_TEXT} fields are allowed at the root of the schema if the status subresource is enabled`,
        ),
      );
      return;
    }
  }
}

/**
 * validateCustomResourceDefinitionValidation for one location (`spec.validation` or
 * `spec.versions[i].schema`): the errors, and whether the schema is sound enough for its
 * validation rules to be compiled (no structural or OpenAPI errors).
 */
export function validateSchemaLocation(
  schema: Schema,
  path: string,
  statusEnabled: boolean,
): { errors: FieldError[]; rulesMayCompile: boolean } {
  const errs: FieldError[] = [];
  if (statusEnabled) rootFieldsWithStatus(schema, path, errs);
  if (truthy(schema, 'nullable'))
    errs.push(forbidden(`${path}.openAPIV3Schema.nullable`, 'nullable cannot be true at the root'));
  const at = `${path}.openAPIV3Schema`;
  let structuralOk = false;
  if (convertsToStructural(schema)) {
    const structural: FieldError[] = [];
    validateStructural(schema, 'root', at, structural);
    completeness(schema, at, structural);
    structural.sort((a, b) => compareGo(fieldErrorString(a), fieldErrorString(b)));
    if (structural.length > 0) errs.push(...structural);
    else {
      const defaults: FieldError[] = [];
      validateDefaults(schema, at, schema, false, defaults);
      errs.push(...defaults);
      structuralOk = defaults.length === 0;
    }
  }
  const openapi: FieldError[] = [];
  openApiSchema(
    schema,
    at,
    { allowDefaults: true, defaultsReason: '', insideMeta: false },
    true,
    openapi,
  );
  errs.push(...openapi);
  return { errors: errs, rulesMayCompile: structuralOk && openapi.length === 0 };
}

/** Go's string comparison (bytes of UTF-8). */
function compareGo(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}
