// Go's fmt package (Sprint, Sprintln, Sprintf) over template values: verbs, flags, width, precision,
// argument indexes, %v of maps, slices and structs, and Go's "%!verb(type=value)" complaints.
import { formatFloat, quote, quoteRune, canBackquote, isPrint } from './strconv.js';
import {
  GoInt,
  GoObject,
  GoStruct,
  Kind,
  isUnsignedKind,
  sortedKeys,
  stringerText,
  typeOf,
  isIntKind,
  T,
  goBytes,
  goString,
} from './value.js';
import type { GoMap, GoType, GoValue } from './value.js';

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

function utf8Bytes(s: string): Uint8Array {
  return goBytes(s);
}

/** A struct value viewed through its pointer (or the struct itself). */
export function derefStruct(v: GoObject): GoObject {
  if (v.goType.kind === Kind.Pointer && v instanceof GoStruct && v.goType.elem) {
    return new GoStruct(v.goType.elem, v.values);
  }
  return v;
}

class Flags {
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  clear(): void {
    this.widPresent = false;
    this.precPresent = false;
    this.minus = false;
    this.plus = false;
    this.sharp = false;
    this.space = false;
    this.zero = false;
    this.plusV = false;
    this.sharpV = false;
    this.wid = 0;
    this.prec = 0;
  }
}

/** Go's `%v` of one value as fmt prints an interface{} argument. */
class Printer {
  buf = '';
  f = new Flags();
  private erroring = false;
  private arg: GoValue = undefined;
  /** The value printValue is printing (Go's p.value), which badVerb shows when arg is unset. */
  private value: GoValue = undefined;
  private argIsIface = true;

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }
  private padString(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private fmtBoolean(v: boolean): void {
    this.padString(v ? 'true' : 'false');
  }

  private fmtInteger(
    u0: bigint,
    base: number,
    signed: boolean,
    verb: string,
    digits: string,
  ): void {
    const f = this.f;
    let u = u0;
    const negative = signed && u < 0n;
    if (negative) u = -u;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.writePadding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let s = u.toString(base);
    if (digits === UDIGITS) s = s.toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (f.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = '0' + digits[16] + s;
    }
    if (verb === 'O') s = '0o' + s;
    if (negative) s = '-' + s;
    else if (f.plus) s = '+' + s;
    else if (f.space) s = ' ' + s;
    const oldZero = f.zero;
    f.zero = false;
    this.padString(s);
    f.zero = oldZero;
  }

  private fmtUnicode(u: bigint): void {
    const f = this.f;
    let prec = 4;
    if (f.precPresent && f.prec > 4) prec = f.prec;
    let s = u.toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = 'U+' + s;
    if (f.sharp && u <= 0x10ffffn && isPrint(Number(u))) {
      s += " '" + String.fromCodePoint(Number(u)) + "'";
    }
    const oldZero = f.zero;
    f.zero = false;
    this.padString(s);
    f.zero = oldZero;
  }

  private truncateString(s: string): string {
    if (this.f.precPresent) {
      let n = this.f.prec;
      let i = 0;
      for (const ch of s) {
        n--;
        if (n < 0) return s.slice(0, i);
        i += ch.length;
      }
    }
    return s;
  }

  private fmtS(s: string): void {
    this.padString(this.truncateString(s));
  }

  private fmtSbx(b: Uint8Array, digits: string): void {
    const f = this.f;
    let length = b.length;
    if (f.precPresent && f.prec < length) length = f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) width += 2;
    } else {
      if (f.widPresent) this.writePadding(f.wid);
      return;
    }
    if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
    let out = '';
    if (f.sharp) out += '0' + digits[16];
    for (let i = 0; i < length; i++) {
      if (f.space && i > 0) {
        out += ' ';
        if (f.sharp) out += '0' + digits[16];
      }
      const c = b[i] as number;
      out += (digits[c >> 4] as string) + (digits[c & 15] as string);
    }
    this.buf += out;
    if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
  }

  private fmtQ(s0: string): void {
    const s = this.truncateString(s0);
    if (this.f.sharp && canBackquote(s)) {
      this.padString('`' + s + '`');
      return;
    }
    this.padString(quote(s, this.f.plus));
  }

  private fmtC(c: bigint): void {
    let r = Number(c);
    if (c > 0x10ffffn || c < 0n || (r >= 0xd800 && r <= 0xdfff)) r = 0xfffd;
    this.padString(String.fromCodePoint(r));
  }

  private fmtQc(c: bigint): void {
    let r = Number(c);
    if (c > 0x10ffffn || c < 0n) r = 0xfffd;
    this.padString(quoteRune(r, this.f.plus));
  }

  private fmtFloatWith(v: number, size: number, verb: string, prec0: number): void {
    const f = this.f;
    const prec = f.precPresent ? f.prec : prec0;
    let num = formatFloat(v, verb, prec, size);
    if (num[0] === '-' || num[0] === '+') {
      /* keep */
    } else num = '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.padString(num);
      f.zero = oldZero;
      return;
    }
    if (f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      let body = num;
      for (let i = 1; i < body.length; i++) {
        const c = body[i] as string;
        if (c === '.') {
          hasDecimalPoint = true;
          continue;
        }
        if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        }
        if (c !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (f.plus || num[0] !== '+') {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.padString(num);
      return;
    }
    this.padString(num.slice(1));
  }

  private badVerb(verb: string, value?: { v: GoValue }): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    const current = this.arg !== undefined && this.arg !== null ? this.arg : this.value;
    const shown = value ?? (current !== undefined && current !== null ? { v: current } : undefined);
    if (shown !== undefined && shown.v !== undefined && shown.v !== null) {
      this.buf += (typeOf(shown.v) as GoType).name + '=';
      this.printArg(shown.v, 'v');
    } else {
      this.buf += '<nil>';
    }
    this.buf += ')';
    this.erroring = false;
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtInteger(v, 16, false, 'v', LDIGITS);
    this.f.sharp = sharp;
  }

  private fmtIntegerVerb(v: bigint, signed: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !signed) this.fmt0x64(v, true);
        else this.fmtInteger(v, 10, signed, verb, LDIGITS);
        return;
      case 'd':
        return this.fmtInteger(v, 10, signed, verb, LDIGITS);
      case 'b':
        return this.fmtInteger(v, 2, signed, verb, LDIGITS);
      case 'o':
      case 'O':
        return this.fmtInteger(v, 8, signed, verb, LDIGITS);
      case 'x':
        return this.fmtInteger(v, 16, signed, verb, LDIGITS);
      case 'X':
        return this.fmtInteger(v, 16, signed, verb, UDIGITS);
      case 'c':
        return this.fmtC(v);
      case 'q':
        return this.fmtQc(v);
      case 'U':
        return this.fmtUnicode(v);
      default:
        this.badVerb(verb);
    }
  }

  private fmtFloat(v: number, size: number, verb: string): void {
    switch (verb) {
      case 'v':
        return this.fmtFloatWith(v, size, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloatWith(v, size, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloatWith(v, size, verb, 6);
      case 'F':
        return this.fmtFloatWith(v, size, 'f', 6);
      default:
        this.badVerb(verb);
    }
  }

  private fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's':
        return this.fmtS(v);
      case 'x':
        return this.fmtSbx(utf8Bytes(v), LDIGITS);
      case 'X':
        return this.fmtSbx(utf8Bytes(v), UDIGITS);
      case 'q':
        return this.fmtQ(v);
      default:
        this.badVerb(verb);
    }
  }

  private fmtBytes(v: Uint8Array, verb: string, typeString: string): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.f.sharpV) {
          this.buf += typeString + '{';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ', ';
            this.fmt0x64(BigInt(c), true);
          });
          this.buf += '}';
        } else {
          this.buf += '[';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ' ';
            this.fmtInteger(BigInt(c), 10, false, verb, LDIGITS);
          });
          this.buf += ']';
        }
        return;
      case 's':
        return this.fmtS(goString(v));
      case 'x':
        return this.fmtSbx(v, LDIGITS);
      case 'X':
        return this.fmtSbx(v, UDIGITS);
      case 'q':
        return this.fmtQ(goString(v));
      default:
        this.printValue(v, verb, 0);
    }
  }

  private fmtPointer(verb: string): void {
    // Go prints a machine address here; nothing a template can rely on.
    const addr = 0xc000010000n;
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.buf += '(' + (typeOf(this.arg)?.name ?? '') + ')(0xc000010000)';
        else this.fmt0x64(addr, !this.f.sharp);
        return;
      case 'p':
        return this.fmt0x64(addr, !this.f.sharp);
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        return this.fmtIntegerVerb(addr, false, verb);
      default:
        this.badVerb(verb);
    }
  }

  private handleMethods(v: GoValue, verb: string): boolean {
    if (this.erroring) return false;
    if (this.f.sharpV) return false;
    if (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q') {
      const text = stringerText(v, !this.argIsIface);
      if (text !== undefined) {
        this.fmtString(text, verb);
        return true;
      }
    }
    return false;
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    this.value = undefined;
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.padString('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.fmtS((typeOf(arg) as GoType).name);
      return;
    }
    if (verb === 'p') {
      const k = (typeOf(arg) as GoType).kind;
      if (k === Kind.Map || k === Kind.Slice || k === Kind.Pointer || k === Kind.Func)
        this.fmtPointer('p');
      else this.badVerb(verb);
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        return this.fmtBool(arg, verb);
      case 'number':
        return this.fmtFloat(arg, 64, verb);
      case 'string':
        return this.fmtString(arg, verb);
    }
    if (arg instanceof GoInt) {
      if (arg.type.kind === Kind.Float32) return this.fmtFloat(Number(arg.v), 32, verb);
      return this.fmtIntegerVerb(arg.v, !isUnsignedKind(arg.type.kind), verb);
    }
    if (arg instanceof Uint8Array) return this.fmtBytes(arg, verb, '[]byte');
    if (!this.handleMethods(arg, verb)) this.printValue(arg, verb, 0);
  }

  printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined && value !== null) {
      this.arg = value;
      if (this.handleMethods(value, verb)) return;
    }
    this.arg = undefined;
    this.value = value;
    if (value === undefined) {
      if (depth === 0) this.buf += '<invalid reflect.Value>';
      else if (verb === 'v') this.buf += '<nil>';
      else this.badVerb(verb);
      return;
    }
    if (value === null) {
      // A nil interface inside a container.
      this.buf += '<nil>';
      return;
    }
    switch (typeof value) {
      case 'boolean':
        return this.fmtBool(value, verb);
      case 'number':
        return this.fmtFloat(value, 64, verb);
      case 'string':
        return this.fmtString(value, verb);
    }
    if (value instanceof GoInt) {
      if (value.type.kind === Kind.Float32) return this.fmtFloat(Number(value.v), 32, verb);
      return this.fmtIntegerVerb(value.v, !isUnsignedKind(value.type.kind), verb);
    }
    if (value instanceof Uint8Array) {
      if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')
        return this.fmtBytes(value, verb, '[]uint8');
      return this.printSlice(
        Array.from(value, (b) => new GoInt(T.uint8, BigInt(b))),
        '[]uint8',
        verb,
        depth,
      );
    }
    if (Array.isArray(value)) {
      const t = typeOf(value) as GoType;
      return this.printSlice(value, t.name, verb, depth);
    }
    if (value instanceof GoObject) return this.printObject(value, verb, depth);
    this.printMap(value, verb, depth);
  }

  private printSlice(
    items: readonly GoValue[],
    typeName: string,
    verb: string,
    depth: number,
  ): void {
    if (this.f.sharpV) {
      this.buf += typeName + '{';
      items.forEach((x, i) => {
        if (i > 0) this.buf += ', ';
        this.printValue(x, verb, depth + 1);
      });
      this.buf += '}';
      return;
    }
    this.buf += '[';
    items.forEach((x, i) => {
      if (i > 0) this.buf += ' ';
      this.printValue(x, verb, depth + 1);
    });
    this.buf += ']';
  }

  private printMap(m: GoMap, verb: string, depth: number): void {
    if (this.f.sharpV) this.buf += (typeOf(m) as GoType).name + '{';
    else this.buf += 'map[';
    sortedKeys(m).forEach((k, i) => {
      if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
      this.printValue(k, verb, depth + 1);
      this.buf += ':';
      this.printValue(m[k], verb, depth + 1);
    });
    this.buf += this.f.sharpV ? '}' : ']';
  }

  private printObject(o: GoObject, verb: string, depth: number): void {
    const t = o.goType;
    if (t.kind === Kind.Pointer) {
      if (o.isNil()) {
        this.arg = o;
        if (verb === 'v' && !this.f.sharpV) this.padString('<nil>');
        else this.fmtPointer(verb);
        return;
      }
      if (depth === 0) {
        this.buf += '&';
        this.printValue(derefStruct(o), verb, depth + 1);
        return;
      }
      this.arg = o;
      this.fmtPointer(verb);
      return;
    }
    if (this.f.sharpV) this.buf += t.name;
    this.buf += '{';
    (t.fields ?? []).forEach((field, i) => {
      if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
      if (this.f.plusV || this.f.sharpV) this.buf += field.name + ':';
      this.printValue(o.field(field.name) ?? null, verb, depth + 1);
    });
    this.buf += '}';
  }

  setIface(iface: boolean): void {
    this.argIsIface = iface;
  }
}

function intFromArg(
  a: readonly GoValue[],
  argNum: number,
): { num: number; isInt: boolean; next: number } {
  let num = 0;
  let isInt = false;
  let next = argNum;
  if (argNum < a.length) {
    const v = a[argNum];
    if (v instanceof GoInt && (isIntKind(v.type.kind) || isUnsignedKind(v.type.kind))) {
      if (v.v >= -(2n ** 63n) && v.v < 2n ** 63n) {
        num = Number(v.v);
        isInt = true;
      }
    }
    next = argNum + 1;
    if (num > 1e6 || num < -1e6) {
      num = 0;
      isInt = false;
    }
  }
  return { num, isInt, next };
}

function parsenum(
  s: string,
  start: number,
  end: number,
): { num: number; isnum: boolean; newi: number } {
  if (start >= end) return { num: 0, isnum: false, newi: end };
  let num = 0;
  let isnum = false;
  let newi = start;
  for (
    ;
    newi < end && s[newi] !== undefined && (s[newi] as string) >= '0' && (s[newi] as string) <= '9';
    newi++
  ) {
    if (num > 1e6 || num < -1e6) return { num: 0, isnum: false, newi: end };
    num = num * 10 + (s.charCodeAt(newi) - 48);
    isnum = true;
  }
  return { num, isnum, newi };
}

/** fmt.Sprintf. */
export function sprintf(format: string, a: readonly GoValue[]): string {
  const p = new Printer();
  const f = p.f;
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (an: number, i: number): { argNum: number; i: number; found: boolean } => {
    if (format.length <= i || format[i] !== '[') return { argNum: an, i, found: false };
    reordered = true;
    // parseArgNumber
    const sub = format.slice(i);
    let index = 0;
    let wid = 1;
    let ok = false;
    if (sub.length >= 3) {
      for (let j = 1; j < sub.length; j++) {
        if (sub[j] === ']') {
          const r = parsenum(sub, 1, j);
          if (!r.isnum || r.newi !== j) {
            wid = j + 1;
            ok = false;
          } else {
            index = r.num - 1;
            wid = j + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && index < a.length) return { argNum: index, i: i + wid, found: true };
    goodArgNum = false;
    return { argNum: an, i: i + wid, found: ok };
  };

  formatLoop: for (let i = 0; i < end;) {
    goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.buf += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    f.clear();
    simple: for (; i < end; i++) {
      const c = format[i] as string;
      switch (c) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = true;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          if (c >= 'a' && c <= 'z' && argNum < a.length) {
            if (c === 'v' || c === 'w') {
              f.sharpV = f.sharp;
              f.sharp = false;
              f.plusV = f.plus;
              f.plus = false;
            }
            p.printArg(a[argNum], c === 'w' ? 'w' : c);
            argNum++;
            i++;
            continue formatLoop;
          }
          break simple;
      }
    }
    let r = argNumber(argNum, i);
    argNum = r.argNum;
    i = r.i;
    afterIndex = r.found;
    if (i < end && format[i] === '*') {
      i++;
      const w = intFromArg(a, argNum);
      f.wid = w.num;
      f.widPresent = w.isInt;
      argNum = w.next;
      if (!f.widPresent) p.buf += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const n = parsenum(format, i, end);
      f.wid = n.num;
      f.widPresent = n.isnum;
      i = n.newi;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      r = argNumber(argNum, i);
      argNum = r.argNum;
      i = r.i;
      afterIndex = r.found;
      if (i < end && format[i] === '*') {
        i++;
        const pr = intFromArg(a, argNum);
        f.prec = pr.num;
        f.precPresent = pr.isInt;
        argNum = pr.next;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.buf += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const n = parsenum(format, i, end);
        f.prec = n.num;
        f.precPresent = n.isnum;
        i = n.newi;
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) {
      r = argNumber(argNum, i);
      argNum = r.argNum;
      i = r.i;
      afterIndex = r.found;
    }
    if (i >= end) {
      p.buf += '%!(NOVERB)';
      break;
    }
    const cp = format.codePointAt(i) as number;
    const verb = String.fromCodePoint(cp);
    i += verb.length;
    if (verb === '%') p.buf += '%';
    else if (!goodArgNum) p.buf += '%!' + verb + '(BADINDEX)';
    else if (argNum >= a.length) p.buf += '%!' + verb + '(MISSING)';
    else {
      if (verb === 'v' || verb === 'w') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      p.printArg(a[argNum], verb);
      argNum++;
    }
  }
  if (!reordered && argNum < a.length) {
    f.clear();
    p.buf += '%!(EXTRA ';
    a.slice(argNum).forEach((arg, i) => {
      if (i > 0) p.buf += ', ';
      if (arg === null || arg === undefined) p.buf += '<nil>';
      else {
        p.buf += (typeOf(arg) as GoType).name + '=';
        p.printArg(arg, 'v');
      }
    });
    p.buf += ')';
  }
  return p.buf;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(a: readonly GoValue[]): string {
  const p = new Printer();
  let prevString = false;
  a.forEach((arg, argNum) => {
    const isString = typeof arg === 'string' || typeOf(arg)?.kind === Kind.String;
    if (argNum > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln. */
export function sprintln(a: readonly GoValue[]): string {
  const p = new Printer();
  a.forEach((arg, argNum) => {
    if (argNum > 0) p.buf += ' ';
    p.printArg(arg, 'v');
  });
  return p.buf + '\n';
}

/** What a template action prints for a value: addressable values may use pointer-receiver String methods. */
export function sprintTemplateValue(v: GoValue): string {
  if (typeof v === 'string') return v;
  const p = new Printer();
  p.setIface(false);
  p.printArg(v, 'v');
  return p.buf;
}
