// Tests of the Rego value model: OPA ordering, equality, hashing, numbers and JS conversion.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arr,
  compare,
  equal,
  FALSE,
  floatText,
  fromJS,
  hashValue,
  NULL,
  num,
  numberText,
  numFromBigInt,
  numFromDecimal,
  numFromText,
  ObjectBuilder,
  objectOf,
  setOf,
  str,
  toJS,
  TRUE,
  type Value,
  valueToString,
} from './value.js';

const n = (t: string): Value => {
  const v = numFromText(t);
  assert.ok(v, t);
  return v;
};

describe('compare (OPA order)', () => {
  const ascending: Array<[string, Value]> = [
    ['null', NULL],
    ['false', FALSE],
    ['true', TRUE],
    ['-1e400', n('-1e400')],
    ['-3', num(-3)],
    ['0', num(0)],
    ['0.5', num(0.5)],
    ['1', num(1)],
    ['9007199254740992', n('9007199254740992')],
    ['9007199254740993', n('9007199254740993')],
    ['1e30', n('1e30')],
    ['""', str('')],
    ['"A"', str('A')],
    ['"a"', str('a')],
    ['"ab"', str('ab')],
    ['"\\uffff"', str('\uffff')],
    ['"😀" (astral sorts after BMP like UTF-8 bytes)', str('😀')],
    ['[]', arr([])],
    ['[1]', arr([num(1)])],
    ['[1,2]', arr([num(1), num(2)])],
    ['[2]', arr([num(2)])],
    ['{}', objectOf([])],
    ['{"a":1}', objectOf([[str('a'), num(1)]])],
    ['{"a":2}', objectOf([[str('a'), num(2)]])],
    ['{"b":0}', objectOf([[str('b'), num(0)]])],
    ['set()', setOf([])],
    ['{1}', setOf([num(1)])],
    ['{1,2}', setOf([num(2), num(1)])],
    ['{2}', setOf([num(2)])],
  ];
  for (let i = 0; i + 1 < ascending.length; i++) {
    const [an, a] = ascending[i]!;
    const [bn, b] = ascending[i + 1]!;
    it(`${an} < ${bn}`, () => {
      assert.equal(compare(a, b), -1);
      assert.equal(compare(b, a), 1);
      assert.equal(compare(a, a), 0);
    });
  }
});

describe('equality and hashing', () => {
  const equalPairs: Array<[string, Value, Value]> = [
    ['1 and 1.0', num(1), n('1.0')],
    ['1 and 1e0', num(1), n('1e0')],
    ['100 and 1e2', num(100), n('1e2')],
    [
      'big int text and bigint',
      n('123456789012345678901234567890'),
      numFromBigInt(123456789012345678901234567890n),
    ],
    ['0.1 and 0.1 from text', num(0.1), n('0.1')],
    ['floats equal as float64 (OPA NumberCompare)', n('0.1'), n('0.10000000000000000001')],
    ['sets in any order', setOf([num(1), str('a'), arr([])]), setOf([arr([]), str('a'), n('1.0')])],
    [
      'objects in any order',
      objectOf([
        [str('a'), num(1)],
        [num(2), str('b')],
      ]),
      objectOf([
        [n('2.0'), str('b')],
        [str('a'), num(1)],
      ]),
    ],
    [
      'nested',
      fromJS({ a: [1, { b: new Set([1, 2]) }] }),
      fromJS({ a: [1, { b: new Set([2, 1]) }] }),
    ],
  ];
  for (const [name, a, b] of equalPairs) {
    it(`equal: ${name}`, () => {
      assert.ok(equal(a, b));
      assert.equal(compare(a, b), 0);
      assert.equal(hashValue(a), hashValue(b));
    });
  }
  const differentPairs: Array<[string, Value, Value]> = [
    ['2^53 and 2^53+1', n('9007199254740992'), n('9007199254740993')],
    ['1 and "1"', num(1), str('1')],
    ['[1] and {1}', arr([num(1)]), setOf([num(1)])],
    ['null and false', NULL, FALSE],
    ['int and near decimal', num(1), n('1.0000000000000000001')],
  ];
  for (const [name, a, b] of differentPairs) {
    it(`different: ${name}`, () => {
      assert.ok(!equal(a, b));
      assert.notEqual(compare(a, b), 0);
    });
  }
});

describe('sets and objects', () => {
  it('dedupe composite keys and iterate sorted', () => {
    const s = setOf([arr([num(2)]), str('b'), arr([num(1)]), str('a'), arr([n('2.0')]), num(3)]);
    assert.equal(s.size, 5);
    assert.deepEqual(toJS(s), [3, 'a', 'b', [1], [2]]);
    assert.ok(s.has(arr([num(1)])));
    assert.ok(s.hasStr('a'));
    assert.ok(!s.has(arr([num(3)])));
  });
  it('finds every key of small and large containers (scan below 8 keys, index above)', () => {
    for (const size of [0, 1, 7, 8, 9, 40]) {
      const b = new ObjectBuilder();
      const keys = Array.from({ length: size }, (_, i) => (i % 5 === 4 ? num(i) : str(`k${i}`)));
      keys.forEach((k, i) => b.set(k, num(i)));
      assert.equal(b.set(keys[0] ?? str('new'), num(-1)), size === 0);
      const o = b.build();
      const s = setOf(keys);
      keys.forEach((k, i) => {
        assert.deepEqual(o.get(k), i === 0 ? num(-1) : num(i));
        if (k.kind === 'string') {
          assert.deepEqual(o.getStr(k.value), i === 0 ? num(-1) : num(i));
          assert.ok(s.hasStr(k.value));
        }
        assert.ok(s.has(k));
      });
      assert.equal(o.getStr('missing'), undefined);
      assert.ok(!s.hasStr('missing'));
      assert.equal(s.size, size);
    }
  });
  it('object builder overwrites and reports existing keys', () => {
    const b = new ObjectBuilder();
    assert.equal(b.set(str('z'), num(1)), true);
    assert.equal(b.set(setOf([num(1)]), num(2)), true);
    assert.equal(b.set(str('z'), num(3)), false);
    const o = b.build();
    assert.equal(o.size, 2);
    assert.deepEqual(o.getStr('z'), num(3));
    assert.deepEqual(o.get(setOf([n('1.0')])), num(2));
    assert.deepEqual(
      o.keys().map((k) => k.kind),
      ['string', 'set'],
    );
  });
});

describe('numbers', () => {
  const cases: Array<[string, Value, string, boolean]> = [
    ['small int', num(42), '42', true],
    ['negative float', num(-2.5), '-2.5', false],
    ['big int text kept', n('12345678901234567890123'), '12345678901234567890123', true],
    ['decimal text kept', n('1.10'), '1.10', false],
    ['exponent text kept', n('1e3'), '1e3', false],
    ['float shortest', num(0.1 + 0.2), '0.30000000000000004', false],
    ['integer beyond 2^53 is exact', num(1e21), '1000000000000000000000', true],
    ['tiny float', num(1e-7), '1e-07', false],
    ['float with 7 integer digits (Go g format)', num(1234567.5), '1.2345675e+06', false],
    ['decimal from m*10^e', numFromDecimal({ m: 12345n, e: -2 }), '123.45', false],
    ['decimal integer', numFromDecimal({ m: 5n, e: 20 }), '500000000000000000000', true],
  ];
  for (const [name, v, text, isInt] of cases) {
    it(name, () => {
      assert.equal(v.kind, 'number');
      if (v.kind !== 'number') return;
      assert.equal(numberText(v), text);
      assert.equal(v.isInteger(), isInt);
    });
  }
  it('formats float64 like Go strconv g/-1', () => {
    for (const [f, t] of [
      [1e21, '1e+21'],
      [1e6, '1e+06'],
      [123456, '123456'],
      [1.5e300, '1.5e+300'],
      [1e-7, '1e-07'],
      [0.0001, '0.0001'],
      [-0, '-0'],
      [3, '3'],
      [123.456, '123.456'],
    ] as const) {
      assert.equal(floatText(f), t);
    }
  });
  it('rejects non-JSON number text', () => {
    for (const t of ['01', '1.', '.5', '+1', '0x10', 'NaN', ''])
      assert.equal(numFromText(t), undefined, t);
  });
});

describe('fromJS / toJS', () => {
  it('round-trips JSON-like data', () => {
    const js = { a: [1, 'x', null, true], b: { c: 2.5 } };
    assert.deepEqual(toJS(fromJS(js)), js);
  });
  it('keeps a "__proto__" key as data', () => {
    const js = toJS(fromJS(JSON.parse('{"__proto__": {"x": 1}}'))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(js), ['__proto__']);
    assert.equal(Object.getPrototypeOf(js), Object.prototype);
  });
  it('keeps integers beyond 2^53 as bigint', () => {
    assert.equal(toJS(fromJS(2n ** 70n)), 2n ** 70n);
  });
  it('names the path of unsupported input', () => {
    assert.throws(() => fromJS({ a: [1, () => 0] }), /\$\.a\[1\]: function/);
    assert.throws(() => fromJS({ a: Number.NaN }), /\$\.a: number NaN/);
  });
});

describe('valueToString (OPA ast String)', () => {
  const cases: Array<[Value, string]> = [
    [fromJS({ b: [1, 'x'], a: null }), '{"a": null, "b": [1, "x"]}'],
    [setOf([]), 'set()'],
    [setOf([num(2), num(1)]), '{1, 2}'],
    [str('tab\there "q" é \u0000 \u200b'), '"tab\\there \\"q\\" é \\x00 \\u200b"'],
    [numFromText('1.50')!, '1.50'],
  ];
  for (const [v, text] of cases) {
    it(text, () => assert.equal(valueToString(v), text));
  }
});

describe('order and hash laws over generated values', () => {
  // A small deterministic generator (LCG) so the cases are the same on every run.
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const NUMS = ['0', '1', '1.0', '-1', '0.5', '2.50', '1e2', '100', '9007199254740993', '-0.1'];
  const gen = (depth: number): Value => {
    switch (rnd(depth > 2 ? 4 : 7)) {
      case 0:
        return NULL;
      case 1:
        return rnd(2) ? TRUE : FALSE;
      case 2:
        return numFromText(NUMS[rnd(NUMS.length)]!)!;
      case 3:
        return str(['', 'a', 'b', 'ab', 'é', '😀'][rnd(6)]!);
      case 4:
        return arr(Array.from({ length: rnd(3) }, () => gen(depth + 1)));
      case 5:
        return setOf(Array.from({ length: rnd(3) }, () => gen(depth + 1)));
      default:
        return objectOf(
          Array.from({ length: rnd(3) }, () => [gen(depth + 1), gen(depth + 1)] as const),
        );
    }
  };
  const values = Array.from({ length: 300 }, () => gen(0));
  it('equal values hash alike and compare as 0; compare is antisymmetric', () => {
    for (const a of values) {
      for (const b of values) {
        const c = compare(a, b);
        assert.equal(Math.sign(compare(b, a)) + Math.sign(c), 0);
        assert.equal(equal(a, b), c === 0);
        if (c === 0) assert.equal(hashValue(a), hashValue(b));
      }
    }
  });
  it('sorting is consistent (each element <= the next)', () => {
    const sorted = [...values].sort(compare);
    for (let i = 1; i < sorted.length; i++) assert.ok(compare(sorted[i - 1]!, sorted[i]!) <= 0);
    for (let i = 2; i < sorted.length; i++) assert.ok(compare(sorted[i - 2]!, sorted[i]!) <= 0);
  });
});
