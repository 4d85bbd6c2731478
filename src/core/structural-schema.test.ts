// Structural schema handling for CRDs: pruning, defaults and validation messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyDefaults,
  pruneUnknown,
  validateSchema,
  type SchemaNode,
} from './structural-schema.js';
import { fieldErrorString } from './field-errors.js';

const schema: SchemaNode = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
        count: { type: 'integer', minimum: 0, maximum: 10, default: 1 },
        mode: { type: 'string', enum: ['a', 'b'] },
        port: { 'x-kubernetes-int-or-string': true },
        items: {
          type: 'array',
          maxItems: 2,
          items: { type: 'object', properties: { k: { type: 'string' } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

describe('pruneUnknown', () => {
  it('removes undeclared fields and reports their paths, keeping metadata and preserved subtrees', () => {
    const o: Record<string, unknown> = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n' },
      top: 1,
      spec: {
        name: 'a',
        extra: true,
        items: [{ k: 'v', j: 1 }],
        labels: { any: 'thing' },
        raw: { deep: { x: 1 } },
      },
    };
    assert.deepEqual(pruneUnknown(o, schema), ['top', 'spec.extra', 'spec.items[0].j']);
    assert.deepEqual(o, {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n' },
      spec: { name: 'a', items: [{ k: 'v' }], labels: { any: 'thing' }, raw: { deep: { x: 1 } } },
    });
  });
});

describe('applyDefaults', () => {
  it('fills defaults inside present objects only', () => {
    const o: Record<string, unknown> = { spec: { name: 'a' } };
    applyDefaults(o, schema);
    assert.deepEqual(o, { spec: { name: 'a', count: 1 } });
    const empty: Record<string, unknown> = {};
    applyDefaults(empty, schema);
    assert.deepEqual(empty, {});
  });
});

// the answers kube-apiserver v1.36 gives for these values (taken from it)
describe('validateSchema', () => {
  const cases: [string, unknown, string[]][] = [
    ['valid', { spec: { name: 'abc', count: 3, mode: 'a', port: 'http' } }, []],
    ['required', { spec: {} }, ['spec.name: Required value']],
    [
      'type',
      { spec: { name: 'a', count: 'x' } },
      ['spec.count: Invalid value: "string": spec.count in body must be of type integer: "string"'],
    ],
    [
      'bounds',
      { spec: { name: 'a', count: 11 } },
      ['spec.count: Invalid value: 11: spec.count in body should be less than or equal to 10'],
    ],
    [
      'enum',
      { spec: { name: 'a', mode: 'c' } },
      ['spec.mode: Unsupported value: "c": supported values: "a", "b"'],
    ],
    [
      'pattern',
      { spec: { name: 'A1' } },
      ['spec.name: Invalid value: "A1": spec.name in body should match \'^[a-z]+$\''],
    ],
    [
      'maxLength',
      { spec: { name: 'abcdef' } },
      ['spec.name: Too long: may not be more than 5 bytes'],
    ],
    [
      'maxItems',
      { spec: { name: 'a', items: [{}, {}, {}] } },
      ['spec.items: Too many: 3: must have at most 2 items'],
    ],
    [
      'int-or-string',
      { spec: { name: 'a', port: true } },
      [
        'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      ],
    ],
  ];
  for (const [name, value, want] of cases) {
    it(name, () => {
      assert.deepEqual(validateSchema(value, schema).map(fieldErrorString), want);
    });
  }
});
