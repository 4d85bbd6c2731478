// Remembers parsed and validated schemas: policies pass the same schema on every evaluation.
import type { Value } from '../value.js';
import type { GqlSchema } from './gql-schema.js';
import type { GqlSchemaDocument } from './gql-shape.js';

/** A schema operand: its document, and its validation outcome once computed (schema or the error). */
export interface LoadedSchema {
  readonly doc: GqlSchemaDocument;
  outcome?: { readonly schema: GqlSchema } | { readonly error: unknown };
}

/** How many schema texts are kept (oldest dropped first). */
const MAX_TEXTS = 64;

const byText = new Map<string, LoadedSchema>();
const byObject = new WeakMap<Value, LoadedSchema>();

/** The cached entry for V, or the one LOAD makes (LOAD may throw: nothing is cached then). */
export function cachedSchema(v: Value, load: () => GqlSchemaDocument): LoadedSchema {
  if (v.kind === 'string') {
    const hit = byText.get(v.value);
    if (hit !== undefined) return hit;
    const entry: LoadedSchema = { doc: load() };
    if (byText.size >= MAX_TEXTS) byText.delete(byText.keys().next().value!);
    byText.set(v.value, entry);
    return entry;
  }
  const hit = byObject.get(v);
  if (hit !== undefined) return hit;
  const entry: LoadedSchema = { doc: load() };
  byObject.set(v, entry);
  return entry;
}

/** The validated schema of ENTRY (computed once with VALIDATE; a failure is rethrown every time). */
export function validatedSchema(
  entry: LoadedSchema,
  validate: (doc: GqlSchemaDocument) => GqlSchema,
): GqlSchema {
  if (entry.outcome === undefined) {
    try {
      entry.outcome = { schema: validate(entry.doc) };
    } catch (e) {
      entry.outcome = { error: e };
    }
  }
  if ('error' in entry.outcome) throw entry.outcome.error;
  return entry.outcome.schema;
}
