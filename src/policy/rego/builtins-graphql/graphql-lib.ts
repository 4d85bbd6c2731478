// Loads the `graphql` reference implementation on first use, so policies without graphql.* pay nothing.
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

export type GraphQLModule = typeof GraphQL;

let lib: GraphQLModule | undefined;

/** The graphql module, loaded synchronously (built-ins are synchronous) the first time it is needed. */
export function graphqlLib(): GraphQLModule {
  if (lib === undefined) {
    // createRequire: built-in implementations are synchronous, so a dynamic import() cannot be used.
    lib = createRequire(import.meta.url)('graphql') as GraphQLModule;
  }
  return lib;
}
