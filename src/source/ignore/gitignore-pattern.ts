// One gitignore pattern as go-git's plumbing/format/gitignore parses and matches it (the matcher
// Flux's sourceignore uses): a domain (the directory of its .sourceignore), inclusion (`!`),
// dir-only (trailing `/`), and components matched with Go's filepath.Match. Unlike git, a pattern
// that matches a directory also matches every path below it, by prefix.

/** A Go filepath.Match pattern compiled for one path component; undefined when malformed. */
export type ComponentMatcher = ((name: string) => boolean) | undefined;

const compiled = new Map<string, ComponentMatcher>();

function componentMatcher(pattern: string): ComponentMatcher {
  let m = compiled.get(pattern);
  if (m === undefined && !compiled.has(pattern)) {
    m = compileComponent(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, m);
  }
  return m;
}

/** Go's filepath.Match(pattern, name) for one component (no separators), false on a bad pattern. */
export function goFilepathMatch(pattern: string, name: string): boolean {
  const m = componentMatcher(pattern);
  return m ? m(name) : false;
}

function escapeChar(c: string): string {
  return `\\u{${(c.codePointAt(0) as number).toString(16)}}`;
}

/** Translates a filepath.Match pattern to a regular expression, or undefined (ErrBadPattern). */
function compileComponent(pattern: string): ComponentMatcher {
  const source = componentSource(pattern);
  if (source === undefined) return undefined;
  const rx = new RegExp(`^${source}$`, 'u');
  return (name) => rx.test(name);
}

/** The regular-expression source of a filepath.Match pattern (unanchored), or undefined. */
export function componentSource(pattern: string): string | undefined {
  const chars = [...pattern];
  let re = '';
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === '*') {
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) return undefined;
      re += escapeChar(chars[i + 1] as string);
      i += 2;
    } else if (c === '[') {
      const cls = compileClass(chars, i + 1);
      if (!cls) return undefined;
      re += cls.re;
      i = cls.next;
    } else {
      re += escapeChar(c);
      i++;
    }
  }
  return re;
}

/** A character class after its `[`: `^` negates, `lo-hi` ranges, `\` escapes (Go's matchChunk). */
function compileClass(chars: string[], start: number): { re: string; next: number } | undefined {
  let i = start;
  let negated = false;
  if (chars[i] === '^') {
    negated = true;
    i++;
  }
  const esc = (): string | undefined => {
    let c = chars[i];
    if (c === undefined || c === '-' || c === ']') return undefined;
    if (c === '\\') {
      i++;
      c = chars[i];
      if (c === undefined) return undefined;
    }
    i++;
    return c;
  };
  let ranges = '';
  let nrange = 0;
  for (;;) {
    if (chars[i] === ']' && nrange > 0) {
      i++;
      break;
    }
    const lo = esc();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (chars[i] === '-') {
      i++;
      const h = esc();
      if (h === undefined) return undefined;
      hi = h;
    }
    // Go matches lo <= c <= hi; an inverted range matches nothing (a regex would reject it).
    if ((lo.codePointAt(0) as number) <= (hi.codePointAt(0) as number))
      ranges += `${escapeChar(lo)}-${escapeChar(hi)}`;
    nrange++;
  }
  if (ranges === '') return { re: negated ? '[^/]' : '(?!)', next: i };
  return { re: negated ? `[^/${ranges}]` : `[${ranges}]`, next: i };
}

/** MatchResult of go-git: a pattern says nothing, excludes or includes (`!`) a path. */
export const MatchResult = { NoMatch: 0, Exclude: 1, Include: 2 } as const;
export type MatchResult = (typeof MatchResult)[keyof typeof MatchResult];

/** A parsed pattern (gitignore.ParsePattern). */
export class GitignorePattern {
  readonly inclusion: boolean;
  readonly dirOnly: boolean;
  readonly isGlob: boolean;
  /** The pattern split at `/` (a leading `/` gives a first empty component). */
  readonly parts: readonly string[];
  /** Each part compiled (undefined: malformed, or `**` / empty, which are not matched). */
  readonly #matchers: readonly ComponentMatcher[];

  constructor(
    text: string,
    /** The directory components the pattern applies below. */
    readonly domain: readonly string[],
  ) {
    let p = text;
    this.inclusion = p.startsWith('!');
    if (this.inclusion) p = p.slice(1);
    if (!p.endsWith('\\ ')) p = p.replace(/ +$/, '');
    this.dirOnly = p.endsWith('/');
    if (this.dirOnly) p = p.slice(0, -1);
    this.isGlob = p.includes('/');
    this.parts = p.split('/');
    this.#matchers = this.parts.map((part) => componentMatcher(part));
  }

  /** pattern.Match: the path's components, and whether it is a directory. */
  match(path: readonly string[], isDir: boolean): MatchResult {
    if (path.length <= this.domain.length) return MatchResult.NoMatch;
    for (let i = 0; i < this.domain.length; i++) {
      if (path[i] !== this.domain[i]) return MatchResult.NoMatch;
    }
    const rest = this.domain.length === 0 ? path : path.slice(this.domain.length);
    const matched = this.isGlob ? this.globMatch(rest, isDir) : this.simpleNameMatch(rest, isDir);
    if (!matched) return MatchResult.NoMatch;
    return this.inclusion ? MatchResult.Include : MatchResult.Exclude;
  }

  private simpleNameMatch(path: readonly string[], isDir: boolean): boolean {
    const m = this.#matchers[0];
    if (!m) return false;
    for (let i = 0; i < path.length; i++) {
      if (!m(path[i] as string)) continue;
      if (this.dirOnly && !isDir && i === path.length - 1) return false;
      return true;
    }
    return false;
  }

  private globMatch(path0: readonly string[], isDir: boolean): boolean {
    let path = path0;
    let matched = false;
    let canTraverse = false;
    for (let i = 0; i < this.parts.length; i++) {
      const pattern = this.parts[i] as string;
      if (pattern === '') {
        canTraverse = false;
        continue;
      }
      if (pattern === '**') {
        if (i === this.parts.length - 1) break;
        canTraverse = true;
        continue;
      }
      if (pattern.includes('**')) return false;
      if (path.length === 0) return false;
      const m = this.#matchers[i];
      if (!m) return false; // filepath.ErrBadPattern
      if (canTraverse) {
        canTraverse = false;
        while (path.length > 0) {
          const e = path[0] as string;
          path = path.slice(1);
          if (m(e)) {
            matched = true;
            break;
          } else if (path.length === 0) {
            matched = false;
          }
        }
      } else {
        if (!m(path[0] as string)) return false;
        matched = true;
        path = path.slice(1);
      }
    }
    if (matched && this.dirOnly && !isDir && path.length === 0) matched = false;
    return matched;
  }

  /**
   * Whether this pattern could match some path strictly below the directory `dir` (components).
   * Used to skip walking an excluded directory: only an inclusion that could match below it
   * can bring anything back. Conservative: true whenever unsure.
   */
  couldMatchBelow(dir: readonly string[]): boolean {
    const n = Math.min(dir.length, this.domain.length);
    for (let i = 0; i < n; i++) if (dir[i] !== this.domain[i]) return false;
    if (dir.length <= this.domain.length) return true;
    if (!this.isGlob) return true;
    const rest = dir.slice(this.domain.length);
    let j = 0;
    for (const part of this.parts) {
      if (part === '') continue;
      if (part.includes('**')) return true;
      if (j >= rest.length) return true;
      if (!goFilepathMatch(part, rest[j] as string)) return false;
      j++;
    }
    // The whole pattern matched a prefix of the directory: it matches everything below it.
    return true;
  }
}

/** gitignore.NewMatcher(...).Match: the last pattern with an opinion decides. */
export function matchPatterns(
  patterns: readonly GitignorePattern[],
  path: readonly string[],
  isDir: boolean,
): boolean {
  for (let i = patterns.length - 1; i >= 0; i--) {
    const r = (patterns[i] as GitignorePattern).match(path, isDir);
    if (r !== MatchResult.NoMatch) return r === MatchResult.Exclude;
  }
  return false;
}
