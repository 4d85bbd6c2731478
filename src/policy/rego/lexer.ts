// Rego tokenizer: identifiers, numbers, strings (raw and template), operators, with newline flags.
import type { Location } from './ast.js';
import { RegoError } from './errors.js';

export const Tok = {
  Ident: 'ident',
  Number: 'number',
  String: 'string',
  /** A template string; `value` is the raw text between the quotes. */
  Template: 'template',
  Op: 'op',
  EOF: 'eof',
} as const;
export type Tok = (typeof Tok)[keyof typeof Tok];

export interface Token {
  readonly kind: Tok;
  /** Identifier name, operator text, number text or decoded string. */
  readonly value: string;
  /** True when a newline separates this token from the previous one. */
  readonly nl: boolean;
  /** True when whitespace separates this token from the previous one. */
  readonly space: boolean;
  readonly loc: Location;
  /** Offset in the source of the token's first character (templates: of the first raw char). */
  readonly offset: number;
  /** For templates: whether the string was backquoted (raw). */
  readonly raw?: boolean;
}

const OPS3: readonly string[] = [];
const OPS2 = [':=', '==', '!=', '<=', '>='];
const OPS1 = '+-*/%&|<>=[]{}(),;:.';

export function parseError(file: string, row: number, col: number, msg: string): RegoError {
  return new RegoError('rego_parse_error', msg, { file, row, col });
}

/** Splits `src` into tokens; the location of every token is 1-based row and column. */
export function tokenize(src: string, file: string, startRow = 1, startCol = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  let row = startRow;
  let lineStart = -(startCol - 1);
  let nl = false;
  let space = false;
  const n = src.length;
  const loc = (at: number): Location => ({ file, row, col: at - lineStart + 1 });
  while (i < n) {
    const c = src[i] as string;
    if (c === '\n') {
      i++;
      row++;
      lineStart = i;
      nl = true;
      space = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      space = true;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    const l = loc(i);
    const push = (kind: Tok, value: string, extra?: { raw: boolean }): void => {
      out.push({ kind, value, nl, space, loc: l, offset: start, ...extra });
      nl = false;
      space = false;
    };
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(src[i] as string)) i++;
      push(Tok.Ident, src.slice(start, i));
      continue;
    }
    if (isDigit(c)) {
      while (i < n && isDigit(src[i] as string)) i++;
      if (src[i] === '.' && isDigit(src[i + 1] ?? '')) {
        i++;
        while (i < n && isDigit(src[i] as string)) i++;
      }
      if (src[i] === 'e' || src[i] === 'E') {
        let j = i + 1;
        if (src[j] === '+' || src[j] === '-') j++;
        if (isDigit(src[j] ?? '')) {
          i = j;
          while (i < n && isDigit(src[i] as string)) i++;
        }
      }
      push(Tok.Number, src.slice(start, i));
      continue;
    }
    if (c === '"') {
      const [value, end] = readString(src, i, file, row, lineStart);
      i = end;
      push(Tok.String, value);
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw parseError(file, l.row, l.col, 'non-terminated raw string');
      const value = src.slice(i + 1, end);
      for (let k = i; k < end; k++) {
        if (src[k] === '\n') {
          row++;
          lineStart = k + 1;
        }
      }
      i = end + 1;
      push(Tok.String, value);
      continue;
    }
    if (c === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) {
      const rawQ = src[i + 1] === '`';
      const end = templateEnd(src, i + 2, rawQ ? '`' : '"', file, l);
      for (let k = i; k < end; k++) {
        if (src[k] === '\n') {
          row++;
          lineStart = k + 1;
        }
      }
      const value = src.slice(i + 2, end);
      i = end + 1;
      out.push({ kind: Tok.Template, value, nl, space, loc: l, offset: start + 2, raw: rawQ });
      nl = false;
      space = false;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS3.length > 0 && OPS3.includes(src.slice(i, i + 3))) {
      i += 3;
      push(Tok.Op, src.slice(start, i));
      continue;
    }
    if (OPS2.includes(two)) {
      i += 2;
      push(Tok.Op, two);
      continue;
    }
    if (OPS1.includes(c)) {
      i++;
      push(Tok.Op, c);
      continue;
    }
    throw parseError(file, l.row, l.col, `illegal token`);
  }
  out.push({ kind: Tok.EOF, value: '', nl: true, space: true, loc: loc(i), offset: i });
  return out;
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Reads a double-quoted string starting at `i` (the quote); returns the decoded value and end. */
function readString(
  src: string,
  i: number,
  file: string,
  row: number,
  lineStart: number,
): [string, number] {
  let j = i + 1;
  let out = '';
  for (;;) {
    const c = src[j];
    if (c === undefined || c === '\n') {
      throw parseError(file, row, i - lineStart + 1, 'non-terminated string');
    }
    if (c === '"') return [out, j + 1];
    if (c === '\\') {
      const [s, next] = readEscape(src, j, file, row, lineStart);
      out += s;
      j = next;
      continue;
    }
    out += c;
    j++;
  }
}

/** Decodes the escape sequence at `j` (a backslash) as Go's strconv.Unquote does for JSON. */
export function readEscape(
  src: string,
  j: number,
  file: string,
  row: number,
  lineStart: number,
): [string, number] {
  const e = src[j + 1];
  switch (e) {
    case '"':
      return ['"', j + 2];
    case '\\':
      return ['\\', j + 2];
    case '/':
      return ['/', j + 2];
    case 'b':
      return ['\b', j + 2];
    case 'f':
      return ['\f', j + 2];
    case 'n':
      return ['\n', j + 2];
    case 'r':
      return ['\r', j + 2];
    case 't':
      return ['\t', j + 2];
    case 'u': {
      const hex = src.slice(j + 2, j + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw parseError(file, row, j - lineStart + 1, 'invalid escape sequence');
      }
      let code = parseInt(hex, 16);
      let next = j + 6;
      // A surrogate pair written as two escapes.
      if (code >= 0xd800 && code < 0xdc00 && src[next] === '\\' && src[next + 1] === 'u') {
        const lo = parseInt(src.slice(next + 2, next + 6), 16);
        if (lo >= 0xdc00 && lo < 0xe000) {
          code = 0x10000 + ((code - 0xd800) << 10) + (lo - 0xdc00);
          next += 6;
        }
      }
      return [String.fromCodePoint(code), next];
    }
    default:
      throw parseError(file, row, j - lineStart + 1, 'invalid escape sequence');
  }
}

/** Finds the closing quote of a template string, skipping over `{...}` expressions. */
function templateEnd(src: string, i: number, quote: string, file: string, l: Location): number {
  let j = i;
  let depth = 0;
  while (j < src.length) {
    const c = src[j];
    if (depth === 0) {
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (c === quote) return j;
      if (c === '\n' && quote === '"') break;
      if (c === '{') depth = 1;
      j++;
      continue;
    }
    // Inside an expression: skip nested strings and templates, count braces.
    if (c === '"') {
      j = skipQuoted(src, j + 1, '"');
      continue;
    }
    if (c === '`') {
      j = skipQuoted(src, j + 1, '`');
      continue;
    }
    if (c === '$' && (src[j + 1] === '"' || src[j + 1] === '`')) {
      j = templateEnd(src, j + 2, src[j + 1] as string, file, l) + 1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    j++;
  }
  throw parseError(file, l.row, l.col, 'non-terminated template string');
}

function skipQuoted(src: string, j: number, quote: string): number {
  while (j < src.length) {
    const c = src[j];
    if (c === '\\' && quote === '"') {
      j += 2;
      continue;
    }
    if (c === quote) return j + 1;
    j++;
  }
  return j;
}
