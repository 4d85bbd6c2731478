// Plain-scalar resolution as go-yaml does it: v3 rules for reading input, v2 rules for deciding quoting on output.

/** The Go value a plain scalar resolves to. */
export type Resolved =
  | { readonly tag: 'str'; readonly value: string }
  | { readonly tag: 'null'; readonly value: null }
  | { readonly tag: 'bool'; readonly value: boolean }
  | { readonly tag: 'int'; readonly value: number | bigint }
  | { readonly tag: 'float'; readonly value: number }
  | { readonly tag: 'timestamp'; readonly value: string }
  | { readonly tag: 'merge'; readonly value: string };

const V3_MAP = new Map<string, Resolved>();
const V2_MAP = new Map<string, Resolved>();
function addAll(m: Map<string, Resolved>, r: Resolved, words: readonly string[]): void {
  for (const w of words) m.set(w, r);
}
for (const m of [V3_MAP, V2_MAP]) {
  addAll(m, { tag: 'bool', value: true }, ['true', 'True', 'TRUE']);
  addAll(m, { tag: 'bool', value: false }, ['false', 'False', 'FALSE']);
  addAll(m, { tag: 'null', value: null }, ['', '~', 'null', 'Null', 'NULL']);
  addAll(m, { tag: 'float', value: NaN }, ['.nan', '.NaN', '.NAN']);
  addAll(m, { tag: 'float', value: Infinity }, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
  addAll(m, { tag: 'float', value: -Infinity }, ['-.inf', '-.Inf', '-.INF']);
  addAll(m, { tag: 'merge', value: '<<' }, ['<<']);
}
// YAML 1.1 booleans that go-yaml v2 still recognises (so it quotes such strings on output).
addAll(V2_MAP, { tag: 'bool', value: true }, ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
addAll(V2_MAP, { tag: 'bool', value: false }, ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function hint(c: string): string {
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go strconv.ParseInt/ParseUint with base 0 (sign, 0x, 0o, 0b, legacy leading-0 octal). */
function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    if (!signed) return undefined;
    neg = s[0] === '-';
    i = 1;
  }
  let body = s.slice(i);
  let base = 10;
  if (/^0[xX]/.test(body)) {
    base = 16;
    body = body.slice(2);
  } else if (/^0[oO]/.test(body)) {
    base = 8;
    body = body.slice(2);
  } else if (/^0[bB]/.test(body)) {
    base = 2;
    body = body.slice(2);
  } else if (body.length > 1 && body[0] === '0') {
    base = 8;
    body = body.slice(1);
  }
  if (body === '') return undefined;
  const digits =
    base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(body)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let v = BigInt(prefix + body);
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

function intResult(v: bigint): Resolved {
  const n = Number(v);
  return { tag: 'int', value: Number.isSafeInteger(n) ? n : v };
}

const TIMESTAMP = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?()$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})()()()()()$/,
];

function isTimestamp(s: string): boolean {
  // go-yaml only tries timestamps when the text starts with four digits and a dash.
  if (!/^\d{4}-/.test(s)) return false;
  return goTimestampJson(s) !== undefined;
}

const pad = (n: string | number, w = 2): string => String(n).padStart(w, '0');

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** strconv.ParseFloat as go-yaml uses it: a number out of float64 range is not a float. */
function goFloat(s: string): Resolved | undefined {
  const f = Number(s);
  return Number.isFinite(f) ? { tag: 'float', value: f } : undefined;
}

/**
 * The text Go's encoding/json writes for a YAML timestamp (time.Time, RFC 3339 with nanoseconds), or undefined
 * when go-yaml would not read `s` as a timestamp.
 */
export function goTimestampJson(s: string): string | undefined {
  for (const re of TIMESTAMP) {
    const m = re.exec(s);
    if (!m) continue;
    const [, y, mo, d, h = '', mi = '', se = '', frac = '', zone = ''] = m;
    const month = Number(mo);
    const day = Number(d);
    // Go's time.Parse checks the day against the month (and leap years).
    if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(y), month)) return undefined;
    if (h !== '' && (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59)) return undefined;
    let out = `${y}-${pad(month)}-${pad(day)}T${pad(h || 0)}:${pad(mi || 0)}:${pad(se || 0)}`;
    // Nanoseconds: digits past the ninth are dropped.
    const f = frac.slice(0, 9).replace(/0+$/, '');
    if (f !== '') out += '.' + f;
    out += zone === '' || zone === 'Z' || zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
    return out;
  }
  return undefined;
}

function resolveWith(map: Map<string, Resolved>, s: string): Resolved {
  const h = s === '' ? 'N' : hint(s[0] ?? '');
  if (h !== '') {
    const item = map.get(s);
    if (item) return item;
    if (h === '.') {
      const f = YAML_STYLE_FLOAT.test(s) ? goFloat(s) : undefined;
      if (f) return f;
    } else if (h === 'D' || h === 'S') {
      if (isTimestamp(s)) return { tag: 'timestamp', value: s };
      const plain = s.replaceAll('_', '');
      const iv = parseGoInt(plain, true) ?? parseGoInt(plain, false);
      if (iv !== undefined) return intResult(iv);
      const f = YAML_STYLE_FLOAT.test(plain) ? goFloat(plain) : undefined;
      if (f) return f;
      if (plain.startsWith('-0b')) {
        const b = /^[01]+$/.test(plain.slice(3)) ? -BigInt('0b' + plain.slice(3)) : undefined;
        if (b !== undefined && b >= INT64_MIN) return intResult(b);
      }
    }
  }
  return { tag: 'str', value: s };
}

/** What go-yaml v3 decodes an untagged plain scalar into. */
export function resolveV3(s: string): Resolved {
  return resolveWith(V3_MAP, s);
}

/** go-yaml v2's verdict for a string: may it be written plain, or would it read back as something else? */
export function v2StringNeedsQuotes(s: string): boolean {
  const r = resolveWith(V2_MAP, s);
  return r.tag !== 'str' || BASE60_FLOAT.test(s);
}

/** Resolution as go-yaml v2 reads JSON number text (used for number normalisation on output). */
export function resolveV2(s: string): Resolved {
  return resolveWith(V2_MAP, s);
}
