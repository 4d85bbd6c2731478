// json.verify_schema and json.match_schema (OPA's gojsonschema-based built-ins).
import { T, type BuiltinDef, type RegoType } from '../builtin-types.js';
import { isValidJSON, toJSON } from '../json.js';
import { arr, bool, FALSE, NULL, objectFromRecord, str, TRUE, type Value } from '../value.js';
import { CompiledSchema, type Json } from './json-schema.js';
import { guarded } from './operands.js';

/** OPA's astValueToJSONSchemaLoader: a JSON string or an object/array value. */
function load(v: Value): Json {
  if (v.kind === 'string') {
    if (!isValidJSON(v.value)) throw new Error('invalid JSON string');
    return JSON.parse(v.value) as Json;
  }
  if (v.kind === 'object' || v.kind === 'array') return JSON.parse(toJSON(v)) as Json;
  throw new Error('wrong type, expected string or object');
}

const SCHEMA_ARG: RegoType = T.anyOf(T.string, T.objectOf(T.any, T.any));

// Compiled schemas keyed by their JSON text (OPA caches them across queries when configured).
const cache = new Map<string, CompiledSchema>();

function compileCached(schema: Json): CompiledSchema {
  const key = JSON.stringify(schema);
  let c = cache.get(key);
  if (c === undefined) {
    c = CompiledSchema.compile(schema);
    if (cache.size >= 100) cache.clear();
    cache.set(key, c);
  }
  return c;
}

export const JSON_SCHEMA_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'json.verify_schema',
    args: [SCHEMA_ARG],
    result: T.tuple(T.boolean, T.anyOf(T.null, T.string)),
    impl: ([schema]) => {
      try {
        compileCached(load(schema!));
        return arr([TRUE, NULL]);
      } catch (e) {
        return arr([FALSE, str(`jsonschema: ${e instanceof Error ? e.message : String(e)}`)]);
      }
    },
  },
  {
    name: 'json.match_schema',
    args: [SCHEMA_ARG, SCHEMA_ARG],
    result: T.tuple(
      T.boolean,
      T.arrayOf(T.record({ desc: T.string, error: T.string, field: T.string, type: T.string })),
    ),
    impl: ([document, schema]) =>
      guarded('json.match_schema', () => {
        const doc = load(document!);
        const compiled = compileCached(load(schema!));
        const errors = compiled.validate(doc);
        return arr([
          bool(errors.length === 0),
          arr(
            errors.map((e) =>
              objectFromRecord({
                error: str(e.error),
                type: str(e.type),
                field: str(e.field),
                desc: str(e.desc),
              }),
            ),
          ),
        ]);
      }),
  },
];
