// Validates a query against a validated schema with graphql-js's rules (gqlparser's rule set).
import type * as G from 'graphql';
import { graphqlLib } from './graphql-lib.js';
import { printArgDefs, printValue } from './gql-print.js';
import type { GqlSchema } from './gql-schema.js';
import type { GqlDefinition } from './gql-shape.js';
import { typeText } from './gql-shape.js';

/** A query validation failure: message without the final period, and its location. */
export class GqlQueryError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${detail} in GraphQL string at location ${line}:${column}`);
  }
}

function typeSDL(def: GqlDefinition): string {
  const name = def.Name ?? '';
  const fields = (def.Fields ?? [])
    .map(
      (f) =>
        `  ${f.Name ?? ''}${printArgDefs(f.Arguments)}: ${typeText(f.Type)}${f.DefaultValue ? ` = ${printValue(f.DefaultValue)}` : ''}`,
    )
    .join('\n');
  const impl =
    (def.Interfaces ?? []).length > 0 ? ` implements ${def.Interfaces!.join(' & ')}` : '';
  switch (def.Kind) {
    case 'SCALAR':
      return `scalar ${name}`;
    case 'OBJECT':
      return `type ${name}${impl} {\n${fields}\n}`;
    case 'INTERFACE':
      return `interface ${name}${impl} {\n${fields}\n}`;
    case 'INPUT_OBJECT':
      return `input ${name} {\n${fields}\n}`;
    case 'UNION':
      return `union ${name} = ${(def.Types ?? []).join(' | ')}`;
    case 'ENUM':
      return `enum ${name} { ${(def.EnumValues ?? []).map((v) => v.Name ?? '').join(' ')} }`;
    default:
      return '';
  }
}

const built = new WeakMap<GqlSchema, G.GraphQLSchema>();

/** The graphql-js schema for a validated gqlparser schema (printed as SDL and rebuilt). */
function graphqlSchema(schema: GqlSchema): G.GraphQLSchema {
  const cached = built.get(schema);
  if (cached !== undefined) return cached;
  const g = graphqlLib();
  const standard = new Set(g.specifiedDirectives.map((d) => d.name));
  const parts: string[] = [];
  for (const def of schema.types.values()) if (def.BuiltIn !== true) parts.push(typeSDL(def));
  for (const d of schema.directives.values()) {
    if (standard.has(d.Name ?? '')) continue;
    const rep = d.IsRepeatable === true ? ' repeatable' : '';
    parts.push(
      `directive @${d.Name ?? ''}${printArgDefs(d.Arguments)}${rep} on ${(d.Locations ?? []).join(' | ')}`,
    );
  }
  const ops = Object.entries(schema.roots).filter(([, t]) => t !== undefined);
  if (ops.length > 0) parts.push(`schema { ${ops.map(([op, t]) => `${op}: ${t!}`).join(' ')} }`);
  // Already validated the gqlparser way, which (unlike graphql-js) does not require a query type.
  const result = g.buildSchema(parts.join('\n'), { assumeValid: true, assumeValidSDL: true });
  built.set(schema, result);
  return result;
}

/** gqlparser's KnownRootType rule, which graphql-js 16 does not have. */
function knownRootTypeRule(context: G.ValidationContext): G.ASTVisitor {
  const g = graphqlLib();
  return {
    OperationDefinition(node) {
      if (context.getSchema().getRootType(node.operation) === undefined) {
        context.reportError(
          new g.GraphQLError(`Schema does not support operation type "${node.operation}"`, {
            nodes: node,
          }),
        );
      }
    },
  };
}

/** Throws GqlQueryError with the first validation error, as OPA reports it. */
export function validateQuery(schema: GqlSchema, query: G.DocumentNode): void {
  const g = graphqlLib();
  const gs = graphqlSchema(schema);
  const errors = g.validate(gs, query, [knownRootTypeRule, ...g.specifiedRules]);
  const first = errors[0];
  if (first !== undefined) {
    const loc = first.locations?.[0];
    throw new GqlQueryError(first.message.replace(/\.$/, ''), loc?.line ?? 0, loc?.column ?? 0);
  }
}
