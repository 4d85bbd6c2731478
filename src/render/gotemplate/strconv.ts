// Go's strconv as templates need it: float formatting (exact, ties to even), quoting, unquoting and integer parsing.
import { goBytes, goString } from './bytes.js';

/** A strconv error, with Go's message ("strconv.ParseInt: parsing \"x\": invalid syntax"). */
export class NumError extends Error {
  constructor(
    readonly func: string,
    readonly num: string,
    readonly err: 'invalid syntax' | 'value out of range',
  ) {
    super(`strconv.${func}: parsing ${quote(num)}: ${err}`);
    this.name = 'NumError';
  }
}

/** Exact decimal digits of a finite non-negative float: value = 0.d1d2… × 10^dp. */
interface Decimal {
  d: string;
  dp: number;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** The mantissa and binary exponent of |f|: |f| = mant × 2^exp. */
function frexpExact(f: number): { mant: bigint; exp: number } {
  F64[0] = Math.abs(f);
  const bits = U64[0] as bigint;
  const e = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (e === 0) return { mant, exp: -1074 };
  mant |= 1n << 52n;
  return { mant, exp: e - 1075 };
}

function exactDecimal(f: number): Decimal {
  if (f === 0) return { d: '', dp: 0 };
  const { mant, exp } = frexpExact(f);
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return { d: digits.replace(/0+$/, ''), dp };
}

/** Rounds to nd digits, ties to even (Go's decimal.Round on an exact value). */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < x.d.length) up = true;
  else up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return { d: x.d.slice(0, nd).replace(/0+$/, ''), dp: x.d === '' ? 0 : x.dp };
  // Round up: add one at position nd-1, carrying.
  const ds = x.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && ds[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  ds[i] = String.fromCharCode((ds[i] as string).charCodeAt(0) + 1);
  return { d: ds.slice(0, i + 1).join(''), dp: x.dp };
}

/** The shortest digits that read back as f (what Go's shortest formatting uses). */
function shortestDecimal(f: number): Decimal {
  if (f === 0) return { d: '', dp: 0 };
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(f).toExponential());
  if (!m) return exactDecimal(f);
  const d = ((m[1] ?? '') + (m[2] ?? '')).replace(/0+$/, '');
  return { d, dp: Number(m[3]) + 1 };
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += d.d.length > 0 ? d.d[0] : '0';
  if (prec > 0) {
    s += '.';
    const m = Math.min(d.d.length, prec + 1);
    s += d.d.slice(1, m);
    s += '0'.repeat(Math.max(0, prec + 1 - Math.max(m, 1)));
  }
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  s += fmt;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  s += exp < 10 ? '0' + String(exp) : String(exp);
  return s;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    s += d.d.slice(0, m) + '0'.repeat(d.dp - m);
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += j >= 0 && j < d.d.length ? d.d[j] : '0';
    }
  }
  return s;
}

/** strconv.FormatFloat(f, fmt, prec, 64) for fmt e, E, f, g, G (and b, x via fallbacks). */
export function formatFloat(f: number, fmt: string, prec: number, bitSize = 64): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (bitSize === 32) f = Math.fround(f);
  const neg = f < 0 || Object.is(f, -0);
  if (fmt === 'b') return formatBinary(f, neg);
  if (fmt === 'x' || fmt === 'X') return formatHexFloat(f, neg, prec, fmt);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = bitSize === 32 ? shortest32(f) : shortestDecimal(f);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(digs.d.length - 1, 0);
        break;
      case 'f':
        prec = Math.max(digs.d.length - digs.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = digs.d.length;
        break;
    }
  } else {
    const exact = exactDecimal(f);
    switch (fmt) {
      case 'e':
      case 'E':
        digs = roundDecimal(exact, prec + 1);
        break;
      case 'f':
        digs = roundDecimal(exact, exact.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        digs = roundDecimal(exact, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > digs.d.length) prec = digs.d.length;
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > digs.dp) prec = digs.d.length;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
  return '%' + fmt;
}

function shortest32(f: number): Decimal {
  // The shortest digits that read back as the same float32.
  if (f === 0) return { d: '', dp: 0 };
  const a = Math.abs(f);
  for (let p = 1; p <= 9; p++) {
    const s = a.toExponential(p - 1);
    if (Math.fround(Number(s)) === a) {
      const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
      if (m) return { d: ((m[1] ?? '') + (m[2] ?? '')).replace(/0+$/, ''), dp: Number(m[3]) + 1 };
    }
  }
  return shortestDecimal(a);
}

function formatBinary(f: number, neg: boolean): string {
  const { mant, exp } = frexpExact(f);
  const e = f === 0 ? -1074 : exp;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

function formatHexFloat(f: number, neg: boolean, prec: number, fmt: string): string {
  let { mant, exp } = frexpExact(f);
  if (mant === 0n) exp = 0;
  else exp += 52;
  // Normalise so the leading 1 is at bit 60.
  mant <<= 8n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let s = (neg ? '-' : '') + '0' + fmt + String((mant >> 60n) & 1n);
  mant <<= 4n;
  mant &= (1n << 64n) - 1n;
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  s += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  s += exp < 10 ? '0' + String(exp) : String(exp);
  return s;
}

// ---- quoting ----

const PRINT_RE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint as strconv defines it (letters, marks, numbers, punctuation, symbols and U+0020). */
export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINT_RE.test(String.fromCodePoint(cp));
}

const GRAPHIC_EXTRA = new Set([
  0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
  0x200a, 0x202f, 0x205f, 0x3000,
]);

function escapeRune(cp: number, q: string, asciiOnly: boolean, graphicOnly: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (ch === q || ch === '\\') return '\\' + ch;
  if (asciiOnly) {
    if (cp < 0x80 && isPrint(cp)) return ch;
  } else if (isPrint(cp) || (graphicOnly && GRAPHIC_EXTRA.has(cp))) return ch;
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** strconv.Quote (and its ASCII-only and graphic variants). */
export function quote(s: string, asciiOnly = false, graphicOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    // A byte that is not UTF-8 (see bytes.ts) is written as \xNN, as Go does.
    if (cp >= 0xdc80 && cp <= 0xdcff) out += '\\x' + (cp - 0xdc00).toString(16);
    else out += escapeRune(cp, '"', asciiOnly, graphicOnly);
  }
  return out + '"';
}

/** strconv.QuoteRune. */
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || cp < 0 || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, "'", asciiOnly, false) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0xfeff) return false;
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    if ((cp < 0x20 && cp !== 9) || cp === 0x60 || cp === 0x7f) return false;
  }
  return true;
}

export class SyntaxError_ extends Error {
  constructor() {
    super('invalid syntax');
    this.name = 'SyntaxError';
  }
}

function unhex(c: string): number {
  const v = parseInt(c, 16);
  return Number.isNaN(v) || !/[0-9a-fA-F]/.test(c) ? -1 : v;
}

/**
 * strconv.UnquoteChar: decodes the first character or escape of s; \x and octal escapes are bytes
 * (`byte`), which a double-quoted string keeps as bytes (see bytes.ts).
 */
export function unquoteChar(s: string, q: string): { value: number; tail: string; byte?: boolean } {
  if (s.length === 0) throw new SyntaxError_();
  const c = s[0] as string;
  if (c === q && (q === "'" || q === '"')) throw new SyntaxError_();
  if (c !== '\\') {
    const cp = s.codePointAt(0) as number;
    return { value: cp, tail: s.slice(cp > 0xffff ? 2 : 1) };
  }
  if (s.length <= 1) throw new SyntaxError_();
  const e = s[1] as string;
  let tail = s.slice(2);
  switch (e) {
    case 'a':
      return { value: 7, tail };
    case 'b':
      return { value: 8, tail };
    case 'f':
      return { value: 12, tail };
    case 'n':
      return { value: 10, tail };
    case 'r':
      return { value: 13, tail };
    case 't':
      return { value: 9, tail };
    case 'v':
      return { value: 11, tail };
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (tail.length < n) throw new SyntaxError_();
      let v = 0;
      for (let j = 0; j < n; j++) {
        const x = unhex(tail[j] as string);
        if (x < 0) throw new SyntaxError_();
        v = v * 16 + x;
      }
      tail = tail.slice(n);
      if (e === 'x') return { value: v, tail, byte: true };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError_();
      return { value: v, tail };
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      let v = e.charCodeAt(0) - 48;
      if (tail.length < 2) throw new SyntaxError_();
      for (let j = 0; j < 2; j++) {
        const x = tail.charCodeAt(j) - 48;
        if (x < 0 || x > 7) throw new SyntaxError_();
        v = (v << 3) | x;
      }
      tail = tail.slice(2);
      if (v > 255) throw new SyntaxError_();
      return { value: v, tail, byte: true };
    }
    case '\\':
      return { value: 92, tail };
    case "'":
    case '"':
      if (e !== q) throw new SyntaxError_();
      return { value: e.charCodeAt(0), tail };
    default:
      throw new SyntaxError_();
  }
}

/** strconv.Unquote for "…", `…` and '…' literals. */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new SyntaxError_();
  const q = s[0] as string;
  if (q !== s[n - 1]) throw new SyntaxError_();
  const body = s.slice(1, n - 1);
  if (q === '`') {
    if (body.includes('`')) throw new SyntaxError_();
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") throw new SyntaxError_();
  if (body.includes('\n')) throw new SyntaxError_();
  if (!body.includes('\\') && !body.includes(q)) {
    if (q === '"') return body;
    if ([...body].length === 1) return body;
  }
  let out = '';
  let rest = body;
  let bytes = false;
  while (rest.length > 0) {
    const { value, tail, byte } = unquoteChar(rest, q);
    if (byte === true && value >= 0x80 && q === '"') {
      out += String.fromCharCode(0xdc00 + value);
      bytes = true;
    } else out += String.fromCodePoint(value);
    rest = tail;
    if (q === "'" && rest.length > 0) throw new SyntaxError_();
  }
  if (q === "'" && out.length === 0) throw new SyntaxError_();
  return bytes ? goString(goBytes(out)) : out;
}

// ---- integers ----

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function underscoreOK(s: string): boolean {
  // Go's rule: underscores only between digits (or after a base prefix).
  let saw = '^';
  let i = 0;
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1] as string)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, base, 64). */
export function parseUint(s: string, base = 0, bitSize = 64, fn = 'ParseUint'): bigint {
  if (s === '') throw new NumError(fn, s, 'invalid syntax');
  const s0 = s;
  let body = s;
  let b = base;
  let allowUnderscore = false;
  if (base === 0) {
    b = 10;
    if (s[0] === '0') {
      if (s.length >= 3 && /[bB]/.test(s[1] as string)) {
        b = 2;
        body = s.slice(2);
      } else if (s.length >= 3 && /[oO]/.test(s[1] as string)) {
        b = 8;
        body = s.slice(2);
      } else if (s.length >= 3 && /[xX]/.test(s[1] as string)) {
        b = 16;
        body = s.slice(2);
      } else {
        b = 8;
        body = s.slice(1);
      }
      allowUnderscore = true;
    } else allowUnderscore = true;
  }
  if (body === '' && b !== 8) throw new NumError(fn, s0, 'invalid syntax');
  let v = 0n;
  const bb = BigInt(b);
  const max = bitSize >= 64 ? UINT64_MAX : (1n << BigInt(bitSize)) - 1n;
  let sawUnderscore = false;
  for (const c of body) {
    if (c === '_' && allowUnderscore) {
      sawUnderscore = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= b) throw new NumError(fn, s0, 'invalid syntax');
    v = v * bb + BigInt(d);
    if (v > max) throw new NumError(fn, s0, 'value out of range');
  }
  if (sawUnderscore && !underscoreOK(s0)) throw new NumError(fn, s0, 'invalid syntax');
  return v;
}

/** strconv.ParseInt(s, base, bitSize). */
export function parseInt64(s: string, base = 0, bitSize = 64): bigint {
  if (s === '') throw new NumError('ParseInt', s, 'invalid syntax');
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  let u: bigint;
  try {
    u = parseUint(body, base, 64, 'ParseInt');
  } catch (e) {
    if (e instanceof NumError) throw new NumError('ParseInt', s, e.err);
    throw e;
  }
  const cutoff = 1n << BigInt(bitSize - 1);
  if (!neg && u >= cutoff) throw new NumError('ParseInt', s, 'value out of range');
  if (neg && u > cutoff) throw new NumError('ParseInt', s, 'value out of range');
  return neg ? -u : u;
}

export { INT64_MIN, INT64_MAX, UINT64_MAX };

const FLOAT_RE =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d+)?)$/;
const HEX_FLOAT_RE = /^[+-]?0[xX](?:[0-9a-fA-F_]*\.?[0-9a-fA-F_]*)[pP][+-]?\d+$/;

/** strconv.ParseFloat(s, 64). */
export function parseFloat64(s: string): number {
  const lower = s.toLowerCase();
  const body = lower.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  if (body === 'nan') return NaN;
  if (HEX_FLOAT_RE.test(s)) {
    const neg = s.startsWith('-');
    const m = /0[xX]([0-9a-fA-F_]*)\.?([0-9a-fA-F_]*)[pP]([+-]?\d+)$/.exec(s);
    if (!m) throw new NumError('ParseFloat', s, 'invalid syntax');
    const intPart = (m[1] ?? '').replace(/_/g, '');
    const frac = (m[2] ?? '').replace(/_/g, '');
    const mant = BigInt('0x' + (intPart + frac || '0'));
    const exp = Number(m[3]) - 4 * frac.length;
    const v = Number(mant) * Math.pow(2, exp);
    return neg ? -v : v;
  }
  if (!FLOAT_RE.test(s)) throw new NumError('ParseFloat', s, 'invalid syntax');
  if (s.includes('_') && !underscoreOK(s)) throw new NumError('ParseFloat', s, 'invalid syntax');
  const v = Number(s.replace(/_/g, ''));
  if (!Number.isFinite(v)) throw new NumError('ParseFloat', s, 'value out of range');
  return v;
}
