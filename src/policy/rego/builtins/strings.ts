// String built-ins with Go's semantics (rune indices, strings.Split/Replace/Trim/Count): concat, contains, indexof, split, substring, trim*, ...

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { builtinError, operandEnumError, operandError, operandTypeError } from '../errors.js';
import { arr, bool, num, str, type Value } from '../value.js';
import { toBigFloat, bfTrunc } from './big-float.js';
import {
  intOperand,
  numberOperand,
  objectOperand,
  stringOperand,
  stringsOperand,
} from './operands.js';

/** Go's unicode.IsSpace. */
export function isGoSpace(c: string): boolean {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case '\u0085':
    case '\u00a0':
      return true;
  }
  return c.charCodeAt(0) > 0xff && /^[\p{Zs}\u2028\u2029]$/u.test(c);
}

/**
 * Go's strings.ToLower / ToUpper: rune by rune with the simple case mapping, so no special
 * casing (final sigma, "ß" -> "SS", "İ" -> "i̇") as JS's toLowerCase / toUpperCase apply.
 */
function goCase(s: string, upper: boolean): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    if (m.length === ch.length || Array.from(m).length === 1) out += m;
    else if (!upper && ch === '\u0130') out += 'i';
    else out += ch;
  }
  return out;
}

function runes(s: string): string[] {
  return Array.from(s);
}

/** Index in runes of the UTF-16 offset i in s. */
function runeIndex(s: string, i: number): number {
  let n = 0;
  for (let k = 0; k < i; k++) {
    const c = s.charCodeAt(k);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Go's strings.Split: empty separator splits into runes ("" gives []). */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return runes(s);
  return s.split(sep);
}

/** Go's strings.Replace(s, old, new, -1): an empty old inserts new around every rune. */
function goReplaceAll(s: string, old: string, repl: string): string {
  if (old !== '') return s.split(old).join(repl);
  const rs = runes(s);
  return repl + rs.map((r) => r + repl).join('');
}

/** Go's strings.Count: non-overlapping; an empty substring counts runes + 1. */
function goCount(s: string, sub: string): number {
  if (sub === '') return runes(s).length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function trimLeftSet(s: string, cut: ReadonlySet<string>): string {
  const rs = runes(s);
  let i = 0;
  while (i < rs.length && cut.has(rs[i]!)) i++;
  return rs.slice(i).join('');
}

function trimRightSet(s: string, cut: ReadonlySet<string>): string {
  const rs = runes(s);
  let e = rs.length;
  while (e > 0 && cut.has(rs[e - 1]!)) e--;
  return rs.slice(0, e).join('');
}

function trimSpace(s: string): string {
  const rs = runes(s);
  let i = 0;
  let e = rs.length;
  while (i < e && isGoSpace(rs[i]!)) i++;
  while (e > i && isGoSpace(rs[e - 1]!)) e--;
  return rs.slice(i, e).join('');
}

/** Strings of a string, array or set operand (strings.any_prefix_match and friends). */
function stringOrCollection(name: string, v: Value, pos: number): string[] {
  if (v.kind === 'string') return [v.value];
  if (v.kind !== 'array' && v.kind !== 'set')
    throw operandTypeError(name, pos, v.kind, 'string', 'set', 'array');
  return stringsOperand(name, v, pos);
}

/** Go strings.NewReplacer over (old, new) pairs: leftmost match, earlier pairs win at a position. */
function replaceN(pairs: ReadonlyArray<readonly [string, string]>, s: string): string {
  let out = '';
  let i = 0;
  let lastEmptyMatch = -1;
  while (i <= s.length) {
    let matched: readonly [string, string] | undefined;
    for (const p of pairs) {
      if (p[0] === '' && lastEmptyMatch === i) continue;
      if (s.startsWith(p[0], i)) {
        matched = p;
        break;
      }
    }
    if (matched !== undefined) {
      out += matched[1];
      if (matched[0] === '') {
        lastEmptyMatch = i;
        continue;
      }
      i += matched[0].length;
      continue;
    }
    if (i === s.length) break;
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    out += ch;
    i += ch.length;
  }
  return out;
}

const S = T.string;
const STRINGS = T.anyOf(T.arrayOf(T.string), T.setOf(T.string));
const STRING_OR_STRINGS = T.anyOf(T.string, STRINGS);

/** strings.any_prefix_match / any_suffix_match: does any string match any pattern. */
function anyMatch(name: string, test: (x: string, pattern: string) => boolean): BuiltinDef {
  return {
    name,
    args: [STRING_OR_STRINGS, STRING_OR_STRINGS],
    result: T.boolean,
    impl: ([a, b]) => {
      const xs = stringOrCollection(name, a!, 1);
      const ps = stringOrCollection(name, b!, 2);
      return bool(xs.some((x) => ps.some((p) => test(x, p))));
    },
  };
}

function strFn(name: string, args: number, f: (...xs: string[]) => Value | undefined): BuiltinDef {
  return {
    name,
    args: Array.from({ length: args }, () => S),
    result: T.any,
    impl: (vs) => f(...vs.map((v, i) => stringOperand(name, v, i + 1))),
  };
}

export const STRING_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'concat',
    args: [S, STRINGS],
    result: S,
    impl: ([d, c]) => str(stringsOperand('concat', c!, 2).join(stringOperand('concat', d!, 1))),
  },
  { ...strFn('contains', 2, (a, b) => bool(a.includes(b))), result: T.boolean },
  { ...strFn('startswith', 2, (a, b) => bool(a.startsWith(b))), result: T.boolean },
  { ...strFn('endswith', 2, (a, b) => bool(a.endsWith(b))), result: T.boolean },
  { ...strFn('lower', 1, (a) => str(goCase(a, false))), result: S },
  { ...strFn('upper', 1, (a) => str(goCase(a, true))), result: S },
  { ...strFn('trim_space', 1, (a) => str(trimSpace(a))), result: S },
  { ...strFn('strings.reverse', 1, (a) => str(runes(a).reverse().join(''))), result: S },
  { ...strFn('strings.count', 2, (a, b) => num(goCount(a, b))), result: T.number },
  { ...strFn('replace', 3, (a, b, c) => str(goReplaceAll(a, b, c))), result: S },
  { ...strFn('split', 2, (a, b) => arr(goSplit(a, b).map(str))), result: T.arrayOf(S) },
  {
    ...strFn('trim', 2, (a, b) => {
      const cut = new Set(runes(b));
      return str(trimRightSet(trimLeftSet(a, cut), cut));
    }),
    result: S,
  },
  { ...strFn('trim_left', 2, (a, b) => str(trimLeftSet(a, new Set(runes(b))))), result: S },
  { ...strFn('trim_right', 2, (a, b) => str(trimRightSet(a, new Set(runes(b))))), result: S },
  { ...strFn('trim_prefix', 2, (a, b) => str(a.startsWith(b) ? a.slice(b.length) : a)), result: S },
  {
    ...strFn('trim_suffix', 2, (a, b) =>
      str(b !== '' && a.endsWith(b) ? a.slice(0, a.length - b.length) : a),
    ),
    result: S,
  },
  {
    ...strFn('indexof', 2, (a, b) => {
      if (b === '') throw builtinError('indexof', 'empty search character');
      const i = a.indexOf(b);
      return num(i < 0 ? -1 : runeIndex(a, i));
    }),
    result: T.number,
  },
  {
    ...strFn('indexof_n', 2, (a, b) => {
      if (b === '') throw builtinError('indexof_n', 'empty search character');
      const out: Value[] = [];
      // Overlapping matches, as OPA advances one position after each match.
      for (let i = a.indexOf(b); i >= 0 && i < a.length; i = a.indexOf(b, i + 1))
        out.push(num(runeIndex(a, i)));
      return arr(out);
    }),
    result: T.arrayOf(T.number),
  },
  {
    name: 'substring',
    args: [S, T.number, T.number],
    result: S,
    impl: ([sv, st, ln]) => {
      const s = stringOperand('substring', sv!, 1);
      const rs = runes(s);
      // Checked in OPA's order: a start past the end is "" before the length is looked at.
      const start = intOperand('substring', st!, 2);
      if (start >= rs.length) return str('');
      if (start < 0) throw builtinError('substring', 'negative offset');
      const length = intOperand('substring', ln!, 3);
      if (length < 0) return str(rs.slice(start).join(''));
      return str(rs.slice(start, start + length).join(''));
    },
  },
  {
    name: 'format_int',
    args: [T.number, T.number],
    result: S,
    impl: ([nv, bv]) => {
      const n = numberOperand('format_int', nv!, 1);
      const base = numberOperand('format_int', bv!, 2).toSafeInt();
      if (base !== 2 && base !== 8 && base !== 10 && base !== 16) {
        throw operandEnumError('format_int', 2, '2', '8', '10', '16');
      }
      // Truncates towards zero like big.Float.Int.
      return str(bfTrunc(toBigFloat(n)).toString(base));
    },
  },
  {
    name: 'strings.replace_n',
    args: [T.objectOf(S, S), S],
    result: S,
    impl: ([pv, sv]) => {
      const patterns = objectOperand('strings.replace_n', pv!, 1);
      const s = stringOperand('strings.replace_n', sv!, 2);
      const pairs: Array<readonly [string, string]> = [];
      patterns.forEach((k, v) => {
        if (k.kind !== 'string')
          throw operandError('strings.replace_n', 1, 'non-string key found in pattern object');
        if (v.kind !== 'string')
          throw operandError('strings.replace_n', 1, 'non-string value found in pattern object');
        pairs.push([k.value, v.value]);
      });
      return str(replaceN(pairs, s));
    },
  },
  anyMatch('strings.any_prefix_match', (x, p) => x.startsWith(p)),
  anyMatch('strings.any_suffix_match', (x, p) => x.endsWith(p)),
];
