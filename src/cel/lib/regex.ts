// Kubernetes' regex library: find and findAll with RE2 semantics (re2js, as the Rego engine uses).
import { RE2JS } from 're2js';
import { fail, library, member, type Library } from '../library.js';
import { T } from '../types.js';
import { celList, type CelValue } from '../values.js';

const cache = new Map<string, RE2JS>();

export function compileRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      fail(`Illegal regex: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

function findAll(s: string, pattern: string, limit: bigint): string[] {
  const m = compileRe2(pattern).matcher(s);
  const out: string[] = [];
  while ((limit < 0n || BigInt(out.length) < limit) && m.find()) out.push(m.group() ?? '');
  return out;
}

export const REGEX: Library = library({
  find: [
    member('string_find_string', [T.string, T.string], T.string, ([s, p]) => {
      const m = compileRe2(p as string).matcher(s as string);
      return m.find() ? (m.group() ?? '') : '';
    }),
  ],
  findAll: [
    member('string_find_all_string', [T.string, T.string], T.list(T.string), ([s, p]) =>
      celList(findAll(s as string, p as string, -1n)),
    ),
    member(
      'string_find_all_string_int',
      [T.string, T.string, T.int],
      T.list(T.string),
      ([s, p, n]) => celList(findAll(s as string, p as string, n as bigint)),
    ),
  ],
});

export type { CelValue };
