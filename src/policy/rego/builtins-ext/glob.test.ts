import { describe } from 'node:test';
import { rowTests, type Row } from './testing/builtin-harness.js';

// gobwas/glob semantics as OPA's glob.match uses them: [] means the default delimiter ".",
// null means no delimiters; * and ? stop at delimiters, ** does not; [..] ignores them.
const ROWS: readonly Row[] = [
  ['glob.match', ['*.github.com', ['.'], 'api.github.com'], 'true'],
  ['glob.match', ['*.github.com', ['.'], 'api.cdn.github.com'], 'false'],
  ['glob.match', ['api.**.com', ['.'], 'api.cdn.github.com'], 'true'],
  ['glob.match', ['*:github:com', [':'], 'api:github:com'], 'true'],
  ['glob.match', ['*', [], 'foo.bar'], 'false'],
  ['glob.match', ['*', null, 'foo.bar'], 'true'],
  ['glob.match', ['foo*', null, 'foo.bar'], 'true'],
  ['glob.match', ['?at', [], 'fat'], 'true'],
  ['glob.match', ['?at', [], 'at'], 'false'],
  ['glob.match', ['?at', ['f'], 'fat'], 'false'],
  ['glob.match', ['[abc]at', [], 'cat'], 'true'],
  ['glob.match', ['[!abc]at', [], 'cat'], 'false'],
  ['glob.match', ['[a-c]at', [], 'bat'], 'true'],
  ['glob.match', ['[!a-c]at', [], 'fat'], 'true'],
  ['glob.match', ['{cat,bat,[fr]at}', [], 'rat'], 'true'],
  ['glob.match', ['{cat,bat,[fr]at}', [], 'at'], 'false'],
  ['glob.match', ['{a,{b,c}d}', [], 'cd'], 'true'],
  ['glob.match', ['\\*x', [], '*x'], 'true'],
  ['glob.match', ['\\*x', [], 'ax'], 'false'],
  ['glob.match', ['a,b', [], 'a,b'], 'true'],
  ['glob.match', ['*/ns/*', ['/'], 'us/ns/x'], 'true'],
  ['glob.match', ['[.]', ['.'], '.'], 'true'],
  ['glob.match', ['(a|b)', [], '(a|b)'], 'true'],
  ['glob.match', ['ü*', [], 'üx'], 'true'],
  // More than two wildcards run on RE2 (linear time); the results are the same.
  ['glob.match', ['*.*.*.com', ['.'], 'a.b.c.com'], 'true'],
  ['glob.match', ['*.*.*.com', ['.'], 'a.b.com'], 'false'],
  ['glob.match', ['*a*a*a*a*a*a*b', [], 'a'.repeat(5000)], 'false'],
  ['glob.match', ['{*,x}*?*[!.]', ['.'], 'ab'], 'true'],
  ['glob.match', ['[ab', [], 'a'], 'ERR eval_builtin_error: glob.match: unexpected end of input'],
  ['glob.match', ['{a,b', [], 'a'], 'ERR eval_builtin_error: glob.match: unexpected end of input'],
  [
    'glob.match',
    ['*', 'x', 'a'],
    'ERR eval_type_error: glob.match: operand 2 must be one of {array, null} but got string',
  ],
  [
    'glob.match',
    ['*', ['ab'], 'a'],
    'ERR eval_type_error: glob.match: operand 2 must be array of runes but got array containing string',
  ],
  [
    'glob.match',
    ['*', [1], 'a'],
    'ERR eval_type_error: glob.match: operand 2 must be array of strings but got array containing number',
  ],
  ['glob.quote_meta', ['*.github.com'], '"\\\\*.github.com"'],
  ['glob.quote_meta', ['[a]{b}?\\'], '"\\\\[a\\\\]\\\\{b\\\\}\\\\?\\\\\\\\"'],
];

describe('glob built-ins', () => {
  rowTests(ROWS);
});
