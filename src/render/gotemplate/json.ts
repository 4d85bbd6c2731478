// Go's encoding/json for template values: Marshal (sorted keys, HTML escaping, Go's float text, struct
// tags, MarshalIndent) and Unmarshal into interface{} with Go's syntax error messages.
import { formatFloat, quote } from './strconv.js';
import {
  GoError,
  GoInt,
  GoObject,
  Kind,
  findMethod,
  isNilContainer,
  newGoMap,
  sortedKeys,
  isEmptyValue,
} from './value.js';
import type { GoField, GoMap, GoValue } from './value.js';

/** A value encoding/json cannot write (NaN, ±Inf); the message is Go's. */
export class JsonMarshalError extends GoError {
  constructor(message: string) {
    super(message);
    this.name = 'JsonMarshalError';
  }
}

/** A JSON syntax or type error; the message is Go's ("invalid character 'x' looking for beginning of value"). */
export class JsonSyntaxError extends GoError {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Values with a MarshalJSON method (time.Time, semver.Version) expose it as this method name. */
export const MARSHAL_JSON = 'MarshalJSON';

const HEX = '0123456789abcdef';

/** Go's JSON string encoding. */
export function jsonString(s: string, escapeHTML = true): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 8:
          esc = '\\b';
          break;
        case 12:
          esc = '\\f';
          break;
        case 10:
          esc = '\\n';
          break;
        case 13:
          esc = '\\r';
          break;
        case 9:
          esc = '\\t';
          break;
        default:
          esc = '\\u00' + HEX[c >> 4] + HEX[c & 15];
      }
    } else if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26))
      esc = '\\u00' + HEX[c >> 4] + HEX[c & 15];
    else if (c === 0x2028 || c === 0x2029) esc = '\\u202' + HEX[c & 15];
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is not valid UTF-8: Go writes U+FFFD.
      const pair =
        c <= 0xdbff &&
        i + 1 < s.length &&
        s.charCodeAt(i + 1) >= 0xdc00 &&
        s.charCodeAt(i + 1) <= 0xdfff;
      if (pair) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Go's JSON text for a float64 (ES6-like cutoffs, exponent without padding). */
export function jsonFloat(f: number, bits = 64): string {
  if (!Number.isFinite(f))
    throw new JsonMarshalError(`json: unsupported value: ${formatFloat(f, 'g', -1, bits)}`);
  const abs = Math.abs(f);
  let fmt = 'f';
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  let b = formatFloat(f, fmt, -1, bits);
  if (fmt === 'e') {
    const n = b.length;
    if (n >= 4 && b[n - 4] === 'e' && b[n - 3] === '-' && b[n - 2] === '0')
      b = b.slice(0, n - 2) + b[n - 1];
  }
  return b;
}

interface MarshalOptions {
  readonly escapeHTML: boolean;
  readonly indent: string;
}

function isEmptyForOmit(v: GoValue): boolean {
  return isEmptyValue(v);
}

class Encoder {
  constructor(private readonly opts: MarshalOptions) {}

  private nl(depth: number): string {
    return '\n' + this.opts.indent.repeat(depth);
  }

  encode(v: GoValue, depth: number): string {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return jsonString(v, this.opts.escapeHTML);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        return jsonFloat(v);
    }
    if (v instanceof GoInt) {
      if (v.type.kind === Kind.Float32) return jsonFloat(Number(v.v), 32);
      return v.v.toString();
    }
    if (v instanceof Uint8Array) return '"' + Buffer.from(v).toString('base64') + '"';
    if (isNilContainer(v)) return 'null';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const ind = this.opts.indent !== '';
      let s = '[';
      v.forEach((x, i) => {
        if (i > 0) s += ',';
        if (ind) s += this.nl(depth + 1);
        s += this.encode(x, depth + 1);
      });
      if (ind) s += this.nl(depth);
      return s + ']';
    }
    if (v instanceof GoObject) return this.encodeObject(v, depth);
    return this.encodeMap(v, depth);
  }

  private encodeMap(m: GoMap, depth: number): string {
    const keys = sortedKeys(m);
    if (keys.length === 0) return '{}';
    const ind = this.opts.indent !== '';
    let s = '{';
    keys.forEach((k, i) => {
      if (i > 0) s += ',';
      if (ind) s += this.nl(depth + 1);
      s += jsonString(k, this.opts.escapeHTML) + (ind ? ': ' : ':') + this.encode(m[k], depth + 1);
    });
    if (ind) s += this.nl(depth);
    return s + '}';
  }

  private encodeObject(o: GoObject, depth: number): string {
    const marshal = findMethod(o, MARSHAL_JSON);
    if (marshal !== undefined) {
      if (o.goType.kind === Kind.Pointer && o.isNil()) return 'null';
      const raw = marshal.call();
      return this.compactRaw(raw as string, depth);
    }
    if (o.goType.kind === Kind.Pointer) {
      if (o.isNil()) return 'null';
    }
    const st = o.goType.kind === Kind.Pointer ? o.goType.elem : o.goType;
    const fields: [string, GoValue][] = [];
    this.collectFields(o, st?.fields ?? [], fields);
    if (fields.length === 0) return '{}';
    const ind = this.opts.indent !== '';
    let s = '{';
    fields.forEach(([k, v], i) => {
      if (i > 0) s += ',';
      if (ind) s += this.nl(depth + 1);
      s += jsonString(k, this.opts.escapeHTML) + (ind ? ': ' : ':') + this.encode(v, depth + 1);
    });
    if (ind) s += this.nl(depth);
    return s + '}';
  }

  private collectFields(
    o: GoObject,
    fieldList: readonly GoField[],
    out: [string, GoValue][],
  ): void {
    for (const f of fieldList) {
      const v = o.field(f.name);
      if (f.embedded && f.json === undefined) {
        if (v instanceof GoObject) {
          const st = v.goType.kind === Kind.Pointer ? v.goType.elem : v.goType;
          this.collectFields(v, st?.fields ?? [], out);
        }
        continue;
      }
      const name = f.json ?? f.name;
      if (name === '-') continue;
      if (f.omitempty && isEmptyForOmit(v)) continue;
      out.push([name, v ?? null]);
    }
  }

  /** The output of a MarshalJSON method, compacted (and indented) as encoding/json does. */
  private compactRaw(raw: string, depth: number): string {
    const parsed = unmarshalJson(raw);
    const text = this.encode(parsed, depth);
    return text;
  }
}

/** json.Marshal (escapeHTML) or json.MarshalIndent(v, "", indent). */
export function marshalJson(v: GoValue, opts: Partial<MarshalOptions> = {}): string {
  return new Encoder({ escapeHTML: opts.escapeHTML ?? true, indent: opts.indent ?? '' }).encode(
    v,
    0,
  );
}

// ---- decoding ----

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  // Go quotes the byte as a rune: the first UTF-8 byte of a non-ASCII character.
  const b = Buffer.from(c, 'utf8')[0] as number;
  const s = quote(String.fromCharCode(b));
  return "'" + s.slice(1, -1) + "'";
}

class Decoder {
  i = 0;
  constructor(private readonly s: string) {}

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JsonSyntaxError('unexpected end of JSON input');
    const ch = String.fromCodePoint(this.s.codePointAt(this.i) as number);
    throw new JsonSyntaxError(`invalid character ${quoteChar(ch)} ${context}`);
  }
  ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else return;
    }
  }
  value(depth: number): GoValue {
    if (depth > 10000) this.fail('exceeded max depth');
    this.ws();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    this.fail('looking for beginning of value');
  }
  literal(word: string, v: GoValue): GoValue {
    for (let k = 0; k < word.length; k++) {
      if (this.s[this.i] !== word[k]) {
        if (k === 0) this.fail('looking for beginning of value');
        this.fail(`in literal ${word} (expecting ${quoteChar(word[k] as string)})`);
      }
      this.i++;
    }
    return v;
  }
  number(): number {
    const start = this.i;
    if (this.s[this.i] === '-') this.i++;
    const digit = (): boolean => {
      const c = this.s[this.i];
      return c !== undefined && c >= '0' && c <= '9';
    };
    if (this.s[this.i] === '0') this.i++;
    else if (digit()) while (digit()) this.i++;
    else this.fail('in numeric literal');
    if (this.s[this.i] === '.') {
      this.i++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.i++;
    }
    const text = this.s.slice(start, this.i);
    const v = Number(text);
    if (!Number.isFinite(v)) {
      throw new JsonSyntaxError(
        `json: cannot unmarshal number ${text} into Go value of type float64`,
      );
    }
    return v;
  }
  string(): string {
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= this.s.length) this.fail('in string literal');
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        out += this.s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('in string literal');
      if (c === 0x5c) {
        out += this.s.slice(start, this.i);
        this.i++;
        const e = this.s[this.i];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            let cp = 0;
            for (let k = 0; k < 4; k++) {
              this.i++;
              const h = this.s[this.i];
              if (h === undefined || !/[0-9a-fA-F]/.test(h))
                this.fail('in \\u hexadecimal character escape');
              cp = cp * 16 + parseInt(h, 16);
            }
            out += String.fromCharCode(cp);
            break;
          }
          default:
            this.fail('in string escape code');
        }
        this.i++;
        start = this.i;
        continue;
      }
      this.i++;
    }
  }
  array(depth: number): GoValue[] {
    this.i++;
    const out: GoValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail('after array element');
    }
  }
  object(depth: number): GoMap {
    this.i++;
    const out = newGoMap();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      out[k] = this.value(depth + 1);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return out;
      }
      this.fail('after object key:value pair');
    }
  }
}

/** json.Decoder.Decode of the first value in `text`: the value and how many characters it used. */
export function unmarshalJsonPrefix(text: string): { value: GoValue; length: number } {
  const d = new Decoder(text);
  const value = d.value(0);
  return { value, length: d.i };
}

/** json.Unmarshal into an interface{}: objects become maps, numbers float64. */
export function unmarshalJson(text: string): GoValue {
  const d = new Decoder(text);
  const v = d.value(0);
  d.ws();
  if (d.i < text.length) d.fail('after top-level value');
  return v;
}
