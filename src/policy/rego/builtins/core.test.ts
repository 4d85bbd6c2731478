// Tables of cases for the operator, aggregate, set, array, object and type built-ins (OPA's results and error wording).

import { describe } from 'node:test';
import { numFromText } from '../value.js';
import { j, runCases, s, type BuiltinCase } from './testing/builtin-cases.js';

const err = (error: string): { error: string } => ({ error });
const n = (t: string) => numFromText(t)!;

describe('arithmetic', () => {
  const cases: BuiltinCase[] = [
    ['plus', [j('1'), j('2')], j('3')],
    ['plus', [j('0.1'), j('0.2')], j('0.3')],
    ['plus', [j('49649733057'), j('1')], j('49649733058')],
    ['plus', [j('9007199254740993'), j('1')], n('9007199254740994')],
    ['plus', [j('1.0'), j('1')], j('2')],
    [
      'plus',
      [j('"a"'), j('1')],
      err('eval_type_error: plus: operand 1 must be number but got string'),
    ],
    ['minus', [j('5'), j('7')], j('-2')],
    ['minus', [s('1', '2', '3'), s('2')], s('1', '3')],
    [
      'minus',
      [s('1'), j('1')],
      err('eval_type_error: minus: operand 2 must be set but got number'),
    ],
    [
      'minus',
      [j('1'), s('1')],
      err('eval_type_error: minus: operand 2 must be number but got set'),
    ],
    [
      'minus',
      [j('"x"'), j('1')],
      err('eval_type_error: minus: operand 1 must be one of {number, set} but got string'),
    ],
    ['mul', [j('123456789'), j('987654321')], j('121932631112635269')],
    ['mul', [j('1.5'), j('2')], j('3')],
    ['div', [j('6'), j('3')], j('2')],
    ['div', [j('1'), j('3')], n('0.33333333333333333334')],
    ['div', [j('5'), j('2')], j('2.5')],
    ['div', [j('1'), j('0')], err('eval_builtin_error: div: divide by zero')],
    ['div', [j('1'), j('0.0')], err('eval_builtin_error: div: divide by zero')],
    ['rem', [j('7'), j('4')], j('3')],
    ['rem', [j('-7'), j('4')], j('-3')],
    ['rem', [j('7'), j('0')], err('eval_builtin_error: rem: modulo by zero')],
    ['rem', [j('7.5'), j('2')], err('eval_builtin_error: rem: modulo on floating-point number')],
    ['rem', [j('10'), n('18446744073709551616')], j('10')],
    ['abs', [j('-10')], j('10')],
    ['abs', [j('-1.5')], j('1.5')],
    ['round', [j('1.5')], j('2')],
    ['round', [j('-1.5')], j('-2')],
    ['round', [j('1.49')], j('1')],
    ['ceil', [j('1.1')], j('2')],
    ['ceil', [j('-1.5')], j('-1')],
    ['floor', [j('1.9')], j('1')],
    ['floor', [j('-1.5')], j('-2')],
    ['floor', [j('"x"')], err('eval_type_error: floor: operand 1 must be number but got string')],
  ];
  runCases(cases);
});

describe('comparison', () => {
  runCases([
    ['equal', [j('1'), j('1.0')], j('true')],
    ['neq', [j('1'), j('"1"')], j('true')],
    ['lt', [j('null'), j('false')], j('true')],
    ['lt', [j('[1,2]'), j('[1,3]')], j('true')],
    ['gt', [s('1'), j('{"a":1}')], j('true')],
    ['lte', [j('"a"'), j('"a"')], j('true')],
    ['gte', [j('1'), j('2')], j('false')],
  ]);
});

describe('aggregates', () => {
  runCases([
    ['count', [j('"åäö"')], j('3')],
    ['count', [j('[1,2]')], j('2')],
    ['count', [s('1', '2', '3')], j('3')],
    ['count', [j('{"a":1}')], j('1')],
    [
      'count',
      [j('1')],
      err(
        'eval_type_error: count: operand 1 must be one of {array, object, set, string} but got number',
      ),
    ],
    ['sum', [j('[1,2,3]')], j('6')],
    ['sum', [j('[1.5,2]')], j('3.5')],
    ['sum', [s('1', '2')], j('3')],
    ['sum', [j('[9007199254740993, 1]')], n('9007199254740994')],
    [
      'sum',
      [j('[1,"a"]')],
      err(
        'eval_type_error: sum: operand 1 must be array of numbers but got array containing string',
      ),
    ],
    [
      'sum',
      [j('"a"')],
      err('eval_type_error: sum: operand 1 must be one of {set, array} but got string'),
    ],
    ['product', [j('[2,3,4]')], j('24')],
    ['product', [j('[]')], j('1')],
    ['max', [j('[1,3,2]')], j('3')],
    ['max', [j('[]')], undefined],
    ['min', [s('"b"', '"a"', '1')], j('1')],
    ['sort', [j('[3,"a",1,null]')], j('[null,1,3,"a"]')],
    ['sort', [s('2', '1')], j('[1,2]')],
    ['all', [j('[true,true]')], j('true')],
    ['all', [j('[]')], j('true')],
    ['any', [s('false', 'true')], j('true')],
    ['any', [j('[]')], j('false')],
    ['internal.member_2', [j('2'), j('[1,2]')], j('true')],
    ['internal.member_2', [j('2'), j('{"a":2}')], j('true')],
    ['internal.member_2', [j('2'), j('"2"')], j('false')],
    ['internal.member_3', [j('0'), j('1'), j('[1,2]')], j('true')],
    ['internal.member_3', [j('"a"'), j('2'), j('{"a":2}')], j('true')],
    ['internal.member_3', [j('"b"'), j('2'), j('{"a":2}')], j('false')],
  ]);
});

describe('sets and arrays', () => {
  runCases([
    ['and', [s('1', '2'), s('2', '3')], s('2')],
    ['or', [s('1'), s('2')], s('1', '2')],
    ['and', [j('[1]'), s('2')], err('eval_type_error: and: operand 1 must be set but got array')],
    [
      'intersection',
      [j('1')],
      err('eval_type_error: intersection: operand 1 must be set but got number'),
    ],
    ['union', [s()], s()],
    ['array.concat', [j('[1]'), j('[2]')], j('[1,2]')],
    [
      'array.concat',
      [j('{}'), j('[2]')],
      err('eval_type_error: array.concat: operand 1 must be array but got object'),
    ],
    ['array.slice', [j('[1,2,3,4]'), j('1'), j('3')], j('[2,3]')],
    ['array.slice', [j('[1,2,3,4]'), j('-5'), j('10')], j('[1,2,3,4]')],
    ['array.slice', [j('[1,2,3,4]'), j('3'), j('1')], j('[]')],
    ['array.flatten', [j('[[1],[[2]],3]')], j('[1,[2],3]')],
    ['array.reverse', [j('[1,2,3]')], j('[3,2,1]')],
    [
      'array.reverse',
      [j('{}')],
      err('eval_type_error: array.reverse: operand 1 must be array but got object'),
    ],
  ]);
});

describe('objects', () => {
  runCases([
    ['object.get', [j('{"a":{"b":[{"c":1}]}}'), j('["a","b",0,"c"]'), j('2')], j('1')],
    ['object.get', [j('{"a":1}'), j('[]'), j('2')], j('{"a":1}')],
    ['object.get', [j('{"a":1}'), j('"b"'), j('2')], j('2')],
    [
      'object.get',
      [j('"x"'), j('"b"'), j('2')],
      err('eval_type_error: object.get: operand 1 must be object but got string'),
    ],
    ['object.keys', [j('{"a":1,"b":2}')], s('"a"', '"b"')],
    ['object.remove', [j('{"a":1,"b":2,"c":3}'), j('["a","c"]')], j('{"b":2}')],
    ['object.remove', [j('{"a":1}'), j('{"a":0}')], j('{}')],
    [
      'object.remove',
      [j('{"a":1}'), j('"a"')],
      err(
        'eval_type_error: object.remove: operand 2 must be one of {object, set, array} but got string',
      ),
    ],
    ['object.filter', [j('{"a":1,"b":2}'), s('"a"')], j('{"a":1}')],
    [
      'object.union',
      [j('{"a":{"b":1},"c":1}'), j('{"a":{"d":2},"c":2}')],
      j('{"a":{"b":1,"d":2},"c":2}'),
    ],
    ['object.union_n', [j('[{"a":1},{"a":2,"b":3}]')], j('{"a":2,"b":3}')],
    [
      'object.union_n',
      [j('[{"a":1},"x"]')],
      err(
        'eval_type_error: object.union_n: operand 1 must be array of objects but got array containing string',
      ),
    ],
    ['object.subset', [j('{"a":1,"b":{"c":2,"d":3}}'), j('{"b":{"c":2}}')], j('true')],
    ['object.subset', [j('[1,2,3,4]'), j('[2,3]')], j('true')],
    ['object.subset', [j('[1,2,3,4]'), j('[2,4]')], j('false')],
    ['object.subset', [j('[1,2,3]'), s('3', '1')], j('true')],
    ['object.subset', [s('1', '2'), j('[1]')], j('false')],
    [
      'object.subset',
      [j('1'), j('[1]')],
      err(
        'eval_type_error: object.subset: operand 1 must be one of {object, set, array} but got number',
      ),
    ],
  ]);
});

describe('types', () => {
  runCases([
    ['is_number', [j('1.5')], j('true')],
    ['is_number', [j('null')], j('false')],
    ['is_set', [s()], j('true')],
    ['type_name', [s()], j('"set"')],
    ['type_name', [j('{}')], j('"object"')],
  ]);
});
