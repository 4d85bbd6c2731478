// Prints gqlparser-shaped documents back to GraphQL text, so AST objects can be validated by graphql-js.
import type {
  GqlArgument,
  GqlArgumentDefinition,
  GqlDirective,
  GqlQueryDocument,
  GqlSelection,
  GqlValue,
  GqlVariableDefinition,
} from './gql-shape.js';
import { GqlValueKind, typeText } from './gql-shape.js';

export function printValue(v: GqlValue | undefined): string {
  if (v === undefined) return 'null';
  const raw = v.Raw ?? '';
  switch (v.Kind) {
    case GqlValueKind.Variable:
      return `$${raw}`;
    case GqlValueKind.String:
    case GqlValueKind.Block:
      return JSON.stringify(raw);
    case GqlValueKind.Null:
      return 'null';
    case GqlValueKind.List:
      return `[${(v.Children ?? []).map((c) => printValue(c.Value)).join(', ')}]`;
    case GqlValueKind.Object:
      return `{${(v.Children ?? []).map((c) => `${c.Name ?? ''}: ${printValue(c.Value)}`).join(', ')}}`;
    default:
      // Int, Float, Boolean and Enum values print as their raw text.
      return raw;
  }
}

function printArgs(args: readonly GqlArgument[] | undefined): string {
  if (!args || args.length === 0) return '';
  return `(${args.map((a) => `${a.Name ?? ''}: ${printValue(a.Value)}`).join(', ')})`;
}

export function printDirectives(dirs: readonly GqlDirective[] | undefined): string {
  return (dirs ?? []).map((d) => ` @${d.Name ?? ''}${printArgs(d.Arguments)}`).join('');
}

export function printArgDefs(args: readonly GqlArgumentDefinition[] | undefined): string {
  if (!args || args.length === 0) return '';
  const items = args.map(
    (a) =>
      `${a.Name ?? ''}: ${typeText(a.Type)}${a.DefaultValue ? ` = ${printValue(a.DefaultValue)}` : ''}`,
  );
  return `(${items.join(', ')})`;
}

function printSelections(sels: readonly GqlSelection[] | undefined): string {
  if (!sels || sels.length === 0) return '';
  // Only decoded AST objects are printed, and OPA decodes every selection of those as a Field.
  const items = sels.map((s) => {
    const alias =
      s.Alias !== undefined && s.Alias !== '' && s.Alias !== s.Name ? `${s.Alias}: ` : '';
    return `${alias}${s.Name ?? ''}${printArgs(s.Arguments)}${printDirectives(s.Directives)}${printSelections(s.SelectionSet)}`;
  });
  return ` { ${items.join(' ')} }`;
}

function printVariables(vars: readonly GqlVariableDefinition[] | undefined): string {
  if (!vars || vars.length === 0) return '';
  const items = vars.map(
    (v) =>
      `$${v.Variable ?? ''}: ${typeText(v.Type)}${v.DefaultValue ? ` = ${printValue(v.DefaultValue)}` : ''}${printDirectives(v.Directives)}`,
  );
  return `(${items.join(', ')})`;
}

/** GraphQL text of a query document. */
export function printQuery(doc: GqlQueryDocument): string {
  const out: string[] = [];
  for (const o of doc.Operations ?? []) {
    out.push(
      `${o.Operation ?? 'query'} ${o.Name ?? ''}${printVariables(o.VariableDefinitions)}${printDirectives(o.Directives)}${printSelections(o.SelectionSet)}`,
    );
  }
  for (const f of doc.Fragments ?? []) {
    out.push(
      `fragment ${f.Name ?? ''}${printVariables(f.VariableDefinition)} on ${f.TypeCondition ?? ''}${printDirectives(f.Directives)}${printSelections(f.SelectionSet)}`,
    );
  }
  return out.join('\n');
}
