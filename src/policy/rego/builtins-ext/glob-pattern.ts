// glob.match patterns with gobwas/glob semantics (*, **, ?, [..], [!..], {a,b}, separators), compiled to RegExps.
//
// Globs with at most two wildcards (* or **) compile to JavaScript regular expressions: V8's
// engine is several times faster than an RE2 port, and a glob has no alternation under a
// repetition, so backtracking is bounded by n^stars (at most quadratic here). Globs with more
// wildcards, whose backtracking could blow up, run on RE2 (re2js), which is linear.
import { compileRaw } from './go-regexp.js';

/** The characters glob.quote_meta escapes (gobwas/glob's specials). */
const SPECIALS = new Set(['*', '?', '\\', '[', ']', '{', '}']);

/** gobwas/glob QuoteMeta. */
export function quoteGlobMeta(s: string): string {
  let out = '';
  for (const c of s) out += SPECIALS.has(c) ? `\\${c}` : c;
  return out;
}

/** Escape of one code point (unicode mode), safe both inside and outside a character class. */
function lit(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function litText(s: string): string {
  let out = '';
  for (const c of s) out += lit(c.codePointAt(0)!);
  return out;
}

class GlobParser {
  private pos = 0;
  /** Number of * and ** wildcards seen. */
  stars = 0;
  private readonly chars: string[];
  constructor(
    pattern: string,
    private readonly sepClass: string,
  ) {
    this.chars = [...pattern];
  }

  private fail(msg: string): never {
    throw new Error(msg);
  }

  /** Parses a sequence up to end of input, or (inside {}) up to ',' or '}'. */
  parseSeq(depth: number): string {
    let out = '';
    while (this.pos < this.chars.length) {
      const c = this.chars[this.pos]!;
      if (depth > 0 && (c === ',' || c === '}')) return out;
      this.pos++;
      switch (c) {
        case '*':
          this.stars++;
          if (this.chars[this.pos] === '*') {
            this.pos++;
            out += '[\\s\\S]*';
          } else {
            out += this.sepClass === '' ? '[\\s\\S]*' : `[^${this.sepClass}]*`;
          }
          break;
        case '?':
          out += this.sepClass === '' ? '[\\s\\S]' : `[^${this.sepClass}]`;
          break;
        case '[':
          out += this.parseRange();
          break;
        case '{': {
          const alts: string[] = [];
          for (;;) {
            alts.push(this.parseSeq(depth + 1));
            if (this.pos >= this.chars.length) this.fail('unexpected end of input');
            const d = this.chars[this.pos++];
            if (d === '}') break;
          }
          out += `(?:${alts.join('|')})`;
          break;
        }
        case '\\': {
          const next = this.chars[this.pos];
          if (next === undefined) this.fail('trailing backslash');
          this.pos++;
          out += litText(next);
          break;
        }
        default:
          out += litText(c);
      }
    }
    return out;
  }

  private parseRange(): string {
    let negate = false;
    if (this.chars[this.pos] === '!') {
      negate = true;
      this.pos++;
    }
    const next = (): string => {
      const c = this.chars[this.pos++];
      if (c === undefined) this.fail('unexpected end of input');
      return c;
    };
    let body = '';
    const first = next();
    if (this.chars[this.pos] === '-') {
      this.pos++;
      const hi = next();
      if (next() !== ']') this.fail('expected close range character');
      body = `${lit(first.codePointAt(0)!)}-${lit(hi.codePointAt(0)!)}`;
    } else {
      // A list of characters up to ']', with escapes resolved.
      let c = first;
      for (;;) {
        if (c === ']') break;
        if (c === '\\') c = next();
        body += lit(c.codePointAt(0)!);
        c = next();
      }
      if (body === '') this.fail('unexpected length of lo character');
    }
    return `[${negate ? '^' : ''}${body}]`;
  }
}

/** A compiled glob. */
export interface GlobMatcher {
  test(s: string): boolean;
}

const MAX_BACKTRACKING_STARS = 2;

/** Compiles a glob into an anchored expression; separators limit `*` and `?`. */
export function compileGlob(pattern: string, separators: readonly string[]): GlobMatcher {
  const sepClass = separators.map((s) => lit(s.codePointAt(0)!)).join('');
  const parser = new GlobParser(pattern, sepClass);
  const body = parser.parseSeq(0);
  if (parser.stars <= MAX_BACKTRACKING_STARS) return new RegExp(`^(?:${body})$`, 'u');
  // The same expression in RE2 spelling: \x{...} escapes, (?s:.) for any character.
  return compileRaw(`^(?:${body.replace(/\\u\{/g, '\\x{').replace(/\[\\s\\S\]/g, '(?s:.)')})$`);
}
