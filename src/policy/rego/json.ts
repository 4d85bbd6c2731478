// Lossless JSON text <-> Rego values: numbers keep their exact text (integers beyond 2^53 survive), output as OPA/Go prints it.

import {
  arr,
  bool,
  compareStrings,
  EMPTY_OBJECT,
  NULL,
  numberText,
  numFromText,
  ObjectBuilder,
  str,
  type Value,
} from './value.js';

/** A JSON syntax error with Go encoding/json's wording and the byte offset where it happened. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function describeChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  if (code < 0x20) return `'${JSON.stringify(c).slice(1, -1)}'`;
  return `'${c}'`;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  fail(context: string): never {
    if (this.pos >= this.s.length)
      throw new JsonSyntaxError('unexpected end of JSON input', this.pos);
    throw new JsonSyntaxError(
      `invalid character ${describeChar(this.s[this.pos]!)} ${context}`,
      this.pos,
    );
  }

  value(): Value {
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return str(this.string());
      case 't':
        return this.literal('true', bool(true));
      case 'f':
        return this.literal('false', bool(false));
      case 'n':
        return this.literal('null', NULL);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  literal(word: string, v: Value): Value {
    for (let i = 0; i < word.length; i++) {
      if (this.s[this.pos] !== word[i]) this.fail(`in literal ${word} (expecting '${word[i]}')`);
      this.pos++;
    }
    return v;
  }

  number(): Value {
    const re = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m === null || m[0] === '-') {
      this.pos++;
      return this.fail('in numeric literal');
    }
    this.pos += m[0].length;
    const n = numFromText(m[0]);
    if (n === undefined) return this.fail('in numeric literal');
    return n;
  }

  string(): string {
    const s = this.s;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      if (p >= s.length) {
        this.pos = p;
        return this.fail('in string literal');
      }
      const c = s.charCodeAt(p);
      if (c === 0x22) break;
      if (c < 0x20) {
        this.pos = p;
        return this.fail('in string literal');
      }
      if (c === 0x5c) {
        escaped = true;
        const e = s[p + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(p + 2, p + 6))) {
            this.pos = p + 2;
            return this.fail('in \\u hexadecimal character escape');
          }
          p += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.pos = p + 1;
          return this.fail('in string escape code');
        }
        p += 2;
        continue;
      }
      p++;
    }
    this.pos = p + 1;
    const raw = s.slice(start + 1, p);
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  array(): Value {
    this.pos++; // [
    const items: Value[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return arr(items);
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return arr(items);
      }
      return this.fail('after array element');
    }
  }

  object(): Value {
    this.pos++; // {
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return EMPTY_OBJECT;
    }
    const b = new ObjectBuilder();
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.s[this.pos] !== ':') this.fail('after object key');
      this.pos++;
      b.set(str(k), this.value());
      this.ws();
      const c = this.s[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return b.build();
      }
      return this.fail('after object key:value pair');
    }
  }
}

/**
 * Parses JSON text into a value, keeping every number's exact text. Duplicate keys: the last
 * wins (as Go's encoding/json). Throws JsonSyntaxError with Go's wording.
 */
export function parseJSON(text: string): Value {
  const p = new Parser(text);
  const v = p.value();
  p.ws();
  if (p.pos < text.length) p.fail('after top-level value');
  return v;
}

/** True if text is one valid JSON document. */
export function isValidJSON(text: string): boolean {
  try {
    parseJSON(text);
    return true;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return false;
    throw e;
  }
}

export interface JsonWriteOptions {
  /** Escape <, > and & as \u003c, \u003e, \u0026 (Go's json.Marshal default). @default true */
  readonly htmlEscape?: boolean;
  /** Indentation per level; empty for compact output. @default "" */
  readonly indent?: string;
  /** Prefix of every line after the first when indenting. @default "" */
  readonly prefix?: string;
}

const HEX = '0123456789abcdef';

/** A JSON string literal escaped as Go's encoding/json does. */
export function quoteJSONString(s: string, htmlEscape = true): string {
  let out = '"';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20) {
      rep =
        c === 0x0a
          ? '\\n'
          : c === 0x0d
            ? '\\r'
            : c === 0x09
              ? '\\t'
              : c === 0x08
                ? '\\b'
                : c === 0x0c
                  ? '\\f'
                  : `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    } else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (htmlEscape && (c === 0x3c || c === 0x3e || c === 0x26))
      rep = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdfff) {
      // Go replaces invalid UTF-8 (a lone surrogate here) with U+FFFD.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return out + s.slice(last) + '"';
}

/** OPA's JSON text of an object key: strings as-is, other keys as their compact JSON text. */
export function objectKeyText(k: Value, htmlEscape = true): string {
  return k.kind === 'string' ? k.value : toJSON(k, { htmlEscape });
}

/**
 * Serialises a value as OPA does (ast.JSON then Go's json.Marshal): sets as sorted arrays,
 * objects with keys sorted by their key text, numbers with their exact text.
 */
export function toJSON(v: Value, options: JsonWriteOptions = {}): string {
  const html = options.htmlEscape ?? true;
  const indent = options.indent ?? '';
  const prefix = options.prefix ?? '';
  const write = (x: Value, depth: number): string => {
    switch (x.kind) {
      case 'null':
        return 'null';
      case 'boolean':
        return x.value ? 'true' : 'false';
      case 'number':
        return numberText(x);
      case 'string':
        return quoteJSONString(x.value, html);
      case 'array':
        return list(
          x.items.map((e) => write(e, depth + 1)),
          '[',
          ']',
          depth,
        );
      case 'set':
        return list(
          x.sorted().map((e) => write(e, depth + 1)),
          '[',
          ']',
          depth,
        );
      case 'object': {
        // Go's json.Marshal sorts map keys by their (UTF-8 byte) order.
        const pairs: Array<[string, Value]> = [];
        x.forEach((k, val) => {
          pairs.push([objectKeyText(k, html), val]);
        });
        pairs.sort((a, b) => compareStrings(a[0], b[0]));
        const sep = indent ? ': ' : ':';
        return list(
          pairs.map(([k, val]) => quoteJSONString(k, html) + sep + write(val, depth + 1)),
          '{',
          '}',
          depth,
        );
      }
    }
  };
  const list = (parts: string[], open: string, close: string, depth: number): string => {
    if (parts.length === 0) return open + close;
    if (!indent) return open + parts.join(',') + close;
    const nl = '\n' + prefix;
    const inner = nl + indent.repeat(depth + 1);
    return open + inner + parts.join(',' + inner) + nl + indent.repeat(depth) + close;
  };
  return write(v, 0);
}
