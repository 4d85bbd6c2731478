// SOPS' JSON store: a top-level object read in order (integers as Go ints, other numbers as
// floats, duplicate keys kept), written as Go's json.Marshal then json.Indent with a tab, and the
// binary store, whose encrypted form is a JSON object with one `data` string.
import { goJsonFloat } from '../../yaml/index.js';
import { Branch, Comment, SopsTime, stringBytes, type TreeItem, type TreeValue } from '../tree.js';

/** Malformed JSON, or a value JSON cannot hold. */
export class JsonStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonStoreError';
  }
}

const INT64 = /^-?(?:0|[1-9][0-9]*)$/;

class JsonReader {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(what: string): never {
    throw new JsonStoreError(`could not unmarshal input data: ${what} at offset ${this.i}`);
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i] as string)) this.i++;
  }

  top(): Branch {
    this.ws();
    if (this.s[this.i] !== '{') {
      this.fail("SOPS only supports JSON files with a top-level object (starting with '{')");
    }
    this.i++;
    return this.object();
  }

  private object(): Branch {
    const items: TreeItem[] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return new Branch(items);
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected an object key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      items.push({ key, value: this.value() });
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return new Branch(items);
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  private array(): TreeValue[] {
    const out: TreeValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  private value(): TreeValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') {
      this.i++;
      return this.object();
    }
    if (c === '[') {
      this.i++;
      return this.array();
    }
    if (c === '"') return this.string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(
      this.s.slice(this.i, this.i + 400),
    );
    if (!m) this.fail('invalid character');
    this.i += m[0].length;
    // normalizeJSONNumber: an int when it parses as int64, a float otherwise.
    if (INT64.test(m[0])) {
      const v = BigInt(m[0]);
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return v;
    }
    const f = Number(m[0]);
    if (!Number.isFinite(f)) this.fail('number out of range');
    return f;
  }

  private string(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('unexpected end of string');
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c < ' ') this.fail('invalid character in string literal');
      if (c === '\\') {
        const e = this.s[this.i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.i += 2;
          continue;
        }
        if (e !== 'u' || !/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6)))
          this.fail('invalid escape in string literal');
        let code = Number.parseInt(this.s.slice(this.i + 2, this.i + 6), 16);
        this.i += 6;
        if (code >= 0xd800 && code < 0xdc00) {
          const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.s.slice(this.i, this.i + 6));
          if (low) {
            code =
              0x10000 + ((code - 0xd800) << 10) + (Number.parseInt(low[1] as string, 16) - 0xdc00);
            this.i += 6;
          } else {
            code = 0xfffd;
          }
        } else if (code >= 0xdc00 && code < 0xe000) {
          code = 0xfffd;
        }
        out += String.fromCodePoint(code);
        continue;
      }
      out += c;
      this.i++;
    }
  }
}

export function loadJson(data: Uint8Array): Branch[] {
  return [new JsonReader(Buffer.from(data).toString('utf8')).top()];
}

/** Go's json.Marshal of a string (HTML characters, U+2028/9 and invalid UTF-8 escaped). */
function jsonString(v: string | Uint8Array): string {
  const text = typeof v === 'string' ? v : stringBytes(v).toString('utf8');
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default:
        if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029)
          out += `\\u${c.toString(16).padStart(4, '0')}`;
        else out += ch;
    }
  }
  return `${out}"`;
}

function scalarJson(v: TreeValue): string {
  if (typeof v === 'string' || v instanceof Uint8Array) return jsonString(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new JsonStoreError(`json: unsupported value: ${v}`);
    return goJsonFloat(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (v instanceof SopsTime) return jsonString(v.text);
  throw new JsonStoreError('unexpected value');
}

/** The encoded value, already indented (json.Indent's layout with `indent` per level). */
function encode(v: TreeValue, indent: string, depth: number): string {
  const pad = (d: number) => `\n${indent.repeat(d)}`;
  if (v instanceof Branch) {
    const entries = v.items.filter((item) => !(item.key instanceof Comment));
    if (entries.length === 0) return '{}';
    const body = entries
      .map(
        (item) =>
          `${pad(depth + 1)}${jsonString(item.key as string)}: ${encode(item.value, indent, depth + 1)}`,
      )
      .join(',');
    return `{${body}${pad(depth)}}`;
  }
  if (Array.isArray(v)) {
    const items = v.filter((x) => !(x instanceof Comment));
    if (items.length === 0) return '[]';
    return `[${items.map((x) => `${pad(depth + 1)}${encode(x, indent, depth + 1)}`).join(',')}${pad(depth)}]`;
  }
  return scalarJson(v);
}

/** sops' JSON EmitPlainFile: the first branch, tab-indented, with a final newline. */
export function emitJson(branches: readonly Branch[]): Buffer {
  return Buffer.from(`${encode(branches[0] ?? new Branch(), '\t', 0)}\n`, 'utf8');
}

/** The binary store's plaintext: the bytes of the single `data` string. */
export function emitBinary(branches: readonly Branch[]): Buffer {
  if (branches.length !== 1)
    throw new JsonStoreError('error emitting binary store: there must be exactly one tree branch');
  for (const item of (branches[0] as Branch).items) {
    if (item.key !== 'data') continue;
    if (typeof item.value === 'string' || item.value instanceof Uint8Array)
      return stringBytes(item.value);
    throw new JsonStoreError(
      "error emitting binary store: 'data' key in tree does not have a string value",
    );
  }
  throw new JsonStoreError('error emitting binary store: no binary data found in tree');
}
