// OPA's graphql.* built-ins: parse and validate GraphQL queries and schemas (gqlparser semantics).
import type * as G from 'graphql';
import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError, operandTypeError, RegoError } from '../errors.js';
import { arr, bool, EMPTY_OBJECT, toJS, typeName as regoTypeName, type Value } from '../value.js';
import { graphqlLib } from './graphql-lib.js';
import { decodeQueryDocument, decodeSchemaDocument, GqlDecodeError } from './gql-decode.js';
import { GqlSyntaxError, parseQueryText, parseSchemaText } from './gql-parse.js';
import { printQuery } from './gql-print.js';
import { documentValue } from './gql-result.js';
import { GqlValidationError, validateSchemaDocument, type GqlSchema } from './gql-schema.js';
import type { GqlQueryDocument, GqlSchemaDocument } from './gql-shape.js';
import { GqlQueryError, validateQuery } from './gql-validate.js';
import { cachedSchema, type LoadedSchema, validatedSchema } from './schema-cache.js';

const ANY_OBJECT = T.objectOf(T.any, T.any);
const STRING_OR_OBJECT = T.anyOf(T.string, ANY_OBJECT);

/** An operand that is neither a string nor an object: the caller decides (error or false). */
class WrongOperand extends Error {
  constructor(
    readonly pos: number,
    readonly got: string,
  ) {
    super(`operand ${pos} must be string or object`);
  }
}

interface Query {
  readonly doc: GqlQueryDocument;
  readonly node: G.DocumentNode;
}

/** A query from a string (parsed) or an AST object (as OPA json-decodes it into gqlparser types). */
function queryOperand(v: Value, pos: number): Query {
  if (v.kind === 'string') return parseQueryText(v.value);
  if (v.kind === 'object') {
    const doc = decodeQueryDocument(toJS(v) as Record<string, unknown>);
    return { doc, node: parseQueryText(printQuery(doc)).node };
  }
  throw new WrongOperand(pos, regoTypeName(v));
}

/** A schema from a string or an AST object, parsed/decoded once per distinct operand. */
function schemaOperand(v: Value, pos: number): LoadedSchema {
  if (v.kind === 'string') return cachedSchema(v, () => parseSchemaText(v.value));
  if (v.kind === 'object') {
    return cachedSchema(v, () => decodeSchemaDocument(toJS(v) as Record<string, unknown>));
  }
  throw new WrongOperand(pos, regoTypeName(v));
}

/** OPA's convertSchema: the prelude merged in and validated; failures worded as OPA does. */
function convertSchema(loaded: LoadedSchema): GqlSchema {
  return validatedSchema(loaded, validateWorded);
}

function validateWorded(doc: GqlSchemaDocument): GqlSchema {
  try {
    return validateSchemaDocument(doc);
  } catch (e) {
    if (e instanceof GqlValidationError) {
      const p = e.position;
      const at = p ? `input:${p.Line}:${p.Column}: ` : 'input: ';
      throw new GqlConversionError(
        `Error in gqlparser SchemaDocument to Schema conversion: ${at}${e.detail}`,
      );
    }
    throw e;
  }
}

class GqlConversionError extends Error {}

/** Maps every failure of a graphql built-in to OPA's error: type errors for operands, else builtin errors. */
function failure(name: string, e: unknown): RegoError {
  if (e instanceof RegoError) return e;
  if (e instanceof WrongOperand) return operandTypeError(name, e.pos, e.got, 'string', 'object');
  if (
    e instanceof GqlSyntaxError ||
    e instanceof GqlQueryError ||
    e instanceof GqlConversionError ||
    e instanceof GqlDecodeError
  ) {
    return builtinError(name, e.message);
  }
  if (e instanceof graphqlLib().GraphQLError || e instanceof TypeError) {
    return builtinError(name, e.message);
  }
  throw e;
}

/** Parses and validates query and schema; returns the query and schema documents. */
function parseAndValidate(q: Value, s: Value): readonly [GqlQueryDocument, GqlSchemaDocument] {
  const query = queryOperand(q, 1);
  const schema = schemaOperand(s, 2);
  validateQuery(convertSchema(schema), query.node);
  return [query.doc, schema.doc];
}

/** Runs F; any failure becomes the built-in's error. */
function guard<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw failure(name, e);
  }
}

/** Runs F; any failure gives FALLBACK instead (OPA's is_valid and parse_and_verify never error). */
function orElse(fallback: Value, f: () => Value): Value {
  try {
    return f();
  } catch {
    return fallback;
  }
}

const UNVERIFIED = arr([bool(false), EMPTY_OBJECT, EMPTY_OBJECT]);

export const GRAPHQL_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'graphql.parse',
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: T.tuple(ANY_OBJECT, ANY_OBJECT),
    impl: ([q, s]) =>
      guard('graphql.parse', () => {
        const [query, schema] = parseAndValidate(q!, s!);
        return arr([documentValue(query), documentValue(schema)]);
      }),
  },
  {
    name: 'graphql.parse_and_verify',
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: T.tuple(T.boolean, ANY_OBJECT, ANY_OBJECT),
    impl: ([q, s]) =>
      orElse(UNVERIFIED, () => {
        const [query, schema] = parseAndValidate(q!, s!);
        return arr([bool(true), documentValue(query), documentValue(schema)]);
      }),
  },
  {
    name: 'graphql.parse_query',
    args: [T.string],
    result: ANY_OBJECT,
    impl: ([q]) =>
      guard('graphql.parse_query', () => {
        if (q!.kind !== 'string')
          throw operandTypeError('graphql.parse_query', 1, regoTypeName(q!), 'string');
        return documentValue(parseQueryText(q!.value).doc);
      }),
  },
  {
    name: 'graphql.parse_schema',
    args: [T.string],
    result: ANY_OBJECT,
    impl: ([s]) =>
      guard('graphql.parse_schema', () => {
        if (s!.kind !== 'string')
          throw operandTypeError('graphql.parse_schema', 1, regoTypeName(s!), 'string');
        return documentValue(parseSchemaText(s!.value));
      }),
  },
  {
    name: 'graphql.is_valid',
    args: [STRING_OR_OBJECT, STRING_OR_OBJECT],
    result: T.boolean,
    impl: ([q, s]) =>
      orElse(bool(false), () => {
        parseAndValidate(q!, s!);
        return bool(true);
      }),
  },
  {
    name: 'graphql.schema_is_valid',
    args: [STRING_OR_OBJECT],
    result: T.boolean,
    impl: ([s]) =>
      orElse(bool(false), () => {
        convertSchema(schemaOperand(s!, 1));
        return bool(true);
      }),
  },
];
