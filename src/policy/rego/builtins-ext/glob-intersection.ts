// regex.globs_match: whether two simple regex-like globs (glob-intersection syntax) match a common string.
//
// The syntax (yashtewari/glob-intersection, which OPA uses): `.` any character, `[...]` a set of
// characters with `a-z` ranges, a literal character otherwise, `\` escapes; each of these may be
// followed by `*` (zero or more) or `+` (one or more). The intersection is non-empty iff the
// product of the two token automata reaches the end of both patterns.

/** A set of code points as sorted, non-overlapping inclusive ranges; `any` matches everything. */
type CharSet =
  | { readonly any: true }
  | { readonly any: false; readonly ranges: ReadonlyArray<readonly [number, number]> };

interface Token {
  readonly set: CharSet;
  /** '' exactly once, '*' zero or more, '+' one or more. */
  readonly flag: '' | '*' | '+';
}

function invalid(input: string, pos: number, msg: string): Error {
  return new Error(`input:${input}, pos:${pos}, ${msg}: the input provided is invalid`);
}

function normalise(ranges: Array<[number, number]>): Array<[number, number]> {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Tokenizes a glob-intersection pattern; errors use the library's "input:.., pos:.., ..." form. */
export function tokenizeGlobRegex(input: string): Token[] {
  const runes = [...input].map((c) => c.codePointAt(0)!);
  const tokens: Token[] = [];
  let i = 0;
  // Reads one (possibly escaped) rune.
  const nextRune = (): { r: number; escaped: boolean } => {
    const r = runes[i]!;
    if (r === 0x5c) {
      if (i === runes.length - 1)
        throw invalid(input, i, 'input ends with a \\ (escape) character');
      i += 2;
      return { r: runes[i - 1]!, escaped: true };
    }
    i++;
    return { r, escaped: false };
  };
  while (i < runes.length) {
    const { r, escaped } = nextRune();
    let set: CharSet;
    if (!escaped && r === 0x2e) {
      set = { any: true };
    } else if (!escaped && r === 0x5d) {
      throw invalid(input, i, "set-close ']' with no preceding '['");
    } else if (!escaped && r === 0x5b) {
      const ranges: Array<[number, number]> = [];
      let complete = false;
      let prev = -1;
      while (i < runes.length) {
        const c = nextRune();
        if (!c.escaped && c.r === 0x5d) {
          complete = true;
          break;
        }
        if (!c.escaped && c.r === 0x2d) {
          if (prev < 0)
            throw invalid(input, i, "range character '-' must be preceded by a Unicode character");
          if (i >= runes.length - 1)
            throw invalid(input, i, "range character '-' must be followed by a Unicode character");
          const hi = nextRune();
          if (!hi.escaped && (hi.r === 0x5d || hi.r === 0x2d)) {
            throw invalid(input, i, "range character '-' cannot be followed by a special symbol");
          }
          if (hi.r < prev) {
            throw invalid(
              input,
              i,
              `range is out of order: '${String.fromCodePoint(hi.r)}' comes before '${String.fromCodePoint(prev)}' in Unicode`,
            );
          }
          ranges.push([prev, hi.r]);
          prev = -1;
          continue;
        }
        ranges.push([c.r, c.r]);
        prev = c.r;
      }
      if (!complete) throw invalid(input, i, 'found [ without matching ]');
      set = { any: false, ranges: normalise(ranges) };
    } else if (!escaped && (r === 0x2a || r === 0x2b)) {
      throw invalid(input, i, `flag '${String.fromCodePoint(r)}' must be preceded by a non-flag`);
    } else {
      set = { any: false, ranges: [[r, r]] };
    }
    let flag: Token['flag'] = '';
    const f = runes[i];
    if (f === 0x2a || f === 0x2b) {
      flag = f === 0x2a ? '*' : '+';
      i++;
    }
    tokens.push({ set, flag });
  }
  return tokens;
}

function intersects(a: CharSet, b: CharSet): boolean {
  if (a.any) return b.any || b.ranges.length > 0;
  if (b.any) return a.ranges.length > 0;
  let i = 0;
  let j = 0;
  while (i < a.ranges.length && j < b.ranges.length) {
    const x = a.ranges[i]!;
    const y = b.ranges[j]!;
    if (x[1] < y[0]) i++;
    else if (y[1] < x[0]) j++;
    else return true;
  }
  return false;
}

/** Expands `+` into a single token followed by a starred copy. */
function expand(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (t.flag === '+') out.push({ set: t.set, flag: '' }, { set: t.set, flag: '*' });
    else out.push(t);
  }
  return out;
}

/** True if some string matches both patterns. */
export function globsIntersect(p1: string, p2: string): boolean {
  const a = expand(tokenizeGlobRegex(p1));
  const b = expand(tokenizeGlobRegex(p2));
  const m = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * m);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const k = i * m + j;
    if (seen[k] === 0) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop()!;
    const i = Math.floor(k / m);
    const j = k % m;
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    // A starred token may match nothing.
    if (ta?.flag === '*') push(i + 1, j);
    if (tb?.flag === '*') push(i, j + 1);
    // Both consume one common character.
    if (ta !== undefined && tb !== undefined && intersects(ta.set, tb.set)) {
      push(ta.flag === '*' ? i : i + 1, tb.flag === '*' ? j : j + 1);
    }
  }
  return false;
}
