// glob.match patterns with gobwas/glob semantics (*, **, ?, [..], [!..], {a,b}, separators), compiled to RE2.
import type { RE2JS } from 're2js';
import { compileRaw } from './go-regexp.js';

/** The characters glob.quote_meta escapes (gobwas/glob's specials). */
const SPECIALS = new Set(['*', '?', '\\', '[', ']', '{', '}']);

/** gobwas/glob QuoteMeta. */
export function quoteGlobMeta(s: string): string {
  let out = '';
  for (const c of s) out += SPECIALS.has(c) ? `\\${c}` : c;
  return out;
}

/** RE2 escape of one code point, safe both inside and outside a character class. */
function lit(cp: number): string {
  return `\\x{${cp.toString(16)}}`;
}

function litText(s: string): string {
  let out = '';
  for (const c of s) out += lit(c.codePointAt(0)!);
  return out;
}

class GlobParser {
  private pos = 0;
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
          if (this.chars[this.pos] === '*') {
            this.pos++;
            out += '(?s:.)*';
          } else {
            out += this.sepClass === '' ? '(?s:.)*' : `[^${this.sepClass}]*`;
          }
          break;
        case '?':
          out += this.sepClass === '' ? '(?s:.)' : `[^${this.sepClass}]`;
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

/** Compiles a glob into an anchored RE2 pattern; separators limit `*` and `?`. */
export function compileGlob(pattern: string, separators: readonly string[]): RE2JS {
  const sepClass = separators.map((s) => lit(s.codePointAt(0)!)).join('');
  const parser = new GlobParser(pattern, sepClass);
  const body = parser.parseSeq(0);
  return compileRaw(`^(?:${body})$`);
}
