// Tests of Rego error formatting (OPA's wording).

import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { compile } from './index.js';
import {
  builtinError,
  operandElementError,
  operandEnumError,
  operandTypeError,
  RegoError,
} from './errors.js';

describe('RegoError', () => {
  const cases: Array<[string, RegoError, string]> = [
    [
      'operand type error',
      operandTypeError('plus', 1, 'string', 'number'),
      'eval_type_error: plus: operand 1 must be number but got string',
    ],
    [
      'several expected types',
      operandTypeError('count', 1, 'number', 'array', 'object', 'set', 'string'),
      'eval_type_error: count: operand 1 must be one of {array, object, set, string} but got number',
    ],
    [
      'element error',
      operandElementError('concat', 2, 'array', 'number', 'string'),
      'eval_type_error: concat: operand 2 must be array of strings but got array containing number',
    ],
    [
      'element error with several types',
      operandElementError('f', 1, 'set', 'null', 'string', 'number'),
      'eval_type_error: f: operand 1 must be set of (any of) {string, number} but got set containing null',
    ],
    [
      'enum error',
      operandEnumError('format_int', 2, '2', '8', '10', '16'),
      'eval_type_error: format_int: operand 2 must be one of {2, 8, 10, 16}',
    ],
    [
      'builtin error',
      builtinError('div', 'divide by zero'),
      'eval_builtin_error: div: divide by zero',
    ],
    [
      'with file location',
      new RegoError('rego_parse_error', 'unexpected eof token', { file: 'p.rego', row: 3, col: 7 }),
      'p.rego:3: rego_parse_error: unexpected eof token',
    ],
    [
      'without file',
      new RegoError('rego_type_error', 'undefined function foo', { file: '', row: 2, col: 5 }),
      '2:5: rego_type_error: undefined function foo',
    ],
  ];
  for (const [name, err, msg] of cases) {
    it(name, () => assert.equal(err.message, msg));
  }
  it('attaches a location once', () => {
    const e = builtinError('div', 'divide by zero').at({ file: 'a.rego', row: 1, col: 2 });
    assert.equal(e.location?.row, 1);
    assert.equal(e.at({ file: 'b.rego', row: 9, col: 9 }).location?.file, 'a.rego');
  });
});

test('input nested too deeply for the evaluator is a Rego error, not a stack overflow', () => {
  const policy = compile([
    {
      file: 'deep.rego',
      source: 'package deep\nimport rego.v1\nwalked contains p if walk(input, [p, _])\n',
    },
  ]);
  let deep: unknown = 'leaf';
  for (let i = 0; i < 20_000; i++) deep = { a: [deep] };
  assert.throws(
    () => policy.eval('data.deep.walked', { input: deep }),
    (err: unknown) =>
      err instanceof RegoError &&
      err.code === 'eval_internal_error' &&
      /nested too deeply/.test(err.message),
  );
  // a shallow input still evaluates afterwards
  assert.equal(
    policy.eval('count(data.deep.walked)', { input: { a: [1] } })[0]?.expressions[0]?.value,
    3,
  );
});
