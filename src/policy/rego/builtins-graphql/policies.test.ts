// End to end: a Rego v0 policy over GraphQL requests through the public API, and the lazy loading of graphql-js.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { compile } from '../index.js';

// A typical OPA GraphQL authorization policy: validate against the schema, then deny queries of
// salary fields to non-HR callers and any mutation from outside the admin group.
const POLICY = `
package graphqlapi

schema := \`
  type Employee { id: String! salary: Int name: String }
  type Query { employeeByID(id: String!): Employee }
  type Mutation { fire(id: String!): Boolean }
\`

query_ast := graphql.parse_and_verify(input.query, schema)

deny[msg] {
  not query_ast[0]
  msg := "invalid query"
}

deny[msg] {
  query_ast[0]
  op := query_ast[1].Operations[_]
  op.Operation == "mutation"
  not in_group("admin")
  msg := sprintf("mutation %q needs the admin group", [op.Name])
}

deny[msg] {
  query_ast[0]
  selection := query_ast[1].Operations[_].SelectionSet[_]
  field := selection.SelectionSet[_]
  field.Name == "salary"
  not in_group("hr")
  msg := sprintf("%s.salary needs the hr group", [selection.Name])
}

# A negated expression has no variables of its own (OPA: \`not input.groups[_] == "hr"\` is unsafe).
in_group(g) {
  input.groups[_] == g
}
`;

describe('GraphQL authorization policy (Rego v0)', () => {
  const policy = compile([{ file: 'graphql.rego', source: POLICY }], { regoVersion: 'v0' });
  const deny = (input: unknown): unknown =>
    policy.eval('x := data.graphqlapi.deny', { input })[0]?.bindings['x'];

  const rows: readonly (readonly [string, unknown, unknown[]])[] = [
    ['allowed query', { query: '{ employeeByID(id: "1") { name } }', groups: [] }, []],
    [
      'salary without hr',
      { query: '{ employeeByID(id: "1") { salary } }', groups: [] },
      ['employeeByID.salary needs the hr group'],
    ],
    ['salary with hr', { query: '{ employeeByID(id: "1") { salary } }', groups: ['hr'] }, []],
    [
      'unknown field',
      { query: '{ employeeByID(id: "1") { age } }', groups: ['hr'] },
      ['invalid query'],
    ],
    ['syntax error', { query: '{ employeeByID(', groups: [] }, ['invalid query']],
    [
      'mutation',
      { query: 'mutation Fire { fire(id: "1") }', groups: ['hr'] },
      ['mutation "Fire" needs the admin group'],
    ],
    ['admin mutation', { query: 'mutation Fire { fire(id: "1") }', groups: ['admin'] }, []],
  ];
  for (const [title, input, want] of rows) {
    it(title, () => assert.deepEqual(deny(input), want));
  }
});

describe('lazy loading', () => {
  it('compiling and evaluating a policy without graphql.* does not load graphql-js', async () => {
    const indexUrl = new URL('../index.js', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const { compile } = await import(${JSON.stringify(indexUrl)});
      const p = compile([{ file: 'a.rego', source: 'package a\\np if input.x == 1' }], {});
      p.eval('data.a.p', { input: { x: 1 } });
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/graphql/'));
      const before = loaded();
      compile([{ file: 'b.rego', source: 'package b\\nq := graphql.schema_is_valid("type Query { a: Int }")' }], {}).eval('data.b.q', {});
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const cwd = fileURLToPath(new URL('../../../../', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd },
    );
    assert.deepEqual(JSON.parse(stdout.trim()), { before: false, after: true });
  });
});
