// Go's time package as the time.* built-ins need it: layouts (Parse/Format), durations, civil dates, IANA zones.
//
// An instant is { sec, nsec }: whole seconds since the Unix epoch (a safe JS integer) and
// nanoseconds 0..999,999,999. Zone offsets come from Intl (the tz database ICU ships with Node).

import { tzAbbreviation } from './tz-abbreviations.js';
import { lookupTable } from '../lookup-table.js';

export interface Instant {
  readonly sec: number;
  readonly nsec: number;
}

/** A resolved location: a name and a function from instant to offset (seconds east of UTC) and abbreviation. */
export interface Zone {
  readonly name: string;
  offsetAt(sec: number): number;
  abbrevAt(sec: number): string;
}

export const UTC: Zone = { name: 'UTC', offsetAt: () => 0, abbrevAt: () => 'UTC' };

const LONG_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));
export const LONG_DAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));

// ---------------------------------------------------------------------------------------------
// Civil calendar (proleptic Gregorian), after Howard Hinnant's days_from_civil / civil_from_days.

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** The broken-down wall clock of an instant in a zone. */
export interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nsec: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  /** 1-based day of the year. */
  readonly yday: number;
  readonly offset: number;
  readonly abbrev: string;
}

export function toCivil(t: Instant, zone: Zone): Civil {
  const offset = zone.offsetAt(t.sec);
  const local = t.sec + offset;
  const days = Math.floor(local / 86400);
  const secOfDay = local - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nsec: t.nsec,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    offset,
    abbrev: zone.abbrevAt(t.sec),
  };
}

/** Go's time.Date for a zone with a fixed or looked-up offset: normalises overflowing fields. */
export function fromCivil(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
  nsec: number,
  zone: Zone,
): Instant {
  // Normalise month into [1, 12], carrying into the year; days/hours/... carry through arithmetic.
  const m0 = month - 1;
  const y = year + Math.floor(m0 / 12);
  const m = (((m0 % 12) + 12) % 12) + 1;
  const carrySec = Math.floor(nsec / 1e9);
  const ns = nsec - carrySec * 1e9;
  const localSec =
    (daysFromCivil(y, m, 1) + day - 1) * 86400 + hour * 3600 + min * 60 + sec + carrySec;
  // Go: use the offset in effect at (local - offset), retrying once around transitions.
  let offset = zone.offsetAt(localSec);
  const again = zone.offsetAt(localSec - offset);
  if (again !== offset) offset = again;
  return { sec: localSec - offset, nsec: ns };
}

// ---------------------------------------------------------------------------------------------
// Zones

const zoneCache = new Map<string, Zone>();

function intlZone(name: string): Zone {
  let fmt: Intl.DateTimeFormat;
  let abbr: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    abbr = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const offsetAt = (sec: number): number => {
    const parts = fmt.formatToParts(new Date(sec * 1000));
    const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? '0');
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const local =
      daysFromCivil(year, get('month'), get('day')) * 86400 +
      get('hour') * 3600 +
      get('minute') * 60 +
      get('second');
    return local - sec;
  };
  const abbrevAt = (sec: number): string => {
    const known = tzAbbreviation(name, offsetAt(sec));
    if (known !== undefined) return known;
    const p =
      abbr.formatToParts(new Date(sec * 1000)).find((x) => x.type === 'timeZoneName')?.value ?? '';
    // ICU spells zones without a common abbreviation "GMT+5:30"; the tz database (and Go) "+0530".
    const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(p);
    if (m !== null) return `${m[1]}${m[2]!.padStart(2, '0')}${m[3] ?? ''}`;
    return p === 'GMT' && name !== 'GMT' && name !== 'Etc/GMT' ? 'GMT' : p;
  };
  return { name, offsetAt, abbrevAt };
}

/** Go's time.LoadLocation (with "" and "UTC" as UTC, "Local" as the process's zone). */
export function loadZone(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  const cached = zoneCache.get(name);
  if (cached !== undefined) return cached;
  const resolved = name === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : name;
  if (resolved === 'UTC' || resolved === 'Etc/UTC') return UTC;
  const z = intlZone(resolved);
  zoneCache.set(name, z);
  return z;
}

function fixedZone(name: string, offset: number): Zone {
  return { name, offsetAt: () => offset, abbrevAt: () => name };
}

// ---------------------------------------------------------------------------------------------
// Layouts

const enum Std {
  None = 0,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  Pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface Chunk {
  readonly prefix: string;
  readonly std: Std;
  /** Number of fractional digits and the separator for FracSecond*. */
  readonly digits: number;
  readonly sep: string;
  readonly suffix: string;
}

const STD_0X = [
  Std.ZeroMonth,
  Std.ZeroDay,
  Std.ZeroHour12,
  Std.ZeroMinute,
  Std.ZeroSecond,
  Std.Year,
];

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function startsWithLower(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 97 && c <= 122;
}

/** Go's nextStdChunk: the text before the first layout element, the element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  const mk = (i: number, std: Std, len: number, digits = 0, sep = ''): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    digits,
    sep,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const at = (s: string): boolean => layout.startsWith(s, i);
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return mk(i, Std.LongMonth, 7);
          if (!startsWithLower(layout.slice(i + 3))) return mk(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return mk(i, Std.LongWeekDay, 6);
          if (!startsWithLower(layout.slice(i + 3))) return mk(i, Std.WeekDay, 3);
        }
        if (at('MST')) return mk(i, Std.TZ, 3);
        break;
      case '0': {
        const d = layout.charCodeAt(i + 1);
        if (d >= 49 && d <= 54) return mk(i, STD_0X[d - 49]!, 2);
        if (at('002')) return mk(i, Std.ZeroYearDay, 3);
        break;
      }
      case '1':
        if (at('15')) return mk(i, Std.Hour, 2);
        return mk(i, Std.NumMonth, 1);
      case '2':
        if (at('2006')) return mk(i, Std.LongYear, 4);
        return mk(i, Std.Day, 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) return { ...mk(i + 1, Std.LongYear, 4) };
          return mk(i, Std.UnderDay, 2);
        }
        if (at('__2')) return mk(i, Std.UnderYearDay, 3);
        break;
      case '3':
        return mk(i, Std.Hour12, 1);
      case '4':
        return mk(i, Std.Minute, 1);
      case '5':
        return mk(i, Std.Second, 1);
      case 'P':
        if (at('PM')) return mk(i, Std.PM, 2);
        break;
      case 'p':
        if (at('pm')) return mk(i, Std.Pm, 2);
        break;
      case '-':
        if (at('-070000')) return mk(i, Std.NumSecondsTz, 7);
        if (at('-07:00:00')) return mk(i, Std.NumColonSecondsTZ, 9);
        if (at('-0700')) return mk(i, Std.NumTZ, 5);
        if (at('-07:00')) return mk(i, Std.NumColonTZ, 6);
        if (at('-07')) return mk(i, Std.NumShortTZ, 3);
        break;
      case 'Z':
        if (at('Z070000')) return mk(i, Std.ISO8601SecondsTZ, 7);
        if (at('Z07:00:00')) return mk(i, Std.ISO8601ColonSecondsTZ, 9);
        if (at('Z0700')) return mk(i, Std.ISO8601TZ, 5);
        if (at('Z07:00')) return mk(i, Std.ISO8601ColonTZ, 6);
        if (at('Z07')) return mk(i, Std.ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return mk(i, ch === '0' ? Std.FracSecond0 : Std.FracSecond9, j - i, j - (i + 1), c);
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, sep: '', suffix: '' };
}

/** Named layouts OPA accepts in place of a layout string. */
export const NAMED_LAYOUTS: Readonly<Record<string, string>> = lookupTable({
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
});

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/** Go's Time.Format. */
export function formatTime(t: Instant, zone: Zone, layout: string): string {
  const c = toCivil(t, zone);
  let out = '';
  let rest = layout;
  for (;;) {
    const ch = nextStdChunk(rest);
    out += ch.prefix;
    if (ch.std === Std.None) break;
    rest = ch.suffix;
    switch (ch.std) {
      case Std.Year:
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(c.year, 4);
        break;
      case Std.Month:
        out += SHORT_MONTHS[c.month - 1];
        break;
      case Std.LongMonth:
        out += LONG_MONTHS[c.month - 1];
        break;
      case Std.NumMonth:
        out += String(c.month);
        break;
      case Std.ZeroMonth:
        out += pad(c.month, 2);
        break;
      case Std.WeekDay:
        out += SHORT_DAYS[c.weekday];
        break;
      case Std.LongWeekDay:
        out += LONG_DAYS[c.weekday];
        break;
      case Std.Day:
        out += String(c.day);
        break;
      case Std.UnderDay:
        out += c.day < 10 ? ` ${c.day}` : String(c.day);
        break;
      case Std.ZeroDay:
        out += pad(c.day, 2);
        break;
      case Std.UnderYearDay:
        out += String(c.yday).padStart(3, ' ');
        break;
      case Std.ZeroYearDay:
        out += pad(c.yday, 3);
        break;
      case Std.Hour:
        out += pad(c.hour, 2);
        break;
      case Std.Hour12:
        out += String(c.hour % 12 === 0 ? 12 : c.hour % 12);
        break;
      case Std.ZeroHour12:
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case Std.Minute:
        out += String(c.minute);
        break;
      case Std.ZeroMinute:
        out += pad(c.minute, 2);
        break;
      case Std.Second:
        out += String(c.second);
        break;
      case Std.ZeroSecond:
        out += pad(c.second, 2);
        break;
      case Std.PM:
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.Pm:
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.TZ:
        if (c.abbrev !== '') out += c.abbrev;
        else {
          const zm = Math.trunc(c.offset / 60);
          out +=
            (zm < 0 ? '-' : '+') +
            pad(Math.floor(Math.abs(zm) / 60), 2) +
            pad(Math.abs(zm) % 60, 2);
        }
        break;
      case Std.FracSecond0:
      case Std.FracSecond9:
        out += formatNano(c.nsec, ch.digits, ch.std === Std.FracSecond9, ch.sep);
        break;
      default:
        out += formatOffset(c.offset, ch.std);
    }
  }
  return out;
}

function formatNano(nsec: number, digits: number, trim: boolean, sep: string): string {
  if (trim && (digits === 0 || nsec === 0)) return '';
  let s = pad(nsec, 9);
  if (digits < 9) s = s.slice(0, digits);
  if (trim) s = s.replace(/0+$/, '');
  return s === '' ? '' : sep + s;
}

function formatOffset(offset: number, std: Std): string {
  const iso =
    std === Std.ISO8601TZ ||
    std === Std.ISO8601ColonTZ ||
    std === Std.ISO8601SecondsTZ ||
    std === Std.ISO8601ShortTZ ||
    std === Std.ISO8601ColonSecondsTZ;
  if (offset === 0 && iso) return 'Z';
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let out = '+';
  if (zone < 0) {
    out = '-';
    zone = -zone;
    abs = -abs;
  }
  out += pad(Math.floor(zone / 60), 2);
  const colon =
    std === Std.ISO8601ColonTZ ||
    std === Std.NumColonTZ ||
    std === Std.ISO8601ColonSecondsTZ ||
    std === Std.NumColonSecondsTZ;
  if (colon) out += ':';
  if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) out += pad(zone % 60, 2);
  if (
    std === Std.ISO8601SecondsTZ ||
    std === Std.NumSecondsTz ||
    std === Std.NumColonSecondsTZ ||
    std === Std.ISO8601ColonSecondsTZ
  ) {
    if (std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

/** Go's quote() in time errors: a double-quoted string. */
function q(s: string): string {
  return JSON.stringify(s);
}

class ParseFailure extends Error {}

function cutspace(s: string): string {
  let i = 0;
  while (s[i] === ' ') i++;
  return s.slice(i);
}

/** Go's skip: consumes the layout's literal prefix from the value (spaces match runs of spaces). */
function skip(value: string, prefix: string): string {
  let v = value;
  let p = prefix;
  while (p.length > 0) {
    if (p[0] === ' ') {
      if (v.length > 0 && v[0] !== ' ') throw new ParseFailure();
      p = cutspace(p);
      v = cutspace(v);
      continue;
    }
    if (v.length === 0 || v[0] !== p[0]) throw new ParseFailure();
    p = p.slice(1);
    v = v.slice(1);
  }
  return v;
}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new ParseFailure();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new ParseFailure();
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + (s.charCodeAt(i) - 48);
  if (i === 0 || (fixed && i !== 3)) throw new ParseFailure();
  return [n, s.slice(i)];
}

function lookup(tab: readonly string[], val: string): [number, string] {
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) {
      return [i, val.slice(v.length)];
    }
  }
  throw new ParseFailure();
}

function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new ParseFailure();
  return Number(s);
}

function parseNanoseconds(value: string, nbytes: number): { ns: number; rangeErr: string } {
  if (value[0] !== '.' && value[0] !== ',') throw new ParseFailure();
  let n = nbytes;
  let v = value;
  if (n > 10) {
    v = v.slice(0, 10);
    n = 10;
  }
  const digits = v.slice(1, n);
  if (!/^[0-9]+$/.test(digits)) throw new ParseFailure();
  return { ns: Number(digits) * 10 ** (10 - n), rangeErr: '' };
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  const m = /^[0-9]+/.exec(value.slice(1));
  if (m === null) return 0;
  if (Number(m[0]) > 23) return 0;
  return 1 + m[0].length;
}

function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT'))
    return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let n = 0;
  while (n < 6 && n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  if (n === 5 && value[4] === 'T') return 5;
  if (n === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (n === 3) return 3;
  return 0;
}

/** Go's time.Parse; the local zone is UTC (as in OPA's usual deployment). Throws Go's error text. */
export function parseTime(layout: string, value: string): Instant {
  const alayout = layout;
  const avalue = value;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset: number | undefined;
  let zoneName = '';
  let amSet = false;
  let pmSet = false;
  let lay = layout;
  let val = value;
  for (;;) {
    const ch = nextStdChunk(lay);
    const stdstr = lay.slice(ch.prefix.length, lay.length - ch.suffix.length);
    try {
      val = skip(val, ch.prefix);
    } catch {
      throw new Error(
        `parsing time ${q(avalue)} as ${q(alayout)}: cannot parse ${q(val)} as ${q(ch.prefix)}`,
      );
    }
    if (ch.std === Std.None) {
      if (val.length !== 0) throw new Error(`parsing time ${q(avalue)}: extra text: ${q(val)}`);
      break;
    }
    lay = ch.suffix;
    const hold = val;
    let rangeErr = '';
    try {
      switch (ch.std) {
        case Std.Year: {
          if (val.length < 2) throw new ParseFailure();
          year = atoi(val.slice(0, 2));
          val = val.slice(2);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case Std.LongYear:
          if (val.length < 4 || !isDigitAt(val, 0)) throw new ParseFailure();
          year = atoi(val.slice(0, 4));
          val = val.slice(4);
          break;
        case Std.Month:
          [month, val] = lookup(SHORT_MONTHS, val);
          month++;
          break;
        case Std.LongMonth:
          [month, val] = lookup(LONG_MONTHS, val);
          month++;
          break;
        case Std.NumMonth:
        case Std.ZeroMonth:
          [month, val] = getnum(val, ch.std === Std.ZeroMonth);
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case Std.WeekDay:
          [, val] = lookup(SHORT_DAYS, val);
          break;
        case Std.LongWeekDay:
          [, val] = lookup(LONG_DAYS, val);
          break;
        case Std.Day:
        case Std.UnderDay:
        case Std.ZeroDay:
          if (ch.std === Std.UnderDay && val[0] === ' ') val = val.slice(1);
          [day, val] = getnum(val, ch.std === Std.ZeroDay);
          break;
        case Std.UnderYearDay:
        case Std.ZeroYearDay:
          for (let i = 0; i < 2; i++)
            if (ch.std === Std.UnderYearDay && val[0] === ' ') val = val.slice(1);
          [yday, val] = getnum3(val, ch.std === Std.ZeroYearDay);
          break;
        case Std.Hour:
          [hour, val] = getnum(val, false);
          if (hour < 0 || hour >= 24) rangeErr = 'hour';
          break;
        case Std.Hour12:
        case Std.ZeroHour12:
          [hour, val] = getnum(val, ch.std === Std.ZeroHour12);
          if (hour < 0 || hour > 12) rangeErr = 'hour';
          break;
        case Std.Minute:
        case Std.ZeroMinute:
          [min, val] = getnum(val, ch.std === Std.ZeroMinute);
          if (min < 0 || min >= 60) rangeErr = 'minute';
          break;
        case Std.Second:
        case Std.ZeroSecond: {
          [sec, val] = getnum(val, ch.std === Std.ZeroSecond);
          if (sec < 0 || sec >= 60) {
            rangeErr = 'second';
            break;
          }
          // A fractional second in the value but not in the layout.
          if (val.length >= 2 && (val[0] === '.' || val[0] === ',') && isDigitAt(val, 1)) {
            const next = nextStdChunk(lay).std;
            if (next === Std.FracSecond0 || next === Std.FracSecond9) break;
            let n = 2;
            while (n < val.length && isDigitAt(val, n)) n++;
            ({ ns: nsec, rangeErr } = parseNanoseconds(val, n));
            val = val.slice(n);
          }
          break;
        }
        case Std.PM:
        case Std.Pm: {
          if (val.length < 2) throw new ParseFailure();
          const p = val.slice(0, 2);
          val = val.slice(2);
          const [pm, am] = ch.std === Std.PM ? ['PM', 'AM'] : ['pm', 'am'];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else throw new ParseFailure();
          break;
        }
        case Std.TZ: {
          if (val.startsWith('UTC')) {
            utc = true;
            val = val.slice(3);
            break;
          }
          const n = parseTimeZone(val);
          if (n === 0) throw new ParseFailure();
          zoneName = val.slice(0, n);
          val = val.slice(n);
          break;
        }
        case Std.FracSecond0: {
          const ndigit = 1 + ch.digits;
          if (val.length < ndigit) throw new ParseFailure();
          ({ ns: nsec, rangeErr } = parseNanoseconds(val, ndigit));
          val = val.slice(ndigit);
          break;
        }
        case Std.FracSecond9: {
          if (val.length < 2 || (val[0] !== '.' && val[0] !== ',') || !isDigitAt(val, 1)) break;
          let i = 0;
          while (i + 1 < val.length && isDigitAt(val, i + 1)) i++;
          ({ ns: nsec, rangeErr } = parseNanoseconds(val, 1 + i));
          val = val.slice(1 + i);
          break;
        }
        default: {
          // Numeric and ISO 8601 zone offsets.
          const iso =
            ch.std === Std.ISO8601TZ ||
            ch.std === Std.ISO8601ShortTZ ||
            ch.std === Std.ISO8601ColonTZ ||
            ch.std === Std.ISO8601SecondsTZ ||
            ch.std === Std.ISO8601ColonSecondsTZ;
          if (iso && val[0] === 'Z') {
            val = val.slice(1);
            utc = true;
            break;
          }
          let parts: [string, string, string, string];
          const s = ch.std;
          if (s === Std.ISO8601ColonTZ || s === Std.NumColonTZ) {
            if (val.length < 6 || val[3] !== ':') throw new ParseFailure();
            parts = [val[0]!, val.slice(1, 3), val.slice(4, 6), '00'];
            val = val.slice(6);
          } else if (s === Std.NumShortTZ || s === Std.ISO8601ShortTZ) {
            if (val.length < 3) throw new ParseFailure();
            parts = [val[0]!, val.slice(1, 3), '00', '00'];
            val = val.slice(3);
          } else if (s === Std.ISO8601ColonSecondsTZ || s === Std.NumColonSecondsTZ) {
            if (val.length < 9 || val[3] !== ':' || val[6] !== ':') throw new ParseFailure();
            parts = [val[0]!, val.slice(1, 3), val.slice(4, 6), val.slice(7, 9)];
            val = val.slice(9);
          } else if (s === Std.ISO8601SecondsTZ || s === Std.NumSecondsTz) {
            if (val.length < 7) throw new ParseFailure();
            parts = [val[0]!, val.slice(1, 3), val.slice(3, 5), val.slice(5, 7)];
            val = val.slice(7);
          } else {
            if (val.length < 5) throw new ParseFailure();
            parts = [val[0]!, val.slice(1, 3), val.slice(3, 5), '00'];
            val = val.slice(5);
          }
          const [hr] = getnum(parts[1], true);
          const [mm] = getnum(parts[2], true);
          const [ss] = getnum(parts[3], true);
          if (hr > 24) rangeErr = 'time zone offset hour';
          if (mm > 60) rangeErr = 'time zone offset minute';
          if (ss > 60) rangeErr = 'time zone offset second';
          zoneOffset = (hr * 60 + mm) * 60 + ss;
          if (parts[0] === '-') zoneOffset = -zoneOffset;
          else if (parts[0] !== '+') throw new ParseFailure();
        }
      }
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      throw new Error(
        `parsing time ${q(avalue)} as ${q(alayout)}: cannot parse ${q(hold)} as ${q(stdstr)}`,
      );
    }
    if (rangeErr !== '') throw new Error(`parsing time ${q(avalue)}: ${rangeErr} out of range`);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let m = 0;
    let d = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365)
      throw new Error(`parsing time ${q(avalue)}: day-of-year out of range`);
    if (m === 0) {
      m = 1;
      let left = yday;
      while (left > daysIn(m, 2001)) {
        left -= daysIn(m, 2001);
        m++;
      }
      d = left;
    }
    if (month >= 0 && month !== m)
      throw new Error(`parsing time ${q(avalue)}: day-of-year does not match month`);
    month = m;
    if (day >= 0 && day !== d)
      throw new Error(`parsing time ${q(avalue)}: day-of-year does not match day`);
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year))
    throw new Error(`parsing time ${q(avalue)}: day out of range`);
  if (utc) return fromCivil(year, month, day, hour, min, sec, nsec, UTC);
  if (zoneOffset !== undefined)
    return fromCivil(year, month, day, hour, min, sec, nsec, fixedZone('', zoneOffset));
  if (zoneName !== '') {
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT'))
      offset = Number(zoneName.slice(3)) * 3600;
    return fromCivil(year, month, day, hour, min, sec, nsec, fixedZone(zoneName, offset));
  }
  return fromCivil(year, month, day, hour, min, sec, nsec, UTC);
}

// ---------------------------------------------------------------------------------------------
// Durations

const UNITS: Readonly<Record<string, bigint>> = lookupTable({
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
});

const MAX_INT64 = 9223372036854775807n;

/** Go's time.ParseDuration, as int64 nanoseconds. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = (): Error => new Error(`time: invalid duration ${q(orig)}`);
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw bad();
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const intPart = m[1]!;
    const frac = m[2];
    if (intPart === '' && (frac === undefined || frac === '')) throw bad();
    s = s.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(s);
    if (u === null) throw new Error(`time: missing unit in duration ${q(orig)}`);
    const unit = UNITS[u[0]];
    if (unit === undefined) throw new Error(`time: unknown unit ${q(u[0])} in duration ${q(orig)}`);
    s = s.slice(u[0].length);
    let v = BigInt(intPart === '' ? '0' : intPart) * unit;
    if (frac !== undefined && frac !== '') {
      // Go truncates the fractional part towards zero after scaling.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) throw bad();
  }
  return neg ? -total : total;
}
