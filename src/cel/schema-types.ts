// CEL types of OpenAPI structural schemas, as Kubernetes derives them (model.SchemaDeclType): the
// object, map and list shapes, int-or-string as dyn, date-time/duration/byte formats, the
// apiVersion/kind/metadata of resource roots, and the size bounds cost estimation uses.
import { T, type CelT } from './types.js';

/** The OpenAPI v3 schema fields this module reads. */
export interface OpenApiSchema {
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly items?: OpenApiSchema;
  readonly required?: readonly string[];
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly [k: string]: unknown;
}

/** The request size Kubernetes assumes when a schema sets no bound (3 MiB). */
export const MAX_REQUEST_SIZE = 3 * 1024 * 1024;

/** A CEL type with the smallest JSON it can serialize to (for cardinality estimates). */
export interface DeclType {
  readonly type: CelT;
  readonly minSize: number;
}

const zeroIfNegative = (n: number): number => (n < 0 ? 0 : n);

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** Kubernetes' property-name escaping for CEL (`__dash__`, `__dot__`…); undefined when not expressible. */
export function escapeName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_][a-zA-Z0-9_./-]*$/.test(name)) return undefined;
  return name
    .replace(/__/g, '__underscores__')
    .replace(/\./g, '__dot__')
    .replace(/-/g, '__dash__')
    .replace(/\//g, '__slash__');
}

function maxStringLength(s: OpenApiSchema): number {
  if (s['x-kubernetes-int-or-string'] === true) return MAX_REQUEST_SIZE - 2;
  switch (s.format) {
    case 'duration':
    case 'date-time':
      return 32;
    case 'date':
      return 12;
    default:
      return MAX_REQUEST_SIZE - 2;
  }
}

function withTypeAndObjectMeta(s: OpenApiSchema): OpenApiSchema {
  const str: OpenApiSchema = { type: 'string' };
  return {
    ...s,
    properties: {
      ...(s.properties ?? {}),
      kind: str,
      apiVersion: str,
      metadata: { type: 'object', properties: { name: str, generateName: str } },
    },
  };
}

/** The DeclType of a schema; undefined where Kubernetes gives none (CEL cannot see the field). */
export function schemaDeclType(
  s: OpenApiSchema | undefined,
  resourceRoot: boolean,
  name: string,
): DeclType | undefined {
  if (s === undefined) return undefined;
  if (s['x-kubernetes-int-or-string'] === true) {
    const max = s.maxLength !== undefined ? zeroIfNegative(s.maxLength) * 4 : maxStringLength(s);
    return { type: { ...T.dyn, maxElements: max }, minSize: 1 };
  }
  const schema = resourceRoot ? withTypeAndObjectMeta(s) : s;
  switch (schema.type) {
    case 'array': {
      if (schema.items === undefined) return undefined;
      const item = schemaDeclType(
        schema.items,
        schema.items['x-kubernetes-embedded-resource'] === true,
        `${name}.@idx`,
      );
      if (item === undefined) return undefined;
      const max =
        schema.maxItems !== undefined
          ? zeroIfNegative(schema.maxItems)
          : Math.floor((MAX_REQUEST_SIZE - 2) / (item.minSize + 1));
      const listType = schema['x-kubernetes-list-type'];
      const keys = schema['x-kubernetes-list-map-keys'];
      return {
        type: {
          ...T.list(item.type, max),
          ...(listType === 'set' || listType === 'map' ? { listType } : {}),
          ...(Array.isArray(keys)
            ? { mapKeys: keys.filter((k): k is string => typeof k === 'string') }
            : {}),
        },
        minSize: 2,
      };
    }
    case 'object': {
      const ap = schema.additionalProperties;
      if (typeof ap === 'object') {
        const value = schemaDeclType(
          ap,
          ap['x-kubernetes-embedded-resource'] === true,
          `${name}.@elem`,
        );
        if (value === undefined) return undefined;
        const max =
          schema.maxProperties !== undefined
            ? zeroIfNegative(schema.maxProperties)
            : Math.floor((MAX_REQUEST_SIZE - 2) / (value.minSize + 6));
        return { type: T.map(T.string, value.type, max), minSize: 2 };
      }
      const fields = new Map<string, CelT>();
      const required = new Set(schema.required ?? []);
      let minSize = 2;
      for (const [prop, ps] of Object.entries(schema.properties ?? {})) {
        const ft = schemaDeclType(
          ps,
          ps['x-kubernetes-embedded-resource'] === true,
          `${name}.${prop}`,
        );
        if (ft === undefined) continue;
        const esc = escapeName(prop);
        if (esc !== undefined) fields.set(esc, ft.type);
        if (required.has(prop) && ps.default === undefined) minSize += prop.length + ft.minSize + 4;
      }
      return { type: { k: 'object', name, fields }, minSize };
    }
    case 'string': {
      switch (schema.format) {
        case 'byte':
          return {
            type: {
              ...T.bytes,
              maxElements:
                schema.maxLength !== undefined
                  ? zeroIfNegative(schema.maxLength)
                  : maxStringLength(schema),
            },
            minSize: 2,
          };
        case 'duration':
          return { type: { ...T.duration, maxElements: maxStringLength(schema) }, minSize: 3 };
        case 'date':
          return { type: { ...T.timestamp, maxElements: maxStringLength(schema) }, minSize: 12 };
        case 'date-time':
          return { type: { ...T.timestamp, maxElements: maxStringLength(schema) }, minSize: 21 };
      }
      let max: number;
      if (schema.maxLength !== undefined) max = zeroIfNegative(schema.maxLength) * 4;
      else if (Array.isArray(schema.enum) && schema.enum.length > 0)
        max = Math.max(
          0,
          ...schema.enum.map((e) => (typeof e === 'string' ? Buffer.byteLength(e) : 0)),
        );
      else max = maxStringLength(schema);
      return { type: { ...T.string, maxElements: max }, minSize: 2 };
    }
    case 'boolean':
      return { type: T.bool, minSize: 4 };
    case 'number':
      return { type: T.double, minSize: 1 };
    case 'integer':
      return { type: T.int, minSize: 1 };
  }
  return undefined;
}

/** How many times a node of this minimal size could repeat in one request (unbounded parents). */
export function maxCardinality(minSize: number): number {
  return Math.floor(MAX_REQUEST_SIZE / (minSize + 1));
}
