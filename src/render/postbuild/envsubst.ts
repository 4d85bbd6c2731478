// Bash-style `${var}` substitution with the grammar and functions of drone/envsubst, the library
// Flux's postBuild substitution uses, so that the same manifests give the same output.
//
// Only `${...}` is substituted (a bare `$var` stays as it is); `$$` escapes a dollar (`$${x}`
// gives `${x}`); `\\` and `\/` are escapes too. Supported forms: `${v}`, `${#v}`, `${v^}`,
// `${v^^}`, `${v,}`, `${v,,}`, `${v:pos}`, `${v:pos:len}`, `${v#pat}`, `${v##pat}`, `${v%pat}`,
// `${v%%pat}`, `${v/a/b}`, `${v//a/b}`, `${v/#a/b}`, `${v/%a/b}`, `${v=def}`, `${v:=def}`,
// `${v:-def}` (and `:?`, `:+`, which drone/envsubst also treats as defaults). Defaults may nest.

export class SubstitutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

type Node =
  | { readonly kind: 'text'; readonly value: string }
  | {
      readonly kind: 'func';
      readonly param: string;
      readonly name: string;
      readonly args: Node[][];
    };

const BAD = 'bad substitution';

type Accept = (ch: string, i: number) => boolean;

const acceptAny: Accept = () => true;
const acceptIdent: Accept = (c) => /^[\p{L}\p{N}_-]$/u.test(c);
const acceptColon: Accept = (c) => c === ':';
const acceptOneHash: Accept = (c, i) => c === '#' && i === 1;
const acceptNotClosing: Accept = (c) => c !== '}';
const acceptHashFunc: Accept = (c, i) => c === '#' && i < 3;
const acceptPercentFunc: Accept = (c, i) => c === '%' && i < 3;
const acceptDefaultFunc: Accept = (c, i) =>
  (i === 1 && c === ':') || (i === 2 && (c === '=' || c === '-' || c === '?' || c === '+'));
const acceptReplaceFunc: Accept = (c, i) =>
  (i === 1 && c === '/') || (i === 2 && (c === '/' || c === '#' || c === '%'));
const acceptOneEqual: Accept = (c, i) => i === 1 && c === '=';
const acceptOneColon: Accept = (c, i) => i === 1 && c === ':';
const rejectColonClose: Accept = (c) => c !== ':' && c !== '}';
const acceptSlash: Accept = (c) => c === '/';
const acceptNotSlash: Accept = (c) => c !== '/';
const acceptCasingFunc: Accept = (c, i) => (c === ',' || c === '^') && i < 3;

const MODE_IDENT = 1;
const MODE_LBRACK = 2;
const MODE_RBRACK = 4;
const MODE_ESCAPE = 8;

const enum Tok {
  Illegal,
  Eof,
  Ident,
  Lbrack,
  Rbrack,
}

/** A scanner over code points, mirroring drone/envsubst's, including its in-place escape removal. */
class Scanner {
  buf: string[];
  pos = 0;
  start = 0;
  mode = 0;
  accept: Accept = acceptAny;

  constructor(text: string) {
    this.buf = Array.from(text);
  }

  read(): string | undefined {
    if (this.pos >= this.buf.length) return undefined;
    return this.buf[this.pos++];
  }

  unread(): void {
    this.pos--;
  }

  peek(): string | undefined {
    return this.buf[this.pos];
  }

  /** Removes the character just read (an escape character) from the buffer. */
  skip(): void {
    this.buf.splice(this.pos - 1, 1);
    this.pos--;
  }

  string(): string {
    return this.buf.slice(this.start, this.pos).join('');
  }

  scan(): Tok {
    this.start = this.pos;
    const r = this.read();
    if (r === undefined) return Tok.Eof;
    if (this.scanLbrack(r)) return Tok.Lbrack;
    if (this.scanRbrack(r)) return Tok.Rbrack;
    if (this.scanIdent(r)) return Tok.Ident;
    return Tok.Illegal;
  }

  private scanIdent(first: string): boolean {
    if ((this.mode & MODE_IDENT) === 0) return false;
    if (this.scanEscaped(first)) {
      this.skip();
      this.pos++; // the escaped character itself is part of the token
    } else if (!this.accept(first, this.pos - this.start)) {
      return false;
    }
    for (;;) {
      const r = this.read();
      if (r === undefined) break;
      if (this.scanLbrack(r)) {
        this.unread();
        this.unread();
        break;
      }
      if (this.scanEscaped(r)) {
        this.skip();
        this.pos++;
        continue;
      }
      if (!this.accept(r, this.pos - this.start)) {
        this.unread();
        break;
      }
    }
    return true;
  }

  private scanLbrack(r: string): boolean {
    if ((this.mode & MODE_LBRACK) === 0) return false;
    if (r === '$') {
      if (this.read() === '{') return true;
      this.unread();
    }
    return false;
  }

  private scanRbrack(r: string): boolean {
    return (this.mode & MODE_RBRACK) !== 0 && r === '}';
  }

  private scanEscaped(r: string): boolean {
    if ((this.mode & MODE_ESCAPE) === 0) return false;
    if (r === '$' && this.peek() === '$') return true;
    if (r !== '\\') return false;
    const next = this.peek();
    return next === '/' || next === '\\';
  }
}

class Parser {
  readonly s: Scanner;
  constructor(text: string) {
    this.s = new Scanner(text);
  }

  parseAny(): Node[] {
    const nodes: Node[] = [];
    for (;;) {
      this.s.accept = acceptAny;
      this.s.mode = MODE_IDENT | MODE_LBRACK | MODE_ESCAPE;
      const tok = this.s.scan();
      if (tok === Tok.Eof) return nodes;
      if (tok === Tok.Ident) nodes.push({ kind: 'text', value: this.s.string() });
      else if (tok === Tok.Lbrack) nodes.push(this.parseFunc());
      else throw new SubstitutionError(BAD);
    }
  }

  parseFunc(): Node {
    if (this.s.peek() === '#') return this.parseLenFunc();
    this.s.accept = acceptIdent;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const name = this.s.string();
    switch (this.s.peek()) {
      case ':':
        return this.parseDefaultOrSubstr(name);
      case '=':
        return this.parseDefaultFunc(name);
      case ',':
      case '^':
        return this.parseCasingFunc(name);
      case '/':
        return this.parseReplaceFunc(name);
      case '#':
        return this.parseRemoveFunc(name, acceptHashFunc);
      case '%':
        return this.parseRemoveFunc(name, acceptPercentFunc);
    }
    this.s.accept = acceptIdent;
    this.s.mode = MODE_RBRACK;
    if (this.s.scan() !== Tok.Rbrack) throw new SubstitutionError(BAD);
    return { kind: 'func', param: name, name: '', args: [] };
  }

  parseParam(accept: Accept, mode: number): Node[] {
    this.s.accept = accept;
    this.s.mode = mode | MODE_LBRACK;
    switch (this.s.scan()) {
      case Tok.Lbrack:
        return [this.parseFunc()];
      case Tok.Ident:
      case Tok.Rbrack:
        return [{ kind: 'text', value: this.s.string() }];
      default:
        throw new SubstitutionError(BAD);
    }
  }

  parseDefaultOrSubstr(name: string): Node {
    this.s.read();
    const r = this.s.peek();
    this.s.unread();
    if (r === '=' || r === '-' || r === '?' || r === '+') return this.parseDefaultFunc(name);
    return this.parseSubstrFunc(name);
  }

  parseSubstrFunc(param: string): Node {
    this.s.accept = acceptOneColon;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const node = { kind: 'func' as const, param, name: this.s.string(), args: [] as Node[][] };
    node.args.push(this.parseParam(rejectColonClose, MODE_IDENT));
    this.s.accept = acceptColon;
    this.s.mode = MODE_IDENT | MODE_RBRACK;
    const tok = this.s.scan();
    if (tok === Tok.Rbrack) return node;
    if (tok !== Tok.Ident) throw new SubstitutionError(BAD);
    node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT));
    this.consumeRbrack();
    return node;
  }

  parseRemoveFunc(param: string, accept: Accept): Node {
    this.s.accept = accept;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const node = { kind: 'func' as const, param, name: this.s.string(), args: [] as Node[][] };
    node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT));
    this.consumeRbrack();
    return node;
  }

  parseReplaceFunc(param: string): Node {
    this.s.accept = acceptReplaceFunc;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const node = { kind: 'func' as const, param, name: this.s.string(), args: [] as Node[][] };
    node.args.push(this.parseParam(acceptNotSlash, MODE_IDENT | MODE_ESCAPE));
    this.s.accept = acceptSlash;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    if (this.s.peek() === '}') {
      this.consumeRbrack();
      return node;
    }
    node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT | MODE_ESCAPE));
    this.consumeRbrack();
    return node;
  }

  parseDefaultFunc(param: string): Node {
    this.s.accept = this.s.peek() === '=' ? acceptOneEqual : acceptDefaultFunc;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const node = { kind: 'func' as const, param, name: this.s.string(), args: [] as Node[][] };
    for (;;) {
      if (this.s.peek() === '}') {
        this.consumeRbrack();
        return node;
      }
      if (this.s.peek() === undefined) throw new SubstitutionError(BAD);
      node.args.push(this.parseParam(acceptNotClosing, MODE_IDENT));
    }
  }

  parseCasingFunc(param: string): Node {
    this.s.accept = acceptCasingFunc;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const node: Node = { kind: 'func', param, name: this.s.string(), args: [] };
    this.consumeRbrack();
    return node;
  }

  parseLenFunc(): Node {
    this.s.accept = acceptOneHash;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const name = this.s.string();
    this.s.accept = acceptIdent;
    this.s.mode = MODE_IDENT;
    if (this.s.scan() !== Tok.Ident) throw new SubstitutionError(BAD);
    const node: Node = { kind: 'func', param: this.s.string(), name, args: [] };
    this.consumeRbrack();
    return node;
  }

  consumeRbrack(): void {
    this.s.mode = MODE_RBRACK;
    if (this.s.scan() !== Tok.Rbrack) throw new SubstitutionError(BAD);
  }
}

/** How a variable is looked up: its value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface EvalOptions {
  /**
   * Fail on a variable that is not set and has no default (Flux's strict substitution).
   * @default false
   */
  readonly strict?: boolean;
}

/** Substitutes `${...}` expressions in `text`. Throws SubstitutionError on a malformed one. */
export function envsubst(text: string, lookup: Lookup, options: EvalOptions = {}): string {
  const nodes = new Parser(text).parseAny();
  return evalNodes(nodes, lookup, options.strict ?? false);
}

function evalNodes(nodes: readonly Node[], lookup: Lookup, strict: boolean): string {
  let out = '';
  for (const n of nodes) out += n.kind === 'text' ? n.value : evalFunc(n, lookup, strict);
  return out;
}

const DEFAULTS = new Set(['=', ':=', ':-', ':?', ':+', '-', '+']);

function evalFunc(node: Extract<Node, { kind: 'func' }>, lookup: Lookup, strict: boolean): string {
  const args = node.args.map((a) => evalNodes(a, lookup, strict));
  const value = lookup(node.param);
  if (value === undefined && strict && !(DEFAULTS.has(node.name) && args.length > 0)) {
    throw new SubstitutionError(`variable not set (strict mode): "${node.param}"`);
  }
  const s = value ?? '';
  switch (node.name) {
    case ',':
      return s ? s.charAt(0).toLowerCase() + s.slice(1) : s;
    case ',,':
      return s.toLowerCase();
    case '^':
      return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
    case '^^':
      return s.toUpperCase();
    case '#':
      return args.length === 0
        ? String(Buffer.byteLength(s))
        : trimShortestPrefix(s, args[0] ?? '');
    case '##':
      return trimLongestPrefix(s, args[0] ?? '');
    case '%':
      return reverse(trimShortestPrefix(reverse(s), reverse(args[0] ?? '')));
    case '%%':
      return reverse(trimLongestPrefix(reverse(s), reverse(args[0] ?? '')));
    case ':':
      return substr(s, args);
    case '/#':
      return args.length === 2 && s.startsWith(args[0] ?? '')
        ? (args[1] ?? '') + s.slice((args[0] ?? '').length)
        : s;
    case '/%':
      return args.length === 2 && s.endsWith(args[0] ?? '')
        ? s.slice(0, s.length - (args[0] ?? '').length) + (args[1] ?? '')
        : s;
    case '/':
      return args.length === 0 ? s : s.replace(args[0] ?? '', () => args[1] ?? '');
    case '//':
      return args.length === 0 ? s : s.split(args[0] ?? '').join(args[1] ?? '');
    default:
      return s === '' && args.length > 0 ? args.join('') : s;
  }
}

function substr(s: string, args: readonly string[]): string {
  let pos = goAtoi(args[0] ?? '');
  if (pos === undefined) return s;
  if (pos < 0) pos = Math.max(0, s.length + pos);
  if (args.length === 1) return pos < s.length ? s.slice(pos) : '';
  const length = goAtoi(args[1] ?? '');
  if (length === undefined) return s;
  if (pos + length >= s.length) return s.slice(pos);
  return s.slice(pos, pos + length);
}

function goAtoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

function trimShortestPrefix(s: string, pattern: string): string {
  let shortest = '';
  for (let i = 0; i < s.length; i++) {
    const candidate = s.slice(0, s.length - i);
    const m = globMatch(pattern, candidate);
    if (m === undefined) return s;
    if (m) shortest = candidate;
  }
  return shortest ? s.slice(shortest.length) : s;
}

function trimLongestPrefix(s: string, pattern: string): string {
  for (let i = 0; i < s.length; i++) {
    const candidate = s.slice(0, s.length - i);
    const m = globMatch(pattern, candidate);
    if (m === undefined) return s;
    if (m) return s.slice(candidate.length);
  }
  return s;
}

function reverse(s: string): string {
  return Array.from(s).reverse().join('');
}

/**
 * Shell pattern match as drone/envsubst's `path.Match` does it: `*` matches any run of
 * characters (including `/`), `?` one character, `[...]` a class, `\` escapes. Returns
 * undefined for a malformed pattern.
 */
export function globMatch(pattern: string, name: string): boolean | undefined {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) return undefined;
      re += escapeRe(pattern.charAt(i));
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined;
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/[\\\]]/g, '\\$&');
      else cls = cls.replace(/[\\\]^]/g, '\\$&');
      re += `[${cls}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(re + '$', 'u').test(name);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
