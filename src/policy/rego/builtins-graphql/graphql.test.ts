// Tests of the graphql.* built-ins: gqlparser's AST shape, OPA's error wording, gqlparser's validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuiltinContext } from '../builtin-types.js';
import { RegoError } from '../errors.js';
import { toJSON } from '../json.js';
import { fromJS } from '../value.js';
import { GRAPHQL_BUILTINS } from './index.js';

const ctx: BuiltinContext = { nowNs: 0n, cache: new Map(), strict: true };

/** The result as compact JSON, or "ERR code: message". */
function call(name: string, ...args: readonly unknown[]): string {
  const def = GRAPHQL_BUILTINS.find((d) => d.name === name);
  if (def === undefined) throw new Error(`no built-in ${name}`);
  try {
    const r = def.impl(
      args.map((a) => fromJS(a)),
      ctx,
    );
    if (r === undefined || Array.isArray(r)) throw new Error(`${name}: unexpected result shape`);
    return toJSON(r as Exclude<typeof r, readonly unknown[] | undefined>);
  } catch (e) {
    if (e instanceof RegoError) return `ERR ${e.code}: ${e.detail}`;
    throw e;
  }
}

const SCHEMA = `
  type Query { employee(id: ID!): Employee, hello: String }
  type Employee { id: ID!, name: String, salary: Int }
  type Mutation { fire(id: ID!): Boolean }
`;

describe('graphql.parse_query', () => {
  const rows: readonly (readonly [string, string])[] = [
    [
      '{ f }',
      '{"Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Alias":"f","Name":"f"}]}]}',
    ],
    [
      'query Q($id: [ID!]! = ["a"]) { a: f(x: $id, o: {k: 1.5}) { ...F } } fragment F on T { g }',
      '{"Fragments":[{"Name":"F","SelectionSet":[{"Alias":"g","Name":"g"}],"TypeCondition":"T"}],' +
        '"Operations":[{"Name":"Q","Operation":"query","SelectionSet":[{"Alias":"a","Arguments":[' +
        '{"Name":"x","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"id"}},' +
        '{"Name":"o","Value":{"Children":[{"Name":"k","Value":{"ExpectedTypeHasDefault":false,"Kind":2,"Raw":"1.5"}}],' +
        '"ExpectedTypeHasDefault":false,"Kind":9,"Raw":""}}],"Name":"f","SelectionSet":[{"Name":"F"}]}],' +
        '"VariableDefinitions":[{"DefaultValue":{"Children":[{"Name":"","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"a"}}],' +
        '"ExpectedTypeHasDefault":false,"Kind":8,"Raw":""},"Type":{"Elem":{"NamedType":"ID","NonNull":true},' +
        '"NamedType":"","NonNull":true},"Used":false,"Variable":"id"}]}]}',
    ],
    ['', '{}'],
    [
      '{ f(',
      'ERR eval_builtin_error: graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:5',
    ],
    [
      'type T { a: Int }',
      'ERR eval_builtin_error: graphql.parse_query: Unexpected Name "type" in GraphQL string at location 1:1',
    ],
  ];
  for (const [query, want] of rows) {
    it(JSON.stringify(query), () => assert.equal(call('graphql.parse_query', query), want));
  }
  it('rejects a non-string operand with a type error', () => {
    assert.equal(
      call('graphql.parse_query', 1),
      'ERR eval_type_error: graphql.parse_query: operand 1 must be string but got number',
    );
  });
});

describe('graphql.parse_schema', () => {
  const rows: readonly (readonly [string, string])[] = [
    [
      '"d" type A implements I @x { f(a: Int = 1): [String!] }',
      '{"Definitions":[{"BuiltIn":false,"Description":"d","Directives":[{"Location":"","Name":"x"}],' +
        '"Fields":[{"Arguments":[{"DefaultValue":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"},' +
        '"Description":"","Name":"a","Type":{"NamedType":"Int","NonNull":false}}],"Description":"","Name":"f",' +
        '"Type":{"Elem":{"NamedType":"String","NonNull":true},"NamedType":"","NonNull":false}}],' +
        '"Interfaces":["I"],"Kind":"OBJECT","Name":"A"}]}',
    ],
    [
      'schema { query: Q } extend enum E { B } directive @d repeatable on FIELD',
      '{"Directives":[{"Description":"","IsRepeatable":true,"Locations":["FIELD"],"Name":"d"}],' +
        '"Extensions":[{"BuiltIn":false,"Description":"","EnumValues":[{"Description":"","Name":"B"}],"Kind":"ENUM","Name":"E"}],' +
        '"Schema":[{"Description":"","OperationTypes":[{"Operation":"query","Type":"Q"}]}]}',
    ],
    ['', '{}'],
    [
      'union U = | | A',
      'ERR eval_builtin_error: graphql.parse_schema: Expected Name, found | in GraphQL string at location 1:13',
    ],
    [
      '{ f }',
      'ERR eval_builtin_error: graphql.parse_schema: Unexpected { in GraphQL string at location 1:1',
    ],
  ];
  for (const [schema, want] of rows) {
    it(JSON.stringify(schema), () => assert.equal(call('graphql.parse_schema', schema), want));
  }
  // graphql-js's wording rewritten to gqlparser's (as OPA's corpus shows it).
  const wording: readonly (readonly [string, string, string])[] = [
    [
      'graphql.parse_schema',
      'type Hello {}',
      'expected at least one definition, found } in GraphQL string at location 1:13',
    ],
    [
      'graphql.parse_query',
      '{ ...{ } }',
      'expected at least one definition, found } in GraphQL string at location 1:8',
    ],
    [
      'graphql.parse_query',
      'query ($a: Int = $b) { a }',
      'Unexpected $ in GraphQL string at location 1:18',
    ],
    [
      'graphql.parse_schema',
      '"D" extend type A { a: Int }',
      'Unexpected String "D" in GraphQL string at location 1:2',
    ],
    [
      'graphql.parse_schema',
      'extend "D" type A { a: Int }',
      'Unexpected String "D" in GraphQL string at location 1:9',
    ],
  ];
  for (const [name, text, want] of wording) {
    it(`${name}(${JSON.stringify(text)}) wording`, () => {
      assert.equal(call(name, text), `ERR eval_builtin_error: ${name}: ${want}`);
    });
  }
});

describe('graphql.schema_is_valid (gqlparser rules)', () => {
  const rows: readonly (readonly [string, boolean])[] = [
    [SCHEMA, true],
    ['extend type Query { a: Int }', true], // extending an undefined type defines it
    ['type Query { a: Undefined }', false],
    ['type String { a: Int }', false], // redeclares a prelude scalar
    ['type Query { a: Int a: Int }', false],
    ['type Query { __a: Int }', false],
    ['interface I { a: Int } type Query implements I { b: Int }', false],
    ['interface I { a: Int! } type Query implements I { a: Int }', false],
    ['interface I { a: Int } type Query implements I { a: Int! }', true],
    ['input In { o: Query } type Query { a(x: In): Int }', false],
    ['type Query { a(x: Query): Int }', false],
    ['type Query { a: Int @undefined }', false],
    ['type Query { a: Int @include(if: true) }', false], // @include is not for field definitions
    ['type Query { a: Int @deprecated }', true],
    ['schema { query: Missing }', false],
    ['type Mutation { a: Int }', true], // no query type needed
    ['scalar S extend type S { a: Int }', false],
    ['', true],
  ];
  for (const [schema, want] of rows) {
    it(JSON.stringify(schema), () =>
      assert.equal(call('graphql.schema_is_valid', schema), String(want)),
    );
  }
  it('accepts the AST object parse_schema returns', () => {
    const ast = JSON.parse(call('graphql.parse_schema', SCHEMA)) as unknown;
    assert.equal(call('graphql.schema_is_valid', ast), 'true');
  });
  it('is false for an operand that is neither string nor object', () => {
    assert.equal(call('graphql.schema_is_valid', 7), 'false');
  });
});

describe('graphql.is_valid, parse, parse_and_verify', () => {
  const rows: readonly (readonly [string, boolean])[] = [
    ['{ employee(id: "1") { name } }', true],
    ['{ employee { name } }', false], // required argument missing
    ['{ employee(id: "1") }', false], // object field needs a selection
    ['{ nope }', false],
    ['mutation { fire(id: 1) }', true],
    ['subscription { x }', false], // no subscription type
    ['query($v: Int) { hello }', false], // unused variable
    ['{ ...F } fragment F on Query { hello }', true],
    ['', true],
  ];
  for (const [query, want] of rows) {
    it(JSON.stringify(query), () =>
      assert.equal(call('graphql.is_valid', query, SCHEMA), String(want)),
    );
  }
  it('validates AST objects of query and schema', () => {
    const q = JSON.parse(call('graphql.parse_query', '{ employee(id: "1") { name } }')) as unknown;
    const s = JSON.parse(call('graphql.parse_schema', SCHEMA)) as unknown;
    assert.equal(call('graphql.is_valid', q, s), 'true');
    const bad = JSON.parse(call('graphql.parse_query', '{ employee(id: "1") { age } }')) as unknown;
    assert.equal(call('graphql.is_valid', bad, s), 'false');
  });
  it('parse returns both documents or the first validation error', () => {
    const out = JSON.parse(
      call('graphql.parse', '{ hello }', 'type Query { hello: String }'),
    ) as unknown[];
    assert.equal(out.length, 2);
    assert.deepEqual(out[0], {
      Operations: [
        { Name: '', Operation: 'query', SelectionSet: [{ Alias: 'hello', Name: 'hello' }] },
      ],
    });
    assert.equal(
      call('graphql.parse', '{ employee { name } }', SCHEMA),
      'ERR eval_builtin_error: graphql.parse: Field "employee" argument "id" of type "ID!" is required, but it was not provided in GraphQL string at location 1:3',
    );
    assert.equal(
      call('graphql.parse', 1, SCHEMA),
      'ERR eval_type_error: graphql.parse: operand 1 must be one of {string, object} but got number',
    );
  });
  it('parse_and_verify returns [false, {}, {}] on any failure', () => {
    assert.equal(call('graphql.parse_and_verify', '{ nope }', SCHEMA), '[false,{},{}]');
    assert.equal(call('graphql.parse_and_verify', '{', SCHEMA), '[false,{},{}]');
    const ok = JSON.parse(call('graphql.parse_and_verify', '{ hello }', SCHEMA)) as unknown[];
    assert.equal(ok[0], true);
  });
});

describe('AST objects decode as OPA decodes them into gqlparser structs', () => {
  const schema = {
    Definitions: [
      { Kind: 'OBJECT', Name: 'Query', Fields: [{ Name: 'a', Type: { NamedType: 'Int' } }] },
    ],
  };
  it('missing fields get Go zero values and unknown keys are dropped', () => {
    const query = { Operations: [{ Operation: 'query', SelectionSet: [{ Name: 'a', Extra: 1 }] }] };
    assert.equal(
      call('graphql.parse', query, schema),
      '[{"Operations":[{"Name":"","Operation":"query","SelectionSet":[{"Alias":"","Name":"a"}]}]},' +
        '{"Definitions":[{"BuiltIn":false,"Description":"","Fields":[{"Description":"","Name":"a",' +
        '"Type":{"NamedType":"Int","NonNull":false}}],"Kind":"OBJECT","Name":"Query"}]}]',
    );
  });
  it('every selection is a Field, so a fragment spread object does not validate (as in OPA)', () => {
    const query = {
      Operations: [{ Operation: 'query', SelectionSet: [{ Name: 'F' }] }],
      Fragments: [{ Name: 'F', TypeCondition: 'Query', SelectionSet: [{ Alias: 'a', Name: 'a' }] }],
    };
    assert.equal(call('graphql.is_valid', query, schema), 'false');
  });
  it('a field of the wrong JSON type is a decoding error', () => {
    assert.equal(
      call('graphql.parse', '{ a }', { Definitions: [{ Kind: 1 }] }),
      'ERR eval_builtin_error: graphql.parse: json: cannot unmarshal number into Go struct field Definition.Kind of type string',
    );
    assert.equal(call('graphql.schema_is_valid', { Definitions: 'x' }), 'false');
    assert.equal(
      call('graphql.parse', '{ a }', { Definitions: [{ Kind: 'OBJECT', Name: 'Query' }] }),
      'ERR eval_builtin_error: graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input: OBJECT must define one or more fields.',
    );
  });
});

describe('schema cache', () => {
  it('a cached schema gives the same outcome on every call, valid or not', () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(call('graphql.is_valid', '{ hello }', SCHEMA), 'true');
      assert.equal(call('graphql.is_valid', '{ nope }', SCHEMA), 'false');
      assert.equal(call('graphql.schema_is_valid', 'type Query { a: Missing }'), 'false');
      assert.equal(
        call('graphql.parse', '{ a }', 'type Query { a: Missing }'),
        'ERR eval_builtin_error: graphql.parse: Error in gqlparser SchemaDocument to Schema conversion: input:1:17: Undefined type Missing.',
      );
    }
  });
});
