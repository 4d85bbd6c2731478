// units.parse and units.parse_bytes: SI / IEC unit suffixes computed exactly (OPA's units.go wording for errors).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError } from '../errors.js';
import { numFromBigInt, numFromDecimal, type Decimal } from '../value.js';
import { parseGoDecimal } from './numbers.js';
import { stringOperand } from './operands.js';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** OPA's extractNumAndUnit: the numeric prefix (with exponent) and the unit suffix. */
function splitNumberUnit(s: string): [string, string] {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-'))
        return [s.slice(0, i), s.slice(i)];
      if (next === '+' || next === '-') i++;
      continue;
    }
    if (!isDigit(c) && c !== '.' && c !== '+' && c !== '-') return [s.slice(0, i), s.slice(i)];
  }
  return [s, ''];
}

const K = 1000n;
const KI = 1024n;
const pow = (b: bigint, n: number): bigint => b ** BigInt(n);

/** Multipliers as exact decimals (value = m * 10^e). */
const SI_UNITS: ReadonlyMap<string, Decimal> = new Map<string, Decimal>([
  ['', { m: 1n, e: 0 }],
  ['m', { m: 1n, e: -3 }],
  ['k', { m: 1n, e: 3 }],
  ['K', { m: 1n, e: 3 }],
  ['M', { m: 1n, e: 6 }],
  ['g', { m: 1n, e: 9 }],
  ['G', { m: 1n, e: 9 }],
  ['t', { m: 1n, e: 12 }],
  ['T', { m: 1n, e: 12 }],
  ['p', { m: 1n, e: 15 }],
  ['P', { m: 1n, e: 15 }],
  ['e', { m: 1n, e: 18 }],
  ['E', { m: 1n, e: 18 }],
  ...(['k', 'm', 'g', 't', 'p', 'e'] as const).flatMap((u, i): Array<[string, Decimal]> => [
    [`${u}i`, { m: pow(KI, i + 1), e: 0 }],
    [`${u.toUpperCase()}i`, { m: pow(KI, i + 1), e: 0 }],
  ]),
]);

const BYTE_UNITS: ReadonlyMap<string, bigint> = new Map<string, bigint>([
  ['', 1n],
  ...(['k', 'm', 'g', 't', 'p', 'e'] as const).flatMap((u, i): Array<[string, bigint]> => [
    [u, pow(K, i + 1)],
    [`${u}b`, pow(K, i + 1)],
    [`${u}i`, pow(KI, i + 1)],
    [`${u}ib`, pow(KI, i + 1)],
  ]),
]);

function prepare(name: string, raw: string, what: string): [Decimal, string] {
  const s = raw.replaceAll('"', '');
  if (s.includes(' ')) throw builtinError(name, 'spaces not allowed in resource strings');
  const [numText, unit] = splitNumberUnit(s);
  if (numText === '') throw builtinError(name, `no ${what} provided`);
  const n = parseGoDecimal(numText);
  if (n === undefined) throw builtinError(name, `could not parse ${what} to a number`);
  return [n.toDecimal(), unit];
}

export const UNITS_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'units.parse',
    args: [T.string],
    result: T.number,
    impl: ([v]) => {
      const [d, rawUnit] = prepare('units.parse', stringOperand('units.parse', v!, 1), 'amount');
      // Only the letters after the first are lower-cased, so "m" (milli) and "M" (mega) differ.
      const unit = rawUnit.length > 1 ? rawUnit[0]! + rawUnit.slice(1).toLowerCase() : rawUnit;
      const mult = SI_UNITS.get(unit);
      if (mult === undefined) throw builtinError('units.parse', `unit ${unit} not recognized`);
      return numFromDecimal({ m: d.m * mult.m, e: d.e + mult.e });
    },
  },
  {
    name: 'units.parse_bytes',
    args: [T.string],
    result: T.number,
    impl: ([v]) => {
      const [d, rawUnit] = prepare(
        'units.parse_bytes',
        stringOperand('units.parse_bytes', v!, 1),
        'byte amount',
      );
      const unit = rawUnit.toLowerCase();
      const mult = BYTE_UNITS.get(unit);
      if (mult === undefined)
        throw builtinError('units.parse_bytes', `byte unit ${unit} not recognized`);
      // Truncated to an integer number of bytes.
      const m = d.m * mult;
      const total = d.e >= 0 ? m * 10n ** BigInt(d.e) : m / 10n ** BigInt(-d.e);
      return numFromBigInt(total);
    },
  },
];
