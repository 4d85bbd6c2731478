import { describe } from 'node:test';
import { rowTests, type Row } from './testing/builtin-harness.js';

const ID_SCHEMA = { properties: { id: { type: 'integer' } }, required: ['id'] };
const NOT_VALID_TYPE =
  'has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer number null object string]';

/** match_schema's error object as OPA builds it from a gojsonschema ResultError. */
function err(type: string, field: string, desc: string): string {
  return JSON.stringify({ desc, error: `${field}: ${desc}`, field, type });
}

const ROWS: readonly Row[] = [
  ['json.verify_schema', ['{"type": "boolean"}'], '[true,null]'],
  ['json.verify_schema', [{ type: 'boolean' }], '[true,null]'],
  ['json.verify_schema', [{ type: 'unknown' }], `[false,"jsonschema: ${NOT_VALID_TYPE}"]`],
  ['json.verify_schema', ['{not json'], '[false,"jsonschema: invalid JSON string"]'],
  ['json.verify_schema', [5], '[false,"jsonschema: wrong type, expected string or object"]'],
  [
    'json.verify_schema',
    [{ minLength: -1 }],
    '[false,"jsonschema: minLength must be greater than or equal to 0"]',
  ],
  ['json.verify_schema', [{ pattern: '(' }], '[false,"jsonschema: Invalid regex pattern \'(\'"]'],
  [
    'json.verify_schema',
    [{ $ref: '#/definitions/missing' }],
    '[false,"jsonschema: Object has no key \'definitions\'"]',
  ],
  ['json.match_schema', [{ id: 5 }, ID_SCHEMA], '[true,[]]'],
  ['json.match_schema', ['{"id": 5}', JSON.stringify(ID_SCHEMA)], '[true,[]]'],
  [
    'json.match_schema',
    [{ id: 'foo' }, ID_SCHEMA],
    `[false,[${err('invalid_type', 'id', 'Invalid type. Expected: integer, given: string')}]]`,
  ],
  [
    'json.match_schema',
    [{}, ID_SCHEMA],
    `[false,[${err('required', '(Root)', 'id is required')}]]`,
  ],
  [
    'json.match_schema',
    [{ id: 1.5 }, { properties: { id: { type: ['integer', 'null'] } } }],
    `[false,[${err('invalid_type', 'id', 'Invalid type. Expected: [integer,null], given: number')}]]`,
  ],
  [
    'json.match_schema',
    [
      { a: 1, b: 2 },
      { properties: { a: {} }, additionalProperties: false },
    ],
    `[false,[${err('additional_property_not_allowed', '(Root)', 'Additional property b is not allowed')}]]`,
  ],
  [
    'json.match_schema',
    [
      { items: [1, 'x'] },
      { properties: { items: { type: 'array', items: { type: 'number' }, maxItems: 1 } } },
    ],
    `[false,[${err('invalid_type', 'items.1', 'Invalid type. Expected: number, given: string')},${err('array_max_items', 'items', 'Array must have at most 1 items')}]]`,
  ],
  [
    'json.match_schema',
    ['"ab"', { type: 'string', minLength: 3, pattern: '^x' }],
    `[false,[${err('string_gte', '(Root)', 'String length must be greater than or equal to 3')},${err('pattern', '(Root)', "Does not match pattern '^x'")}]]`,
  ],
  [
    'json.match_schema',
    [{ n: 12 }, { properties: { n: { maximum: 10, multipleOf: 5 } } }],
    `[false,[${err('multiple_of', 'n', 'Must be a multiple of 5')},${err('number_lte', 'n', 'Must be less than or equal to 10')}]]`,
  ],
  [
    'json.match_schema',
    [{ c: 'b' }, { properties: { c: { enum: ['a', 1] } } }],
    `[false,[${err('enum', 'c', 'c must be one of the following: "a", 1')}]]`,
  ],
  [
    'json.match_schema',
    [[1, 1], { uniqueItems: true }],
    `[false,[${err('unique', '(Root)', 'array items[0,1] must be unique')}]]`,
  ],
  [
    'json.match_schema',
    ['"x"', { anyOf: [{ type: 'number' }, { type: 'boolean' }] }],
    `[false,[${err('number_any_of', '(Root)', 'Must validate at least one schema (anyOf)')},${err('invalid_type', '(Root)', 'Invalid type. Expected: number, given: string')}]]`,
  ],
  [
    'json.match_schema',
    [
      { a: { b: 'x' } },
      {
        definitions: { s: { type: 'number' } },
        properties: { a: { properties: { b: { $ref: '#/definitions/s' } } } },
      },
    ],
    `[false,[${err('invalid_type', 'a.b', 'Invalid type. Expected: number, given: string')}]]`,
  ],
  [
    'json.match_schema',
    [{}, { type: 'unknown' }],
    `ERR eval_builtin_error: json.match_schema: ${NOT_VALID_TYPE}`,
  ],
  [
    'json.match_schema',
    ['{', ID_SCHEMA],
    'ERR eval_builtin_error: json.match_schema: invalid JSON string',
  ],
];

describe('JSON Schema built-ins', () => {
  rowTests(ROWS);
});
