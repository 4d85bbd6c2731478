// kyaml turns a resource into JSON by writing it with go-yaml v3 and reading that text back, so a
// folded (`>`) scalar passes once through go-yaml v3's folded writer. That writer adds a line break
// before every line break that follows a line not starting with a blank (it tests the value's first
// character instead of the current one) and folds long lines at spaces; reading back undoes both
// except next to "more-indented" lines, where the extra break or the fold survives as a newline.
// This module computes the value kustomize ends up with, so output matches byte for byte.

const BEST_WIDTH = 80;

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/** Whether go-yaml v3 may write `value` as a block scalar (printable or tab, no trailing space, no space before a break). */
function blockAllowed(value: string): boolean {
  if (value === '' || value.endsWith(' ')) return false;
  if (value.includes(' \n')) return false;
  for (const ch of value) {
    const c = ch.codePointAt(0) as number;
    // go-yaml v3 keeps tabs out of plain and single-quoted scalars but allows them in block ones.
    if (c === 0x0a || c === 0x09) continue;
    const printable =
      (c >= 0x20 && c <= 0x7e) ||
      (c >= 0xa0 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
    // Other line breaks (\u2028, \u2029) are printable but fold differently; keep them out.
    if (!printable || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/** The chomping indicator go-yaml v3 writes for `value`. */
function chompOf(value: string): '-' | '' | '+' {
  if (!value.endsWith('\n')) return '-';
  if (value.length === 1 || value[value.length - 2] === '\n') return '+';
  return '';
}

/** go-yaml v3's yaml_emitter_write_folded_scalar: the lines it writes (content after the header). */
function writeFolded(value: string, indent: number): string[] {
  const chars = Array.from(value);
  let out = '';
  let column = 0;
  let indention = true;
  let whitespace = true;
  const putBreak = (): void => {
    out += '\n';
    column = 0;
    indention = true;
  };
  const writeIndent = (): void => {
    if (!indention || column > indent || (column === indent && !whitespace)) putBreak();
    while (column < indent) {
      out += ' ';
      column++;
    }
    whitespace = true;
  };
  // The first non-break character of the whole value decides whether breaks get doubled (the bug).
  let k = 0;
  while (chars[k] === '\n') k++;
  const doubleBreaks = !(chars[k] === undefined || isBlank(chars[k]));
  let breaks = true;
  let leadingSpaces = true;
  for (let i = 0; i < chars.length;) {
    const c = chars[i] as string;
    if (c === '\n') {
      if (!breaks && !leadingSpaces && doubleBreaks) putBreak();
      putBreak();
      i++;
      breaks = true;
      continue;
    }
    if (breaks) {
      writeIndent();
      leadingSpaces = isBlank(c);
    }
    if (!breaks && c === ' ' && chars[i + 1] !== ' ' && column > BEST_WIDTH) {
      writeIndent();
      i++;
    } else {
      out += c;
      column++;
      i++;
    }
    indention = false;
    breaks = false;
  }
  // What follows the scalar starts on a new line.
  if (!indention) out += '\n';
  const lines = out.split('\n');
  lines.pop();
  return lines;
}

/** libyaml's folded block scalar reading, for lines with content at `indent`. */
function readFolded(lines: readonly string[], indent: number, chomp: '-' | '' | '+'): string {
  let s = '';
  let leadingBreak = '';
  let trailingBreaks = '';
  let leadingBlank = false;
  let i = 0;
  const scanBreaks = (): void => {
    while (i < lines.length && (lines[i] as string).length <= indent) {
      trailingBreaks += '\n';
      i++;
    }
  };
  scanBreaks();
  while (i < lines.length) {
    const content = (lines[i] as string).slice(indent);
    const trailingBlank = isBlank(content[0]);
    if (leadingBreak === '\n' && !leadingBlank && !trailingBlank) {
      if (trailingBreaks === '') s += ' ';
    } else s += leadingBreak;
    leadingBreak = '';
    s += trailingBreaks;
    trailingBreaks = '';
    leadingBlank = trailingBlank;
    s += content;
    i++;
    leadingBreak = '\n';
    scanBreaks();
  }
  if (chomp !== '-') s += leadingBreak;
  if (chomp === '+') s += trailingBreaks;
  return s;
}

/**
 * The value a folded scalar has after kyaml's go-yaml v3 write and read, for a scalar whose content
 * go-yaml v3 indents by `indent` columns.
 */
export function foldedRoundTrip(value: string, indent: number): string {
  if (!blockAllowed(value)) return value;
  return readFolded(writeFolded(value, indent), indent, chompOf(value));
}
