// The graphql.* built-in functions of the Rego engine (graphql-js loaded on first use).
export { GRAPHQL_BUILTINS } from './graphql.js';
