// Go's JSON of apiextensions' internal types, as kube-apiserver prints them in the values of CRD
// field errors (`spec.versions: Invalid value: [{"Name":"v1","Served":true,...}]`): Go field
// names, every field written (the internal types have no json tags), map keys sorted.
import { isPlainObject } from '../object-meta.js';

type Obj = Record<string, unknown>;

function goJson(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** A struct: fields in the given order, each value already Go JSON. */
function struct(fields: readonly (readonly [string, string])[]): string {
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

const str = (v: unknown): string => JSON.stringify(typeof v === 'string' ? v : '');
const bool = (v: unknown): string => (v === true ? 'true' : 'false');
const ptr = (v: unknown): string => (v === undefined || v === null ? 'null' : goJson(v));

function schemaList(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(goSchemaValue).join(',')}]` : 'null';
}

function schemaMap(v: unknown): string {
  if (!isPlainObject(v)) return 'null';
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${goSchemaValue(v[k])}`)
    .join(',')}}`;
}

function orBool(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'boolean')
    return struct([
      ['Allows', bool(v)],
      ['Schema', 'null'],
    ]);
  return struct([
    ['Allows', 'true'],
    ['Schema', goSchemaValue(v)],
  ]);
}

function rules(v: unknown): string {
  if (!Array.isArray(v)) return 'null';
  return `[${v
    .map((r: unknown) => {
      const o: Obj = isPlainObject(r) ? r : {};
      return struct([
        ['Rule', str(o.rule)],
        ['Message', str(o.message)],
        ['MessageExpression', str(o.messageExpression)],
        ['Reason', ptr(o.reason)],
        ['FieldPath', str(o.fieldPath)],
        ['OptionalOldSelf', ptr(o.optionalOldSelf)],
      ]);
    })
    .join(',')}]`;
}

/** apiextensions.JSONSchemaProps (internal) as Go's JSON. */
export function goSchemaValue(s: unknown): string {
  if (!isPlainObject(s)) return 'null';
  const items = s.items;
  return struct([
    ['ID', str(s.id)],
    ['Schema', str(s.$schema)],
    ['Ref', ptr(s.$ref)],
    ['Description', str(s.description)],
    ['Type', str(s.type)],
    ['Nullable', bool(s.nullable)],
    ['Format', str(s.format)],
    ['Title', str(s.title)],
    ['Default', ptr(s.default)],
    ['Maximum', ptr(s.maximum)],
    ['ExclusiveMaximum', bool(s.exclusiveMaximum)],
    ['Minimum', ptr(s.minimum)],
    ['ExclusiveMinimum', bool(s.exclusiveMinimum)],
    ['MaxLength', ptr(s.maxLength)],
    ['MinLength', ptr(s.minLength)],
    ['Pattern', str(s.pattern)],
    ['MaxItems', ptr(s.maxItems)],
    ['MinItems', ptr(s.minItems)],
    ['UniqueItems', bool(s.uniqueItems)],
    ['MultipleOf', ptr(s.multipleOf)],
    ['Enum', ptr(s.enum)],
    ['MaxProperties', ptr(s.maxProperties)],
    ['MinProperties', ptr(s.minProperties)],
    ['Required', ptr(s.required)],
    [
      'Items',
      items === undefined || items === null
        ? 'null'
        : Array.isArray(items)
          ? struct([
              ['Schema', 'null'],
              ['JSONSchemas', schemaList(items)],
            ])
          : struct([
              ['Schema', goSchemaValue(items)],
              ['JSONSchemas', 'null'],
            ]),
    ],
    ['AllOf', schemaList(s.allOf)],
    ['OneOf', schemaList(s.oneOf)],
    ['AnyOf', schemaList(s.anyOf)],
    ['Not', s.not === undefined ? 'null' : goSchemaValue(s.not)],
    ['Properties', schemaMap(s.properties)],
    ['AdditionalProperties', orBool(s.additionalProperties)],
    ['PatternProperties', schemaMap(s.patternProperties)],
    ['Dependencies', ptr(s.dependencies)],
    ['AdditionalItems', orBool(s.additionalItems)],
    ['Definitions', schemaMap(s.definitions)],
    ['ExternalDocs', ptr(s.externalDocs)],
    ['Example', ptr(s.example)],
    ['XPreserveUnknownFields', ptr(s['x-kubernetes-preserve-unknown-fields'])],
    ['XEmbeddedResource', bool(s['x-kubernetes-embedded-resource'])],
    ['XIntOrString', bool(s['x-kubernetes-int-or-string'])],
    ['XListMapKeys', ptr(s['x-kubernetes-list-map-keys'])],
    ['XListType', ptr(s['x-kubernetes-list-type'])],
    ['XMapType', ptr(s['x-kubernetes-map-type'])],
    ['XValidations', rules(s['x-kubernetes-validations'])],
  ]);
}

function subresources(v: unknown): string {
  if (!isPlainObject(v)) return 'null';
  const scale = isPlainObject(v.scale) ? v.scale : undefined;
  return struct([
    ['Status', v.status === undefined || v.status === null ? 'null' : '{}'],
    [
      'Scale',
      scale === undefined
        ? 'null'
        : struct([
            ['SpecReplicasPath', str(scale.specReplicasPath)],
            ['StatusReplicasPath', str(scale.statusReplicasPath)],
            ['LabelSelectorPath', ptr(scale.labelSelectorPath)],
          ]),
    ],
  ]);
}

function columns(v: unknown): string {
  if (!Array.isArray(v) || v.length === 0) return 'null';
  return `[${v
    .map((c: unknown) => {
      const o: Obj = isPlainObject(c) ? c : {};
      return struct([
        ['Name', str(o.name)],
        ['Type', str(o.type)],
        ['Format', str(o.format)],
        ['Description', str(o.description)],
        ['Priority', String(typeof o.priority === 'number' ? o.priority : 0)],
        ['JSONPath', str(o.jsonPath)],
      ]);
    })
    .join(',')}]`;
}

function selectableFields(v: unknown): string {
  if (!Array.isArray(v) || v.length === 0) return 'null';
  return `[${v.map((f: unknown) => struct([['JSONPath', str(isPlainObject(f) ? f.jsonPath : '')]])).join(',')}]`;
}

/** The internal form of one version: what the v1 conversion leaves per version. */
export interface InternalVersion {
  readonly v1: Obj;
  readonly schema: unknown;
  readonly subresources: unknown;
  readonly columns: unknown;
  readonly selectableFields: unknown;
}

/** []apiextensions.CustomResourceDefinitionVersion as Go's JSON. */
export function goVersionsValue(versions: readonly InternalVersion[]): string {
  return `[${versions
    .map((v) =>
      struct([
        ['Name', str(v.v1.name)],
        ['Served', bool(v.v1.served)],
        ['Storage', bool(v.v1.storage)],
        ['Deprecated', bool(v.v1.deprecated)],
        ['DeprecationWarning', ptr(v.v1.deprecationWarning)],
        [
          'Schema',
          v.schema === undefined || v.schema === null
            ? 'null'
            : struct([['OpenAPIV3Schema', goSchemaValue(v.schema)]]),
        ],
        ['Subresources', subresources(v.subresources)],
        ['AdditionalPrinterColumns', columns(v.columns)],
        ['SelectableFields', selectableFields(v.selectableFields)],
      ]),
    )
    .join(',')}]`;
}
