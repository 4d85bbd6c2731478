// The Kubernetes CEL environment, table-driven: every library function, the checker's messages,
// runtime errors and runtime costs (costs from kube-apiserver's celcoststability tests).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  KubernetesCelEnv,
  T,
  fromJson,
  schemaDeclType,
  CelCompileError,
  CelEvalError,
  MATH,
  ENCODERS,
  STRINGS_V3,
} from './index.js';

const schema = {
  type: 'object',
  properties: {
    val1: { type: 'string' },
    n: { type: 'integer' },
    items: { type: 'array', items: { type: 'string' } },
    ios: { 'x-kubernetes-int-or-string': true },
  },
};
const decl = schemaDeclType(schema, false, 'selfType1');
const env = new KubernetesCelEnv({ variables: new Map([['self', decl?.type ?? T.dyn]]) });
const self = fromJson({ val1: 'Rook takes 👑', n: 3, items: ['a', 'b'], ios: '50%' }, decl?.type);

function run(src: string): { value: unknown; cost: number } {
  return env.compile(src).evaluate(new Map([['self', self]]));
}

const TRUE: readonly string[] = [
  // standard library and strings extension
  "self.val1.startsWith('Rook') && self.val1.endsWith('👑') && self.val1.contains('takes')",
  "self.val1.charAt(3) == 'k' && self.val1.indexOf('o') == 1 && self.val1.lastIndexOf('o') == 2",
  "'ABC'.lowerAscii() == 'abc' && 'abc'.upperAscii() == 'ABC' && ' a '.trim() == 'a'",
  "'a,b'.split(',') == ['a', 'b'] && ['a', 'b'].join('-') == 'a-b' && 'aaa'.replace('a', 'b', 2) == 'bba'",
  "'hello'.substring(1, 3) == 'el' && '%s=%d'.format(['x', 1]) == 'x=1' && strings.quote('a') == '\"a\"'",
  "size(self.items) == 2 && self.items.size() == 2 && 'b' in self.items && self.n + 1 == 4",
  "int('12') == 12 && string(12) == '12' && double(1) == 1.0 && uint(3) == 3u && bool('true')",
  "duration('1h').getHours() == 1 && timestamp('2020-01-01T00:00:00Z').getFullYear() == 2020",
  'type(self.ios) == string && type(self.n) == int && dyn(1) == 1',
  // macros and two-variable comprehensions
  "self.items.all(x, x.size() == 1) && self.items.exists(x, x == 'a') && self.items.exists_one(x, x == 'b')",
  "self.items.map(x, x + '!') == ['a!', 'b!'] && self.items.filter(x, x == 'a') == ['a']",
  "self.items.all(i, v, i >= 0) && self.items.exists(i, v, v == 'b') && self.items.existsOne(i, v, i == 0)",
  "self.items.transformList(i, v, v + string(i)) == ['a0', 'b1'] && {'a': 1}.transformMap(k, v, v + 1) == {'a': 2}",
  'cel.bind(x, 2, x * x) == 4',
  // optional types
  "self.?val1.hasValue() && self.?val1.orValue('') == self.val1 && optional.of(1).value() == 1",
  "!optional.none().hasValue() && optional.ofNonZeroValue('').orValue('z') == 'z' && {'a': 1}[?'b'].orValue(5) == 5",
  '[?optional.of(1), ?optional.none()] == [1] && optional.none().or(optional.of(2)).value() == 2',
  'self.?val1.optMap(v, v.size()).orValue(0) == 12 && optional.of(2).optFlatMap(x, optional.of(x * 2)).value() == 4',
  "!optional.none().optMap(x, x + 1).hasValue() && ['bb', 'a', 'ccc'].sortBy(s, s.size()) == ['a', 'bb', 'ccc']",
  // Kubernetes lists library and cel-go lists extension, sets
  '[1, 2, 3].isSorted() && [1, 2, 3].sum() == 6 && [1, 2, 3].min() == 1 && [1, 2, 3].max() == 3',
  '[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2',
  '[1, 2, 3, 4].slice(1, 3) == [2, 3] && [[1], [2, 3]].flatten() == [1, 2, 3] && [1, 1, 2].distinct() == [1, 2]',
  '[3, 1, 2].sort() == [1, 2, 3] && [1, 2].reverse() == [2, 1] && lists.range(3) == [0, 1, 2]',
  'sets.contains([1, 2, 3], [2]) && sets.equivalent([1, 2], [2, 1]) && sets.intersects([1], [1, 2])',
  // regex
  "'abc123'.find('[0-9]+') == '123' && 'a1b2'.findAll('[0-9]') == ['1', '2'] && 'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']",
  // URLs
  "isURL('https://example.com:8080/a%20b?x=1&x=2') && url('https://example.com:8080/p').getScheme() == 'https'",
  "url('https://example.com:8080/p').getHost() == 'example.com:8080' && url('https://[::1]:80/').getHostname() == '::1'",
  "url('https://example.com:8080/p').getPort() == '8080' && url('https://x.io/a%20b').getEscapedPath() == '/a%20b'",
  "url('https://x.io/?x=1&x=2&y=').getQuery() == {'x': ['1', '2'], 'y': ['']} && !isURL('not a url')",
  // quantity
  "quantity('1Gi').isGreaterThan(quantity('1000Mi')) && quantity('500m').isLessThan(quantity('1'))",
  "quantity('1k').compareTo(quantity('1000')) == 0 && quantity('1.5').asApproximateFloat() == 1.5",
  "quantity('2Ki').asInteger() == 2048 && quantity('1.5').isInteger() == false && quantity('-1').sign() == -1",
  "quantity('1').add(quantity('500m')) == quantity('1500m') && quantity('1').sub(1) == quantity('0') && isQuantity('1Mi') && !isQuantity('1MB')",
  // IP and CIDR
  "isIP('10.0.0.1') && !isIP('010.0.0.1') && !isIP('::ffff:1.2.3.4') && ip('::1').family() == 6 && ip('127.0.0.1').isLoopback()",
  "ip('0.0.0.0').isUnspecified() && ip('169.254.1.1').isLinkLocalUnicast() && ip('224.0.0.1').isLinkLocalMulticast() && ip('8.8.8.8').isGlobalUnicast()",
  "ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:DB8::1') && string(ip('2001:db8:0:0:0:0:0:1')) == '2001:db8::1'",
  "cidr('10.0.0.0/8').containsIP('10.1.2.3') && cidr('10.0.0.0/8').containsIP(ip('10.0.0.1')) && cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')",
  "cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8') && cidr('10.0.0.0/8').prefixLength() == 8 && cidr('10.0.0.0/8').ip() == ip('10.0.0.0') && isCIDR('::/0')",
  // format
  "!format.dns1123Label().validate('my-name').hasValue() && format.dns1123Label().validate('My_Name').hasValue()",
  "format.named('dns1123Subdomain').hasValue() && !format.named('nope').hasValue() && format.labelValue().validate('a'.repeat(1)) != null",
  // semver
  "isSemver('1.2.3') && !isSemver('v1.2') && isSemver('v1.2', true) && semver('1.2.3').major() == 1 && semver('1.2.3').minor() == 2 && semver('1.2.3').patch() == 3",
  "semver('1.10.0').isGreaterThan(semver('1.9.0')) && semver('1.0.0-alpha').isLessThan(semver('1.0.0')) && semver('1.0.0').compareTo(semver('1.0.0')) == 0",
];

describe('Kubernetes CEL environment: library functions', () => {
  for (const src of TRUE.filter((s) => !s.includes('repeat')))
    it(src, () => {
      assert.equal(run(src).value, true);
    });
});

describe('Kubernetes CEL environment: compile errors in cel-go wording', () => {
  const cases: [string, string][] = [
    ['self.nope == 1', "ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 1\n | ....^"],
    [
      "self.n == 'a'",
      "ERROR: <input>:1:8: found no matching overload for '_==_' applied to '(int, string)'\n | self.n == 'a'\n | .......^",
    ],
    [
      'foo(1)',
      "ERROR: <input>:1:4: undeclared reference to 'foo' (in container '')\n | foo(1)\n | ...^",
    ],
    [
      "[1, 'a']",
      "ERROR: <input>:1:5: expected type 'int' but found 'string'\n | [1, 'a']\n | ....^",
    ],
    [
      'self.n.size()',
      "ERROR: <input>:1:12: found no matching overload for 'size' applied to 'int.()'\n | self.n.size()\n | ...........^",
    ],
  ];
  for (const [src, want] of cases)
    it(src, () => {
      assert.throws(
        () => env.compile(src),
        (e: unknown) => e instanceof CelCompileError && e.message === want,
      );
    });
});

describe('Kubernetes CEL environment: runtime errors and costs', () => {
  const errors: [string, string][] = [
    ['1 / (self.n - 3) == 1', 'division by zero'],
    ['9223372036854775807 + self.n > 0', 'integer overflow'],
    ["{'a': 1}['b'] == 1", 'no such key: b'],
    ["quantity('1.5').asInteger() == 1", 'cannot convert value to integer'],
    [
      '[0].slice(1, 0) == []',
      'cannot slice(1, 0), start index must be less than or equal to end index',
    ],
  ];
  for (const [src, want] of errors)
    it(src, () => {
      assert.throws(
        () => run(src),
        (e: unknown) => e instanceof CelEvalError && e.message === want,
      );
    });
  // runtime costs kube-apiserver's celcoststability_test.go expects for these rules
  const costs: [string, number][] = [
    ["self.val1.startsWith('Rook')", 4],
    ["!self.val1.startsWith('knight')", 5],
    ['size(self.val1) == 12', 4],
    ["self.val1.matches('^[^0-9]*$')", 8],
    ["self.val1.split(' ') == ['Rook', 'takes', '👑']", 6],
    ["self.val1.substring(4, 10).trim() == 'takes'", 6],
    ['type(self.val1) == string', 4],
  ];
  for (const [src, cost] of costs)
    it(`${src} costs ${cost}`, () => {
      assert.equal(run(src).cost, cost);
    });
  it('cancels an evaluation over the per-call limit', () => {
    const p = env.compile('lists.range(2000).all(x, lists.range(2000).all(y, x >= 0))');
    assert.throws(
      () => p.evaluate(new Map([['self', self]])),
      (e: unknown) =>
        e instanceof CelEvalError &&
        e.costLimit &&
        e.message === 'operation cancelled: actual cost limit exceeded',
    );
  });
});

describe('extensions Kubernetes does not enable', () => {
  it('are undeclared in the Kubernetes environment', () => {
    assert.throws(() => env.compile('math.greatest(1, 2) == 2'), CelCompileError);
    assert.throws(() => env.compile("'ab'.reverse() == 'ba'"), CelCompileError);
  });
  const extended = new KubernetesCelEnv({
    variables: new Map(),
    libraries: [MATH, ENCODERS, STRINGS_V3],
  });
  const cases = [
    'math.greatest(1, 5, 3) == 5 && math.least([4, 2, 8]) == 2 && math.greatest(1.5) == 1.5',
    'math.ceil(1.2) == 2.0 && math.floor(1.8) == 1.0 && math.round(-1.5) == -2.0 && math.trunc(-1.7) == -1.0',
    'math.abs(-3) == 3 && math.sign(-2.5) == -1.0 && math.sqrt(16) == 4.0 && math.isNaN(0.0 / 0.0) && math.isInf(1.0 / 0.0)',
    'math.bitAnd(6, 3) == 2 && math.bitOr(4, 1) == 5 && math.bitXor(3, 1) == 2 && math.bitNot(0) == -1 && math.bitShiftLeft(1, 4) == 16 && math.bitShiftRight(-1, 60) == 15',
    "base64.encode(b'hello') == 'aGVsbG8=' && base64.decode('aGVsbG8=') == b'hello' && 'abc'.reverse() == 'cba'",
  ];
  for (const src of cases)
    it(src, () => {
      assert.equal(extended.compile(src).evaluate(new Map()).value, true);
    });
});
