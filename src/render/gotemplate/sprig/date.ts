// Go's time.Time as templates see it (layout-based Format and Parse, Duration text, zones through
// Intl) and Sprig's date functions built on it.
import { jsonString } from '../json.js';
import { GoInt, GoObject, T, declareMethods, structType } from '../value.js';
import type { GoType, GoValue } from '../value.js';
import { GoError } from '../value.js';
import { fn } from './def.js';
import { zoneAbbreviations } from './zoneinfo.js';

/** A zone: its name (abbreviation) and offset east of UTC in seconds at a given instant. */
interface Zone {
  readonly name: string;
  readonly offset: number;
}

/** A location: UTC, the machine's Local, or an IANA zone resolved through Intl. */
export interface Location {
  readonly name: string;
  zoneAt(unixSec: number): Zone;
}

export const UTC: Location = { name: 'UTC', zoneAt: () => ({ name: 'UTC', offset: 0 }) };

function intlZone(tz: string | undefined, name: string): Location {
  const fmtShort = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' });
  const fmtOffset = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  return {
    name,
    zoneAt(unixSec: number): Zone {
      const d = new Date(unixSec * 1000);
      const off = fmtOffset.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
      const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(off);
      const offset = m
        ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60)
        : 0;
      const fromFile = tz === undefined ? undefined : zoneAbbreviations(tz)?.(offset);
      if (fromFile !== undefined) return { name: fromFile, offset };
      let abbr = fmtShort.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
      if (/^GMT[+-]/.test(abbr) || abbr === 'GMT') {
        // Go names zones without an abbreviation by their offset ("+03", "-0430").
        abbr =
          offset === 0 ? (tz === 'UTC' || tz === undefined ? 'UTC' : 'GMT') : offsetName(offset);
      }
      return { name: abbr, offset };
    },
  };
}

/** "+03", "-0430" (how tzdata names zones without an abbreviation); with `minutes`, always "+0300". */
function offsetName(offset: number, minutes = false): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = String(Math.floor(a / 3600)).padStart(2, '0');
  const m = Math.floor((a % 3600) / 60);
  return sign + h + (m === 0 && !minutes ? '' : String(m).padStart(2, '0'));
}

let local: Location | undefined;
/** The machine's local zone (Go's time.Local). */
export function localLocation(): Location {
  local ??= ((): Location => {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz === 'UTC' || tz === 'Etc/UTC' || tz === undefined)
      return { name: 'Local', zoneAt: (t) => UTC.zoneAt(t) };
    const z = intlZone(tz, 'Local');
    return { name: 'Local', zoneAt: (t) => z.zoneAt(t) };
  })();
  return local;
}

/** time.LoadLocation. */
export function loadLocation(name: string): Location {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localLocation();
  try {
    return intlZone(name, name);
  } catch {
    throw new GoError(`unknown time zone ${name}`);
  }
}

const timeStruct = structType('time.Time', [
  { name: 'wall', type: T.uint64 },
  { name: 'ext', type: T.int64 },
  { name: 'loc', type: T.any },
]);
export const timeType: GoType = timeStruct;

/** A time.Time: seconds since the Unix epoch, nanoseconds, and the location it is shown in. */
export class GoTime extends GoObject {
  readonly goType = timeStruct;
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly loc: Location,
    /** The monotonic clock reading String() shows for time.Now(), in seconds. */
    readonly mono?: number,
  ) {
    super();
  }
  zone(): Zone {
    return this.loc.zoneAt(this.sec);
  }
  /** Calendar fields in the time's zone. */
  fields(): {
    year: number;
    month: number;
    day: number;
    hour: number;
    min: number;
    sec: number;
    yday: number;
    wday: number;
  } {
    const z = this.zone();
    const d = new Date((this.sec + z.offset) * 1000);
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      min: d.getUTCMinutes(),
      sec: d.getUTCSeconds(),
      yday: Math.floor((d.getTime() - start) / 86400000) + 1,
      wday: d.getUTCDay(),
    };
  }
  isZero(): boolean {
    return this.sec === ZERO_SEC && this.nsec === 0;
  }
}

/** Unix seconds of Go's zero time (January 1, year 1, 00:00:00 UTC). */
const ZERO_SEC = -62135596800;

export function zeroTime(): GoTime {
  return new GoTime(ZERO_SEC, 0, UTC);
}

export function timeNow(): GoTime {
  const ms = Date.now();
  const hr = process.hrtime.bigint();
  const nsec = (ms % 1000) * 1e6 + Number(hr % 1000000n);
  return new GoTime(Math.floor(ms / 1000), nsec, localLocation(), Number(hr) / 1e9);
}

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
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

type Chunk =
  { kind: 'lit'; text: string } | { kind: 'std'; std: string; digits?: number; sep?: string };

/** Splits a Go layout into literal text and standard chunks (time.nextStdChunk). */
function layoutChunks(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let lit = '';
  const push = (std: string, extra: Partial<{ digits: number; sep: string }> = {}): void => {
    if (lit !== '') out.push({ kind: 'lit', text: lit });
    lit = '';
    out.push({ kind: 'std', std, ...extra });
  };
  let i = 0;
  const at = (s: string): boolean => layout.startsWith(s, i);
  const lowerNext = (j: number): boolean => {
    const c = layout[j];
    return c !== undefined && c >= 'a' && c <= 'z';
  };
  while (i < layout.length) {
    const c = layout[i] as string;
    if (c === 'J' && at('Jan')) {
      if (at('January')) {
        push('January');
        i += 7;
        continue;
      }
      if (!lowerNext(i + 3)) {
        push('Jan');
        i += 3;
        continue;
      }
    } else if (c === 'M') {
      if (at('Mon')) {
        if (at('Monday')) {
          push('Monday');
          i += 6;
          continue;
        }
        if (!lowerNext(i + 3)) {
          push('Mon');
          i += 3;
          continue;
        }
      }
      if (at('MST')) {
        push('MST');
        i += 3;
        continue;
      }
    } else if (c === '0') {
      const n = layout[i + 1];
      if (n !== undefined && n >= '1' && n <= '6') {
        push('0' + n);
        i += 2;
        continue;
      }
      if (at('002')) {
        push('002');
        i += 3;
        continue;
      }
    } else if (c === '1') {
      if (at('15')) {
        push('15');
        i += 2;
        continue;
      }
      push('1');
      i += 1;
      continue;
    } else if (c === '2') {
      if (at('2006')) {
        push('2006');
        i += 4;
        continue;
      }
      push('2');
      i += 1;
      continue;
    } else if (c === '_') {
      if (layout[i + 1] === '2') {
        if (layout.startsWith('2006', i + 1)) {
          lit += '_';
          push('2006');
          i += 5;
          continue;
        }
        push('_2');
        i += 2;
        continue;
      }
      if (at('__2')) {
        push('__2');
        i += 3;
        continue;
      }
    } else if (c === '3' || c === '4' || c === '5') {
      push(c);
      i += 1;
      continue;
    } else if (c === 'P' && layout[i + 1] === 'M') {
      push('PM');
      i += 2;
      continue;
    } else if (c === 'p' && layout[i + 1] === 'm') {
      push('pm');
      i += 2;
      continue;
    } else if (c === '-' || c === 'Z') {
      const found = ['070000', '07:00:00', '0700', '07:00', '07'].find((s) =>
        layout.startsWith(s, i + 1),
      );
      if (found !== undefined) {
        push(c + found);
        i += 1 + found.length;
        continue;
      }
    } else if ((c === '.' || c === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const ch = layout[i + 1] as string;
      let j = i + 1;
      while (j < layout.length && layout[j] === ch) j++;
      const nd = layout[j];
      if (!(nd !== undefined && nd >= '0' && nd <= '9')) {
        push(ch === '0' ? 'frac0' : 'frac9', { digits: j - (i + 1), sep: c });
        i = j;
        continue;
      }
    }
    lit += c;
    i++;
  }
  if (lit !== '') out.push({ kind: 'lit', text: lit });
  return out;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function formatZone(std: string, offset: number): string {
  if (std[0] === 'Z' && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = pad(Math.floor(a / 3600), 2);
  const m = pad(Math.floor((a % 3600) / 60), 2);
  const s = pad(a % 60, 2);
  switch (std.slice(1)) {
    case '070000':
      return sign + h + m + s;
    case '07:00:00':
      return `${sign}${h}:${m}:${s}`;
    case '0700':
      return sign + h + m;
    case '07:00':
      return `${sign}${h}:${m}`;
    default:
      return sign + h;
  }
}

/** time.Time.Format. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  const z = t.zone();
  let out = '';
  for (const c of layoutChunks(layout)) {
    if (c.kind === 'lit') {
      out += c.text;
      continue;
    }
    switch (c.std) {
      case 'January':
        out += LONG_MONTHS[f.month - 1];
        break;
      case 'Jan':
        out += (LONG_MONTHS[f.month - 1] as string).slice(0, 3);
        break;
      case 'Monday':
        out += LONG_DAYS[f.wday];
        break;
      case 'Mon':
        out += (LONG_DAYS[f.wday] as string).slice(0, 3);
        break;
      case 'MST':
        // A zone without a name (a fixed offset from Parse) prints as -0700.
        out += z.name !== '' ? z.name : offsetName(z.offset, true);
        break;
      case '01':
        out += pad(f.month, 2);
        break;
      case '02':
        out += pad(f.day, 2);
        break;
      case '03':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case '04':
        out += pad(f.min, 2);
        break;
      case '05':
        out += pad(f.sec, 2);
        break;
      case '06':
        out += pad(f.year % 100, 2);
        break;
      case '002':
        out += pad(f.yday, 3);
        break;
      case '__2':
        out += String(f.yday).padStart(3, ' ');
        break;
      case '15':
        out += pad(f.hour, 2);
        break;
      case '1':
        out += String(f.month);
        break;
      case '2006':
        out += f.year < 0 ? '-' + pad(-f.year, 4) : pad(f.year, 4);
        break;
      case '2':
        out += String(f.day);
        break;
      case '_2':
        out += String(f.day).padStart(2, ' ');
        break;
      case '3':
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case '4':
        out += String(f.min);
        break;
      case '5':
        out += String(f.sec);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case 'frac0':
        out += (c.sep ?? '.') + pad(t.nsec, 9).slice(0, c.digits);
        break;
      case 'frac9': {
        const digits = pad(t.nsec, 9).slice(0, c.digits).replace(/0+$/, '');
        if (digits !== '') out += (c.sep ?? '.') + digits;
        break;
      }
      default:
        out += formatZone(c.std, z.offset);
    }
  }
  return out;
}

/** time.Time.String(). */
export function timeString(t: GoTime): string {
  let s = formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
  if (t.mono !== undefined) {
    const m = t.mono;
    s += ` m=${m >= 0 ? '+' : '-'}${Math.abs(m).toFixed(9)}`;
  }
  return s;
}

// ---- durations ----

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** time.ParseDuration (nanoseconds as a bigint). */
export function parseDuration(s0: string): bigint {
  const orig = s0;
  let s = s0;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw new GoError(`time: invalid duration ${jsonLike(orig)}`);
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(\.([0-9]*))?/.exec(s) as RegExpExecArray;
    if ((m[1] ?? '') === '' && (m[3] ?? '') === '')
      throw new GoError(`time: invalid duration ${jsonLike(orig)}`);
    s = s.slice(m[0].length);
    const u = /^[^0-9.]+/.exec(s)?.[0] ?? '';
    if (u === '') throw new GoError(`time: missing unit in duration ${jsonLike(orig)}`);
    const unit = UNITS[u];
    if (unit === undefined)
      throw new GoError(`time: unknown unit ${jsonLike(u)} in duration ${jsonLike(orig)}`);
    s = s.slice(u.length);
    total += Number(`${m[1] || '0'}.${m[3] ?? '0'}`) * unit;
  }
  const v = BigInt(Math.round(total));
  return neg ? -v : v;
}

function jsonLike(s: string): string {
  return '"' + s + '"';
}

/** time.Duration.String(). */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  const u = neg ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    let prec: number;
    let unit: string;
    if (u < 1000n) return (neg ? '-' : '') + u.toString() + 'ns';
    if (u < 1000000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    out = fracString(u, prec) + unit;
  } else {
    const secs = u / 1000000000n;
    const frac = (u % 1000000000n).toString().padStart(9, '0').replace(/0+$/, '');
    out = String(secs % 60n) + (frac === '' ? '' : '.' + frac) + 's';
    const mins = secs / 60n;
    if (mins > 0n) {
      out = String(mins % 60n) + 'm' + out;
      const hours = mins / 60n;
      if (hours > 0n) out = String(hours) + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}

/** v / 10^prec as Go's fmtFrac+fmtInt print it (trailing zeros of the fraction dropped). */
function fracString(v: bigint, prec: number): string {
  const p = 10n ** BigInt(prec);
  const int = v / p;
  const frac = (v % p).toString().padStart(prec, '0').replace(/0+$/, '');
  return int.toString() + (frac === '' ? '' : '.' + frac);
}

// ---- parsing ----

/** time.ParseInLocation for the common layouts (numbers, month/day names, zones, fractions). */
export function parseTime(layout: string, value: string, loc: Location): GoTime {
  const chunks = layoutChunks(layout);
  let v = value;
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  const bad = (): never => {
    throw new GoError(
      `parsing time ${quoteGo(value)} as ${quoteGo(layout)}: cannot parse ${quoteGo(v)} as ${quoteGo(layout)}`,
    );
  };
  const num = (min: number, max: number): number => {
    const m = new RegExp(`^[0-9]{${min},${max}}`).exec(v);
    if (!m) bad();
    v = v.slice((m as RegExpExecArray)[0].length);
    return Number((m as RegExpExecArray)[0]);
  };
  const outOfRange = (what: string): never => {
    throw new GoError(`parsing time ${quoteGo(value)}: ${what} out of range`);
  };
  /** A number field Go checks as it reads it (month, hour, minute, second). */
  const ranged = (min: number, max: number, lo: number, hi: number, what: string): number => {
    const n = num(min, max);
    if (n < lo || n > hi) outOfRange(what);
    return n;
  };
  for (const c of chunks) {
    if (c.kind === 'lit') {
      if (!v.startsWith(c.text)) bad();
      v = v.slice(c.text.length);
      continue;
    }
    switch (c.std) {
      case '2006':
        year = num(4, 4);
        break;
      case '06':
        year = num(2, 2);
        year += year >= 69 ? 1900 : 2000;
        break;
      case '01':
        month = ranged(2, 2, 1, 12, 'month');
        break;
      case '1':
        month = ranged(1, 2, 1, 12, 'month');
        break;
      case 'January':
      case 'Jan': {
        const names = c.std === 'Jan' ? LONG_MONTHS.map((n) => n.slice(0, 3)) : LONG_MONTHS;
        const i = names.findIndex((n) => v.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) bad();
        month = i + 1;
        v = v.slice((names[i] as string).length);
        break;
      }
      case 'Monday':
      case 'Mon': {
        const names = c.std === 'Mon' ? LONG_DAYS.map((n) => n.slice(0, 3)) : LONG_DAYS;
        const i = names.findIndex((n) => v.toLowerCase().startsWith(n.toLowerCase()));
        if (i < 0) bad();
        v = v.slice((names[i] as string).length);
        break;
      }
      case '02':
        day = num(2, 2);
        break;
      case '_2':
        if (v[0] === ' ') v = v.slice(1);
        day = num(1, 2);
        break;
      case '2':
        day = num(1, 2);
        break;
      case '15':
        hour = ranged(2, 2, 0, 23, 'hour');
        break;
      case '03':
        hour = ranged(2, 2, 0, 12, 'hour');
        break;
      case '3':
        hour = ranged(1, 2, 0, 12, 'hour');
        break;
      case '04':
        min = ranged(2, 2, 0, 59, 'minute');
        break;
      case '4':
        min = ranged(1, 2, 0, 59, 'minute');
        break;
      case '05':
        sec = ranged(2, 2, 0, 59, 'second');
        break;
      case '5':
        sec = ranged(1, 2, 0, 59, 'second');
        break;
      case 'PM':
      case 'pm': {
        const p = v.slice(0, 2).toUpperCase();
        if (p !== 'AM' && p !== 'PM') bad();
        pm = p === 'PM';
        v = v.slice(2);
        break;
      }
      case 'frac0':
      case 'frac9': {
        const m = /^[.,]([0-9]+)/.exec(v);
        if (m) {
          nsec = Number(((m[1] ?? '') + '000000000').slice(0, 9));
          v = v.slice(m[0].length);
        } else if (c.std === 'frac0') bad();
        break;
      }
      case 'MST': {
        const m = /^[A-Z]{3,5}|^[+-][0-9]{2,4}/.exec(v);
        if (!m) bad();
        const zn = (m as RegExpExecArray)[0];
        if (zn === 'UTC' || zn === 'GMT') offset = 0;
        v = v.slice(zn.length);
        break;
      }
      default: {
        if (c.std[0] === 'Z' && v[0] === 'Z') {
          v = v.slice(1);
          offset = 0;
          break;
        }
        const m = /^([+-])([0-9]{2}):?([0-9]{2})?:?([0-9]{2})?/.exec(v);
        if (!m) bad();
        const mm = m as RegExpExecArray;
        offset =
          (mm[1] === '-' ? -1 : 1) *
          (Number(mm[2]) * 3600 + Number(mm[3] ?? 0) * 60 + Number(mm[4] ?? 0));
        v = v.slice(mm[0].length);
      }
    }
  }
  if (v !== '') throw new GoError(`parsing time ${quoteGo(value)}: extra text: ${quoteGo(v)}`);
  const daysIn =
    new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !leap(year) ? 1 : 0);
  if (day < 1 || day > daysIn) outOfRange('day');
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    else if (!pm && hour === 12) hour = 0;
  }
  const base = Date.UTC(year, month - 1, day, hour, min, sec) / 1000;
  const d = new Date(base * 1000);
  if (year < 100) d.setUTCFullYear(year);
  const utcSec = d.getTime() / 1000;
  if (offset !== undefined)
    return new GoTime(
      utcSec - offset,
      nsec,
      offset === 0 && loc === UTC ? UTC : fixedZone(offset, loc),
    );
  const z = loc.zoneAt(utcSec);
  return new GoTime(utcSec - z.offset, nsec, loc);
}

function leap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function fixedZone(offset: number, loc: Location): Location {
  if (loc.zoneAt(0).offset === offset) return loc;
  return { name: '', zoneAt: () => ({ name: '', offset }) };
}

function quoteGo(s: string): string {
  return jsonString(s, false);
}

// ---- the time.Time value's methods and Sprig's functions ----

function asTime(v: GoValue): GoTime | undefined {
  return v instanceof GoTime ? v : undefined;
}

declareMethods(timeStruct, {
  String: { params: [], result: T.string, call: (t: GoTime) => timeString(t) },
  Format: {
    params: [T.string],
    result: T.string,
    call: (t: GoTime, l: GoValue) => formatTime(t, l as string),
  },
  Unix: { params: [], result: T.int64, call: (t: GoTime) => BigInt(t.sec) },
  UnixNano: {
    params: [],
    result: T.int64,
    call: (t: GoTime) => BigInt(t.sec) * 1000000000n + BigInt(t.nsec),
  },
  UnixMilli: {
    params: [],
    result: T.int64,
    call: (t: GoTime) => BigInt(t.sec) * 1000n + BigInt(Math.floor(t.nsec / 1e6)),
  },
  Year: { params: [], result: T.int, call: (t: GoTime) => t.fields().year },
  Month: { params: [], result: T.int, call: (t: GoTime) => t.fields().month },
  Day: { params: [], result: T.int, call: (t: GoTime) => t.fields().day },
  Hour: { params: [], result: T.int, call: (t: GoTime) => t.fields().hour },
  Minute: { params: [], result: T.int, call: (t: GoTime) => t.fields().min },
  Second: { params: [], result: T.int, call: (t: GoTime) => t.fields().sec },
  Nanosecond: { params: [], result: T.int, call: (t: GoTime) => t.nsec },
  YearDay: { params: [], result: T.int, call: (t: GoTime) => t.fields().yday },
  IsZero: { params: [], result: T.bool, call: (t: GoTime) => t.isZero() },
  UTC: { params: [], result: timeStruct, call: (t: GoTime) => new GoTime(t.sec, t.nsec, UTC) },
  Local: {
    params: [],
    result: timeStruct,
    call: (t: GoTime) => new GoTime(t.sec, t.nsec, localLocation()),
  },
  Before: {
    params: [timeStruct],
    result: T.bool,
    call: (t: GoTime, o: GoValue) => cmpTime(t, o as GoTime) < 0,
  },
  After: {
    params: [timeStruct],
    result: T.bool,
    call: (t: GoTime, o: GoValue) => cmpTime(t, o as GoTime) > 0,
  },
  Equal: {
    params: [timeStruct],
    result: T.bool,
    call: (t: GoTime, o: GoValue) => cmpTime(t, o as GoTime) === 0,
  },
  MarshalJSON: {
    params: [],
    result: T.string,
    call: (t: GoTime) => jsonString(formatTime(t, '2006-01-02T15:04:05.999999999Z07:00')),
  },
});

function cmpTime(a: GoTime, b: GoTime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

function addDuration(t: GoTime, d: bigint): GoTime {
  const total = BigInt(t.sec) * 1000000000n + BigInt(t.nsec) + d;
  const sec = total / 1000000000n - (total % 1000000000n < 0n ? 1n : 0n);
  const nsec = Number(total - sec * 1000000000n);
  return new GoTime(Number(sec), nsec, t.loc);
}

/** A date argument as Sprig's dateInZone reads it (time.Time, or Unix seconds as int, int32, int64). */
function dateArg(date: GoValue): GoTime {
  const t = asTime(date);
  if (t) return t;
  if (
    date instanceof GoInt &&
    (date.type === T.int || date.type === T.int64 || date.type === T.int32)
  ) {
    return new GoTime(Number(date.v), 0, localLocation());
  }
  return timeNow();
}

function dateInZone(layout: string, date: GoValue, zone: string): string {
  let loc: Location;
  try {
    loc = loadLocation(zone);
  } catch {
    loc = UTC;
  }
  const t = dateArg(date);
  return formatTime(new GoTime(t.sec, t.nsec, loc), layout);
}

function durationRound(v: GoValue): string {
  let d = 0n;
  if (typeof v === 'string') {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt && v.type === T.int64) d = v.v;
  else if (v instanceof GoTime) {
    const now = timeNow();
    d = (BigInt(now.sec) - BigInt(v.sec)) * 1000000000n + BigInt(now.nsec - v.nsec);
  }
  let u = d < 0n ? -d : d;
  u = BigInt.asUintN(64, u);
  const hour = 3600n * 1000000000n;
  const steps: [bigint, string][] = [
    [hour * 24n * 365n, 'y'],
    [hour * 24n * 30n, 'mo'],
    [hour * 24n, 'd'],
    [hour, 'h'],
    [60n * 1000000000n, 'm'],
    [1000000000n, 's'],
  ];
  for (const [unit, name] of steps) if (u > unit) return String(u / unit) + name;
  return '0s';
}

const S = T.string;
const A = T.any;

export const dateFuncs = {
  ago: fn([A], S, (date: GoValue) => {
    const now = timeNow();
    const t =
      date instanceof GoTime
        ? date
        : date instanceof GoInt && (date.type === T.int || date.type === T.int64)
          ? new GoTime(Number(date.v), 0, UTC)
          : now;
    const ns = (BigInt(now.sec) - BigInt(t.sec)) * 1000000000n + BigInt(now.nsec - t.nsec);
    const rounded = ((ns + (ns >= 0n ? 500000000n : -500000000n)) / 1000000000n) * 1000000000n;
    return durationString(rounded);
  }),
  date: fn([S, A], S, (layout: string, date: GoValue) => dateInZone(layout, date, 'Local')),
  date_in_zone: fn([S, A, S], S, dateInZone),
  dateInZone: fn([S, A, S], S, dateInZone),
  date_modify: fn([S, timeStruct], timeStruct, (d: string, t: GoValue) => {
    try {
      return addDuration(t as GoTime, parseDuration(d));
    } catch {
      return t;
    }
  }),
  dateModify: fn([S, timeStruct], timeStruct, (d: string, t: GoValue) => {
    try {
      return addDuration(t as GoTime, parseDuration(d));
    } catch {
      return t;
    }
  }),
  must_date_modify: fn(
    [S, timeStruct],
    timeStruct,
    (d: string, t: GoValue) => addDuration(t as GoTime, parseDuration(d)),
    {
      errors: true,
    },
  ),
  mustDateModify: fn(
    [S, timeStruct],
    timeStruct,
    (d: string, t: GoValue) => addDuration(t as GoTime, parseDuration(d)),
    {
      errors: true,
    },
  ),
  duration: fn([A], S, (v: GoValue) => {
    let n = 0n;
    if (typeof v === 'string')
      n =
        /^[+-]?[0-9]+$/.test(v) && BigInt(v) < 2n ** 63n && BigInt(v) >= -(2n ** 63n)
          ? BigInt(v)
          : 0n;
    else if (v instanceof GoInt && v.type === T.int64) n = v.v;
    return durationString(BigInt.asIntN(64, n * 1000000000n));
  }),
  durationRound: fn([A], S, durationRound),
  htmlDate: fn([A], S, (date: GoValue) => dateInZone('2006-01-02', date, 'Local')),
  htmlDateInZone: fn([A, S], S, (date: GoValue, zone: string) =>
    dateInZone('2006-01-02', date, zone),
  ),
  now: fn([], timeStruct, timeNow),
  toDate: fn([S, S], timeStruct, (layout: string, s: string) => {
    try {
      return parseTime(layout, s, localLocation());
    } catch {
      return zeroTime();
    }
  }),
  mustToDate: fn(
    [S, S],
    timeStruct,
    (layout: string, s: string) => parseTime(layout, s, localLocation()),
    { errors: true },
  ),
  unixEpoch: fn([timeStruct], S, (t: GoValue) => String((t as GoTime).sec)),
};
