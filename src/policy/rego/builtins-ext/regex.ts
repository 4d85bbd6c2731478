// regex.* built-ins (and the deprecated re_match) with Go's RE2 semantics.
import { T, type BuiltinDef } from '../builtin-types.js';
import { builtinError } from '../errors.js';
import { arr, bool, FALSE, str, TRUE, type Value } from '../value.js';
import { globsIntersect } from './glob-intersection.js';
import { compileGoRegexp, isValidGoRegexp } from './go-regexp.js';
import { guarded, intArg, stringArg } from './operands.js';
import { compileRegexTemplate } from './regex-template.js';

function regexMatch(name: string, deprecated: boolean): BuiltinDef {
  return {
    name,
    deprecated,
    args: [T.string, T.string],
    result: T.boolean,
    impl: (args) => {
      const pattern = stringArg(name, args, 1);
      const value = stringArg(name, args, 2);
      return bool(guarded(name, () => compileGoRegexp(pattern)).test(value));
    },
  };
}

const templateCache = new Map<string, ReturnType<typeof compileRegexTemplate>>();

export const REGEX_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'regex.is_valid',
    args: [T.string],
    result: T.boolean,
    impl: ([p]) => (p?.kind === 'string' && isValidGoRegexp(p.value) ? TRUE : FALSE),
  },
  regexMatch('regex.match', false),
  regexMatch('re_match', true),
  {
    name: 'regex.template_match',
    args: [T.string, T.string, T.string, T.string],
    result: T.boolean,
    impl: (args) => {
      const name = 'regex.template_match';
      const pattern = stringArg(name, args, 1);
      const value = stringArg(name, args, 2);
      const start = stringArg(name, args, 3);
      const end = stringArg(name, args, 4);
      // Go counts bytes; these messages mirror OPA's (including its use of the start length twice).
      const startLen = Buffer.byteLength(start);
      if (startLen !== 1) {
        throw builtinError(
          name,
          `start delimiter has to be exactly one character long but is ${startLen} long`,
        );
      }
      if (Buffer.byteLength(end) !== 1) {
        throw builtinError(
          name,
          `end delimiter has to be exactly one character long but is ${startLen} long`,
        );
      }
      const key = `${start}${end}${pattern}`;
      let re = templateCache.get(key);
      if (re === undefined) {
        re = guarded(name, () => compileRegexTemplate(pattern, start, end));
        if (templateCache.size >= 100) templateCache.clear();
        templateCache.set(key, re);
      }
      return bool(re.test(value));
    },
  },
  {
    name: 'regex.split',
    args: [T.string, T.string],
    result: T.arrayOf(T.string),
    impl: (args) => {
      const re = guarded('regex.split', () => compileGoRegexp(stringArg('regex.split', args, 1)));
      return arr(re.split(stringArg('regex.split', args, 2)).map(str));
    },
  },
  {
    name: 'regex.globs_match',
    args: [T.string, T.string],
    result: T.boolean,
    impl: (args) => {
      const a = stringArg('regex.globs_match', args, 1);
      const b = stringArg('regex.globs_match', args, 2);
      return bool(guarded('regex.globs_match', () => globsIntersect(a, b)));
    },
  },
  {
    name: 'regex.find_n',
    args: [T.string, T.string, T.number],
    result: T.arrayOf(T.string),
    impl: (args) => {
      const name = 'regex.find_n';
      const pattern = stringArg(name, args, 1);
      const value = stringArg(name, args, 2);
      const n = intArg(name, args, 3);
      const re = guarded(name, () => compileGoRegexp(pattern));
      return arr(re.findAll(value, n).map(str));
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    args: [T.string, T.string, T.number],
    result: T.arrayOf(T.arrayOf(T.string)),
    impl: (args) => {
      const name = 'regex.find_all_string_submatch_n';
      const pattern = stringArg(name, args, 1);
      const value = stringArg(name, args, 2);
      const n = intArg(name, args, 3);
      const re = guarded(name, () => compileGoRegexp(pattern));
      return arr(re.findAllSubmatch(value, n).map((m): Value => arr(m.map(str))));
    },
  },
  {
    name: 'regex.replace',
    args: [T.string, T.string, T.string],
    result: T.string,
    impl: (args) => {
      const name = 'regex.replace';
      const base = stringArg(name, args, 1);
      const pattern = stringArg(name, args, 2);
      const value = stringArg(name, args, 3);
      const re = guarded(name, () => compileGoRegexp(pattern));
      const out = re.replaceAll(base, value);
      return out === base ? args[0] : str(out);
    },
  },
];
