// Sprig's string functions (strings.go, goutils, xstrings), byte-for-byte with their Go versions.
import { randomInt } from 'node:crypto';
import { sprintf } from '../fmt.js';
import {
  fromRunes,
  goToLower,
  goToUpper,
  isDigit,
  isLetter,
  isLower,
  isNumber,
  isPunct,
  isSpace,
  isTitle,
  isUpper,
  runeToLower,
  runeToTitle,
  runeToUpper,
  runesOf,
  trimSpace,
} from '../unicode.js';
import {
  GoInt,
  T,
  T2,
  byteLength,
  goStringCompare,
  newGoMap,
  typeOf,
  typedSlice,
  goBytes,
  goString,
} from '../value.js';
import type { GoFunc, GoValue } from '../value.js';
import { strval } from './cast.js';
import { GoPanic, fn } from './def.js';
import { base32Decode, base32Encode, base64Decode } from './encoding.js';

const utf8 = goBytes;
const text = goString;

/** Go's s[i:j] on a string's bytes, with Go's panic when out of range. */
function byteSlice(s: string, i: number, j?: number): string {
  const b = utf8(s);
  const end = j ?? b.length;
  if (end > b.length)
    throw new GoPanic(`runtime error: slice bounds out of range [:${end}] with length ${b.length}`);
  if (i > end) throw new GoPanic(`runtime error: slice bounds out of range [${i}:${end}]`);
  if (i < 0) throw new GoPanic(`runtime error: slice bounds out of range [${i}:]`);
  return text(b.subarray(i, end));
}

/** Go's strings.Split (an empty separator splits after each UTF-8 sequence). */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const rs = Array.from(s);
    if (n < 0 || n >= rs.length) return rs;
    return [...rs.slice(0, n - 1), rs.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** strings.Trim(s, cutset). */
function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const cut = new Set(runesOf(cutset));
  const rs = runesOf(s);
  let i = 0;
  let j = rs.length;
  while (i < j && cut.has(rs[i] as number)) i++;
  while (j > i && cut.has(rs[j - 1] as number)) j--;
  return fromRunes(rs.slice(i, j));
}

/** strings.Title (deprecated in Go, still what Sprig's title does). */
function title(s: string): string {
  let prev = 0x20;
  const out: number[] = [];
  for (const r of runesOf(s)) {
    out.push(isSeparator(prev) ? runeToTitle(r) : r);
    prev = r;
  }
  return fromRunes(out);
}
function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if (
      (r >= 0x30 && r <= 0x39) ||
      (r >= 0x61 && r <= 0x7a) ||
      (r >= 0x41 && r <= 0x5a) ||
      r === 0x5f
    )
      return false;
    return true;
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

function untitle(s: string): string {
  if (s === '') return s;
  const rs = runesOf(s);
  let next = true;
  for (let i = 0; i < rs.length; i++) {
    const ch = rs[i] as number;
    if (isSpace(ch)) next = true;
    else if (next) {
      rs[i] = runeToLower(ch);
      next = false;
    }
  }
  return fromRunes(rs);
}

function swapcase(s: string): string {
  if (s === '') return s;
  const rs = runesOf(s);
  let whitespace = true;
  for (let i = 0; i < rs.length; i++) {
    const ch = rs[i] as number;
    if (isUpper(ch) || isTitle(ch)) {
      rs[i] = runeToLower(ch);
      whitespace = false;
    } else if (isLower(ch)) {
      if (whitespace) {
        rs[i] = runeToTitle(ch);
        whitespace = false;
      } else rs[i] = runeToUpper(ch);
    } else whitespace = isSpace(ch);
  }
  return fromRunes(rs);
}

/** goutils.Initials: walks the bytes (non-ASCII text comes out as Latin-1 runes, as in Go). */
function initials(s: string): string {
  if (s === '') return s;
  let out = '';
  let lastWasGap = true;
  for (const b of utf8(s)) {
    if (isSpace(b)) lastWasGap = true;
    else if (lastWasGap) {
      out += String.fromCharCode(b);
      lastWasGap = false;
    }
  }
  return out;
}

/** goutils.DeleteWhiteSpace: byte-wise like initials. */
function nospace(s: string): string {
  if (s === '') return s;
  const b = utf8(s);
  let out = '';
  let count = 0;
  for (const c of b) {
    if (!isSpace(c)) {
      out += String.fromCharCode(c);
      count++;
    }
  }
  return count === b.length ? s : out;
}

function abbreviateFull(str: string, offset0: number, maxWidth: number): string {
  if (str === '') return '';
  if (maxWidth < 4) return '';
  const b = utf8(str);
  const len = b.length;
  if (len <= maxWidth) return str;
  let offset = offset0;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return text(b.subarray(0, maxWidth - 3)) + '...';
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < len)
    return '...' + abbreviateFull(text(b.subarray(offset)), 0, maxWidth - 3);
  return '...' + text(b.subarray(len - (maxWidth - 3)));
}

/** goutils.WrapCustom over bytes. */
function wrapCustom(
  str: string,
  wrapLength0: number,
  newLine0: string,
  wrapLongWords: boolean,
): string {
  if (str === '') return '';
  const newLine = newLine0 === '' ? '\n' : newLine0;
  const wrapLength = wrapLength0 < 1 ? 1 : wrapLength0;
  const s = utf8(str);
  const inputLen = s.length;
  let offset = 0;
  const parts: Buffer[] = [];
  const nl = utf8(newLine);
  while (inputLen - offset > wrapLength) {
    if (s[offset] === 0x20) {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const spaceToWrapAt = s.subarray(offset, end).lastIndexOf(0x20) + offset;
    if (spaceToWrapAt >= offset) {
      parts.push(s.subarray(offset, spaceToWrapAt), nl);
      offset = spaceToWrapAt + 1;
    } else if (wrapLongWords) {
      const e = wrapLength + offset;
      parts.push(s.subarray(offset, e), nl);
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const index = s.subarray(e).indexOf(0x20);
      if (index === -1) {
        parts.push(s.subarray(offset));
        offset = inputLen;
      } else {
        const at = index + e;
        parts.push(s.subarray(offset, at), nl);
        offset = at + 1;
      }
    }
  }
  parts.push(s.subarray(offset));
  return text(Buffer.concat(parts));
}

// ---- xstrings ----

function isConnector(r: number): boolean {
  return r === 0x2d || r === 0x5f || isSpace(r);
}
function isAlphabet(r: number): boolean {
  if (!isLetter(r)) return false;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** xstrings' camel case (ToPascalCase when big), quirks included ("--" gives "---"). */
function toCamelCase(str: string, isBig: boolean): string {
  if (str === '') return '';
  const rs = runesOf(str);
  const out: number[] = [];
  let i = 0;
  let isFirstRuneUpper = false;
  let r0 = 0;
  while (i < rs.length) {
    r0 = rs[i++] as number;
    if (!isConnector(r0)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = isBig ? runeToUpper(r0) : runeToLower(r0);
      break;
    }
    out.push(r0);
  }
  if (i >= rs.length) {
    out.push(r0);
    return fromRunes(out);
  }
  while (i < rs.length) {
    const r1 = r0;
    r0 = rs[i++] as number;
    if (isConnector(r0) && isConnector(r1)) {
      out.push(r1);
      continue;
    }
    if (isConnector(r1)) {
      isFirstRuneUpper = isUpper(r0);
      r0 = runeToUpper(r0);
    } else {
      if (isFirstRuneUpper) {
        if (isUpper(r0)) r0 = runeToLower(r0);
        else isFirstRuneUpper = false;
      }
      out.push(r1);
    }
  }
  if (isFirstRuneUpper && !isBig) r0 = runeToLower(r0);
  out.push(r0);
  return fromRunes(out);
}

const W = {
  invalid: 0,
  number: 1,
  upper: 2,
  alphabet: 3,
  connector: 4,
  punct: 5,
  other: 6,
} as const;
type WordType = (typeof W)[keyof typeof W];

function nextWord(
  rs: readonly number[],
  from: number,
): { wt: WordType; start: number; end: number } {
  if (from >= rs.length) return { wt: W.invalid, start: from, end: from };
  let i = from;
  const r = rs[i] as number;
  i++;
  const runWhile = (pred: (c: number) => boolean): void => {
    while (i < rs.length && pred(rs[i] as number)) i++;
  };
  let wt: WordType;
  if (isConnector(r)) {
    wt = W.connector;
    runWhile(isConnector);
  } else if (isPunct(r)) {
    wt = W.punct;
    runWhile(isPunct);
  } else if (isUpper(r)) {
    wt = W.upper;
    if (i < rs.length) {
      const r2 = rs[i] as number;
      if (isUpper(r2)) {
        i++;
        runWhile(isUpper);
        if (i < rs.length && isAlphabet(rs[i] as number)) i--;
      } else if (isAlphabet(r2)) {
        i++;
        runWhile((c) => isAlphabet(c) && !isUpper(c));
      }
    }
  } else if (isAlphabet(r)) {
    wt = W.alphabet;
    runWhile((c) => isAlphabet(c) && !isUpper(c));
  } else if (isNumber(r)) {
    wt = W.number;
    runWhile(isNumber);
  } else {
    wt = W.other;
    runWhile((c) => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)));
  }
  return { wt, start: from, end: i };
}

/** xstrings.ToSnakeCase / ToKebabCase. */
function camelCaseToLowerCase(str: string, connector: number): string {
  if (str === '') return '';
  const rs = runesOf(str);
  const out: number[] = [];
  const lower = (wt: WordType, start: number, end: number): void => {
    if (wt !== W.upper && wt !== W.connector) {
      for (let k = start; k < end; k++) out.push(rs[k] as number);
      return;
    }
    for (let k = start; k < end; k++) {
      const c = rs[k] as number;
      if (isConnector(c)) out.push(connector);
      else if (isUpper(c)) out.push(runeToLower(c));
      else out.push(c);
    }
  };
  let w = nextWord(rs, 0);
  while (w.end < rs.length) {
    if (w.wt !== W.connector) lower(w.wt, w.start, w.end);
    const prev = w.wt;
    const last = w;
    w = nextWord(rs, w.end);
    switch (prev) {
      case W.number:
        while (w.wt === W.alphabet || w.wt === W.number) {
          lower(w.wt, w.start, w.end);
          w = nextWord(rs, w.end);
        }
        if (w.wt !== W.invalid && w.wt !== W.punct && w.wt !== W.connector) out.push(connector);
        break;
      case W.connector:
        lower(prev, last.start, last.end);
        break;
      case W.punct:
        break;
      default: {
        if (w.wt !== W.number) {
          if (w.wt !== W.connector && w.wt !== W.punct) out.push(connector);
          break;
        }
        if (w.end >= rs.length) break;
        const numWord = w;
        w = nextWord(rs, w.end);
        if (w.wt !== W.alphabet) {
          lower(W.number, numWord.start, numWord.end);
          if (w.wt !== W.connector && w.wt !== W.punct) out.push(connector);
          break;
        }
        out.push(connector);
        lower(W.number, numWord.start, numWord.end);
        while (w.wt === W.alphabet || w.wt === W.number) {
          lower(w.wt, w.start, w.end);
          w = nextWord(rs, w.end);
        }
        if (w.wt !== W.invalid && w.wt !== W.connector && w.wt !== W.punct) out.push(connector);
      }
    }
  }
  lower(w.wt, w.start, w.end);
  return fromRunes(out);
}

function shuffle(s: string): string {
  if (s === '') return s;
  const rs = runesOf(s);
  for (let i = rs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    if (i !== j) [rs[i], rs[j]] = [rs[j] as number, rs[i] as number];
  }
  return fromRunes(rs);
}

function cryptoRandom(
  count: number,
  start0: number,
  end0: number,
  letters: boolean,
  numbers: boolean,
): string {
  if (count <= 0) return '';
  let start = start0;
  let end = end0;
  if (start === 0 && end === 0) {
    if (!letters && !numbers) end = 0x7fffffff;
    else {
      end = 0x7a + 1;
      start = 0x20;
    }
  }
  const out: number[] = [];
  const gap = end - start;
  while (out.length < count) {
    const ch = randomInt(gap) + start;
    if ((letters && isLetter(ch)) || (numbers && isDigit(ch)) || (!letters && !numbers))
      out.push(ch);
  }
  return fromRunes(out);
}

/** Sprig's strslice (toStrings): nils are dropped, everything else through strval. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) {
    const t = typeOf(v);
    if (t === T2.sliceString) return v as string[];
    return v.filter((x) => x !== null && x !== undefined).map(strval);
  }
  if (v instanceof Uint8Array) return Array.from(v, (b) => strval(new GoInt(T.uint8, BigInt(b))));
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function strings(list: string[]): GoValue[] {
  return typedSlice(list, T2.sliceString);
}

function splitMap(parts: string[]): GoValue {
  const m = newGoMap(T2.mapString);
  parts.forEach((p, i) => {
    m['_' + String(i)] = p;
  });
  return m;
}

const S = T.string;
const I = T.int;
const A = T.any;

export const stringFuncs: Readonly<Record<string, GoFunc>> = {
  abbrev: fn([I, S], S, (width: number, s: string) =>
    width < 4 ? s : abbreviateFull(s, 0, width),
  ),
  abbrevboth: fn([I, I, S], S, (left: number, right: number, s: string) =>
    right < 4 || (left > 0 && right < 7) ? s : abbreviateFull(s, left, right),
  ),
  trunc: fn([I, S], S, (c: number, s: string) => {
    const len = byteLength(s);
    if (c < 0 && len + c > 0) return byteSlice(s, len + c);
    if (c >= 0 && len > c) return byteSlice(s, 0, c);
    return s;
  }),
  trim: fn([S], S, trimSpace),
  upper: fn([S], S, goToUpper),
  lower: fn([S], S, goToLower),
  title: fn([S], S, title),
  untitle: fn([S], S, untitle),
  substr: fn([I, I, S], S, (start: number, end: number, s: string) => {
    if (start < 0) return byteSlice(s, 0, end);
    if (end < 0 || end > byteLength(s)) return byteSlice(s, start);
    return byteSlice(s, start, end);
  }),
  repeat: fn([I, S], S, (count: number, s: string) => {
    if (count < 0) throw new GoPanic('strings: negative Repeat count');
    return s.repeat(count);
  }),
  trimall: fn([S, S], S, (a: string, b: string) => trimCutset(b, a)),
  trimAll: fn([S, S], S, (a: string, b: string) => trimCutset(b, a)),
  trimSuffix: fn([S, S], S, (a: string, b: string) =>
    a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b,
  ),
  trimPrefix: fn([S, S], S, (a: string, b: string) =>
    a !== '' && b.startsWith(a) ? b.slice(a.length) : b,
  ),
  nospace: fn([S], S, nospace),
  initials: fn([S], S, initials),
  randAlphaNum: fn([I], S, (n: number) => cryptoRandom(n, 0, 0, true, true)),
  randAlpha: fn([I], S, (n: number) => cryptoRandom(n, 0, 0, true, false)),
  randAscii: fn([I], S, (n: number) => cryptoRandom(n, 32, 127, false, false)),
  randNumeric: fn([I], S, (n: number) => cryptoRandom(n, 0, 0, false, true)),
  swapcase: fn([S], S, swapcase),
  shuffle: fn([S], S, shuffle),
  snakecase: fn([S], S, (s: string) => camelCaseToLowerCase(s, 0x5f)),
  camelcase: fn([S], S, (s: string) => toCamelCase(s, true)),
  kebabcase: fn([S], S, (s: string) => camelCaseToLowerCase(s, 0x2d)),
  wrap: fn([I, S], S, (l: number, s: string) => wrapCustom(s, l, '', false)),
  wrapWith: fn([I, S, S], S, (l: number, sep: string, s: string) => wrapCustom(s, l, sep, true)),
  contains: fn([S, S], T.bool, (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn([S, S], T.bool, (sub: string, s: string) => s.startsWith(sub)),
  hasSuffix: fn([S, S], T.bool, (sub: string, s: string) => s.endsWith(sub)),
  quote: fn(
    [],
    S,
    (...xs: GoValue[]) =>
      xs
        .filter((x) => x !== null)
        .map((x) => sprintf('%q', [strval(x)]))
        .join(' '),
    {
      variadic: A,
    },
  ),
  squote: fn(
    [],
    S,
    (...xs: GoValue[]) =>
      xs
        .filter((x) => x !== null)
        .map((x) => sprintf("'%v'", [x]))
        .join(' '),
    {
      variadic: A,
    },
  ),
  cat: fn(
    [],
    S,
    (...xs: GoValue[]) => {
      const v = xs.filter((x) => x !== null);
      return sprintf('%v '.repeat(v.length).trim(), v);
    },
    { variadic: A },
  ),
  indent: fn([I, S], S, (n: number, v: string) => {
    const pad = ' '.repeat(Math.max(0, n));
    return pad + v.replaceAll('\n', '\n' + pad);
  }),
  nindent: fn([I, S], S, (n: number, v: string) => {
    const pad = ' '.repeat(Math.max(0, n));
    return '\n' + pad + v.replaceAll('\n', '\n' + pad);
  }),
  replace: fn([S, S, S], S, (old: string, repl: string, src: string) =>
    old === ''
      ? repl +
        Array.from(src)
          .map((c) => c + repl)
          .join('')
      : src.split(old).join(repl),
  ),
  plural: fn([S, S, I], S, (one: string, many: string, count: number) =>
    count === 1 ? one : many,
  ),
  toString: fn([A], S, strval),
  b64enc: fn([S], S, (v: string) => utf8(v).toString('base64')),
  b64dec: fn([S], S, (v: string) => {
    try {
      return text(base64Decode(v));
    } catch (e) {
      return (e as Error).message;
    }
  }),
  b32enc: fn([S], S, (v: string) => base32Encode(utf8(v))),
  b32dec: fn([S], S, (v: string) => {
    try {
      return text(base32Decode(v));
    } catch (e) {
      return (e as Error).message;
    }
  }),
  join: fn([S, A], S, (sep: string, v: GoValue) => strslice(v).join(sep)),
  sortAlpha: fn([A], T2.sliceString, (list: GoValue) => {
    if (Array.isArray(list) || list instanceof Uint8Array)
      return strings(strslice(list).slice().sort(goStringCompare));
    return strings([strval(list ?? null)]);
  }),
  split: fn([S, S], T2.mapString, (sep: string, orig: string) => splitMap(goSplit(orig, sep))),
  splitList: fn([S, S], T2.sliceString, (sep: string, orig: string) => strings(goSplit(orig, sep))),
  splitn: fn([S, I, S], T2.mapString, (sep: string, n: number, orig: string) =>
    splitMap(goSplit(orig, sep, n)),
  ),
  toStrings: fn([A], T2.sliceString, (v: GoValue) => strings(strslice(v))),
};
