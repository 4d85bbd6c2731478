// SOPS' INI store: go-ini's parser (gopkg.in/ini.v1 with AllowNonUniqueSections) into a tree of
// sections, and go-ini's writer (aligned `=`, quoting, a blank line between sections) back out.
import {
  Branch,
  Comment,
  stringBytes,
  type Scalar,
  type TreeItem,
  type TreeValue,
} from '../tree.js';
import { valueToString } from './values.js';

const DEFAULT_SECTION = 'DEFAULT';
const DELIMITERS = '=:';

/** A syntax error in an INI file (go-ini's messages). */
export class IniError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IniError';
  }
}

interface IniKey {
  value: string;
  comment: string;
}

interface IniSection {
  readonly name: string;
  comment: string;
  readonly keys: Map<string, IniKey>;
}

const trimLeftSpace = (s: string): string => s.replace(/^[\s\u0085\u00a0]+/u, '');
const trimSpace = (s: string): string => s.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, '');

function anyIndex(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i] as string)) return i;
  return -1;
}

/** go-ini's readKeyName: the key (possibly quoted) and where its value starts. */
function readKeyName(line: string): { name: string; offset: number } {
  let quote = '';
  if (line[0] === '"') quote = line.length > 6 && line.startsWith('"""') ? '"""' : '"';
  else if (line[0] === '`') quote = '`';
  if (quote !== '') {
    const start = quote.length;
    const rel = line.slice(start).indexOf(quote);
    if (rel < 0) throw new IniError(`missing closing key quote: ${line}`);
    const pos = rel + start;
    const i = anyIndex(line.slice(pos + start), DELIMITERS);
    if (i < 0) throw new IniError(`key-value delimiter not found: ${line}`);
    return { name: trimSpace(line.slice(start, pos)), offset: pos + i + start + 1 };
  }
  const end = anyIndex(line, DELIMITERS);
  if (end < 0) throw new IniError(`key-value delimiter not found: ${line}`);
  if (end === 0) throw new IniError(`empty key name: ${line}`);
  return { name: trimSpace(line.slice(0, end)), offset: end + 1 };
}

function hasSurroundedQuote(s: string, quote: string): boolean {
  return (
    s.length >= 2 &&
    s[0] === quote &&
    s[s.length - 1] === quote &&
    s.slice(1).indexOf(quote) === s.length - 2
  );
}

class IniParser {
  private pos = 0;
  private eof = false;
  comment = '';

  constructor(private readonly text: string) {
    // A UTF-8 byte order mark is skipped.
    if (text.startsWith('\ufeff')) this.pos = 1;
  }

  get done(): boolean {
    return this.eof;
  }

  /** The next line including its '\n' (bufio.Reader.ReadBytes). */
  readLine(): string {
    const nl = this.text.indexOf('\n', this.pos);
    if (nl < 0) {
      const rest = this.text.slice(this.pos);
      this.pos = this.text.length;
      this.eof = true;
      return rest;
    }
    const line = this.text.slice(this.pos, nl + 1);
    this.pos = nl + 1;
    return line;
  }

  private readMultilines(line: string, start: string, quote: string): string {
    let val = start;
    for (;;) {
      const next = this.readLine();
      const pos = next.lastIndexOf(quote);
      if (pos > -1) {
        const rest = next.slice(pos + quote.length).replace(/[\r\n]+$/, '');
        if (trimSpace(rest).endsWith('\\')) {
          val += next;
          continue;
        }
        val += next.slice(0, pos);
        const i = anyIndex(next.slice(pos), '#;');
        if (i >= 0) this.comment += trimSpace(next.slice(pos + i));
        return val;
      }
      val += next;
      if (this.eof) throw new IniError(`missing closing key quote from "${line}" to "${next}"`);
    }
  }

  private readContinuationLines(start: string): string {
    let val = start;
    for (;;) {
      const next = trimSpace(this.readLine());
      if (next.length === 0) break;
      val += next;
      if (!val.endsWith('\\')) break;
      val = val.slice(0, -1);
    }
    return val;
  }

  readValue(input: string): string {
    let line = trimLeftSpace(input);
    if (line.length === 0) return '';
    let quote = '';
    if (line.length > 3 && line.startsWith('"""')) quote = '"""';
    else if (line[0] === '`') quote = '`';
    if (quote !== '') {
      const start = quote.length;
      const pos = line.slice(start).lastIndexOf(quote);
      if (pos === -1) return this.readMultilines(line, line.slice(start), quote);
      return line.slice(start, pos + start);
    }
    line = trimSpace(line);
    if (line.endsWith('\\')) return this.readContinuationLines(line.slice(0, -1));
    const i = anyIndex(line, '#;');
    if (i > -1) {
      this.comment += line.slice(i);
      line = trimSpace(line.slice(0, i));
    }
    if (hasSurroundedQuote(line, "'") || hasSurroundedQuote(line, '"')) line = line.slice(1, -1);
    return line;
  }
}

/** go-ini File.parse into sections (the DEFAULT section first, always). */
function parseIni(text: string): IniSection[] {
  const p = new IniParser(text);
  const newSection = (name: string): IniSection => {
    if (name === '') throw new IniError('empty section name');
    return { name, comment: '', keys: new Map() };
  };
  const sections = [newSection(DEFAULT_SECTION)];
  let section = sections[0] as IniSection;
  while (!p.done) {
    const line = trimLeftSpace(p.readLine());
    if (line.length === 0) continue;
    if (line[0] === '#' || line[0] === ';') {
      p.comment += line;
      continue;
    }
    if (line[0] === '[') {
      const close = line.lastIndexOf(']');
      if (close === -1) throw new IniError(`unclosed section: ${line}`);
      section = newSection(line.slice(1, close));
      sections.push(section);
      const i = anyIndex(line.slice(close + 1), '#;');
      if (i >= 0) p.comment += line.slice(close + 1 + i);
      section.comment = trimSpace(p.comment);
      p.comment = '';
      continue;
    }
    const { name, offset } = readKeyName(line);
    if (name === '') throw new IniError('error creating new key: empty key name');
    const value = p.readValue(line.slice(offset));
    const existing = section.keys.get(name);
    const key = existing ?? { value, comment: '' };
    key.value = value;
    key.comment = trimSpace(p.comment);
    p.comment = '';
    if (!existing) section.keys.set(name, key);
  }
  return sections;
}

function stripCommentChar(comment: string): string {
  if (comment.startsWith(';')) return comment.replace(/^[; ]+/, '');
  if (comment.startsWith('#')) return comment.replace(/^[# ]+/, '');
  return comment;
}

/** The tree of an INI file: one branch whose items are the sections. */
export function loadIni(data: Uint8Array): Branch[] {
  const items: TreeItem[] = parseIni(Buffer.from(data).toString('utf8')).map((s) => {
    const entries: TreeItem[] = [];
    if (s.comment !== '')
      entries.push({ key: new Comment(stripCommentChar(s.comment)), value: null });
    for (const [name, key] of s.keys) {
      entries.push({ key: name, value: key.value });
      if (key.comment !== '')
        entries.push({ key: new Comment(stripCommentChar(key.comment)), value: null });
    }
    return { key: s.name, value: new Branch(entries) };
  });
  return [new Branch(items)];
}

function commentLines(comment: string, trimFirst: boolean): string {
  return comment
    .split('\n')
    .map((l) => {
      if (l[0] !== '#' && l[0] !== ';') return `; ${trimFirst ? trimSpace(l) : l}`;
      return `${l[0]} ${trimSpace(l.slice(1))}`;
    })
    .map((l) => `${l}\n`)
    .join('');
}

function quoteKey(name: string): string {
  if (name.includes('"') || anyIndex(name, DELIMITERS) >= 0) return `\`${name}\``;
  if (name.includes('`')) return `"""${name}"""`;
  return name;
}

function quoteValue(v: string): string {
  if (v.includes('\n') || v.includes('`')) return `"""${v}"""`;
  if (anyIndex(v, '#;') >= 0) return `\`${v}\``;
  if (trimSpace(v).length !== v.length) return `"${v}"`;
  return v;
}

function scalarText(v: TreeValue): string {
  if (v instanceof Uint8Array) return stringBytes(v).toString('latin1');
  return valueToString(v as Scalar);
}

/** go-ini's WriteTo of the sections in a tree (sops' INI EmitPlainFile). */
export function emitIni(branches: readonly Branch[]): Buffer {
  const sections: IniSection[] = [];
  for (const branch of branches) {
    for (const item of branch.items) {
      if (item.key instanceof Comment) continue;
      if (item.key === '') throw new IniError('error encoding section: empty section name');
      if (!(item.value instanceof Branch))
        throw new IniError('error encoding section: section values should always be mappings');
      const section: IniSection = { name: item.key, comment: '', keys: new Map() };
      let entries = item.value.items;
      const first = entries[0];
      if (first && first.key instanceof Comment) {
        section.comment = first.key.value;
        entries = entries.slice(1);
      }
      let last: IniKey | undefined;
      for (const entry of entries) {
        if (entry.key instanceof Comment) {
          if (last) last.comment = entry.key.value;
          continue;
        }
        const existing = section.keys.get(entry.key);
        last = existing ?? { value: '', comment: '' };
        last.value = scalarText(entry.value);
        if (!existing) section.keys.set(entry.key, last);
      }
      sections.push(section);
    }
  }
  let out = '';
  sections.forEach((s, i) => {
    if (s.comment !== '') out += commentLines(s.comment, false);
    if (i > 0 || s.name.toUpperCase() !== DEFAULT_SECTION) out += `[${s.name}]\n`;
    else if (s.keys.size === 0) return;
    const names = [...s.keys.keys()].map(quoteKey);
    const align = Math.max(
      0,
      ...[...s.keys.keys()].map(
        (n) =>
          Buffer.byteLength(n) +
          (n.includes('"') || anyIndex(n, DELIMITERS) >= 0 ? 2 : n.includes('`') ? 6 : 0),
      ),
    );
    [...s.keys.values()].forEach((key, k) => {
      const name = names[k] as string;
      if (key.comment !== '') out += commentLines(key.comment, true);
      out += `${name}${' '.repeat(Math.max(0, align - Buffer.byteLength(name)))} = ${quoteValue(key.value)}\n`;
    });
    if (i < sections.length - 1) out += '\n';
  });
  return Buffer.from(out, 'utf8');
}
