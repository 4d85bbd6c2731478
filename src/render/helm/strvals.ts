// Helm's --set parsers (pkg/strvals): a.b=c, lists {a,b}, indexes a[0].b, escapes, and the typing
// rules of --set (int64, bool, null), --set-string, --set-file, --set-json and --set-literal.
import { GoInt, T, goQuote, isGoMap, newGoMap } from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { unmarshalJsonPrefix } from '../gotemplate/json.js';
import { isSpace } from '../gotemplate/unicode.js';

const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

class EOFSignal extends Error {
  constructor() {
    super('EOF');
  }
}
class NotListSignal extends Error {
  constructor() {
    super('not a list');
  }
}

/** A --set parse failure; the message is Helm's. */
export class StrvalsError extends Error {}

/** Reads runes from a string like bytes.Buffer's ReadRune/UnreadRune. */
class RuneScanner {
  private i = 0;
  private last = -1;
  constructor(readonly s: string) {}
  readRune(): string | undefined {
    if (this.i >= this.s.length) {
      this.last = -1;
      return undefined;
    }
    const cp = this.s.codePointAt(this.i) as number;
    const ch = String.fromCodePoint(cp);
    this.last = this.i;
    this.i += ch.length;
    return ch;
  }
  unreadRune(): void {
    if (this.last >= 0) {
      this.i = this.last;
      this.last = -1;
    }
  }
  rest(): string {
    return this.s.slice(this.i);
  }
  skip(n: number): void {
    this.i += n;
  }
}

type Reader = (rs: string) => GoValue;

function typedVal(val: string, stringOnly: boolean): GoValue {
  if (stringOnly) return val;
  const lower = val.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (val === '0') return new GoInt(T.int64, 0n);
  if (val.length !== 0 && val[0] !== '0' && /^[+-]?[0-9]+$/.test(val)) {
    const v = BigInt(val);
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return new GoInt(T.int64, v);
  }
  return val;
}

/** runesUntil: reads up to a stop rune, honouring backslash escapes. */
function runesUntil(
  sc: RuneScanner,
  stop: string,
  literal = false,
): { v: string; last: string | undefined; eof: boolean } {
  let v = '';
  for (;;) {
    const r = sc.readRune();
    if (r === undefined) return { v, last: undefined, eof: true };
    if (stop.includes(r)) return { v, last: r, eof: false };
    if (!literal && r === '\\') {
      const next = sc.readRune();
      if (next === undefined) return { v, last: undefined, eof: true };
      v += next;
      continue;
    }
    v += r;
  }
}

function typeAssertion(v: GoValue, want: string): never {
  const got =
    v === null || v === undefined
      ? 'nil'
      : typeof v === 'string'
        ? 'string'
        : typeof v === 'boolean'
          ? 'bool'
          : Array.isArray(v)
            ? '[]interface {}'
            : v instanceof GoInt
              ? v.type.name
              : typeof v === 'number'
                ? 'float64'
                : 'map[string]interface {}';
  throw new StrvalsError(`interface conversion: interface {} is ${got}, not ${want}`);
}

function setIndex(list: GoValue[], index: number, val: GoValue): GoValue[] {
  if (index < 0) throw new StrvalsError(`negative ${index} index not allowed`);
  if (index > MAX_INDEX)
    throw new StrvalsError(
      `index of ${index} is greater than maximum supported index of ${MAX_INDEX}`,
    );
  while (list.length <= index) list.push(null);
  list[index] = val;
  return list;
}

function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s))
    throw new StrvalsError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  return Number(s);
}

class Parser {
  constructor(
    private readonly sc: RuneScanner,
    private readonly data: GoMap,
    private readonly reader: Reader | undefined,
    private readonly literal: boolean,
  ) {}

  parse(): void {
    for (;;) {
      try {
        this.key(this.data, 0);
      } catch (e) {
        if (e instanceof EOFSignal) return;
        throw e;
      }
    }
  }

  private key(data: GoMap, level: number): void {
    try {
      this.keyInner(data, level);
    } catch (e) {
      if (e instanceof StrvalsError && e.message.startsWith('interface conversion:')) {
        throw new StrvalsError(`unable to parse key: ${e.message}`);
      }
      throw e;
    }
  }

  private keyInner(data: GoMap, level0: number): void {
    let level = level0;
    const stop = this.literal ? '=[.' : '=[,.';
    const { v: k, last, eof } = runesUntil(this.sc, stop, this.literal);
    if (eof) {
      if (k.length === 0) throw new EOFSignal();
      throw new StrvalsError(`key ${goQuote(k)} has no value`);
    }
    if (last === '[') {
      let i: number;
      try {
        i = this.keyIndex();
      } catch (e) {
        throw new StrvalsError(`error parsing index: ${(e as Error).message}`);
      }
      let list: GoValue[] = [];
      if (Object.hasOwn(data, k)) {
        const existing = data[k];
        if (!Array.isArray(existing)) typeAssertion(existing ?? null, '[]interface {}');
        list = existing;
      }
      try {
        list = this.listItem(list, i, level);
      } finally {
        if (k !== '') data[k] = list;
      }
      return;
    }
    if (last === '=') {
      if (this.reader === undefined && !this.literal) return this.jsonValue(data, k);
      if (this.literal) {
        const { v } = runesUntil(this.sc, '', true);
        if (k !== '') data[k] = v;
        return;
      }
      let vl: GoValue[];
      try {
        vl = this.valList();
      } catch (e) {
        if (e instanceof EOFSignal) {
          if (k !== '') data[k] = '';
          throw e;
        }
        if (e instanceof NotListSignal) {
          const { v: rs } = runesUntil(this.sc, ',');
          const v = (this.reader as Reader)(rs);
          if (k !== '') data[k] = v;
          return;
        }
        throw e;
      }
      if (k !== '') data[k] = vl;
      return;
    }
    if (last === ',') {
      if (k !== '') data[k] = '';
      throw new StrvalsError(`key ${goQuote(k)} has no value (cannot end with ,)`);
    }
    // last === '.'
    level++;
    if (level > MAX_NESTED_NAME_LEVEL) {
      throw new StrvalsError(
        `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`,
      );
    }
    let inner = newGoMap();
    if (Object.hasOwn(data, k)) {
      const existing = data[k];
      if (!isGoMap(existing)) typeAssertion(existing ?? null, 'map[string]interface {}');
      inner = existing;
    }
    let err: unknown;
    try {
      this.key(inner, level);
    } catch (e) {
      err = e;
    }
    if (err === undefined && Object.keys(inner).length === 0)
      throw new StrvalsError(`key map ${goQuote(k)} has no value`);
    if (Object.keys(inner).length !== 0 && k !== '') data[k] = inner;
    if (err !== undefined) throw err as Error;
  }

  private jsonValue(data: GoMap, k: string): void {
    if (this.emptyVal()) {
      if (k !== '') data[k] = null;
      return;
    }
    const { value, length } = decodeFirstJson(this.sc.rest());
    if (k !== '') data[k] = value;
    this.sc.skip(length);
    this.emptyVal();
  }

  private emptyVal(): boolean {
    for (;;) {
      const r = this.sc.readRune();
      if (r === undefined || r === ',') return true;
      if (!isSpace(r.codePointAt(0) as number)) {
        this.sc.unreadRune();
        return false;
      }
    }
  }

  private keyIndex(): number {
    const { v, eof } = runesUntil(this.sc, ']', this.literal);
    if (eof) throw new EOFSignal();
    return atoi(v);
  }

  private listItem(list: GoValue[], i: number, level: number): GoValue[] {
    if (i < 0) throw new StrvalsError(`negative ${i} index not allowed`);
    const { v: k, last, eof } = runesUntil(this.sc, '[.=', this.literal);
    if (k.length > 0)
      throw new StrvalsError(`unexpected data at end of array index: ${goQuote(k)}`);
    if (eof) throw new EOFSignal();
    if (last === '=') {
      if (this.reader === undefined && !this.literal) {
        if (this.emptyVal()) return setIndex(list, i, null);
        const { value, length } = decodeFirstJson(this.sc.rest());
        setIndex(list, i, value);
        this.sc.skip(length);
        this.emptyVal();
        return list;
      }
      if (this.literal) return setIndex(list, i, runesUntil(this.sc, '', true).v);
      try {
        return setIndex(list, i, this.valList());
      } catch (e) {
        if (e instanceof EOFSignal) return setIndex(list, i, '');
        if (e instanceof NotListSignal) {
          const { v: rs } = runesUntil(this.sc, ',');
          return setIndex(list, i, (this.reader as Reader)(rs));
        }
        throw e;
      }
    }
    if (last === '[') {
      let nextI: number;
      try {
        nextI = this.keyIndex();
      } catch (e) {
        throw new StrvalsError(`error parsing index: ${(e as Error).message}`);
      }
      let crt: GoValue[] = [];
      if (list.length > i && list[i] !== null) {
        const existing = list[i];
        if (!Array.isArray(existing)) typeAssertion(existing ?? null, '[]interface {}');
        crt = existing;
      }
      return setIndex(list, i, this.listItem(crt, nextI, level));
    }
    if (last === '.') {
      let inner = newGoMap();
      if (list.length > i) {
        const existing = list[i];
        if (isGoMap(existing)) inner = existing;
        else list[i] = inner;
      }
      this.key(inner, level);
      return setIndex(list, i, inner);
    }
    throw new StrvalsError(`parse error: unexpected token ${last}`);
  }

  private valList(): GoValue[] {
    const r = this.sc.readRune();
    if (r === undefined) throw new EOFSignal();
    if (r !== '{') {
      this.sc.unreadRune();
      throw new NotListSignal();
    }
    const list: GoValue[] = [];
    for (;;) {
      const { v: rs, last, eof } = runesUntil(this.sc, ',}');
      if (eof) throw new StrvalsError("list must terminate with '}'");
      if (last === '}') {
        const next = this.sc.readRune();
        if (next !== undefined && next !== ',') this.sc.unreadRune();
        list.push((this.reader as Reader)(rs));
        return list;
      }
      list.push((this.reader as Reader)(rs));
    }
  }
}

/** json.Decoder.Decode of the first JSON value of `s`, with the characters it used. */
function decodeFirstJson(s: string): { value: GoValue; length: number } {
  try {
    return unmarshalJsonPrefix(s);
  } catch (e) {
    throw new StrvalsError((e as Error).message);
  }
}

/** strvals.ParseInto (--set). */
export function parseInto(s: string, dest: GoMap): void {
  new Parser(new RuneScanner(s), dest, (rs) => typedVal(rs, false), false).parse();
}
/** strvals.ParseIntoString (--set-string). */
export function parseIntoString(s: string, dest: GoMap): void {
  new Parser(new RuneScanner(s), dest, (rs) => typedVal(rs, true), false).parse();
}
/** strvals.ParseIntoFile (--set-file): the value is a path whose content becomes the string. */
export function parseIntoFile(s: string, dest: GoMap, read: (path: string) => string): void {
  new Parser(new RuneScanner(s), dest, (rs) => read(rs), false).parse();
}
/** strvals.ParseJSON (--set-json). */
export function parseJson(s: string, dest: GoMap): void {
  new Parser(new RuneScanner(s), dest, undefined, false).parse();
}
/** strvals.ParseLiteralInto (--set-literal). */
export function parseLiteralInto(s: string, dest: GoMap): void {
  new Parser(new RuneScanner(s), dest, undefined, true).parse();
}
