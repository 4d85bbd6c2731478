import { describe } from 'node:test';
import { rowTests, type Row } from './testing/builtin-harness.js';

// Expected values follow Go's regexp package as OPA uses it (RE2 syntax, leftmost-first, Go's
// rules for empty matches in FindAll/Split/ReplaceAll and $-templates).
const ROWS: readonly Row[] = [
  ['regex.match', ['^[a-z]+\\[[0-9]+\\]$', 'foo[1]'], 'true'],
  ['regex.match', ['', 'x'], 'true'],
  ['regex.match', ['^$', 'something'], 'false'],
  ['regex.match', ['(?i)ABC', 'xabcx'], 'true'],
  ['regex.match', ['\\pL+', 'héllo'], 'true'],
  ['regex.match', ['^.$', '😀'], 'true'],
  [
    'regex.match',
    ['$^[[[', 'x'],
    'ERR eval_builtin_error: regex.match: error parsing regexp: missing closing ]: `[[[`',
  ],
  // RE2 has no look-around or backreferences.
  [
    'regex.match',
    ['(?=a)', 'a'],
    'ERR eval_builtin_error: regex.match: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
  ],
  [
    'regex.match',
    ['(a)\\1', 'aa'],
    'ERR eval_builtin_error: regex.match: error parsing regexp: invalid escape sequence: `\\1`',
  ],
  [
    'regex.match',
    [1, 'a'],
    'ERR eval_type_error: regex.match: operand 1 must be string but got number',
  ],
  ['re_match', ['^a', 'abc'], 'true'],
  ['regex.is_valid', ['.+'], 'true'],
  ['regex.is_valid', ['++'], 'false'],
  ['regex.is_valid', [10], 'false'],
  ['regex.find_n', ['a.', 'paranormal', -1], '["ar","an","al"]'],
  ['regex.find_n', ['a.', 'paranormal', 2], '["ar","an"]'],
  ['regex.find_n', ['a.', 'paranormal', 0], '[]'],
  ['regex.find_n', ['a*', 'baaab', -1], '["","aaa",""]'],
  [
    'regex.find_n',
    ['a.', 'paranormal', 1.5],
    'ERR eval_type_error: regex.find_n: operand 3 must be integer number but got floating-point number',
  ],
  ['regex.find_all_string_submatch_n', ['a(x*)b', '-ab-axb-', -1], '[["ab",""],["axb","x"]]'],
  [
    'regex.find_all_string_submatch_n',
    ['[^aouiye]([aouiye])([^aouiye])?', 'somestri', -1],
    '[["som","o","m"],["ri","i",""]]',
  ],
  ['regex.find_all_string_submatch_n', ['a(x)?', 'a', -1], '[["a",""]]'],
  ['regex.split', ['a', 'banana'], '["b","n","n",""]'],
  ['regex.split', ['^[a-z]+', 'foobar baz'], '[""," baz"]'],
  ['regex.split', ['^[a-z ]+$', 'foobar baz'], '["",""]'],
  ['regex.split', ['x', ''], '[""]'],
  ['regex.split', ['', 'abc'], '["a","b","c"]'],
  ['regex.replace', ['-wy-wxxy-', 'w(x*)y', '0'], '"-0-0-"'],
  ['regex.replace', ['foo', '(foo)', '$1$1'], '"foofoo"'],
  ['regex.replace', ['foo', '(?P<word>foo)', '[${word}]'], '"[foo]"'],
  // Go reads "$1x" as the group named "1x" (empty), and "$" without a name literally.
  ['regex.replace', ['foo', '(foo)', '$1x|${1}x|$|$$'], '"|foox|$|$"'],
  ['regex.replace', ['foo bar', '[a-z]', '_'], '"___ ___"'],
  ['regex.replace', ['abc', 'x*', '-'], '"-a-b-c-"'],
  [
    'regex.replace',
    ['foo', '[', '$1'],
    'ERR eval_builtin_error: regex.replace: error parsing regexp: missing closing ]: `[`',
  ],
  ['regex.template_match', ['urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}'], 'true'],
  ['regex.template_match', ['urn:foo:<[0-9]{2}>', 'urn:foo:123', '<', '>'], 'false'],
  ['regex.template_match', ['urn:foo.bar:<[0-9]{2}>', 'urn:fooxbar:12', '<', '>'], 'false'],
  [
    'regex.template_match',
    ['urn:{.*', 'urn:x', '{', '}'],
    'ERR eval_builtin_error: regex.template_match: unbalanced braces in "urn:{.*"',
  ],
  [
    'regex.template_match',
    ['a', 'a', '{{', '}'],
    'ERR eval_builtin_error: regex.template_match: start delimiter has to be exactly one character long but is 2 long',
  ],
  ['regex.globs_match', ['a.a.[0-9]+z', '.b.b2359825792*594823z'], 'true'],
  ['regex.globs_match', ['[a-z]+', '[0-9]*'], 'false'],
  ['regex.globs_match', ['[a-c]*', 'c.*'], 'true'],
  ['regex.globs_match', ['[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]'], 'true'],
  ['regex.globs_match', ['[a-z]+\\[[0-9]+\\]', 'foo["bar"]'], 'false'],
  [
    'regex.globs_match',
    ['pqrs]', '[a-b]+'],
    "ERR eval_builtin_error: regex.globs_match: input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
  ],
  [
    'regex.globs_match',
    ['*a', 'a'],
    "ERR eval_builtin_error: regex.globs_match: input:*a, pos:1, flag '*' must be preceded by a non-flag: the input provided is invalid",
  ],
  [
    'regex.globs_match',
    ['[ab', 'a'],
    'ERR eval_builtin_error: regex.globs_match: input:[ab, pos:3, found [ without matching ]: the input provided is invalid',
  ],
];

describe('regex built-ins', () => {
  rowTests(ROWS);
});
