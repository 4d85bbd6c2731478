// Go's parsing and printing of the scalar types SOPS stores (strconv, time.RFC3339, sops.ToBytes),
// so typed values, the MAC and the timestamps agree with what sops computed.
import { goFormatFloatF } from '../yaml/index.js';
import { Comment, SopsTime, stringBytes, type Scalar } from './tree.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi on 64-bit Go: an optional sign and decimal digits, within int64. */
export function parseGoInt(text: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const v = BigInt(text);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/** strconv.ParseFloat(text, 64) for the forms Go accepts in decimal, plus inf and nan. */
export function parseGoFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(lower);
  if (m) {
    if (m[2] === 'nan') return m[1] === '' ? NaN : undefined;
    return m[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

/** strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 time as Go's time.Parse(time.RFC3339) does, and returns it formatted again
 * with time.RFC3339 (whole seconds; a zero offset written as Z), the text SOPS authenticates the
 * MAC with. Undefined when the text is no RFC 3339 time.
 */
export function parseRfc3339(text: string): string | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , zone, sign, zh, zm] = m;
  const month = Number(mo);
  const day = Number(d);
  const daysIn = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysIn) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return undefined;
  const base = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  if (zone === 'Z' || zone === 'z' || (Number(zh) === 0 && Number(zm) === 0)) return `${base}Z`;
  return `${base}${sign}${zh}:${zm}`;
}

/** sops.ToBytes: the bytes of a value that go into the MAC. */
export function macBytes(v: Scalar | Comment): Buffer {
  if (typeof v === 'string' || v instanceof Uint8Array) return stringBytes(v);
  if (typeof v === 'bigint') return Buffer.from(v.toString());
  if (typeof v === 'number') return Buffer.from(goFormatFloatF(v));
  if (typeof v === 'boolean') return Buffer.from(v ? 'True' : 'False');
  if (v instanceof SopsTime) return Buffer.from(v.text);
  if (v instanceof Comment) return Buffer.from(v.value);
  throw new TypeError('null values carry no MAC bytes');
}
