// Go's regexp (RE2) on top of re2js: compile cache, FindAll, Split, ReplaceAll with Go's $-templates.
// It grew from policy/rego/builtins-ext/go-regexp.ts (adding SplitN and ReplaceAllLiteral); the
// rego engine keeps its own copy because importing it through render/index.js would make every
// `flotilla rego` command initialise the whole render layer (measured: +30 ms CPU at start-up).
import { RE2JS } from 're2js';

/** A compiled RE2 pattern with the Go-style operations Sprig's regex functions need. */
export interface GoRegexp {
  readonly source: string;
  /** True if the pattern matches anywhere in s (Go's MatchString). */
  test(s: string): boolean;
  /** Go's FindAllStringSubmatchIndex(s, n): successive non-overlapping matches. */
  findAllSubmatchIndex(s: string, n: number): number[][];
  /** Go's FindAllString(s, n). */
  findAll(s: string, n: number): string[];
  /** Go's FindAllStringSubmatch(s, n): unmatched groups are "". */
  findAllSubmatch(s: string, n: number): string[][];
  /** Go's Split(s, -1). */
  split(s: string): string[];
  /** Go's Split(s, n): at most n pieces (n < 0: all; n = 0: nil). */
  splitN(s: string, n: number): string[] | null;
  /** Go's ReplaceAllString(src, repl): repl may use $1, ${1}, $name, ${name}, $$. */
  replaceAll(src: string, repl: string): string;
  /** Go's ReplaceAllLiteralString. */
  replaceAllLiteral(src: string, repl: string): string;
}

// OPA keeps a process-wide cache of up to 100 compiled patterns; so do we (compiling dominates
// the cost of one regex.match call).
const CACHE_MAX = 100;
const cache = new Map<string, GoRegexp>();

/** Compiles pattern with Go's RE2 syntax; throws Go's "error parsing regexp: ..." message on failure. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const re = new CompiledRegexp(pattern, compileRaw(pattern));
  if (cache.size >= CACHE_MAX) {
    const first = cache.keys().next();
    if (first.done !== true) cache.delete(first.value);
  }
  cache.set(pattern, re);
  return re;
}

/** Compiles an RE2 pattern without caching (used for generated patterns such as globs). */
export function compileRaw(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(e instanceof Error ? e.message : String(e));
  }
}

/** True if pattern is valid Go RE2 syntax. */
export function isValidGoRegexp(pattern: string): boolean {
  try {
    compileGoRegexp(pattern);
    return true;
  } catch {
    return false;
  }
}

class CompiledRegexp implements GoRegexp {
  private readonly groupNames: ReadonlyMap<string, number>;
  constructor(
    readonly source: string,
    private readonly re: RE2JS,
  ) {
    this.groupNames = new Map(Object.entries(re.namedGroups()));
  }

  test(s: string): boolean {
    return this.re.test(s);
  }

  findAllSubmatchIndex(s: string, n: number): number[][] {
    if (n === 0) return [];
    const found = this.re.re2().findAllSubmatchIndex(s, n) as number[][] | null;
    return found ?? [];
  }

  findAll(s: string, n: number): string[] {
    return this.findAllSubmatchIndex(s, n).map((m) => s.slice(m[0], m[1]));
  }

  findAllSubmatch(s: string, n: number): string[][] {
    return this.findAllSubmatchIndex(s, n).map((m) => {
      const groups: string[] = [];
      for (let i = 0; i + 1 < m.length; i += 2) {
        const a = m[i] as number;
        groups.push(a < 0 ? '' : s.slice(a, m[i + 1]));
      }
      return groups;
    });
  }

  split(s: string): string[] {
    return this.splitN(s, -1) as string[];
  }

  splitN(s: string, n: number): string[] | null {
    if (n === 0) return null;
    if (this.source.length > 0 && s.length === 0) return [''];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of this.findAllSubmatchIndex(s, n)) {
      if (n > 0 && out.length === n - 1) break;
      end = m[0] as number;
      if (m[1] !== 0) out.push(s.slice(beg, end));
      beg = m[1] as number;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }

  replaceAll(src: string, repl: string): string {
    let out = '';
    let last = 0;
    for (const m of this.findAllSubmatchIndex(src, -1)) {
      out += src.slice(last, m[0]) + this.expand(repl, src, m);
      last = m[1] as number;
    }
    return out + src.slice(last);
  }

  replaceAllLiteral(src: string, repl: string): string {
    let out = '';
    let last = 0;
    for (const m of this.findAllSubmatchIndex(src, -1)) {
      out += src.slice(last, m[0]) + repl;
      last = m[1] as number;
    }
    return out + src.slice(last);
  }

  /** Go's Regexp.expand: $name / ${name} / $$, malformed $ kept literally. */
  private expand(template: string, src: string, match: readonly number[]): string {
    let out = '';
    let t = template;
    for (;;) {
      const i = t.indexOf('$');
      if (i < 0) break;
      out += t.slice(0, i);
      t = t.slice(i + 1);
      if (t.startsWith('$')) {
        out += '$';
        t = t.slice(1);
        continue;
      }
      const ref = extractGroupRef(t);
      if (ref === undefined) {
        out += '$';
        continue;
      }
      t = t.slice(ref.length);
      const idx = ref.num >= 0 ? ref.num : (this.groupNames.get(ref.name) ?? -1);
      if (idx >= 0 && 2 * idx + 1 < match.length && (match[2 * idx] as number) >= 0) {
        out += src.slice(match[2 * idx], match[2 * idx + 1]);
      }
    }
    return out + t;
  }
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Parses the group reference after a `$` (Go's Regexp.extract). */
function extractGroupRef(t: string): { name: string; num: number; length: number } | undefined {
  let i = 0;
  const brace = t.startsWith('{');
  if (brace) i = 1;
  const start = i;
  while (i < t.length) {
    const cp = t.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return undefined;
  const name = t.slice(start, i);
  if (brace) {
    if (t[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (const c of name) {
    if (c < '0' || c > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c.charCodeAt(0) - 48);
  }
  return { name, num, length: i };
}
