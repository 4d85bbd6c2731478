// A fast reader for the YAML charts and templates mostly consist of: one document of block
// mappings and sequences, single-line plain and quoted scalars, literal and folded block scalars
// and single-line flow collections. Scalars resolve as go-yaml v2 does (sigs.k8s.io/yaml), like
// parseYamlDocuments(text, true). Anything else (anchors, tags, multi-line plain or quoted
// scalars, document markers, tabs, odd indentation, errors of any kind) makes it give up and
// return undefined, and the caller reads the text with the full parser: it is only ever a shortcut
// to the same value, never a second opinion on what is valid.
import { newMap, parseYamlDocuments } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { resolveV2 } from '../yaml/go-yaml-resolve.js';

/** Thrown inside the reader to give up; never escapes fastYaml. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

const MAX_DEPTH = 500;

// Characters that cannot start a plain scalar (or that start something this reader skips).
// '-', '?' and ':' are handled apart: they may start one when a non-space follows.
const NOT_PLAIN_START = new Set([...',[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

const SPACE = 0x20;
const NL = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

class Reader {
  pos = 0;
  constructor(readonly s: string) {}

  /** Moves to the first character of the next line that is neither blank nor a comment; returns its indentation, or -1 at the end. */
  nextContentLine(): number {
    const s = this.s;
    // A block collection that ended leaves pos at the first character of the line that ended it.
    if (this.pos > 0 && this.pos < s.length && s.charCodeAt(this.pos - 1) !== NL)
      return this.column();
    for (;;) {
      const start = this.pos;
      if (start >= s.length) return -1;
      let i = start;
      while (s.charCodeAt(i) === SPACE) i++;
      const c = s.charCodeAt(i);
      if (i >= s.length) {
        this.pos = s.length;
        return -1;
      }
      if (c === NL || c === HASH) {
        const nl = s.indexOf('\n', i);
        this.pos = nl < 0 ? s.length : nl + 1;
        continue;
      }
      this.pos = i;
      return i - start;
    }
  }

  /** Indentation of the next content line without moving. */
  peekIndent(): number {
    const save = this.pos;
    const n = this.nextContentLine();
    this.pos = save;
    return n;
  }

  /** After a value on the current line: only spaces, then a comment or the line's end. */
  endLine(): void {
    const s = this.s;
    let i = this.pos;
    while (s.charCodeAt(i) === SPACE) i++;
    if (i >= s.length) {
      this.pos = s.length;
      return;
    }
    const c = s.charCodeAt(i);
    if (c === HASH) {
      // a comment needs white space before it ("'a'#x" is an error)
      const before = s.charCodeAt(i - 1);
      if (i > 0 && before !== SPACE && before !== NL) throw GIVE_UP;
    } else if (c !== NL) throw GIVE_UP;
    const nl = s.indexOf('\n', i);
    this.pos = nl < 0 ? s.length : nl + 1;
  }

  /** Column of pos on its line. */
  column(): number {
    return this.pos - (this.s.lastIndexOf('\n', this.pos - 1) + 1);
  }

  /** A node whose first line is at pos, indented `indent`, inside a node indented `parent`. */
  blockNode(indent: number, parent: number, depth: number): YamlValue {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    if (c === DASH && this.isBlank(this.pos + 1)) return this.sequence(indent, depth);
    if (this.keyAhead()) return this.mapping(indent, depth);
    return this.inlineValue(parent, depth);
  }

  /** Whether s[i] is a space, a line break or the end. */
  isBlank(i: number): boolean {
    return i >= this.s.length || this.s.charCodeAt(i) === SPACE || this.s.charCodeAt(i) === NL;
  }

  /** Whether the text at pos is "key:" followed by a space or the line's end. */
  keyAhead(): boolean {
    const save = this.pos;
    try {
      this.key();
      return true;
    } catch (e) {
      if (e !== GIVE_UP) throw e;
      return false;
    } finally {
      this.pos = save;
    }
  }

  /** A mapping key and its ':' (pos then after the colon). */
  key(): string {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    let k: string;
    if (c === 0x22 || c === 0x27) {
      k = c === 0x22 ? this.doubleQuoted() : this.singleQuoted();
      if (s.charCodeAt(this.pos) !== COLON) throw GIVE_UP;
    } else {
      if (!this.plainStartOK(this.pos)) throw GIVE_UP;
      let i = this.pos;
      for (;;) {
        const x = s.charCodeAt(i);
        if (i >= s.length || x === NL) throw GIVE_UP;
        if (x === COLON && this.isBlank(i + 1)) break;
        if (x === HASH && s.charCodeAt(i - 1) === SPACE) throw GIVE_UP;
        i++;
      }
      let end = i;
      while (s.charCodeAt(end - 1) === SPACE) end--;
      k = s.slice(this.pos, end);
      if (k === '' || k === '<<') throw GIVE_UP;
      // Keys that read as other scalars become their text as the full parser prints them.
      const r = resolveV2(k);
      if (r.tag !== 'str') k = r.value === null ? 'null' : String(r.value);
      this.pos = i;
    }
    this.pos++; // ':'
    if (!this.isBlank(this.pos)) throw GIVE_UP;
    return k;
  }

  plainStartOK(i: number): boolean {
    const c = this.s.charCodeAt(i);
    if (NOT_PLAIN_START.has(c)) return false;
    if (c === DASH || c === 0x3f || c === COLON) return !this.isBlank(i + 1);
    return i < this.s.length && c !== NL && c !== SPACE;
  }

  mapping(indent: number, depth: number): YamlMap {
    const out = newMap();
    for (;;) {
      const k = this.key();
      if (Object.hasOwn(out, k)) throw GIVE_UP;
      out[k] = this.valueAfterIndicator(indent, depth, true);
      const n = this.nextContentLine();
      if (n < 0 || n < indent) return out;
      if (n > indent) throw GIVE_UP;
      if (this.s.charCodeAt(this.pos) === DASH && this.isBlank(this.pos + 1)) throw GIVE_UP;
    }
  }

  sequence(indent: number, depth: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (;;) {
      this.pos++; // '-'
      out.push(this.valueAfterIndicator(indent, depth, false));
      const n = this.nextContentLine();
      if (n < 0 || n < indent) return out;
      if (n > indent) throw GIVE_UP;
      if (!(this.s.charCodeAt(this.pos) === DASH && this.isBlank(this.pos + 1))) return out;
    }
  }

  /**
   * The value after "key:" or "-" of a node indented `indent`: on the same line, or a block node on
   * the lines below (for a mapping value, a sequence may sit at the key's own indentation).
   */
  valueAfterIndicator(indent: number, depth: number, inMapping: boolean): YamlValue {
    const s = this.s;
    while (s.charCodeAt(this.pos) === SPACE) this.pos++;
    const c = s.charCodeAt(this.pos);
    if (this.pos >= s.length || c === NL || c === HASH) {
      if (c === HASH && s.charCodeAt(this.pos - 1) !== SPACE) throw GIVE_UP;
      this.endLine();
      const n = this.peekIndent();
      if (n > indent) {
        this.nextContentLine();
        return this.blockNode(n, indent, depth + 1);
      }
      if (inMapping && n === indent) {
        const save = this.pos;
        this.nextContentLine();
        if (s.charCodeAt(this.pos) === DASH && this.isBlank(this.pos + 1))
          return this.sequence(n, depth + 1);
        this.pos = save;
      }
      return null;
    }
    if (!inMapping) {
      // "- key: value" starts a compact mapping at this column; "- - x" is left to the full parser.
      if (c === DASH && this.isBlank(this.pos + 1)) throw GIVE_UP;
      if (this.keyAhead()) return this.mapping(this.column(), depth + 1);
    }
    return this.inlineValue(indent, depth);
  }

  /** A scalar or flow collection starting at pos on the current line, then the line's end. */
  inlineValue(indent: number, depth: number): YamlValue {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    let v: YamlValue;
    if (c === 0x22) v = this.doubleQuoted(indent);
    else if (c === 0x27) v = this.singleQuoted(indent);
    else if (c === 0x5b || c === 0x7b) v = this.flow(depth + 1);
    else if (c === 0x7c || c === 0x3e) return this.blockScalar(indent);
    else {
      if (!this.plainStartOK(this.pos)) throw GIVE_UP;
      let i = this.pos;
      for (;;) {
        const x = s.charCodeAt(i);
        if (i >= s.length || x === NL) break;
        if (x === HASH && s.charCodeAt(i - 1) === SPACE) break;
        if (x === COLON && this.isBlank(i + 1)) throw GIVE_UP;
        i++;
      }
      let end = i;
      while (s.charCodeAt(end - 1) === SPACE) end--;
      let text = s.slice(this.pos, end);
      this.pos = i;
      this.endLine();
      const more = this.peekIndent() > indent;
      if (!more) {
        const r = resolveV2(text);
        return r.tag === 'merge' ? '<<' : r.value;
      }
      if (s.charCodeAt(i) === HASH) throw GIVE_UP; // a comment cannot sit inside a plain scalar
      text += this.plainContinuation(indent);
      const r = resolveV2(text);
      return r.tag === 'merge' ? '<<' : r.value;
    }
    this.endLine();
    if (this.peekIndent() > indent) throw GIVE_UP;
    return v;
  }

  /**
   * The lines that continue a plain scalar (each more indented than `indent`), folded: a line
   * break between two lines becomes a space, each empty line a line break. Lines that look like
   * anything but text are left to the full parser.
   */
  plainContinuation(indent: number): string {
    const s = this.s;
    let out = '';
    let empties = 0;
    for (;;) {
      if (this.pos >= s.length) break;
      const nl = s.indexOf('\n', this.pos);
      const lineEnd = nl < 0 ? s.length : nl;
      let i = this.pos;
      while (s.charCodeAt(i) === SPACE) i++;
      if (i === lineEnd) {
        empties++;
        this.pos = nl < 0 ? s.length : nl + 1;
        continue;
      }
      if (i - this.pos <= indent) break;
      let j = i;
      for (; j < lineEnd; j++) {
        const x = s.charCodeAt(j);
        if (x === COLON && this.isBlank(j + 1)) throw GIVE_UP;
        if (x === HASH && s.charCodeAt(j - 1) === SPACE) throw GIVE_UP;
      }
      let end = lineEnd;
      while (s.charCodeAt(end - 1) === SPACE) end--;
      out += empties > 0 ? '\n'.repeat(empties) : ' ';
      out += s.slice(i, end);
      empties = 0;
      this.pos = nl < 0 ? s.length : nl + 1;
    }
    // Trailing empty lines are not part of the scalar; pos is at the line that ended it.
    return out;
  }

  /** A double-quoted scalar; with `parent`, it may span lines as singleQuoted's may. */
  doubleQuoted(parent?: number): string {
    const s = this.s;
    let i = this.pos + 1;
    let out = '';
    let from = i;
    // out's length without the spaces written literally at its end (trimmed before a break)
    let kept = 0;
    for (;;) {
      if (i >= s.length) throw GIVE_UP;
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === NL) {
        if (parent === undefined) throw GIVE_UP;
        out += s.slice(from, i);
        out = out.slice(0, Math.max(kept, out.replace(/ +$/, '').length));
        i = this.foldBreak(i, parent, true, (x) => (out += x));
        from = i;
        kept = out.length;
        continue;
      }
      if (c === 0x5c) {
        out += s.slice(from, i);
        const e = s[i + 1];
        const simple = e === undefined ? undefined : ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 'x' || e === 'u' || e === 'U') {
          const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = s.slice(i + 2, i + 2 + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw GIVE_UP;
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw GIVE_UP;
          out += String.fromCodePoint(cp);
          i += 2 + n;
        } else if (e === '\n' && parent !== undefined) {
          // an escaped break: the lines join without a space
          i = this.foldBreak(i + 1, parent, false, () => undefined);
        } else throw GIVE_UP;
        from = i;
        kept = out.length;
        continue;
      }
      i++;
    }
    out += s.slice(from, i);
    this.pos = i + 1;
    return out;
  }

  /**
   * At a line break inside a quoted scalar: skips it, the empty lines after it and the next
   * line's indentation (which must be deeper than `parent`); writes what the break folds to (a
   * space, or a break per empty line) when `fold`. Returns the index of the next line's text.
   */
  foldBreak(nlAt: number, parent: number, fold: boolean, write: (x: string) => void): number {
    const s = this.s;
    let i = nlAt + 1;
    let empties = 0;
    for (;;) {
      let j = i;
      while (s.charCodeAt(j) === SPACE) j++;
      if (j >= s.length) throw GIVE_UP;
      if (s.charCodeAt(j) === NL) {
        empties++;
        i = j + 1;
        continue;
      }
      if (j - i <= parent) throw GIVE_UP;
      if (!fold && empties > 0) throw GIVE_UP;
      if (fold) write(empties > 0 ? '\n'.repeat(empties) : ' ');
      return j;
    }
  }

  /**
   * A single-quoted scalar; with `parent` (the indentation of the node it sits in) it may span
   * lines, each continuation more indented than the parent, folded as YAML folds flow scalars.
   */
  singleQuoted(parent?: number): string {
    const s = this.s;
    let i = this.pos + 1;
    let out = '';
    for (;;) {
      const q = s.indexOf("'", i);
      if (q < 0) throw GIVE_UP;
      const nl = s.indexOf('\n', i);
      if (nl >= 0 && nl < q) {
        if (parent === undefined) throw GIVE_UP;
        out += this.foldQuotedLines(s.slice(i, q), parent);
        // the text after the last break stays as it is (minus the indentation, removed by the fold)
      } else out += s.slice(i, q);
      if (s.charCodeAt(q + 1) === 0x27) {
        out += "'";
        i = q + 2;
        continue;
      }
      this.pos = q + 1;
      return out;
    }
  }

  /** A flow sequence or mapping on one line: plain or quoted scalars and nested flow collections. */
  flow(depth: number): YamlValue {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const s = this.s;
    const open = s.charCodeAt(this.pos);
    const close = open === 0x5b ? 0x5d : 0x7d;
    this.pos++;
    const seq: YamlValue[] = [];
    const map = newMap();
    this.flowSpace();
    if (s.charCodeAt(this.pos) === close) {
      this.pos++;
      return open === 0x5b ? seq : map;
    }
    for (;;) {
      if (open === 0x5b) seq.push(this.flowNode(depth));
      else {
        const k = this.flowNode(depth);
        if (typeof k !== 'string' || Object.hasOwn(map, k) || k === '<<') throw GIVE_UP;
        this.flowSpace();
        if (s.charCodeAt(this.pos) !== COLON) throw GIVE_UP;
        this.pos++;
        if (!this.isBlank(this.pos)) throw GIVE_UP;
        this.flowSpace();
        map[k] = this.flowNode(depth);
      }
      this.flowSpace();
      const c = s.charCodeAt(this.pos);
      if (c === close) {
        this.pos++;
        return open === 0x5b ? seq : map;
      }
      if (c !== 0x2c) throw GIVE_UP;
      this.pos++;
      this.flowSpace();
      if (s.charCodeAt(this.pos) === close || s.charCodeAt(this.pos) === 0x2c) throw GIVE_UP;
    }
  }

  /**
   * Folds the raw text of a quoted scalar between two of its quotes that holds line breaks:
   * trailing and leading spaces around each break go, a break becomes a space, each empty line a
   * break. Continuation lines must be more indented than `parent`.
   */
  foldQuotedLines(raw: string, parent: number): string {
    const lines = raw.split('\n');
    let out = (lines[0] as string).replace(/ +$/, '');
    let empties = 0;
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k] as string;
      const last = k === lines.length - 1;
      const body = line.replace(/^ +/, '');
      const indent = line.length - body.length;
      const text = last ? body : body.replace(/ +$/, '');
      if (text === '' && !last) {
        empties++;
        continue;
      }
      if (indent <= parent) throw GIVE_UP;
      out += empties > 0 ? '\n'.repeat(empties) : ' ';
      out += text;
      empties = 0;
    }
    if (empties > 0) throw GIVE_UP;
    return out;
  }

  flowSpace(): void {
    while (this.s.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  flowNode(depth: number): YamlValue {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    if (c === 0x22) return this.doubleQuoted();
    if (c === 0x27) return this.singleQuoted();
    if (c === 0x5b || c === 0x7b) return this.flow(depth + 1);
    if (!this.plainStartOK(this.pos)) throw GIVE_UP;
    let i = this.pos;
    for (;;) {
      const x = s.charCodeAt(i);
      if (i >= s.length || x === NL) throw GIVE_UP;
      if (x === 0x2c || x === 0x5d || x === 0x7d || x === 0x5b || x === 0x7b || x === COLON) break;
      if (x === HASH && s.charCodeAt(i - 1) === SPACE) throw GIVE_UP;
      i++;
    }
    let end = i;
    while (s.charCodeAt(end - 1) === SPACE) end--;
    const text = s.slice(this.pos, end);
    this.pos = i;
    const r = resolveV2(text);
    return r.tag === 'merge' ? '<<' : r.value;
  }

  /** A literal (|) or folded (>) block scalar whose parent node is indented `indent`. */
  blockScalar(indent: number): string {
    const s = this.s;
    const folded = s.charCodeAt(this.pos) === 0x3e;
    this.pos++;
    let chomp = 'clip';
    const ch = s.charCodeAt(this.pos);
    if (ch === DASH) {
      chomp = 'strip';
      this.pos++;
    } else if (ch === 0x2b) {
      chomp = 'keep';
      this.pos++;
    }
    if (!this.isBlank(this.pos)) throw GIVE_UP; // indentation indicators, "|#"
    this.endLine();
    // The content's indentation is the first non-empty line's; leading empty lines may not be longer.
    const lines: string[] = [];
    let contentIndent = -1;
    let maxLeading = 0;
    for (;;) {
      if (this.pos >= s.length) break;
      const nl = s.indexOf('\n', this.pos);
      const lineEnd = nl < 0 ? s.length : nl;
      let i = this.pos;
      while (s.charCodeAt(i) === SPACE) i++;
      const spaces = i - this.pos;
      if (i === lineEnd) {
        // an empty (all-space) line; one longer than the indentation is content: left to the full parser
        if (contentIndent < 0) maxLeading = Math.max(maxLeading, spaces);
        else if (spaces > contentIndent) throw GIVE_UP;
        lines.push('');
        this.pos = nl < 0 ? s.length : nl + 1;
        continue;
      }
      if (contentIndent < 0) {
        if (spaces <= indent) break;
        if (maxLeading > spaces) throw GIVE_UP;
        contentIndent = spaces;
      } else if (spaces < contentIndent) break;
      lines.push(s.slice(this.pos + contentIndent, lineEnd));
      this.pos = nl < 0 ? s.length : nl + 1;
    }
    if (contentIndent < 0) {
      // no content: only empty lines (keep keeps their breaks)
      if (chomp === 'keep') throw GIVE_UP;
      return '';
    }
    // Trailing empty lines belong to the scalar (for chomping); the text ends at the last content line.
    let last = lines.length - 1;
    while (last >= 0 && lines[last] === '') last--;
    const body = lines.slice(0, last + 1);
    const trailing = lines.length - 1 - last;
    if (body.some((l) => l.includes('\t'))) throw GIVE_UP;
    let text: string;
    if (!folded) text = body.join('\n');
    else {
      // Folding: a break between two non-empty lines becomes a space; empty lines stay breaks.
      // Lines that start with a space ("more indented") keep their breaks: left to the full parser.
      if (body.some((l) => l.startsWith(' '))) throw GIVE_UP;
      text = '';
      let pendingEmpty = 0;
      let first = true;
      for (const l of body) {
        if (l === '') {
          pendingEmpty++;
          continue;
        }
        if (!first) text += pendingEmpty > 0 ? '\n'.repeat(pendingEmpty) : ' ';
        text += l;
        pendingEmpty = 0;
        first = false;
      }
    }
    if (chomp === 'strip') return text;
    if (chomp === 'clip') return text + '\n';
    return text + '\n' + '\n'.repeat(trailing);
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/**
 * The value of a one-document YAML text, read as parseYamlDocuments(text, true)[0] would, when the
 * text keeps to the common shapes this reader knows; undefined otherwise.
 */
export function fastYaml(text: string): YamlValue | undefined {
  if (text.includes('\t') || text.includes('\r') || text.includes('\ufeff')) return undefined;
  const marker = /^(---|\.\.\.)(\s|$)|^%/gm;
  const m1 = marker.exec(text);
  if (m1 !== null) {
    // only an opening "---", after nothing but comments
    if (m1[1] !== '---' || marker.exec(text) !== null) return undefined;
    if (!/^(?: *(?:#.*)?\n)*$/.test(text.slice(0, m1.index))) return undefined;
  }
  const r = new Reader(text);
  try {
    let n = r.nextContentLine();
    if (n === 0 && text.startsWith('---', r.pos) && r.isBlank(r.pos + 3)) {
      // an opening document marker
      r.pos += 3;
      r.endLine();
      n = r.nextContentLine();
    }
    if (n < 0) return null;
    if (n > 0 && text.charCodeAt(r.pos) !== DASH && !r.keyAhead()) return undefined;
    const v = r.blockNode(n, -1, 0);
    if (r.nextContentLine() >= 0) return undefined;
    return v;
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

const CACHE_CHARS = 32 * 1024 * 1024;
const cache = new Map<string, YamlValue>();
let cachedChars = 0;

/**
 * The first document of a YAML text as parseYamlDocuments(text, true) reads it (null when empty),
 * the fast way when it can. Texts read before (a chart rendered again) come from a cache, so the
 * value is shared: callers must not change it.
 */
export function firstYamlDocument(text: string): YamlValue {
  const hit = cache.get(text);
  if (hit !== undefined) {
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const fast = fastYaml(text);
  const v = fast !== undefined ? fast : (parseYamlDocuments(text, true)[0] ?? null);
  if (text.length < CACHE_CHARS) {
    cache.set(text, v);
    cachedChars += text.length;
    for (const [k] of cache) {
      if (cachedChars <= CACHE_CHARS) break;
      cache.delete(k);
      cachedChars -= k.length;
    }
  }
  return v;
}
