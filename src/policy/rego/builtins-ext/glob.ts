// glob.match and glob.quote_meta (gobwas/glob semantics).
import { T, type BuiltinDef } from '../builtin-types.js';
import { bool, str } from '../value.js';
import { compileGlob, quoteGlobMeta, type GlobMatcher } from './glob-pattern.js';
import { elementErr, guarded, stringArg, typeErr } from './operands.js';

// Compiled globs keyed by pattern and delimiters; bounded like OPA's cache.
const cache = new Map<string, GlobMatcher>();

export const GLOB_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'glob.match',
    args: [T.string, T.anyOf(T.null, T.arrayOf(T.string)), T.string],
    result: T.boolean,
    impl: (args) => {
      const name = 'glob.match';
      const pattern = stringArg(name, args, 1);
      const d = args[1]!;
      let delimiters: string[];
      if (d.kind === 'null') delimiters = [];
      else if (d.kind === 'array') {
        delimiters = d.items.map((e) => {
          if (e.kind !== 'string') throw elementErr(name, 2, d, e, 'string');
          if ([...e.value].length !== 1) throw elementErr(name, 2, d, e, 'rune');
          return e.value;
        });
        // An empty list means the default delimiter, ".".
        if (delimiters.length === 0) delimiters = ['.'];
      } else throw typeErr(name, 2, d, 'array', 'null');
      const match = stringArg(name, args, 3);
      const key = `${pattern}\u0000${delimiters.join('')}`;
      let re = cache.get(key);
      if (re === undefined) {
        re = guarded(name, () => compileGlob(pattern, delimiters));
        if (cache.size >= 100) cache.clear();
        cache.set(key, re);
      }
      return bool(re.test(match));
    },
  },
  {
    name: 'glob.quote_meta',
    args: [T.string],
    result: T.string,
    impl: (args) => str(quoteGlobMeta(stringArg('glob.quote_meta', args, 1))),
  },
];
