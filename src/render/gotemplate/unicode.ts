// Go's unicode package as far as templates reach it: simple (one rune to one rune) case mapping and
// the character classes IsSpace, IsLetter, IsDigit, IsNumber, IsPunct, IsUpper, IsLower, IsTitle.

const TITLE_DIGRAPHS: Readonly<Record<number, number>> = {
  0x1c4: 0x1c5,
  0x1c5: 0x1c5,
  0x1c6: 0x1c5,
  0x1c7: 0x1c8,
  0x1c8: 0x1c8,
  0x1c9: 0x1c8,
  0x1ca: 0x1cb,
  0x1cb: 0x1cb,
  0x1cc: 0x1cb,
  0x1f1: 0x1f2,
  0x1f2: 0x1f2,
  0x1f3: 0x1f2,
};

function simple(ch: string, upper: boolean): string {
  const m = upper ? ch.toUpperCase() : ch.toLowerCase();
  if (m === ch) return ch;
  if (Array.from(m).length === 1) return m;
  // Multi-rune (special) mappings are not Go's: the simple mapping of these is the rune itself,
  // except İ, whose simple lower case is i.
  if (!upper && ch === '\u0130') return 'i';
  return ch;
}

export function runeToUpper(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  return simple(String.fromCodePoint(r), true).codePointAt(0) as number;
}
export function runeToLower(r: number): number {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  return simple(String.fromCodePoint(r), false).codePointAt(0) as number;
}
export function runeToTitle(r: number): number {
  return TITLE_DIGRAPHS[r] ?? runeToUpper(r);
}

/** strings.ToUpper / strings.ToLower. */
export function goToUpper(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) out += simple(ch, true);
  return out;
}
export function goToLower(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += simple(ch, false);
  return out;
}

const RE = {
  letter: /^\p{L}$/u,
  digit: /^\p{Nd}$/u,
  number: /^\p{N}$/u,
  punct: /^\p{P}$/u,
  upper: /^\p{Lu}$/u,
  lower: /^\p{Ll}$/u,
  title: /^\p{Lt}$/u,
};

function test(re: RegExp, r: number): boolean {
  return r >= 0 && r <= 0x10ffff && re.test(String.fromCodePoint(r));
}

/** unicode.IsSpace. */
export function isSpace(r: number): boolean {
  switch (r) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
      return true;
  }
  if (r < 0x100) return false;
  return (
    r === 0x1680 ||
    (r >= 0x2000 && r <= 0x200a) ||
    r === 0x2028 ||
    r === 0x2029 ||
    r === 0x202f ||
    r === 0x205f ||
    r === 0x3000
  );
}
/** strings.TrimSpace (every space Go knows is one UTF-16 unit, so units are enough). */
export function trimSpace(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isSpace(s.charCodeAt(i))) i++;
  while (j > i && isSpace(s.charCodeAt(j - 1))) j--;
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

export function isLetter(r: number): boolean {
  if (r < 0x80) return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  return test(RE.letter, r);
}
export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return test(RE.digit, r);
}
export function isNumber(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return test(RE.number, r);
}
export function isPunct(r: number): boolean {
  return test(RE.punct, r);
}
export function isUpper(r: number): boolean {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a;
  return test(RE.upper, r);
}
export function isLower(r: number): boolean {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a;
  return test(RE.lower, r);
}
export function isTitle(r: number): boolean {
  return test(RE.title, r);
}

/** The runes of a string as code points (lone surrogates become U+FFFD, as Go decodes invalid UTF-8). */
export function runesOf(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out.push(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
  }
  return out;
}

export function fromRunes(rs: readonly number[]): string {
  let out = '';
  for (const r of rs) out += String.fromCodePoint(r);
  return out;
}
