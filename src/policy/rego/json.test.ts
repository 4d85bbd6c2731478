// Tests of lossless JSON parsing and OPA/Go-style JSON output.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidJSON, JsonSyntaxError, parseJSON, toJSON } from './json.js';
import { num, numFromBigInt, setOf, str } from './value.js';

describe('parseJSON', () => {
  const roundTrips: Array<[string, string]> = [
    ['{"b":1,"a":[true,false,null]}', '{"a":[true,false,null],"b":1}'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['[1.0, 1e3, -0.5, 0.1]', '[1.0,1e3,-0.5,0.1]'],
    ['"a\\u00e9\\n\\"\\\\"', '"aé\\n\\"\\\\"'],
    ['"<&>"', '"\\u003c\\u0026\\u003e"'],
    ['{"a":1,"a":2}', '{"a":2}'],
    ['  [ ]  ', '[]'],
    ['"\\u2028\\b\\f\\u0001"', '"\\u2028\\b\\f\\u0001"'],
  ];
  for (const [input, output] of roundTrips) {
    it(`${input} -> ${output}`, () => assert.equal(toJSON(parseJSON(input)), output));
  }
  const bad: Array<[string, string]> = [
    ['', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['[1 2]', "invalid character '2' after array element"],
    ['1 2', "invalid character '2' after top-level value"],
    ['tru', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
  ];
  for (const [input, msg] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseJSON(input),
        (e: unknown) => e instanceof JsonSyntaxError && e.message === msg,
      );
      assert.equal(isValidJSON(input), false);
    });
  }
});

describe('toJSON', () => {
  it('prints sets sorted, big integers exactly, and indents like Go', () => {
    const v = setOf([str('b'), numFromBigInt(2n ** 64n), num(1.5)]);
    assert.equal(toJSON(v), '[1.5,18446744073709551616,"b"]');
    assert.equal(
      toJSON(parseJSON('{"a":[1],"b":{}}'), { indent: '  ' }),
      '{\n  "a": [\n    1\n  ],\n  "b": {}\n}',
    );
  });
  it('can leave HTML characters unescaped', () => {
    assert.equal(toJSON(str('<a>'), { htmlEscape: false }), '"<a>"');
  });
});
