// Table tests of Go-style duration parsing and formatting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['500ms', 500],
    ['1s', 1000],
    ['1.5s', 1500],
    ['1m30s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2h45m', 9_900_000],
    ['1000us', 1],
    ['1000µs', 1],
    ['1000μs', 1],
    ['1000000ns', 1],
    ['.5s', 500],
  ];
  for (const [text, want] of ok)
    it(`parses ${text}`, () => assert.equal(parseDuration(text), want));
  for (const bad of ['', '5', 'm', '1x', '1m 30s', 'abc', '1.2.3s', '-', '-5s', '+1s']) {
    it(`refuses ${JSON.stringify(bad)} naming the field`, () =>
      assert.throws(() => parseDuration(bad, 'spec.interval'), /spec\.interval: invalid duration/));
  }
});

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [500, '500ms'],
    [1000, '1s'],
    [90_000, '1m30s'],
    [600_000, '10m0s'],
    [3_600_000, '1h0m0s'],
    [9_900_500, '2h45m0.5s'],
    [-5000, '-5s'],
  ];
  for (const [ms, want] of cases)
    it(`formats ${ms} as ${want}`, () => assert.equal(formatDuration(ms), want));
});
