// Loads the `graphql` reference implementation on first use, so policies without graphql.* pay nothing.
import type * as GraphQL from 'graphql';
import { lazyRequire } from '../../../core/index.js';

export type GraphQLModule = typeof GraphQL;

/**
 * The graphql module, loaded synchronously the first time it is needed (built-ins are
 * synchronous, so a dynamic import() cannot be used).
 */
export const graphqlLib = lazyRequire<GraphQLModule>('graphql');
