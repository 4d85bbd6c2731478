// time.* built-ins (and test.sleep) with Go's time semantics: layouts, zones, int64 nanosecond range.
import { T, type BuiltinDef, type RegoType } from '../builtin-types.js';
import { arr, NULL, num, numFromBigInt, str, type NumberValue, type Value } from '../value.js';
import {
  formatTime,
  fromCivil,
  LONG_DAYS,
  loadZone,
  NAMED_LAYOUTS,
  parseDuration,
  parseTime,
  toCivil,
  UTC,
  daysIn,
  type Instant,
  type Zone,
} from './go-time.js';
import { guarded, intArg, stringArg, typeErr } from './operands.js';

const MIN_NS = -9223372036854775808n;
const MAX_NS = 9223372036854775807n;
const BILLION = 1000000000n;

/** The exact integer value of a number, or undefined if it has a fraction. */
export function exactInteger(n: NumberValue): bigint | undefined {
  const direct = n.toBigInt();
  if (direct !== undefined) return direct;
  const { m, e } = n.toDecimal();
  if (e >= 0) return m * 10n ** BigInt(e);
  const div = 10n ** BigInt(-e);
  return m % div === 0n ? m / div : undefined;
}

function instantFromNs(ns: bigint): Instant {
  let sec = ns / BILLION;
  let nsec = ns % BILLION;
  if (nsec < 0n) {
    nsec += BILLION;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec) };
}

/** Go's toSafeUnixNano: the instant as int64 nanoseconds, or "time outside of valid range". */
function safeUnixNano(t: Instant): Value {
  const ns = BigInt(t.sec) * BILLION + BigInt(t.nsec);
  if (ns < MIN_NS || ns > MAX_NS) throw new Error('time outside of valid range');
  return numFromBigInt(ns);
}

interface ZonedTime {
  readonly t: Instant;
  readonly zone: Zone;
  readonly layout: string;
}

/** OPA's tzTime: a number of nanoseconds or [ns, zone?, layout?]. */
function tzTime(name: string, a: Value): ZonedTime {
  let nVal: Value;
  let zone = UTC;
  let layout = '';
  const wanted = 'either number (ns) or [number (ns), string (tz)]';
  if (a.kind === 'array') {
    if (a.length === 0) throw typeErr(name, 1, a, wanted);
    nVal = a.items[0]!;
    if (nVal.kind !== 'number') throw typeErr(name, 1, nVal, 'number');
    if (a.length > 1) {
      const tz = a.items[1]!;
      if (tz.kind !== 'string') throw typeErr(name, 1, tz, 'string');
      zone = loadZone(tz.value);
    }
    if (a.length > 2) {
      const lay = a.items[2]!;
      if (lay.kind !== 'string') throw typeErr(name, 1, lay, 'string');
      layout = lay.value;
    }
  } else if (a.kind === 'number') {
    nVal = a;
  } else {
    throw typeErr(name, 1, a, wanted);
  }
  const ns = exactInteger(nVal);
  if (ns === undefined || ns < MIN_NS || ns > MAX_NS) throw new Error('timestamp too big');
  return { t: instantFromNs(ns), zone, layout };
}

const TIME_ARG: RegoType = T.anyOf(T.number, T.tuple(T.number, T.string));

function zonedBuiltin(
  name: string,
  arg: RegoType,
  result: RegoType,
  f: (z: ZonedTime) => Value,
): BuiltinDef {
  return {
    name,
    args: [arg],
    result,
    impl: (args) => guarded(name, () => f(tzTime(name, args[0]!))),
  };
}

function compareInstants(a: Instant, b: Instant): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** time.diff after icza/gox, as OPA has it. */
function diff(a: ZonedTime, b: ZonedTime): Value {
  const zone = a.zone;
  let t1 = a.t;
  let t2 = b.t;
  if (compareInstants(t1, t2) > 0) [t1, t2] = [t2, t1];
  const c1 = toCivil(t1, zone);
  const c2 = toCivil(t2, zone);
  let year = c2.year - c1.year;
  let month = c2.month - c1.month;
  let day = c2.day - c1.day;
  let hour = c2.hour - c1.hour;
  let min = c2.minute - c1.minute;
  let sec = c2.second - c1.second;
  if (sec < 0) {
    sec += 60;
    min--;
  }
  if (min < 0) {
    min += 60;
    hour--;
  }
  if (hour < 0) {
    hour += 24;
    day--;
  }
  if (day < 0) {
    day += daysIn(c1.month, c1.year);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  return arr([year, month, day, hour, min, sec].map(num));
}

/** Blocks the thread; test.sleep exists for tests of caching and timeouts. */
function sleepNs(ns: bigint): void {
  const ms = Number(ns / 1000000n);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const TIME_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'time.now_ns',
    args: [],
    result: T.number,
    nondeterministic: true,
    impl: (_args, ctx) => numFromBigInt(ctx.nowNs),
  },
  {
    name: 'time.parse_ns',
    args: [T.string, T.string],
    result: T.number,
    impl: (args) => {
      const name = 'time.parse_ns';
      const layout = stringArg(name, args, 1);
      const value = stringArg(name, args, 2);
      return guarded(name, () => safeUnixNano(parseTime(NAMED_LAYOUTS[layout] ?? layout, value)));
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    args: [T.string],
    result: T.number,
    impl: (args) => {
      const value = stringArg('time.parse_rfc3339_ns', args, 1);
      return guarded('time.parse_rfc3339_ns', () =>
        safeUnixNano(parseTime(NAMED_LAYOUTS['RFC3339']!, value)),
      );
    },
  },
  {
    name: 'time.parse_duration_ns',
    args: [T.string],
    result: T.number,
    impl: (args) => {
      const value = stringArg('time.parse_duration_ns', args, 1);
      return numFromBigInt(guarded('time.parse_duration_ns', () => parseDuration(value)));
    },
  },
  zonedBuiltin(
    'time.format',
    T.anyOf(T.number, T.tuple(T.number, T.string), T.tuple(T.number, T.string, T.string)),
    T.string,
    (z) => {
      const layout =
        z.layout === '' ? NAMED_LAYOUTS['RFC3339Nano']! : (NAMED_LAYOUTS[z.layout] ?? z.layout);
      return str(formatTime(z.t, z.zone, layout));
    },
  ),
  zonedBuiltin('time.date', TIME_ARG, T.tuple(T.number, T.number, T.number), (z) => {
    const c = toCivil(z.t, z.zone);
    return arr([num(c.year), num(c.month), num(c.day)]);
  }),
  zonedBuiltin('time.clock', TIME_ARG, T.tuple(T.number, T.number, T.number), (z) => {
    const c = toCivil(z.t, z.zone);
    return arr([num(c.hour), num(c.minute), num(c.second)]);
  }),
  zonedBuiltin('time.weekday', TIME_ARG, T.string, (z) =>
    str(LONG_DAYS[toCivil(z.t, z.zone).weekday]!),
  ),
  {
    name: 'time.add_date',
    args: [T.number, T.number, T.number, T.number],
    result: T.number,
    impl: (args) => {
      const name = 'time.add_date';
      const z = guarded(name, () => tzTime(name, args[0]!));
      const years = intArg(name, args, 2);
      const months = intArg(name, args, 3);
      const days = intArg(name, args, 4);
      return guarded(name, () => {
        // Anything this far out is outside the int64 nanosecond range anyway.
        if (Math.abs(years) > 1e6 || Math.abs(months) > 1e7 || Math.abs(days) > 1e9) {
          throw new Error('time outside of valid range');
        }
        const c = toCivil(z.t, z.zone);
        const t = fromCivil(
          c.year + years,
          c.month + months,
          c.day + days,
          c.hour,
          c.minute,
          c.second,
          c.nsec,
          z.zone,
        );
        return safeUnixNano(t);
      });
    },
  },
  {
    name: 'time.diff',
    args: [TIME_ARG, TIME_ARG],
    result: T.tuple(T.number, T.number, T.number, T.number, T.number, T.number),
    impl: (args) =>
      guarded('time.diff', () =>
        diff(tzTime('time.diff', args[0]!), tzTime('time.diff', args[1]!)),
      ),
  },
  {
    name: 'test.sleep',
    args: [T.string],
    result: T.null,
    nondeterministic: true,
    impl: (args) => {
      const d = stringArg('test.sleep', args, 1);
      sleepNs(guarded('test.sleep', () => parseDuration(d)));
      return NULL;
    },
  },
];
