// JSON as kube-apiserver's Go decoder sees it: the syntax error messages of Go's encoding/json
// scanner, duplicate fields (which sigs.k8s.io/json reports), and the body summary kube-apiserver
// puts into "the object provided is unrecognized" errors.

/** Go's quoteChar: how a byte is shown in scanner errors. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  const inner = q.slice(1, -1);
  if (/^\\u00[0-9a-f]{2}$/.test(inner)) return `'\\x${inner.slice(4)}'`;
  return `'${inner}'`;
}

class Scan {
  i = 0;
  constructor(readonly s: string) {}

  fail(context: string): never {
    if (this.i >= this.s.length) throw new GoJsonError('unexpected end of JSON input');
    throw new GoJsonError(`invalid character ${quoteChar(this.s[this.i]!)} ${context}`);
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break;
      this.i++;
    }
  }

  value(): void {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true');
    if (c === 'f') return this.literal('false');
    if (c === 'n') return this.literal('null');
    this.fail('looking for beginning of value');
  }

  object(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      this.value();
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return;
      }
      if (this.s[this.i] !== ',') this.fail('after object key:value pair');
      this.i++;
      this.ws();
    }
  }

  array(): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return;
      }
      if (this.s[this.i] !== ',') this.fail('after array element');
      this.i++;
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('');
      if (c === '"') {
        this.i++;
        return;
      }
      if (c < ' ') this.fail('in string literal');
      if (c === '\\') {
        this.i++;
        const e = this.s[this.i];
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(this.s[this.i] ?? ''))
              this.fail('in \\u hexadecimal character escape');
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail('in string escape code');
      }
      this.i++;
    }
  }

  digits(): number {
    const start = this.i;
    while (this.i < this.s.length && this.s[this.i]! >= '0' && this.s[this.i]! <= '9') this.i++;
    return this.i - start;
  }

  number(): void {
    if (this.s[this.i] === '-') {
      this.i++;
      const c = this.s[this.i];
      if (c === undefined || c < '0' || c > '9') this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else this.digits();
    if (this.s[this.i] === '.') {
      this.i++;
      if (this.digits() === 0) this.fail('after decimal point in numeric literal');
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (this.digits() === 0) this.fail('in exponent of numeric literal');
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.s[this.i] !== word[k])
        this.fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
  }
}

/** A syntax error, worded as Go's encoding/json words it. */
export class GoJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoJsonError';
  }
}

/** Go's error for text that is not valid JSON (undefined when it is valid). */
export function goJsonSyntaxError(text: string): string | undefined {
  const s = new Scan(text);
  try {
    s.value();
    s.ws();
    if (s.i < text.length) s.fail('after top-level value');
    return undefined;
  } catch (err) {
    if (err instanceof GoJsonError) return err.message;
    throw err;
  }
}

/** Parses JSON; a syntax error is a GoJsonError with Go's message. */
export function parseGoJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GoJsonError(goJsonSyntaxError(text) ?? 'unexpected end of JSON input');
  }
}

/** kube-apiserver's summary of a body in decode errors: text for objects, hex otherwise. */
export function summarizeData(data: Buffer, maxLength = 30): string {
  if (data.length === 0) return '<empty>';
  const cut = data.length > maxLength ? data.subarray(0, maxLength) : data;
  const more = data.length > maxLength ? ' ...' : '';
  return data[0] === 0x7b ? `${cut.toString('utf8')}${more}` : `${cut.toString('hex')}${more}`;
}

/** Number of keys in a parsed JSON value (every nesting level). */
function countKeys(v: unknown): number {
  if (Array.isArray(v)) {
    let n = 0;
    for (const x of v) n += countKeys(x);
    return n;
  }
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  for (const k in v) n += 1 + countKeys((v as Record<string, unknown>)[k]);
  return n;
}

function countPattern(text: string, pattern: string): number {
  let n = 0;
  for (let i = text.indexOf(pattern); i >= 0; i = text.indexOf(pattern, i + pattern.length)) n++;
  return n;
}

/**
 * Paths of fields that appear twice in one object of valid JSON text (`data.k`,
 * `spec.containers[0].name`), as sigs.k8s.io/json reports them. Cheap when there are none: the
 * text is only scanned when it holds more `":` than the parsed value has keys.
 */
export function duplicateFields(text: string, parsed: unknown): string[] {
  if (countPattern(text, '":') === countKeys(parsed)) return [];
  const out: string[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        const p = path === '' ? key : `${path}.${key}`;
        if (seen.has(key)) out.push(p);
        seen.add(key);
        ws();
        i++; // ':'
        value(p);
        ws();
        if (text[i++] === '}') return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i++] === ']') return;
      }
    }
    if (c === '"') {
      str();
      return;
    }
    while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
  };
  value('');
  return out;
}
