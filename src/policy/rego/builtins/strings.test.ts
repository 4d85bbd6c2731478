// Tables of cases for the string built-ins and sprintf (Go semantics and OPA's error wording).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numFromText } from '../value.js';
import { goSprintf, toGoArg } from './sprintf.js';
import { j, runCases, s, type BuiltinCase } from './testing/builtin-cases.js';

const err = (error: string): { error: string } => ({ error });

describe('strings', () => {
  const cases: BuiltinCase[] = [
    ['concat', [j('"/"'), j('["", "foo", "bar"]')], j('"/foo/bar"')],
    ['concat', [j('","'), s('"b"', '"a"')], j('"a,b"')],
    [
      'concat',
      [j('","'), j('[1]')],
      err(
        'eval_type_error: concat: operand 2 must be array of strings but got array containing number',
      ),
    ],
    [
      'concat',
      [j('","'), j('"x"')],
      err('eval_type_error: concat: operand 2 must be one of {array, set} but got string'),
    ],
    ['contains', [j('"abc"'), j('"b"')], j('true')],
    ['startswith', [j('"abc"'), j('"b"')], j('false')],
    ['endswith', [j('"abc"'), j('"bc"')], j('true')],
    [
      'endswith',
      [j('1'), j('"bc"')],
      err('eval_type_error: endswith: operand 1 must be string but got number'),
    ],
    ['format_int', [j('15.5'), j('16')], j('"f"')],
    ['format_int', [j('-15'), j('2')], j('"-1111"')],
    [
      'format_int',
      [j('4'), j('3')],
      err('eval_type_error: format_int: operand 2 must be one of {2, 8, 10, 16}'),
    ],
    ['indexof', [j('"åäö"'), j('"ö"')], j('2')],
    ['indexof', [j('"abc"'), j('"x"')], j('-1')],
    ['indexof', [j('"abc"'), j('""')], err('eval_builtin_error: indexof: empty search character')],
    [
      'indexof_n',
      [j('"abc"'), j('""')],
      err('eval_builtin_error: indexof_n: empty search character'),
    ],
    ['substring', [j('""'), j('5'), j('"x"')], j('""')],
    [
      'strings.replace_n',
      [j('{"a": 1}'), j('"a"')],
      err('eval_type_error: strings.replace_n: operand 1 non-string value found in pattern object'),
    ],
    ['indexof_n', [j('"😇😀😇😀"'), j('"😀"')], j('[1, 3]')],
    ['indexof_n', [j('"aaa"'), j('"aa"')], j('[0, 1]')],
    ['lower', [j('"AbC"')], j('"abc"')],
    ['upper', [j('"AbC"')], j('"ABC"')],
    ['upper', [j('"straße"')], j('"STRAßE"')],
    ['lower', [j('"ΟΔΟΣ İ"')], j('"οδοσ i"')],
    ['replace', [j('"a.b.c"'), j('"."'), j('"/"')], j('"a/b/c"')],
    ['replace', [j('"ab"'), j('""'), j('"-"')], j('"-a-b-"')],
    ['strings.replace_n', [j('{"a": "1", "ab": "2"}'), j('"abab"')], j('"1b1b"')],
    ['split', [j('"a.b.c"'), j('"."')], j('["a", "b", "c"]')],
    ['split', [j('"test"'), j('""')], j('["t", "e", "s", "t"]')],
    ['split', [j('""'), j('""')], j('[]')],
    ['substring', [j('"abcdefgh"'), j('2'), j('3')], j('"cde"')],
    ['substring', [j('"aåäö"'), j('2'), j('-1')], j('"äö"')],
    ['substring', [j('"aaa"'), j('4'), j('-1')], j('""')],
    [
      'substring',
      [j('"aaa"'), j('-1'), j('-1')],
      err('eval_builtin_error: substring: negative offset'),
    ],
    [
      'substring',
      [j('"aaa"'), j('1.5'), j('1')],
      err(
        'eval_type_error: substring: operand 2 must be integer number but got floating-point number',
      ),
    ],
    ['trim', [j('"...foo.bar..."'), j('".fr"')], j('"oo.ba"')],
    ['trim_left', [j('"..a.."'), j('"."')], j('"a.."')],
    ['trim_right', [j('"..a.."'), j('"."')], j('"..a"')],
    ['trim_prefix', [j('"foobar"'), j('"foo"')], j('"bar"')],
    ['trim_suffix', [j('"foobar"'), j('"bar"')], j('"foo"')],
    ['trim_space', [j('"\\u00a0 \\t x \\n"')], j('"x"')],
    ['strings.reverse', [j('"åbc"')], j('"cbå"')],
    [
      'strings.reverse',
      [j('1')],
      err('eval_type_error: strings.reverse: operand 1 must be string but got number'),
    ],
    ['strings.count', [j('"cheese"'), j('"e"')], j('3')],
    ['strings.count', [j('"11111"'), j('"11"')], j('2')],
    ['strings.count', [j('"dummy"'), j('""')], j('6')],
    ['strings.any_prefix_match', [j('["a/b", "c/d"]'), j('"c/"')], j('true')],
    ['strings.any_suffix_match', [j('"a/b"'), s('"/c"', '"/b"')], j('true')],
    [
      'strings.any_prefix_match',
      [j('1'), j('"c/"')],
      err(
        'eval_type_error: strings.any_prefix_match: operand 1 must be one of {string, set, array} but got number',
      ),
    ],
    [
      'strings.render_template',
      [j('"{{.a}} and {{.b.c}}"'), j('{"a": 1, "b": {"c": "x"}}')],
      j('"1 and x"'),
    ],
    ['strings.render_template', [j('"{{.missing}}"'), j('{}')], j('"<undefined>"')],
    [
      'strings.render_template',
      [j('"{{range $i, $n := .xs}}{{if $i}},{{end}}hi {{$n}}{{end}}"'), j('{"xs": ["a", "b"]}')],
      j('"hi a,hi b"'),
    ],
  ];
  runCases(cases);
});

describe('sprintf', () => {
  runCases([
    ['sprintf', [j('"hi %s"'), j('["there"]')], j('"hi there"')],
    ['sprintf', [j('"hi %02d"'), j('[5]')], j('"hi 05"')],
    ['sprintf', [j('"%02X.%02X"'), j('[127, 1]')], j('"7F.01"')],
    ['sprintf', [j('"%.2f"'), j('[3.1415]')], j('"3.14"')],
    ['sprintf', [j('"%v"'), j('[2e308]')], j('"2e308"')],
    ['sprintf', [j('"%v"'), j('[["there", 5, 3.14]]')], j('"[\\"there\\", 5, 3.14]"')],
    ['sprintf', [j('"%s"'), j('[123456789123456789123]')], j('"123456789123456789123"')],
    ['sprintf', [j('"%d"'), j('["x"]')], j('"%!d(string=x)"')],
    ['sprintf', [j('"%d %d"'), j('[1]')], j('"1 %!d(MISSING)"')],
    ['sprintf', [j('"%d"'), j('[1, 2]')], j('"1%!(EXTRA int=2)"')],
    [
      'sprintf',
      [j('"%x"'), j('"x"')],
      err('eval_type_error: sprintf: operand 2 must be array but got string'),
    ],
  ]);

  const verbs: Array<[string, string, string]> = [
    ['%v', '{"b": [1], "a": "x"}', '{"a": "x", "b": [1]}'],
    ['%v', 'set()', 'set()'],
    ['%T', '1', 'int'],
    ['%T', '1.5', 'float64'],
    ['%T', '"s"', 'string'],
    ['%T', 'true', 'string'],
    ['%t', 'true', '%!t(string=true)'],
    ['%q', '"a\\"b"', '"a\\"b"'],
    ['%x', '255', 'ff'],
    ['%x', '"hi"', '6869'],
    ['%o', '8', '10'],
    ['%b', '5', '101'],
    ['%e', '1234.5678', '1.234568e+03'],
    ['%g', '1234.5678', '1234.5678'],
    ['%g', '1e21', '1e+21'],
    ['%f', '2', '%!f(int=2)'],
    ['%8.3f', '3.14159', '   3.142'],
    ['%-6d|', '42', '42    |'],
    ['%+d', '42', '+42'],
    ['%5s|', '"ab"', '   ab|'],
    ['%.1s', '"abc"', 'a'],
    ['%%', '1', '%%!(EXTRA int=1)'],
  ];
  for (const [format, arg, want] of verbs) {
    it(`${format} of ${arg} = ${want}`, () => {
      const v = arg === 'set()' ? s() : j(arg);
      assert.equal(goSprintf(format, [toGoArg(v)]), want);
    });
  }
  it('keeps big integers exact and prints non-integers as float64', () => {
    assert.equal(
      goSprintf('%d', [toGoArg(numFromText('18446744073709551616')!)]),
      '18446744073709551616',
    );
    assert.equal(goSprintf('%v', [toGoArg(numFromText('1.0')!)]), '1');
  });
});
