// The two pattern languages Helm uses: Go's filepath.Match (.helmignore, --show-only) and
// gobwas/glob with '/' as separator (.Files.Glob: **, {a,b}, [!x]).

/** filepath.ErrBadPattern. */
export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
    this.name = 'BadPatternError';
  }
}

/** Escapes a character for a u-mode RegExp, outside a class. */
const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
/** Escapes a character inside a u-mode RegExp class. */
const escapeClass = (c: string): string => c.replace(/[\\^\][-]/g, '\\$&');

/** A character class `[...]` starting at i (after '['), with Go's getEsc rules for its ranges. */
function goClass(p: string, start: number, negChar: string): { re: string; next: number } {
  let i = start;
  let negate = false;
  if (p[i] === negChar) {
    negate = true;
    i++;
  }
  const esc = (): string => {
    const c = p[i];
    if (c === undefined || c === '-' || c === ']') throw new BadPatternError();
    if (c === '\\') {
      i++;
      const n = p[i];
      if (n === undefined) throw new BadPatternError();
      i++;
      return n;
    }
    i++;
    return c;
  };
  let out = '';
  let nrange = 0;
  for (;;) {
    if (p[i] === ']' && nrange > 0) {
      i++;
      break;
    }
    const lo = esc();
    let hi = lo;
    if (p[i] === '-') {
      i++;
      hi = esc();
    }
    // A reversed range matches nothing (Go does not reject it).
    if (lo === hi) out += escapeClass(lo);
    else if (lo < hi) out += escapeClass(lo) + '-' + escapeClass(hi);
    nrange++;
  }
  return { re: (negate ? '[^' : '[') + out + ']', next: i };
}

const matchCache = new Map<string, RegExp>();

/** Go's path.Match / filepath.Match (on '/'-separated names). Throws BadPatternError. */
export function goPathMatch(pattern: string, name: string): boolean {
  let re = matchCache.get(pattern);
  if (re === undefined) {
    let src = '^';
    for (let i = 0; i < pattern.length;) {
      const c = pattern[i] as string;
      if (c === '*') {
        src += '[^/]*';
        i++;
      } else if (c === '?') {
        src += '[^/]';
        i++;
      } else if (c === '[') {
        const cls = goClass(pattern, i + 1, '^');
        src += cls.re;
        i = cls.next;
      } else if (c === '\\') {
        if (i + 1 >= pattern.length) throw new BadPatternError();
        src += escapeRe(pattern[i + 1] as string);
        i += 2;
      } else {
        src += escapeRe(c);
        i++;
      }
    }
    re = new RegExp(src + '$', 'su');
    matchCache.set(pattern, re);
  }
  return re.test(name);
}

/** Whether a pattern is well formed for filepath.Match. */
export function validGoPattern(pattern: string): boolean {
  try {
    goPathMatch(pattern, 'abc');
    return true;
  } catch {
    return false;
  }
}

/** Compiles a gobwas/glob pattern with '/' as separator; undefined when it does not compile. */
export function compileGlob(pattern: string): RegExp | undefined {
  try {
    return new RegExp('^' + globBody(pattern, 0, false).re + '$', 'su');
  } catch {
    return undefined;
  }
}

function globBody(p: string, start: number, inAlt: boolean): { re: string; next: number } {
  let src = '';
  let i = start;
  while (i < p.length) {
    const c = p[i] as string;
    if (inAlt && (c === ',' || c === '}')) break;
    if (c === '*') {
      if (p[i + 1] === '*') {
        src += '.*';
        i += 2;
      } else {
        src += '[^/]*';
        i++;
      }
    } else if (c === '?') {
      src += '[^/]';
      i++;
    } else if (c === '[') {
      const cls = goClass(p, i + 1, '!');
      src += cls.re;
      i = cls.next;
    } else if (c === '{') {
      const alts: string[] = [];
      i++;
      for (;;) {
        const part = globBody(p, i, true);
        alts.push(part.re);
        i = part.next;
        if (p[i] === ',') {
          i++;
          continue;
        }
        if (p[i] === '}') {
          i++;
          break;
        }
        throw new BadPatternError();
      }
      src += '(?:' + alts.join('|') + ')';
    } else if (c === '\\') {
      if (i + 1 >= p.length) throw new BadPatternError();
      src += escapeRe(p[i + 1] as string);
      i += 2;
    } else {
      src += escapeRe(c);
      i++;
    }
  }
  return { re: src, next: i };
}
