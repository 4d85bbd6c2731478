// Tables exactly as `flux get`, `flux events` and `flux stats` print them: flux hands its rows to
// olekukonko/tablewriter v0.0.5 with no borders, left alignment and a tab as column padding, so
// every cell is padded to its column's width and followed by a tab (the header's last cell by a
// space instead).

/** Code points that take two columns in a terminal (East Asian wide and fullwidth, emoji). */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
/** Code points that take no column (combining marks, zero-width characters). */
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200B-\u200F\u2028-\u202E\u2060-\u2064\uFEFF]/u;
// eslint-disable-next-line no-control-regex -- ANSI escape sequences, as tablewriter strips them
const ANSI = /\u001b\[(?:\d{1,4}(?:;\d{0,3})*)?[mK]/g;

/** The terminal width of a string, as go-runewidth counts it (ANSI colour codes excluded). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(ANSI, '')) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}

function padRight(text: string, width: number): string {
  const gap = width - displayWidth(text);
  return gap > 0 ? text + ' '.repeat(gap) : text;
}

/** tablewriter's header formatting: `_` and word-joining `.` become spaces, then upper case. */
function title(name: string): string {
  const chars = [...name];
  const numOrSpace = (c: string | undefined) => c !== undefined && /[0-9 ]/.test(c);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '_') chars[i] = ' ';
    else if (
      chars[i] === '.' &&
      ((i !== 0 && !numOrSpace(chars[i - 1])) ||
        (i !== chars.length - 1 && !numOrSpace(chars[i + 1])))
    )
      chars[i] = ' ';
  }
  const trimmed = chars.join('').trim();
  return (trimmed === '' && name.length > 0 ? ' ' : trimmed).toUpperCase();
}

/**
 * Renders `rows` under `header` (empty: no header line, as `--no-header`) byte for byte as flux's
 * table printer does. A cell with line breaks spans several lines.
 */
export function renderFluxTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths: number[] = [];
  const measure = (col: number, cell: string): string[] => {
    const lines = cell.split('\n');
    const w = Math.max(...lines.map(displayWidth));
    widths[col] = Math.max(widths[col] ?? 0, w);
    return lines;
  };
  const headLines = header.map((h, i) => measure(i, h));
  const bodyLines = rows.map((row) => row.map((cell, i) => measure(i, cell)));
  let out = '';
  if (header.length > 0) {
    const height = Math.max(...headLines.map((l) => l.length));
    const last = widths.length - 1;
    for (let x = 0; x < height; x++) {
      for (let y = 0; y <= last; y++) {
        out += padRight(title(headLines[y]?.[x] ?? ''), widths[y] ?? 0) + (y === last ? ' ' : '\t');
      }
      out += '\n';
    }
  }
  for (const cells of bodyLines) {
    const height = Math.max(...cells.map((l) => l.length));
    for (let x = 0; x < height; x++) {
      out += cells.map((lines, y) => padRight(lines[x] ?? '  ', widths[y] ?? 0) + '\t').join('');
      out += '\n';
    }
  }
  return out;
}

/** Hexadecimal runs of 40 to 128 characters (SHA-1 to SHA-512), as flux's TruncateHex finds them. */
const HEX = /\b[a-f0-9]{40,128}\b/g;

/** Shortens every digest in `text` to its first 8 characters, as `flux get` shows revisions. */
export function truncateHex(text: string): string {
  return text.replace(HEX, (h) => h.slice(0, 8));
}
