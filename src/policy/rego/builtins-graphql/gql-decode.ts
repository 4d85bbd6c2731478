// Decodes AST objects into gqlparser's document types the way OPA does (Go's encoding/json into gqlparser structs).
import type { GqlQueryDocument, GqlSchemaDocument } from './gql-shape.js';

/** How one Go struct field decodes: a scalar with its zero value, a nested struct, or a list of either. */
type FieldSpec =
  | { readonly t: 'string' | 'bool' | 'int' }
  | { readonly t: 'struct'; readonly of: string }
  | { readonly t: 'list'; readonly of: FieldSpec };

const S: FieldSpec = { t: 'string' };
const B: FieldSpec = { t: 'bool' };
const I: FieldSpec = { t: 'int' };
const st = (of: string): FieldSpec => ({ t: 'struct', of });
const list = (of: FieldSpec): FieldSpec => ({ t: 'list', of });

/** The JSON-visible fields of gqlparser's AST structs (Position and back-references are dropped anyway). */
const STRUCTS: Readonly<Record<string, Readonly<Record<string, FieldSpec>>>> = {
  QueryDocument: {
    Operations: list(st('OperationDefinition')),
    Fragments: list(st('FragmentDefinition')),
  },
  OperationDefinition: {
    Operation: S,
    Name: S,
    VariableDefinitions: list(st('VariableDefinition')),
    Directives: list(st('Directive')),
    SelectionSet: list(st('Field')),
  },
  FragmentDefinition: {
    Name: S,
    VariableDefinition: list(st('VariableDefinition')),
    TypeCondition: S,
    Directives: list(st('Directive')),
    SelectionSet: list(st('Field')),
  },
  // OPA's UnmarshalSelectionSet tries Field first, and decoding any object into Field succeeds:
  // every selection of an AST object becomes a Field.
  Field: {
    Alias: S,
    Name: S,
    Arguments: list(st('Argument')),
    Directives: list(st('Directive')),
    SelectionSet: list(st('Field')),
  },
  VariableDefinition: {
    Variable: S,
    Type: st('Type'),
    DefaultValue: st('Value'),
    Directives: list(st('Directive')),
    Used: B,
  },
  Directive: { Name: S, Arguments: list(st('Argument')), Location: S },
  Argument: { Name: S, Value: st('Value') },
  Value: { Raw: S, Children: list(st('ChildValue')), Kind: I, ExpectedTypeHasDefault: B },
  ChildValue: { Name: S, Value: st('Value') },
  Type: { NamedType: S, Elem: st('Type'), NonNull: B },
  SchemaDocument: {
    Schema: list(st('SchemaDefinition')),
    SchemaExtension: list(st('SchemaDefinition')),
    Directives: list(st('DirectiveDefinition')),
    Definitions: list(st('Definition')),
    Extensions: list(st('Definition')),
  },
  SchemaDefinition: {
    Description: S,
    Directives: list(st('Directive')),
    OperationTypes: list(st('OperationTypeDefinition')),
  },
  OperationTypeDefinition: { Operation: S, Type: S },
  DirectiveDefinition: {
    Description: S,
    Name: S,
    Arguments: list(st('ArgumentDefinition')),
    Locations: list(S),
    IsRepeatable: B,
  },
  Definition: {
    Kind: S,
    Description: S,
    Name: S,
    Directives: list(st('Directive')),
    Interfaces: list(S),
    Fields: list(st('FieldDefinition')),
    Types: list(S),
    EnumValues: list(st('EnumValueDefinition')),
    BuiltIn: B,
  },
  FieldDefinition: {
    Description: S,
    Name: S,
    Arguments: list(st('ArgumentDefinition')),
    DefaultValue: st('Value'),
    Type: st('Type'),
    Directives: list(st('Directive')),
  },
  ArgumentDefinition: {
    Description: S,
    Name: S,
    DefaultValue: st('Value'),
    Type: st('Type'),
    Directives: list(st('Directive')),
  },
  EnumValueDefinition: { Description: S, Name: S, Directives: list(st('Directive')) },
};

const GO_TYPES: Readonly<Record<string, string>> = {
  string: 'string',
  bool: 'bool',
  int: 'ast.ValueKind',
};

function jsonKind(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'object') return 'object';
  return typeof x === 'boolean' ? 'bool' : typeof x;
}

function goTypeOf(spec: FieldSpec): string {
  switch (spec.t) {
    case 'struct':
      return `ast.${spec.of}`;
    case 'list':
      return `[]${goTypeOf(spec.of)}`;
    default:
      return GO_TYPES[spec.t]!;
  }
}

/** A decoding failure, worded like encoding/json's UnmarshalTypeError. */
export class GqlDecodeError extends Error {}

function mismatch(x: unknown, where: string, spec: FieldSpec): GqlDecodeError {
  return new GqlDecodeError(
    `json: cannot unmarshal ${jsonKind(x)} into Go struct field ${where} of type ${goTypeOf(spec)}`,
  );
}

/** Decodes X as SPEC; null decodes to the zero value (undefined for structs and lists). */
function decodeField(x: unknown, spec: FieldSpec, where: string): unknown {
  if (x === null || x === undefined) {
    return spec.t === 'string' ? '' : spec.t === 'bool' ? false : spec.t === 'int' ? 0 : undefined;
  }
  switch (spec.t) {
    case 'string':
      if (typeof x !== 'string') throw mismatch(x, where, spec);
      return x;
    case 'bool':
      if (typeof x !== 'boolean') throw mismatch(x, where, spec);
      return x;
    case 'int':
      if (typeof x === 'bigint') return Number(x);
      if (typeof x !== 'number' || !Number.isInteger(x)) throw mismatch(x, where, spec);
      return x;
    case 'list':
      if (!Array.isArray(x)) throw mismatch(x, where, spec);
      return (x as unknown[]).map((e) => decodeField(e, spec.of, where));
    case 'struct':
      if (typeof x !== 'object' || Array.isArray(x)) throw mismatch(x, where, spec);
      return decodeStruct(x as Record<string, unknown>, spec.of);
  }
}

function decodeStruct(x: Record<string, unknown>, name: string): Record<string, unknown> {
  const fields = STRUCTS[name]!;
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    out[key] = decodeField(x[key], spec, `${name}.${key}`);
  }
  return out;
}

/** An AST object as OPA sees it after decoding into gqlparser's QueryDocument. */
export function decodeQueryDocument(x: Record<string, unknown>): GqlQueryDocument {
  return decodeStruct(x, 'QueryDocument');
}

/** An AST object as OPA sees it after decoding into gqlparser's SchemaDocument. */
export function decodeSchemaDocument(x: Record<string, unknown>): GqlSchemaDocument {
  return decodeStruct(x, 'SchemaDocument');
}
