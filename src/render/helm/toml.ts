// TOML for toToml and fromToml: an encoder that writes what BurntSushi/toml v1.6.0 writes for
// template values, and a TOML 1.0 decoder into Go values (integers int64, tables maps).
import {
  formatFloat,
  GoInt,
  GoObject,
  T,
  goInt,
  goStringCompare,
  isGoMap,
  newGoMap,
} from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { GoTime, formatTime, UTC } from '../gotemplate/sprig/date.js';

class TomlError extends Error {}

const CONTROL: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};
function quoted(s: string): string {
  return (
    '"' +
    s.replace(
      // eslint-disable-next-line no-control-regex
      /["\\\x00-\x1f\x7f]/g,
      (c) => CONTROL[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
    ) +
    '"'
  );
}

const BARE = /^[A-Za-z0-9_-]+$/;
function keyPart(k: string): string {
  if (k === '') return '""';
  return BARE.test(k) ? k : quoted(k);
}
const keyString = (key: readonly string[]): string => key.map(keyPart).join('.');

type TomlType = 'hash' | 'arrayHash' | 'array' | 'other' | undefined;

function isNilValue(v: GoValue): boolean {
  return v === null || v === undefined;
}

function tomlTypeOf(v: GoValue): TomlType {
  if (isNilValue(v)) return undefined;
  if (v instanceof GoTime) return 'other';
  if (v instanceof GoObject) return v.goType.kind === 22 && v.isNil() ? undefined : 'hash';
  if (Array.isArray(v)) return isTableArray(v) ? 'arrayHash' : 'array';
  if (isGoMap(v)) return 'hash';
  return 'other';
}

function isTableArray(arr: GoValue[]): boolean {
  if (arr.length === 0) return false;
  let ret = true;
  for (const x of arr) {
    const tt = tomlTypeOf(x);
    if (tt === undefined) throw new TomlError('toml: cannot encode array with nil element');
    if (ret && tt !== 'hash') ret = false;
  }
  return ret;
}

class Encoder {
  out = '';
  private written = false;
  private write(s: string): void {
    this.out += s;
    this.written = true;
  }
  private newline(): void {
    if (this.written) this.write('\n');
  }
  private indent(key: readonly string[]): string {
    return '  '.repeat(Math.max(0, key.length - 1));
  }

  encode(key: string[], v: GoValue): void {
    if (v instanceof GoTime) return this.writeKeyValue(key, v, false);
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      if (tomlTypeOf(v) === 'arrayHash') this.arrayOfTables(key, v);
      else this.writeKeyValue(key, v, false);
      return;
    }
    if (v instanceof Uint8Array) return this.writeKeyValue(key, v, false);
    if (isGoMap(v) || v instanceof GoObject) return this.table(key, v as GoMap);
    this.writeKeyValue(key, v, false);
  }

  private element(v: GoValue): void {
    if (v instanceof GoTime) {
      this.write(formatTime(v, '2006-01-02T15:04:05.999999999Z07:00'));
      return;
    }
    switch (typeof v) {
      case 'string':
        return this.write(quoted(v));
      case 'boolean':
        return this.write(v ? 'true' : 'false');
      case 'number':
        if (Number.isNaN(v)) return this.write('nan');
        if (!Number.isFinite(v)) return this.write(v < 0 ? '-inf' : 'inf');
        return this.write(floatAddDecimal(formatFloat(v, 'g', -1, 64)));
    }
    if (v instanceof GoInt) return this.write(v.v.toString());
    if (Array.isArray(v) || v instanceof Uint8Array) {
      const items = Array.isArray(v) ? v : Array.from(v, (b) => goInt(b, T.uint8));
      this.write('[');
      items.forEach((x, i) => {
        this.element(x);
        if (i !== items.length - 1) this.write(', ');
      });
      this.write(']');
      return;
    }
    if (isGoMap(v)) return this.map([], v, true);
    throw new TomlError(`toml: unexpected type`);
  }

  private arrayOfTables(key: string[], arr: GoValue[]): void {
    if (key.length === 0) throw new TomlError('toml: top-level values must be Go maps or structs');
    for (const t of arr) {
      if (isNilValue(t)) continue;
      this.newline();
      this.write(`${this.indent(key)}[[${keyString(key)}]]`);
      this.newline();
      this.map(key, t as GoMap, false);
    }
  }

  private table(key: string[], v: GoMap): void {
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.write(`${this.indent(key)}[${keyString(key)}]`);
      this.newline();
    }
    this.map(key, v, false);
  }

  private map(key: string[], m: GoMap, inline: boolean): void {
    const direct: string[] = [];
    const sub: string[] = [];
    for (const k of Object.keys(m)) {
      const t = tomlTypeOf(m[k]);
      if (t === 'hash' || t === 'arrayHash') sub.push(k);
      else direct.push(k);
    }
    const writeKeys = (keys: string[], trailC: boolean): void => {
      keys.sort(goStringCompare);
      keys.forEach((k, i) => {
        const val = m[k];
        if (isNilValue(val)) return;
        if (inline) {
          this.writeKeyValue([k], val, true);
          if (trailC || i !== keys.length - 1) this.write(', ');
        } else this.encode([...key, k], val);
      });
    };
    if (inline) this.write('{');
    writeKeys(direct, sub.length > 0);
    writeKeys(sub, false);
    if (inline) this.write('}');
  }

  private writeKeyValue(key: string[], v: GoValue, inline: boolean): void {
    if (key.length === 0) {
      this.element(v);
      return;
    }
    this.write(`${this.indent(key)}${keyPart(key[key.length - 1] as string)} = `);
    this.element(v);
    if (!inline) this.newline();
  }
}

function floatAddDecimal(s: string): string {
  return s.includes('e') || s.includes('.') ? s : s + '.0';
}

/** toml.NewEncoder(buf).Encode(v). */
export function encodeToml(v: GoValue): string {
  const e = new Encoder();
  e.encode([], v);
  return e.out;
}

// ---- decoding ----

class Parser {
  i = 0;
  line = 1;
  constructor(private readonly s: string) {}

  fail(msg: string): never {
    throw new TomlError(`toml: line ${this.line}: ${msg}`);
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  skipWs(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }
  skipComment(): void {
    if (this.peek() === '#') while (this.i < this.s.length && this.peek() !== '\n') this.i++;
  }
  eol(): void {
    this.skipWs();
    this.skipComment();
    if (this.peek() === '\r' && this.s[this.i + 1] === '\n') this.i++;
    if (this.i < this.s.length) {
      if (this.peek() !== '\n')
        this.fail(
          `expected a top-level item to end with a newline, comment, or EOF, but got ${JSON.stringify(this.peek())} instead`,
        );
      this.i++;
      this.line++;
    }
  }
  skipBlank(): void {
    for (;;) {
      this.skipWs();
      this.skipComment();
      const c = this.peek();
      if (c === '\n') {
        this.i++;
        this.line++;
      } else if (c === '\r' && this.s[this.i + 1] === '\n') {
        this.i += 2;
        this.line++;
      } else return;
    }
  }

  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipWs();
      const c = this.peek();
      if (c === '"') parts.push(this.basicString());
      else if (c === "'") parts.push(this.literalString());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.i));
        if (!m) this.fail(`expected key but found ${JSON.stringify(c)}`);
        parts.push(m[0]);
        this.i += m[0].length;
      }
      this.skipWs();
      if (this.peek() !== '.') return parts;
      this.i++;
    }
  }

  basicString(): string {
    if (this.s.startsWith('"""', this.i)) return this.multiBasic();
    this.i++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') this.fail("unexpected EOF; expected '\"'");
      this.i++;
      if (c === '"') return out;
      if (c === '\\') out += this.escape();
      else out += c;
    }
  }
  escape(): string {
    const c = this.peek();
    this.i++;
    const simple: Record<string, string> = {
      b: '\b',
      t: '\t',
      n: '\n',
      f: '\f',
      r: '\r',
      '"': '"',
      '\\': '\\',
      e: '\x1b',
    };
    if (simple[c] !== undefined) return simple[c];
    if (c === 'u' || c === 'U') {
      const n = c === 'u' ? 4 : 8;
      const hex = this.s.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail(`invalid escape: '\\${c}${hex}'`);
      this.i += n;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (c === 'x') {
      const hex = this.s.slice(this.i, this.i + 2);
      this.i += 2;
      return String.fromCharCode(parseInt(hex, 16));
    }
    this.fail(
      `invalid escape character ${JSON.stringify(c)}; only the following escape characters are allowed: \\b, \\t, \\n, \\f, \\r, \\", \\\\, \\uXXXX, and \\UXXXXXXXX`,
    );
  }
  multiBasic(): string {
    this.i += 3;
    if (this.peek() === '\n') {
      this.i++;
      this.line++;
    } else if (this.s.startsWith('\r\n', this.i)) this.i += 2;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unexpected EOF; expected \'"""\'');
      if (this.s.startsWith('"""', this.i)) {
        let n = 3;
        while (this.s[this.i + n] === '"' && n < 5) n++;
        out += '"'.repeat(n - 3);
        this.i += n;
        return out;
      }
      const c = this.peek();
      this.i++;
      if (c === '\n') this.line++;
      if (c === '\\') {
        if (/^[ \t]*\r?\n/.test(this.s.slice(this.i))) {
          while (/[ \t\r\n]/.test(this.peek())) {
            if (this.peek() === '\n') this.line++;
            this.i++;
          }
          continue;
        }
        out += this.escape();
      } else out += c;
    }
  }
  literalString(): string {
    if (this.s.startsWith("'''", this.i)) {
      this.i += 3;
      if (this.peek() === '\n') {
        this.i++;
        this.line++;
      }
      const end = this.s.indexOf("'''", this.i);
      if (end < 0) this.fail("unexpected EOF; expected \"'''\"");
      let e = end;
      while (this.s[e + 3] === "'" && e - end < 2) e++;
      const out = this.s.slice(this.i, e);
      this.line += out.split('\n').length - 1;
      this.i = e + 3;
      return out;
    }
    this.i++;
    const end = this.s.indexOf("'", this.i);
    const nl = this.s.indexOf('\n', this.i);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('unexpected EOF; expected "\'"');
    const out = this.s.slice(this.i, end);
    this.i = end + 1;
    return out;
  }

  value(): GoValue {
    this.skipWs();
    const c = this.peek();
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    const rest = this.s.slice(this.i);
    const m =
      /^[^\s,\]}#]+(?: [0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?/.exec(
        rest,
      );
    if (!m) this.fail(`expected value but found ${JSON.stringify(c)} instead`);
    const tok = m[0];
    this.i += tok.length;
    return this.scalar(tok);
  }

  scalar(tok: string): GoValue {
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (/^[+-]?(inf|nan)$/.test(tok))
      return tok.endsWith('inf') ? (tok.startsWith('-') ? -Infinity : Infinity) : NaN;
    if (/^0x[0-9A-Fa-f_]+$|^0o[0-7_]+$|^0b[01_]+$/.test(tok))
      return goInt(BigInt(tok.replace(/_/g, '')), T.int64);
    if (/^[+-]?(0|[1-9](_?[0-9])*)$/.test(tok)) {
      const v = BigInt(tok.replace(/_/g, ''));
      if (v > 2n ** 63n - 1n || v < -(2n ** 63n))
        this.fail(`Integer '${tok}' is out of the range of 64-bit signed integers`);
      return new GoInt(T.int64, v);
    }
    if (/^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$/.test(tok))
      return Number(tok.replace(/_/g, ''));
    const dt =
      /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|z|[+-]\d{2}:\d{2})?)?$/.exec(
        tok,
      );
    if (dt) {
      const [, y, mo, d, h = '0', mi = '0', se = '0', frac = '', zone] = dt;
      const nsec = Number((frac + '000000000').slice(0, 9));
      let offset = 0;
      if (zone !== undefined && zone.toUpperCase() !== 'Z') {
        offset =
          (zone[0] === '-' ? -1 : 1) *
          (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
      }
      const sec =
        Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) / 1000 -
        offset;
      return new GoTime(
        sec,
        nsec,
        offset === 0 ? UTC : { name: '', zoneAt: () => ({ name: '', offset }) },
      );
    }
    this.fail(`expected value but found ${JSON.stringify(tok)} instead`);
  }

  array(): GoValue[] {
    this.i++;
    const out: GoValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.peek() === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skipBlank();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() === ']') {
        this.i++;
        return out;
      }
      this.fail(
        `expected a comma (',') or array terminator (']'), but got ${JSON.stringify(this.peek())}`,
      );
    }
  }

  inlineTable(): GoMap {
    this.i++;
    const out = newGoMap();
    this.skipWs();
    if (this.peek() === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      const key = this.key();
      if (this.peek() !== '=') this.fail(`expected '=' after key`);
      this.i++;
      this.assign(out, key, this.value());
      this.skipWs();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() === '}') {
        this.i++;
        return out;
      }
      this.fail(
        `expected a comma or an inline table terminator '}', but got ${JSON.stringify(this.peek())} instead`,
      );
    }
  }

  assign(table: GoMap, key: string[], v: GoValue): void {
    let t = table;
    for (const k of key.slice(0, -1)) {
      if (!Object.hasOwn(t, k)) t[k] = newGoMap();
      const next = t[k];
      if (!isGoMap(next)) this.fail(`key ${JSON.stringify(k)} has already been defined`);
      t = next;
    }
    const last = key[key.length - 1] as string;
    if (Object.hasOwn(t, last)) this.fail(`Key '${key.join('.')}' has already been defined.`);
    t[last] = v;
  }

  document(): GoMap {
    const root = newGoMap();
    let current = root;
    for (;;) {
      this.skipBlank();
      if (this.i >= this.s.length) return root;
      if (this.peek() === '[') {
        const arrayTable = this.s[this.i + 1] === '[';
        this.i += arrayTable ? 2 : 1;
        const key = this.key();
        if (arrayTable) {
          if (!this.s.startsWith(']]', this.i)) this.fail(`expected ']]' after table array name`);
          this.i += 2;
          let t = root;
          for (const k of key.slice(0, -1)) {
            if (!Object.hasOwn(t, k)) t[k] = newGoMap();
            const n = t[k];
            t = (Array.isArray(n) ? n[n.length - 1] : n) as GoMap;
          }
          const last = key[key.length - 1] as string;
          const arr = (t[last] ?? []) as GoValue[];
          if (!Array.isArray(arr))
            this.fail(`Key '${key.join('.')}' was already created and cannot be used as an array.`);
          const m = newGoMap();
          arr.push(m);
          t[last] = arr;
          current = m;
        } else {
          if (this.peek() !== ']') this.fail(`expected ']' after table name`);
          this.i++;
          let t = root;
          for (const k of key) {
            if (!Object.hasOwn(t, k)) t[k] = newGoMap();
            const n = t[k];
            t = (Array.isArray(n) ? n[n.length - 1] : n) as GoMap;
            if (!isGoMap(t)) this.fail(`Key '${key.join('.')}' was already created as a non-table`);
          }
          current = t;
        }
        this.eol();
        continue;
      }
      const key = this.key();
      if (this.peek() !== '=') this.fail(`expected '=' after key`);
      this.i++;
      this.assign(current, key, this.value());
      this.eol();
    }
  }
}

/** toml.Unmarshal into map[string]interface{}. */
export function decodeToml(text: string): GoMap {
  return new Parser(text).document();
}
