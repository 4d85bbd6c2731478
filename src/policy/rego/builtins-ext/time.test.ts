import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  callBuiltin,
  outcomeText,
  rowTests,
  testContext,
  type Row,
} from './testing/builtin-harness.js';

const RFC3339 = '2006-01-02T15:04:05Z07:00';
const T = 1670006453141828752n; // 2022-12-02T18:40:53.141828752Z, a Friday

// Expected values are what Go's time package (and so OPA) produces.
const ROWS: readonly Row[] = [
  ['time.parse_ns', [RFC3339, '2017-06-02T19:00:00-07:00'], '1496455200000000000'],
  ['time.parse_ns', [RFC3339, '1677-09-21T00:12:43.145224192-00:00'], '-9223372036854775808'],
  ['time.parse_ns', [RFC3339, '2262-04-11T23:47:16.854775807-00:00'], '9223372036854775807'],
  [
    'time.parse_ns',
    [RFC3339, '2262-04-11T23:47:16.854775808-00:00'],
    'ERR eval_builtin_error: time.parse_ns: time outside of valid range',
  ],
  [
    'time.parse_ns',
    ["01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700"],
    '1496455200000000000',
  ],
  ['time.parse_ns', ['02 Jan 06 15:04 -0700', '02 Jun 17 19:00 -0700'], '1496455200000000000'],
  ['time.parse_ns', ['RFC822Z', '02 Jun 17 19:00 -0700'], '1496455200000000000'],
  ['time.parse_ns', ['2006-01-02', '2020-02-29'], '1582934400000000000'],
  ['time.parse_ns', ['Jan _2 2006', 'Feb  3 2020'], '1580688000000000000'],
  ['time.parse_ns', ['Monday, January 2, 2006', 'tuesday, march 3, 2020'], '1583193600000000000'],
  ['time.parse_ns', ['2006-01-02 15:04:05.000', '2020-01-01 00:00:00.123'], '1577836800123000000'],
  ['time.parse_ns', ['2006-01-02 15:04:05', '2020-01-01 00:00:00.5'], '1577836800500000000'],
  ['time.parse_ns', ['2006-01-02 MST', '2020-01-01 UTC'], '1577836800000000000'],
  ['time.parse_ns', ['2006-002', '2020-060'], '1582934400000000000'],
  [
    'time.parse_ns',
    ['2006-01-02', '2021-02-29'],
    'ERR eval_builtin_error: time.parse_ns: parsing time "2021-02-29": day out of range',
  ],
  [
    'time.parse_ns',
    ['2006-01-02', '2021-13-01'],
    'ERR eval_builtin_error: time.parse_ns: parsing time "2021-13-01": month out of range',
  ],
  [
    'time.parse_ns',
    ['2006-01-02', 'x'],
    'ERR eval_builtin_error: time.parse_ns: parsing time "x" as "2006-01-02": cannot parse "x" as "2006"',
  ],
  [
    'time.parse_ns',
    ['2006-01-02', '2020-01-01 extra'],
    'ERR eval_builtin_error: time.parse_ns: parsing time "2020-01-01 extra": extra text: " extra"',
  ],
  ['time.parse_rfc3339_ns', ['1970-01-01T00:00:00-00:00'], '0'],
  ['time.parse_rfc3339_ns', ['2017-06-02T19:00:00.5+02:00'], '1496422800500000000'],
  [
    'time.parse_rfc3339_ns',
    ['2017-06-02'],
    'ERR eval_builtin_error: time.parse_rfc3339_ns: parsing time "2017-06-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"',
  ],
  ['time.parse_duration_ns', ['100ms'], '100000000'],
  ['time.parse_duration_ns', ['-1h2m3.5s'], '-3723500000000'],
  ['time.parse_duration_ns', ['1.5µs'], '1500'],
  ['time.parse_duration_ns', ['0'], '0'],
  [
    'time.parse_duration_ns',
    ['1d'],
    'ERR eval_builtin_error: time.parse_duration_ns: time: unknown unit "d" in duration "1d"',
  ],
  [
    'time.parse_duration_ns',
    ['10'],
    'ERR eval_builtin_error: time.parse_duration_ns: time: missing unit in duration "10"',
  ],
  [
    'time.parse_duration_ns',
    [''],
    'ERR eval_builtin_error: time.parse_duration_ns: time: invalid duration ""',
  ],
  ['time.date', [1517814000000000000n], '[2018,2,5]'],
  ['time.date', [[1517814000000000000n, 'America/Los_Angeles']], '[2018,2,4]'],
  ['time.date', [[1517832000000000000n, '']], '[2018,2,5]'],
  ['time.date', [-1n], '[1969,12,31]'],
  [
    'time.date',
    [158297760000000000000000n],
    'ERR eval_builtin_error: time.date: timestamp too big',
  ],
  ['time.date', [1.5], 'ERR eval_builtin_error: time.date: timestamp too big'],
  [
    'time.date',
    [[0, 'Nowhere/Land']],
    'ERR eval_builtin_error: time.date: unknown time zone Nowhere/Land',
  ],
  [
    'time.date',
    ['x'],
    'ERR eval_type_error: time.date: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string',
  ],
  ['time.clock', [[1517832000000000000n, 'America/New_York']], '[7,0,0]'],
  ['time.clock', [1582977600000000000n], '[12,0,0]'],
  ['time.weekday', [1517832000000000000n], '"Monday"'],
  ['time.weekday', [1518350400000000000n], '"Sunday"'],
  ['time.add_date', [1585852421593912000n, 3, 9, 12], '1705257221593912000'],
  ['time.add_date', [1585852421593912000n, -1, -1, -1], '1551465221593912000'],
  // Go normalises Jan 31 + 1 month (Feb 31) to Mar 3 (2021 is not a leap year).
  ['time.add_date', [1612051200000000000n, 0, 1, 0], '1614729600000000000'],
  [
    'time.add_date',
    [0, 2262, 1, 1],
    'ERR eval_builtin_error: time.add_date: time outside of valid range',
  ],
  [
    'time.add_date',
    [-9223372036854775808n, 0, 0, -1],
    'ERR eval_builtin_error: time.add_date: time outside of valid range',
  ],
  ['time.diff', [1583020800000000000n, 1580601600000000000n], '[0,0,28,0,0,0]'],
  ['time.diff', [1109635200000000000n, 1078012800000000000n], '[1,0,1,0,0,0]'],
  [
    'time.diff',
    [
      [61000000000n, 'UTC'],
      [0, 'Asia/Shanghai'],
    ],
    '[0,0,0,0,1,1]',
  ],
  ['time.format', [T], '"2022-12-02T18:40:53.141828752Z"'],
  ['time.format', [[T, 'Asia/Kolkata']], '"2022-12-03T00:10:53.141828752+05:30"'],
  [
    'time.format',
    [[T, 'Asia/Kolkata', 'Mon Jan 02 15:04:05 -0700 2006']],
    '"Sat Dec 03 00:10:53 +0530 2022"',
  ],
  ['time.format', [[T, 'Asia/Kolkata', 'RFC1123Z']], '"Sat, 03 Dec 2022 00:10:53 +0530"'],
  ['time.format', [[T, 'America/New_York', 'RFC1123']], '"Fri, 02 Dec 2022 13:40:53 EST"'],
  // Abbreviations as the tz database (Go) has them: letters where it has letters, else numeric.
  ['time.format', [[T, 'Asia/Kolkata', 'MST']], '"IST"'],
  ['time.format', [[T, 'Europe/Berlin', 'MST']], '"CET"'],
  ['time.format', [[1657843200000000000n, 'Europe/Berlin', 'MST']], '"CEST"'],
  ['time.format', [[T, 'America/Sao_Paulo', 'MST']], '"-03"'],
  ['time.format', [[T, 'Asia/Kathmandu', 'MST']], '"+0545"'],
  [
    'time.format',
    [[T, 'UTC', '3:04PM .000 ,999 Z07:00 -07 002 __2 _2 Jan January Mon Monday 06']],
    '"6:40PM .141 ,141 Z +00 336 336  2 Dec December Fri Friday 22"',
  ],
  ['time.format', [[0, 'UTC', 'RFC3339Nano']], '"1970-01-01T00:00:00Z"'],
];

describe('time built-ins', () => {
  rowTests(ROWS);

  it('time.now_ns is the evaluation clock, constant within an evaluation', () => {
    const ctx = testContext(1234567890123456789n);
    assert.equal(outcomeText(callBuiltin('time.now_ns', [], ctx)), '1234567890123456789');
    assert.equal(outcomeText(callBuiltin('time.now_ns', [], ctx)), '1234567890123456789');
  });

  it('test.sleep blocks for the duration and returns null', () => {
    const start = process.hrtime.bigint();
    assert.equal(outcomeText(callBuiltin('test.sleep', ['20ms'])), 'null');
    assert.ok(process.hrtime.bigint() - start >= 19_000_000n);
  });
});
