// Parses GraphQL text with the `graphql` package and maps its AST to gqlparser's document shape.
import type * as G from 'graphql';
import { graphqlLib } from './graphql-lib.js';
import type {
  GqlArgument,
  GqlArgumentDefinition,
  GqlDefinition,
  GqlDirective,
  GqlDirectiveDefinition,
  GqlFieldDefinition,
  GqlFragment,
  GqlOperation,
  GqlPosition,
  GqlQueryDocument,
  GqlSchemaDefinition,
  GqlSchemaDocument,
  GqlSelection,
  GqlType,
  GqlValue,
  GqlVariableDefinition,
} from './gql-shape.js';
import { GqlValueKind } from './gql-shape.js';

/** A parse failure: gqlparser-style message plus the 1-based line and column. */
export class GqlSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${detail} in GraphQL string at location ${line}:${column}`);
  }
}

function pos(node: G.ASTNode): GqlPosition | undefined {
  const t = node.loc?.startToken;
  return t === undefined ? undefined : { Line: t.line, Column: t.column };
}

/** gqlparser's token description: punctuators bare, names and strings as Kind "value". */
function tokenText(t: G.Token): string {
  if (t.kind === graphqlLib().TokenKind.EOF) return '<EOF>';
  if (t.value === undefined || t.value === '') return t.kind;
  return `${t.kind} "${t.value}"`;
}

function unexpected(node: G.ASTNode): GqlSyntaxError {
  const t = node.loc?.startToken;
  return new GqlSyntaxError(
    `Unexpected ${t ? tokenText(t) : 'definition'}`,
    t?.line ?? 0,
    t?.column ?? 0,
  );
}

function parseDocument(text: string): G.DocumentNode {
  const g = graphqlLib();
  try {
    // gqlparser accepts variable definitions on fragments, as graphql-js's legacy option does.
    return g.parse(text, { allowLegacyFragmentVariables: true });
  } catch (e) {
    if (e instanceof g.GraphQLError) {
      const loc = e.locations?.[0];
      throw gqlparserSyntaxError(text, e.message, loc?.line ?? 0, loc?.column ?? 0);
    }
    throw e;
  }
}

/** The token starting at LINE:COLUMN, if the text lexes that far. */
function tokenAt(text: string, line: number, column: number): G.Token | undefined {
  const g = graphqlLib();
  try {
    const lexer = new g.Lexer(new g.Source(text));
    for (let t = lexer.advance(); t.kind !== g.TokenKind.EOF; t = lexer.advance()) {
      if (t.line === line && t.column === column) return t;
      if (t.line > line) return undefined;
    }
  } catch {
    // A lexing error before the position: no token to describe.
  }
  return undefined;
}

const CLOSING: Readonly<Record<string, string>> = { '}': '{', ')': '(', ']': '[' };

/** Rewrites a graphql-js syntax error into gqlparser's wording and position. */
function gqlparserSyntaxError(
  text: string,
  message: string,
  line: number,
  column: number,
): GqlSyntaxError {
  // graphql-js: 'Syntax Error: Expected "{", found "}".'; gqlparser: 'Expected {, found }'.
  let msg = message
    .replace(/^Syntax Error: /, '')
    .replace(/\.$/, '')
    .replace(/"([^\w"\s]+)"/g, '$1');
  let col = column;
  const found = /^Expected Name, found ([})\]])$/.exec(msg);
  if (found) {
    // gqlparser's many(): an empty {...} or (...) list is "expected at least one definition".
    const prev = tokenAt(text, line, column)?.prev;
    if (prev !== undefined && prev !== null && prev.kind === CLOSING[found[1]!]) {
      msg = `expected at least one definition, found ${found[1]!}`;
    }
  } else if (/^Unexpected variable "\$\w+" in constant value$/.test(msg)) {
    msg = 'Unexpected $';
  } else if (msg.startsWith('Unexpected description')) {
    const t = tokenAt(text, line, column);
    if (t?.kind === graphqlLib().TokenKind.STRING) msg = `Unexpected String "${t.value}"`;
  }
  // gqlparser places a string token after its opening quote.
  if (/^Unexpected String "/.test(msg)) col += 1;
  return new GqlSyntaxError(msg, line, col);
}

/** True when the text holds no tokens at all (gqlparser accepts an empty schema). */
function isBlank(text: string): boolean {
  const g = graphqlLib();
  try {
    return new g.Lexer(new g.Source(text)).advance().kind === g.TokenKind.EOF;
  } catch {
    return false;
  }
}

/** graphql-js's kinds are a TS enum, so switches over its string values are never exhaustive. */
function internalKind(node: { readonly kind: string }): Error {
  return new Error(`internal: unexpected GraphQL AST node ${node.kind}`);
}

// --- values, types, directives -----------------------------------------------------------------

export function mapValue(v: G.ValueNode): GqlValue {
  const K = graphqlLib().Kind;
  const base = { ExpectedTypeHasDefault: false, Position: pos(v) };
  switch (v.kind) {
    case K.VARIABLE:
      return { ...base, Kind: GqlValueKind.Variable, Raw: v.name.value };
    case K.INT:
      return { ...base, Kind: GqlValueKind.Int, Raw: v.value };
    case K.FLOAT:
      return { ...base, Kind: GqlValueKind.Float, Raw: v.value };
    case K.STRING:
      return {
        ...base,
        Kind: v.block === true ? GqlValueKind.Block : GqlValueKind.String,
        Raw: v.value,
      };
    case K.BOOLEAN:
      return { ...base, Kind: GqlValueKind.Boolean, Raw: String(v.value) };
    case K.NULL:
      return { ...base, Kind: GqlValueKind.Null, Raw: 'null' };
    case K.ENUM:
      return { ...base, Kind: GqlValueKind.Enum, Raw: v.value };
    case K.LIST:
      return {
        ...base,
        Kind: GqlValueKind.List,
        Raw: '',
        Children: v.values.map((c) => ({ Name: '', Value: mapValue(c), Position: pos(c) })),
      };
    case K.OBJECT:
      return {
        ...base,
        Kind: GqlValueKind.Object,
        Raw: '',
        Children: v.fields.map((f) => ({
          Name: f.name.value,
          Value: mapValue(f.value),
          Position: pos(f),
        })),
      };
    default:
      throw internalKind(v);
  }
}

function mapType(t: G.TypeNode): GqlType {
  const K = graphqlLib().Kind;
  switch (t.kind) {
    case K.NON_NULL_TYPE:
      return { ...mapType(t.type), NonNull: true, Position: pos(t) };
    case K.LIST_TYPE:
      return { NamedType: '', Elem: mapType(t.type), NonNull: false, Position: pos(t) };
    case K.NAMED_TYPE:
      return { NamedType: t.name.value, NonNull: false, Position: pos(t) };
    default:
      throw internalKind(t);
  }
}

function mapArguments(args: readonly G.ArgumentNode[] | undefined): GqlArgument[] {
  return (args ?? []).map((a) => ({
    Name: a.name.value,
    Value: mapValue(a.value),
    Position: pos(a),
  }));
}

function mapDirectives(dirs: readonly G.DirectiveNode[] | undefined): GqlDirective[] {
  return (dirs ?? []).map((d) => ({
    Name: d.name.value,
    Arguments: mapArguments(d.arguments),
    Location: '',
    Position: pos(d),
  }));
}

// --- executable documents ------------------------------------------------------------------------

function mapSelections(set: G.SelectionSetNode | undefined): GqlSelection[] {
  const K = graphqlLib().Kind;
  return (set?.selections ?? []).map((s): GqlSelection => {
    switch (s.kind) {
      case K.FIELD:
        return {
          Alias: s.alias?.value ?? s.name.value,
          Name: s.name.value,
          Arguments: mapArguments(s.arguments),
          Directives: mapDirectives(s.directives),
          SelectionSet: mapSelections(s.selectionSet),
          Position: pos(s),
        };
      case K.FRAGMENT_SPREAD:
        return { Name: s.name.value, Directives: mapDirectives(s.directives), Position: pos(s) };
      case K.INLINE_FRAGMENT:
        return {
          TypeCondition: s.typeCondition?.name.value ?? '',
          Directives: mapDirectives(s.directives),
          SelectionSet: mapSelections(s.selectionSet),
          Position: pos(s),
        };
      default:
        throw internalKind(s);
    }
  });
}

function mapVariables(
  vars: readonly G.VariableDefinitionNode[] | undefined,
): GqlVariableDefinition[] {
  return (vars ?? []).map((v) => ({
    Variable: v.variable.name.value,
    Type: mapType(v.type),
    DefaultValue: v.defaultValue ? mapValue(v.defaultValue) : undefined,
    Directives: mapDirectives(v.directives),
    Used: false,
    Position: pos(v),
  }));
}

/** A parsed query: gqlparser's shape plus the graphql-js document used for validation. */
export interface ParsedQuery {
  readonly doc: GqlQueryDocument;
  readonly node: G.DocumentNode;
}

/** gqlparser.ParseQuery: operations and fragments only. */
export function parseQueryText(text: string): ParsedQuery {
  const K = graphqlLib().Kind;
  // gqlparser accepts a document without definitions; graphql-js's parser does not.
  if (isBlank(text)) return { doc: {}, node: { kind: K.DOCUMENT, definitions: [] } };
  const doc = parseDocument(text);
  const Operations: GqlOperation[] = [];
  const Fragments: GqlFragment[] = [];
  for (const d of doc.definitions) {
    if (d.kind === K.OPERATION_DEFINITION) {
      Operations.push({
        Operation: d.operation,
        Name: d.name?.value ?? '',
        VariableDefinitions: mapVariables(d.variableDefinitions),
        Directives: mapDirectives(d.directives),
        SelectionSet: mapSelections(d.selectionSet),
        Position: pos(d),
      });
    } else if (d.kind === K.FRAGMENT_DEFINITION) {
      Fragments.push({
        Name: d.name.value,
        VariableDefinition: mapVariables(d.variableDefinitions),
        TypeCondition: d.typeCondition.name.value,
        Directives: mapDirectives(d.directives),
        SelectionSet: mapSelections(d.selectionSet),
        Position: pos(d),
      });
    } else {
      throw unexpected(d);
    }
  }
  return { doc: { Operations, Fragments }, node: doc };
}

// --- schema documents ----------------------------------------------------------------------------

function mapArgDefs(
  args: readonly G.InputValueDefinitionNode[] | undefined,
): GqlArgumentDefinition[] {
  return (args ?? []).map((a) => ({
    Description: a.description?.value ?? '',
    Name: a.name.value,
    DefaultValue: a.defaultValue ? mapValue(a.defaultValue) : undefined,
    Type: mapType(a.type),
    Directives: mapDirectives(a.directives),
    Position: pos(a),
  }));
}

function mapFieldDefs(
  fields: readonly (G.FieldDefinitionNode | G.InputValueDefinitionNode)[] | undefined,
): GqlFieldDefinition[] {
  return (fields ?? []).map((f) => ({
    Description: f.description?.value ?? '',
    Name: f.name.value,
    Arguments: 'arguments' in f ? mapArgDefs(f.arguments) : [],
    DefaultValue: 'defaultValue' in f && f.defaultValue ? mapValue(f.defaultValue) : undefined,
    Type: mapType(f.type),
    Directives: mapDirectives(f.directives),
    Position: pos(f),
  }));
}

const TYPE_KINDS: Readonly<Record<string, string>> = {
  ScalarTypeDefinition: 'SCALAR',
  ScalarTypeExtension: 'SCALAR',
  ObjectTypeDefinition: 'OBJECT',
  ObjectTypeExtension: 'OBJECT',
  InterfaceTypeDefinition: 'INTERFACE',
  InterfaceTypeExtension: 'INTERFACE',
  UnionTypeDefinition: 'UNION',
  UnionTypeExtension: 'UNION',
  EnumTypeDefinition: 'ENUM',
  EnumTypeExtension: 'ENUM',
  InputObjectTypeDefinition: 'INPUT_OBJECT',
  InputObjectTypeExtension: 'INPUT_OBJECT',
};

function mapTypeDef(d: G.TypeDefinitionNode | G.TypeExtensionNode): GqlDefinition {
  return {
    Kind: TYPE_KINDS[d.kind] ?? '',
    Description: 'description' in d ? (d.description?.value ?? '') : '',
    Name: d.name.value,
    Directives: mapDirectives(d.directives),
    Interfaces: 'interfaces' in d ? (d.interfaces ?? []).map((i) => i.name.value) : [],
    Fields: 'fields' in d ? mapFieldDefs(d.fields) : [],
    Types: 'types' in d ? (d.types ?? []).map((t) => t.name.value) : [],
    EnumValues:
      'values' in d
        ? (d.values ?? []).map((v) => ({
            Description: v.description?.value ?? '',
            Name: v.name.value,
            Directives: mapDirectives(v.directives),
            Position: pos(v),
          }))
        : [],
    BuiltIn: false,
    Position: pos(d),
  };
}

function mapSchemaDef(d: G.SchemaDefinitionNode | G.SchemaExtensionNode): GqlSchemaDefinition {
  return {
    Description: 'description' in d ? (d.description?.value ?? '') : '',
    Directives: mapDirectives(d.directives),
    OperationTypes: (d.operationTypes ?? []).map((o) => ({
      Operation: o.operation,
      Type: o.type.name.value,
      Position: pos(o),
    })),
    Position: pos(d),
  };
}

/** gqlparser.ParseSchema: type system definitions and extensions only. */
export function parseSchemaText(text: string): GqlSchemaDocument {
  const out = {
    Schema: [] as GqlSchemaDefinition[],
    SchemaExtension: [] as GqlSchemaDefinition[],
    Directives: [] as GqlDirectiveDefinition[],
    Definitions: [] as GqlDefinition[],
    Extensions: [] as GqlDefinition[],
  };
  if (isBlank(text)) return out;
  const K = graphqlLib().Kind;
  const doc = parseDocument(text);
  for (const d of doc.definitions) {
    switch (d.kind) {
      case K.SCHEMA_DEFINITION:
        out.Schema.push(mapSchemaDef(d));
        break;
      case K.SCHEMA_EXTENSION:
        out.SchemaExtension.push(mapSchemaDef(d));
        break;
      case K.DIRECTIVE_DEFINITION:
        out.Directives.push({
          Description: d.description?.value ?? '',
          Name: d.name.value,
          Arguments: mapArgDefs(d.arguments),
          Locations: d.locations.map((l) => l.value),
          IsRepeatable: d.repeatable,
          Position: pos(d),
        } satisfies GqlDirectiveDefinition);
        break;
      case K.OPERATION_DEFINITION:
      case K.FRAGMENT_DEFINITION:
        throw unexpected(d);
      default:
        if (d.kind.endsWith('Extension')) out.Extensions.push(mapTypeDef(d as G.TypeExtensionNode));
        else out.Definitions.push(mapTypeDef(d as G.TypeDefinitionNode));
    }
  }
  return out;
}
