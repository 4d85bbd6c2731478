// Tables of cases for numbers, units, encodings, JSON paths, graphs and semver built-ins (OPA's results and wording).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numFromText, valueToString, type Value } from '../value.js';
import { callBuiltin, j, runCases, s, type BuiltinCase } from './testing/builtin-cases.js';

const err = (error: string): { error: string } => ({ error });
const n = (t: string) => numFromText(t)!;

describe('numbers and bits', () => {
  const cases: BuiltinCase[] = [
    ['to_number', [j('"-42.0"')], j('-42')],
    ['to_number', [j('null')], j('0')],
    ['to_number', [j('true')], j('1')],
    ['to_number', [j('"+5"')], j('5')],
    ['to_number', [j('".5"')], j('0.5')],
    [
      'to_number',
      [j('"broken"')],
      err('eval_builtin_error: to_number: strconv.ParseFloat: parsing "broken": invalid syntax'),
    ],
    [
      'to_number',
      [j('"+-nan"')],
      err('eval_type_error: to_number: operand 1 must be valid number string but got string'),
    ],
    [
      'to_number',
      [j('"1e400"')],
      err('eval_builtin_error: to_number: strconv.ParseFloat: parsing "1e400": value out of range'),
    ],
    [
      'to_number',
      [j('"Inf"')],
      err('eval_type_error: to_number: operand 1 must be valid number string but got string'),
    ],
    [
      'to_number',
      [j('[]')],
      err(
        'eval_type_error: to_number: operand 1 must be one of {null, boolean, number, string} but got array',
      ),
    ],
    ['numbers.range', [j('2'), j('-1')], j('[2, 1, 0, -1]')],
    [
      'numbers.range',
      [j('3.5'), j('4')],
      err(
        'eval_type_error: numbers.range: operand 1 must be integer number but got floating-point number',
      ),
    ],
    ['numbers.range_step', [j('0'), j('10'), j('4')], j('[0, 4, 8]')],
    ['numbers.range_step', [j('0'), j('10'), j('99999999999999999999')], j('[0]')],
    [
      'numbers.range_step',
      [j('0'), j('10'), j('0')],
      err('eval_builtin_error: numbers.range_step: step must be a positive integer'),
    ],
    ['bits.and', [j('7'), j('9')], j('1')],
    ['bits.or', [j('7'), j('9')], j('15')],
    ['bits.xor', [j('42'), j('3')], j('41')],
    ['bits.negate', [j('42')], j('-43')],
    ['bits.lsh', [j('9223372036854775807'), j('1')], n('18446744073709551614')],
    ['bits.rsh', [j('8'), j('3')], j('1')],
    [
      'bits.lsh',
      [j('7'), j('-1')],
      err(
        'eval_type_error: bits.lsh: operand 2 must be an unsigned integer number but got a negative integer',
      ),
    ],
    [
      'bits.and',
      [j('7.2'), j('1')],
      err(
        'eval_type_error: bits.and: operand 1 must be integer number but got floating-point number',
      ),
    ],
    ['cast_array', [s('2', '1')], j('[1, 2]')],
    ['cast_set', [j('[1, 1]')], s('1')],
    [
      'cast_string',
      [j('1')],
      err('eval_type_error: cast_string: operand 1 must be string but got number'),
    ],
    ['set_diff', [s('1', '2'), s('2')], s('1')],
  ];
  runCases(cases);
});

describe('units', () => {
  runCases([
    ['units.parse', [j('"500m"')], j('0.5')],
    ['units.parse', [j('"1.1Ki"')], j('1126.4')],
    ['units.parse', [j('"10E"')], n('10000000000000000000')],
    ['units.parse', [j('"-3.5E2m"')], j('-0.35')],
    ['units.parse', [j('"\\"100TI\\""')], j('109951162777600')],
    [
      'units.parse',
      [j('"100 k"')],
      err('eval_builtin_error: units.parse: spaces not allowed in resource strings'),
    ],
    ['units.parse', [j('"foo"')], err('eval_builtin_error: units.parse: no amount provided')],
    [
      'units.parse',
      [j('"0.0.0"')],
      err('eval_builtin_error: units.parse: could not parse amount to a number'),
    ],
    ['units.parse', [j('"5Q"')], err('eval_builtin_error: units.parse: unit Q not recognized')],
    ['units.parse_bytes', [j('"1.1KiB"')], j('1126')],
    ['units.parse_bytes', [j('"1e-2KB"')], j('10')],
    ['units.parse_bytes', [j('"10eib"')], n('11529215046068469760')],
    [
      'units.parse_bytes',
      [j('"GB"')],
      err('eval_builtin_error: units.parse_bytes: no byte amount provided'),
    ],
  ]);
});

describe('encodings', () => {
  runCases([
    ['base64.encode', [j('"subjects?_d"')], j('"c3ViamVjdHM/X2Q="')],
    ['base64.decode', [j('"aGVsbG8="')], j('"hello"')],
    [
      'base64.decode',
      [j('"aGVsbG8"')],
      err('eval_builtin_error: base64.decode: illegal base64 data at input byte 7'),
    ],
    [
      'base64.decode',
      [j('"a$=="')],
      err('eval_builtin_error: base64.decode: illegal base64 data at input byte 1'),
    ],
    ['base64.is_valid', [j("\"{'not':'base64'}\"")], j('false')],
    ['base64url.encode', [j('"subjects?_d"')], j('"c3ViamVjdHM_X2Q="')],
    ['base64url.encode_no_pad', [j('"hello"')], j('"aGVsbG8"')],
    ['base64url.decode', [j('"aGVsbG8"')], j('"hello"')],
    ['hex.encode', [j('"lorem"')], j('"6c6f72656d"')],
    ['hex.decode', [j('"6c6f72656d"')], j('"lorem"')],
    [
      'hex.decode',
      [j('"fghijkl"')],
      err("eval_builtin_error: hex.decode: encoding/hex: invalid byte: U+0067 'g'"),
    ],
    [
      'hex.decode',
      [j('"abc"')],
      err('eval_builtin_error: hex.decode: encoding/hex: odd length hex string'),
    ],
    ['urlquery.encode', [j('"a=b+1 c"')], j('"a%3Db%2B1+c"')],
    ['urlquery.decode', [j('"a%3Db%2B1+c"')], j('"a=b+1 c"')],
    [
      'urlquery.decode',
      [j('"%zz"')],
      err('eval_builtin_error: urlquery.decode: invalid URL escape "%zz"'),
    ],
    ['urlquery.encode_object', [j('{"b": ["x", "y"], "a": "c=d"}')], j('"a=c%3Dd&b=x&b=y"')],
    ['urlquery.decode_object', [j('"a=1&b&a=2"')], j('{"a": ["1", "2"], "b": [""]}')],
    [
      'urlquery.encode_object',
      [j('{"a": 1}')],
      err(
        'eval_type_error: urlquery.encode_object: operand 1 values must be string, array[string], or set[string]',
      ),
    ],
    [
      'json.marshal_with_options',
      [j('[]'), j('{"pretty": 1}')],
      err('eval_type_error: json.marshal_with_options: operand 2 key pretty failed cast to bool'),
    ],
    [
      'json.marshal',
      [j('{"b": [1, 2.50], "a": "<x>"}')],
      j('"{\\"a\\":\\"\\\\u003cx\\\\u003e\\",\\"b\\":[1,2.50]}"'),
    ],
    ['json.marshal_with_options', [j('[1]'), j('{"prefix": "P"}')], j('"P[\\nP\\t1\\nP]"')],
    ['json.marshal_with_options', [j('[1]'), j('{"pretty": false, "indent": "x"}')], j('"[1]"')],
    [
      'json.marshal_with_options',
      [j('[]'), j('{"x": true}')],
      err('eval_type_error: json.marshal_with_options: operand 2 object contained unknown key "x"'),
    ],
    ['json.unmarshal', [j('"[1, 123456789012345678901]"')], j('[1, 123456789012345678901]')],
    [
      'json.unmarshal',
      [j('"[1,"')],
      err('eval_builtin_error: json.unmarshal: unexpected end of JSON input'),
    ],
    ['json.is_valid', [j('"{"')], j('false')],
    ['json.is_valid', [j('1')], j('false')],
    ['yaml.unmarshal', [j('"a: [1, 2]\\nb: x"')], j('{"a": [1, 2], "b": "x"}')],
    ['yaml.unmarshal', [j('"a: yes\\nb: \\"yes\\""')], j('{"a": true, "b": "yes"}')],
    ['yaml.marshal', [j('{"a": "yes"}')], j('"a: \\"yes\\"\\n"')],
    ['yaml.is_valid', [j('"a: {"')], j('false')],
    ['yaml.marshal', [j('{"b": [1], "a": "x"}')], j('"a: x\\nb:\\n- 1\\n"')],
  ]);
  it('yaml.unmarshal reports the line of a syntax error', () => {
    assert.throws(
      () => callBuiltin('yaml.unmarshal', [j('"[1,2,3"')]),
      /yaml.unmarshal: error converting YAML to JSON: yaml: line 1: /,
    );
  });
});

describe('json paths', () => {
  runCases([
    [
      'json.filter',
      [j('{"a": {"b": {"c": 7, "d": 8}}, "e": 9}'), s('"a/b/c"', '"e"')],
      j('{"a": {"b": {"c": 7}}, "e": 9}'),
    ],
    [
      'json.filter',
      [j('{"a": [{"1": ["b", "c", "d"]}, {"x": "y"}]}'), s('"a/0/1/2"')],
      j('{"a": [{"1": ["d"]}]}'),
    ],
    ['json.remove', [j('{"a": {"b": 7}, "c": 1}'), j('["a/b", "c"]')], j('{"a": {}}')],
    [
      'json.remove',
      [j('{"a": [{"b": 7, "c": 8}, {"d": 9}]}'), s('"a/0/b"', '"a/1"')],
      j('{"a": [{"c": 8}]}'),
    ],
    [
      'json.remove',
      [j('{}'), j('"x"')],
      err('eval_type_error: json.remove: operand 2 must be one of {set, array} but got string'),
    ],
    [
      'json.remove',
      [j('{}'), j('[1]')],
      err(
        'eval_type_error: json.remove: operand 2 must be one of {set, array} containing string paths or array of path segments but got number',
      ),
    ],
    [
      'json.patch',
      [j('{"foo": ["bar", "baz"]}'), j('[{"op": "add", "path": "/foo/1", "value": "qux"}]')],
      j('{"foo": ["bar", "qux", "baz"]}'),
    ],
    [
      'json.patch',
      [j('{"foo": {"w": 1}, "q": {}}'), j('[{"op": "move", "from": "/foo/w", "path": "/q/t"}]')],
      j('{"foo": {}, "q": {"t": 1}}'),
    ],
    [
      'json.patch',
      [j('{"/": 9, "~1": 10}'), j('[{"op": "test", "path": "/~01", "value": 10}]')],
      j('{"/": 9, "~1": 10}'),
    ],
    [
      'json.patch',
      [j('{"baz": "qux"}'), j('[{"op": "test", "path": "/baz", "value": "bar"}]')],
      undefined,
    ],
    ['json.patch', [j('["a"]'), j('[{"op": "remove", "path": "/1"}]')], undefined],
    ['json.patch', [j('[1]'), j('[{"op": "add", "path": "/-", "value": 2}]')], j('[1, 2]')],
    [
      'json.patch',
      [j('{"a": 1}'), j('[{"op": "copy", "from": "/a", "path": "/b"}]')],
      j('{"a": 1, "b": 1}'),
    ],
    [
      'json.patch',
      [j('{"a": 1}'), j('[{"op": "replace", "path": "/a", "value": 2}]')],
      j('{"a": 2}'),
    ],
  ]);
});

describe('graphs and semver', () => {
  runCases([
    [
      'graph.reachable',
      [j('{"a": ["b"], "b": ["c"], "c": ["a"], "x": []}'), j('["a"]')],
      s('"a"', '"b"', '"c"'),
    ],
    ['graph.reachable', [j('{}'), s('"a"')], s()],
    [
      'graph.reachable_paths',
      [j('{"a": ["b", "c"], "b": ["c"], "c": []}'), s('"a"')],
      s('["a", "b", "c"]', '["a", "c"]'),
    ],
    [
      'graph.reachable_paths',
      [j('{"a": ["b"], "b": ["missing"]}'), s('"a"', '"b"')],
      s('["a", "b"]', '["b"]'),
    ],
    [
      'graph.reachable',
      [j('1'), j('[1]')],
      err('eval_type_error: graph.reachable: operand 1 must be object but got number'),
    ],
    ['semver.compare', [j('"1.0.0-alpha"'), j('"1.0.0"')], j('-1')],
    ['semver.compare', [j('"1.0.0-alpha.2"'), j('"1.0.0-alpha.10"')], j('-1')],
    ['semver.compare', [j('"1.0.0+b1"'), j('"1.0.0+b2"')], j('0')],
    [
      'semver.compare',
      [j('"1"'), j('"1.0.0"')],
      err('eval_builtin_error: semver.compare: operand 1: string "1" is not a valid SemVer'),
    ],
    ['semver.is_valid', [j('"v1.0.0"')], j('false')],
    ['semver.is_valid', [j('1')], j('false')],
  ]);
  it('walk yields every [path, value] in pre-order', () => {
    const got = callBuiltin('walk', [j('{"b": [1], "a": 2}')]);
    assert.ok(Array.isArray(got));
    assert.deepEqual(
      (got as readonly Value[]).map((v) => valueToString(v)),
      ['[[], {"a": 2, "b": [1]}]', '[["a"], 2]', '[["b"], [1]]', '[["b", 0], 1]'],
    );
  });
});
