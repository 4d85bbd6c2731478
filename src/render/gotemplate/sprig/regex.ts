// Sprig's regex functions on Go's RE2 syntax (re2js), with MustCompile's panic text for bad patterns.
import { canBackquote, quote } from '../strconv.js';
import { T, T2, nilOf, typedSlice } from '../value.js';
import type { GoFunc, GoValue } from '../value.js';
import { compileGoRegexp } from '../regexp.js';
import type { GoRegexp } from '../regexp.js';
import { GoPanic, fn } from './def.js';
import { GoError } from '../value.js';

const S = T.string;
const I = T.int;

/** regexp.Compile: errors are Go's "error parsing regexp: …". */
function compile(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern);
  } catch (e) {
    throw new GoError((e as Error).message);
  }
}

/** regexp.MustCompile: panics with "regexp: Compile(`…`): …". */
function mustCompile(pattern: string): GoRegexp {
  try {
    return compileGoRegexp(pattern);
  } catch (e) {
    const q = canBackquote(pattern) ? '`' + pattern + '`' : quote(pattern);
    throw new GoPanic(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

/** A []string result; Go's nil (printed by toJson as null) when the regexp package returns nil. */
function strs(xs: string[] | null): GoValue {
  return xs === null ? nilOf([], T2.sliceString) : typedSlice(xs, T2.sliceString);
}

/** FindAllString returns nil when nothing matches. */
const found = (xs: string[]): GoValue => strs(xs.length === 0 ? null : xs);

/** QuoteMeta: backslashes before every RE2 metacharacter. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export const regexFuncs: Readonly<Record<string, GoFunc>> = {
  regexMatch: fn([S, S], T.bool, (re: string, s: string) => {
    try {
      return compileGoRegexp(re).test(s);
    } catch {
      return false;
    }
  }),
  mustRegexMatch: fn([S, S], T.bool, (re: string, s: string) => compile(re).test(s), {
    errors: true,
  }),
  regexFindAll: fn([S, S, I], T2.sliceString, (re: string, s: string, n: number) =>
    found(mustCompile(re).findAll(s, n)),
  ),
  mustRegexFindAll: fn(
    [S, S, I],
    T2.sliceString,
    (re: string, s: string, n: number) => found(compile(re).findAll(s, n)),
    {
      errors: true,
    },
  ),
  regexFind: fn([S, S], S, (re: string, s: string) => mustCompile(re).findAll(s, 1)[0] ?? ''),
  mustRegexFind: fn([S, S], S, (re: string, s: string) => compile(re).findAll(s, 1)[0] ?? '', {
    errors: true,
  }),
  regexReplaceAll: fn([S, S, S], S, (re: string, s: string, repl: string) =>
    mustCompile(re).replaceAll(s, repl),
  ),
  mustRegexReplaceAll: fn(
    [S, S, S],
    S,
    (re: string, s: string, repl: string) => compile(re).replaceAll(s, repl),
    {
      errors: true,
    },
  ),
  regexReplaceAllLiteral: fn([S, S, S], S, (re: string, s: string, repl: string) =>
    mustCompile(re).replaceAllLiteral(s, repl),
  ),
  mustRegexReplaceAllLiteral: fn(
    [S, S, S],
    S,
    (re: string, s: string, repl: string) => compile(re).replaceAllLiteral(s, repl),
    { errors: true },
  ),
  regexSplit: fn([S, S, I], T2.sliceString, (re: string, s: string, n: number) =>
    strs(mustCompile(re).splitN(s, n)),
  ),
  mustRegexSplit: fn(
    [S, S, I],
    T2.sliceString,
    (re: string, s: string, n: number) => strs(compile(re).splitN(s, n)),
    {
      errors: true,
    },
  ),
  regexQuoteMeta: fn([S], S, quoteMeta),
};
