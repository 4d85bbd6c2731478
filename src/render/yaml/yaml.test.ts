// go-yaml compatibility of the YAML layer: v3 reading rules and v2 writing rules (values checked against kubectl output).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emitYaml, goYamlKeyLess, numberText, parseYaml } from './index.js';
import { goTimestampJson } from './go-yaml-resolve.js';

describe('reading (go-yaml v3)', () => {
  const table: Array<[string, unknown]> = [
    ['0644', 420],
    ['0x1F', 31],
    ['1_000', 1000],
    ['+5', 5],
    ['1.50', 1.5],
    ['1e3', 1000],
    ['yes', 'yes'],
    ['on', 'on'],
    ['True', true],
    ['~', null],
    ['"0777"', '0777'],
    ['2024-01-02', '2024-01-02T00:00:00Z'],
    ['!!str 12', '12'],
    ['12345678901234567890', 12345678901234567890n],
  ];
  for (const [src, want] of table) {
    test(src, () =>
      assert.deepEqual(parseYaml(`v: ${src}\n`), Object.assign(Object.create(null), { v: want })),
    );
  }
  test('YAML 1.1 booleans with the v2 reader', () => {
    assert.deepEqual(parseYaml('v: yes\n', true), Object.assign(Object.create(null), { v: true }));
  });
  test('a block scalar ending the text without a line break has no final line break', () => {
    const table: Array<[string, unknown]> = [
      ['a: |\n  x\n\n  y', 'x\n\ny'],
      ['a: |+\n  x\n  y', 'x\ny'],
      ['a: >\n  x\n  y', 'x y'],
      ['a: |\n  x\n  y\n', 'x\ny\n'],
      ['a: |\n  x\n  ', 'x\n'],
      ['a: |\n  x\nb: 1', 'x\n'],
    ];
    for (const [src, want] of table) assert.equal((parseYaml(src) as { a: unknown }).a, want, src);
  });
  test('anchors, aliases and merge keys are resolved', () => {
    const v = parseYaml('a: &x {k: 1}\nb: *x\nc:\n  <<: *x\n  j: 2\n');
    assert.equal(emitYaml(v), 'a:\n  k: 1\nb:\n  k: 1\nc:\n  j: 2\n  k: 1\n');
  });
});

describe('writing (go-yaml v2 after a JSON round trip)', () => {
  const table: Array<[string, unknown, string]> = [
    ['YAML 1.1 words are quoted', { a: 'yes', b: 'on', n: 'x' }, 'a: "yes"\nb: "on"\n"n": x\n'],
    [
      'numbers in strings are quoted',
      { a: '0777', b: '1.0', c: '1:20' },
      'a: "0777"\nb: "1.0"\nc: "1:20"\n',
    ],
    [
      'indicators force quotes',
      { a: ': x', b: '- d', c: '#c', d: '' },
      "a: ': x'\nb: '- d'\nc: '#c'\nd: \"\"\n",
    ],
    [
      'tabs and emoji are escaped',
      { a: 'a\tb', b: 'ship 🚢' },
      'a: "a\\tb"\nb: "ship \\U0001F6A2"\n',
    ],
    [
      'literal blocks with indicators',
      { a: 'x\n', b: '\nlead\n', c: 'keep\n\n', d: 'strip' },
      'a: |\n  x\nb: |2\n\n  lead\nc: |+\n  keep\n\nd: strip\n',
    ],
    ['trailing space before a newline forces double quotes', { a: 'x \ny' }, 'a: "x \\ny"\n'],
    ['empty collections use flow style', { a: {}, b: [] }, 'a: {}\nb: []\n'],
    [
      'sequences are not indented under keys',
      { a: [1, [2, 3], { b: 4 }] },
      'a:\n- 1\n- - 2\n  - 3\n- b: 4\n',
    ],
  ];
  for (const [name, value, want] of table) {
    test(name, () => assert.equal(emitYaml(value as never), want));
  }
  test('long plain scalars fold at 80 columns', () => {
    const text = 'word '.repeat(20).trim();
    // The break happens at the first space once the column passes 80.
    assert.equal(
      emitYaml({ k: text }),
      `k: ${'word '.repeat(16).trim()}\n  ${'word '.repeat(4).trim()}\n`,
    );
  });
  test('numbers normalise as the JSON round trip does', () => {
    assert.equal(numberText(1.0), '1');
    assert.equal(numberText(1234567.5), '1.2345675e+06');
    assert.equal(numberText(0.000001), '1e-06');
    assert.equal(numberText(1e21), '1e+21');
    assert.equal(numberText(1e20), '1e+20');
    assert.throws(() => numberText(Infinity), /unsupported value/);
  });
  test('keys sort in go-yaml order (numbers inside keys compare numerically)', () => {
    const keys = ['b10', 'b9', 'a', '_x', 'B', '1'];
    keys.sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
    assert.deepEqual(keys, ['_x', '1', 'B', 'a', 'b9', 'b10']);
  });
  test('timestamps become RFC 3339 text', () => {
    assert.equal(goTimestampJson('2001-12-14t21:59:43.10-05:00'), '2001-12-14T21:59:43.1-05:00');
    assert.equal(goTimestampJson('2001-12-14 21:59:43.10'), '2001-12-14T21:59:43.1Z');
    assert.equal(goTimestampJson('2001-13-14'), undefined);
  });
});
