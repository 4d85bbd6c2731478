// The JSON shape of gqlparser's AST (github.com/vektah/gqlparser/v2/ast), which OPA returns to policies.

/** Source position; kept while converting so errors can name a location, dropped from results. */
export interface GqlPosition {
  readonly Line: number;
  readonly Column: number;
}

/** gqlparser ast.ValueKind numbering. */
export const GqlValueKind = {
  Variable: 0,
  Int: 1,
  Float: 2,
  String: 3,
  Block: 4,
  Boolean: 5,
  Null: 6,
  Enum: 7,
  List: 8,
  Object: 9,
} as const;
export type GqlValueKind = (typeof GqlValueKind)[keyof typeof GqlValueKind];

export interface GqlValue {
  Raw?: string | undefined;
  Children?: GqlChildValue[] | undefined;
  Kind?: number | undefined;
  ExpectedTypeHasDefault?: boolean | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlChildValue {
  Name?: string | undefined;
  Value?: GqlValue | undefined;
}
export interface GqlType {
  NamedType?: string | undefined;
  Elem?: GqlType | undefined;
  NonNull?: boolean | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlArgument {
  Name?: string | undefined;
  Value?: GqlValue | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlDirective {
  Name?: string | undefined;
  Arguments?: GqlArgument[] | undefined;
  Location?: string | undefined;
  Position?: GqlPosition | undefined;
}
/** A selection: Field (Alias/Name/Arguments), FragmentSpread (Name) or InlineFragment (TypeCondition). */
export interface GqlSelection {
  Alias?: string | undefined;
  Name?: string | undefined;
  Arguments?: GqlArgument[] | undefined;
  Directives?: GqlDirective[] | undefined;
  SelectionSet?: GqlSelection[] | undefined;
  TypeCondition?: string | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlVariableDefinition {
  Variable?: string | undefined;
  Type?: GqlType | undefined;
  DefaultValue?: GqlValue | undefined;
  Directives?: GqlDirective[] | undefined;
  Used?: boolean | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlOperation {
  Operation?: string | undefined;
  Name?: string | undefined;
  VariableDefinitions?: GqlVariableDefinition[] | undefined;
  Directives?: GqlDirective[] | undefined;
  SelectionSet?: GqlSelection[] | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlFragment {
  Name?: string | undefined;
  VariableDefinition?: GqlVariableDefinition[] | undefined;
  TypeCondition?: string | undefined;
  Directives?: GqlDirective[] | undefined;
  SelectionSet?: GqlSelection[] | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlQueryDocument {
  Operations?: GqlOperation[] | undefined;
  Fragments?: GqlFragment[] | undefined;
}

export interface GqlArgumentDefinition {
  Description?: string | undefined;
  Name?: string | undefined;
  DefaultValue?: GqlValue | undefined;
  Type?: GqlType | undefined;
  Directives?: GqlDirective[] | undefined;
  Position?: GqlPosition | undefined;
}
/** Field of an object/interface, or input field of an input object (gqlparser uses one type). */
export interface GqlFieldDefinition {
  Description?: string | undefined;
  Name?: string | undefined;
  Arguments?: GqlArgumentDefinition[] | undefined;
  DefaultValue?: GqlValue | undefined;
  Type?: GqlType | undefined;
  Directives?: GqlDirective[] | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlEnumValueDefinition {
  Description?: string | undefined;
  Name?: string | undefined;
  Directives?: GqlDirective[] | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlDefinition {
  Kind?: string | undefined;
  Description?: string | undefined;
  Name?: string | undefined;
  Directives?: GqlDirective[] | undefined;
  Interfaces?: string[] | undefined;
  Fields?: GqlFieldDefinition[] | undefined;
  Types?: string[] | undefined;
  EnumValues?: GqlEnumValueDefinition[] | undefined;
  BuiltIn?: boolean | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlDirectiveDefinition {
  Description?: string | undefined;
  Name?: string | undefined;
  Arguments?: GqlArgumentDefinition[] | undefined;
  Locations?: string[] | undefined;
  IsRepeatable?: boolean | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlOperationTypeDefinition {
  Operation?: string | undefined;
  Type?: string | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlSchemaDefinition {
  Description?: string | undefined;
  Directives?: GqlDirective[] | undefined;
  OperationTypes?: GqlOperationTypeDefinition[] | undefined;
  Position?: GqlPosition | undefined;
}
export interface GqlSchemaDocument {
  Schema?: GqlSchemaDefinition[] | undefined;
  SchemaExtension?: GqlSchemaDefinition[] | undefined;
  Directives?: GqlDirectiveDefinition[] | undefined;
  Definitions?: GqlDefinition[] | undefined;
  Extensions?: GqlDefinition[] | undefined;
}

/** gqlparser Type.String(): "[Int!]!". */
export function typeText(t: GqlType | undefined): string {
  if (t === undefined) return '';
  const inner = t.Elem !== undefined ? `[${typeText(t.Elem)}]` : (t.NamedType ?? '');
  return t.NonNull === true ? `${inner}!` : inner;
}

/** gqlparser Type.Name(): the innermost named type. */
export function typeName(t: GqlType | undefined): string {
  if (t === undefined) return '';
  return t.Elem !== undefined ? typeName(t.Elem) : (t.NamedType ?? '');
}
