// Tests for the Bucket index digest (Flux's index.Digester) and Go duration parsing.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ObjectIndex } from './object-index.js';
import { parseDuration } from '../../core/index.js';

describe('ObjectIndex', () => {
  it('digests "<key> <etag>\\n" lines in byte order of the keys', () => {
    const index = new ObjectIndex();
    // Byte order differs from UTF-16 order for astral characters (U+1F600 vs U+FF5E) and puts
    // '-' (0x2d) before '/' (0x2f).
    const entries: [string, string][] = [
      ['z.yaml', 'e3'],
      ['a/b.yaml', 'e1'],
      ['a-b.yaml', 'e2'],
      ['\u{1F600}.yaml', 'e4'],
      ['\uFF5E.yaml', 'e5'],
      ['\u00e9.yaml', 'e6'],
    ];
    for (const [k, v] of entries) index.add(k, v);
    const expectedOrder = [
      'a-b.yaml',
      'a/b.yaml',
      'z.yaml',
      '\u00e9.yaml',
      '\uFF5E.yaml',
      '\u{1F600}.yaml',
    ];
    assert.deepEqual(index.keys(), expectedOrder);
    const text = expectedOrder.map((k) => `${k} ${index.get(k) ?? ''}\n`).join('');
    assert.equal(index.toString(), text);
    assert.equal(index.digest(), `sha256:${createHash('sha256').update(text).digest('hex')}`);
  });

  it('changes with any etag, key addition or removal, and is empty-safe', () => {
    const index = new ObjectIndex();
    assert.equal(index.digest(), `sha256:${createHash('sha256').update('').digest('hex')}`);
    index.add('a', '1');
    const one = index.digest();
    index.add('a', '2');
    assert.notEqual(index.digest(), one);
    index.add('a', '1');
    assert.equal(index.digest(), one);
    index.add('b', '1');
    assert.notEqual(index.digest(), one);
    index.delete('b');
    assert.equal(index.digest(), one);
    assert.equal(index.size, 1);
  });
});

describe('parseDuration', () => {
  const cases: readonly [string, number][] = [
    ['60s', 60_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2h0m10s', 7_210_000],
  ];
  for (const [input, ms] of cases) {
    it(`parses ${input}`, () => assert.equal(parseDuration(input, 'spec.interval'), ms));
  }
  for (const bad of ['', '5', '5 m', '1d', 'm5', '-1s']) {
    it(`refuses '${bad}' naming the field`, () => {
      assert.throws(
        () => parseDuration(bad, 'spec.timeout', 'default/b'),
        /spec\.timeout: invalid duration/,
      );
    });
  }
});
