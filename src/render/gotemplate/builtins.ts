// Go text/template's predefined functions (funcs.go): and, or, not, len, index, slice, print*, the
// comparisons with Go's errors, html, js, urlquery and call.
import { sprint, sprintf, sprintln } from './fmt.js';
import { isPrint } from './strconv.js';
import {
  GoError,
  GoInt,
  GoObject,
  Kind,
  T,
  T2,
  byteLength,
  goInt,
  isGoMap,
  isIntKind,
  isUnsignedKind,
  typeOf,
  zeroValue,
  setGoType,
  goStringCompare,
  isTrue,
  goBytes,
  goString,
} from './value.js';
import type { GoFunc, GoType, GoValue } from './value.js';

const RV = T.reflectValue;

type BasicKind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string' | 'complex';

function basicKind(v: GoValue): BasicKind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  if (v instanceof GoInt) {
    if (isIntKind(v.type.kind)) return 'int';
    if (isUnsignedKind(v.type.kind)) return 'uint';
  }
  return 'invalid';
}

/** The value of a reflect.Value argument after indirectInterface: nil interfaces become invalid. */
function indirectInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

function typeName(v: GoValue): string {
  return typeOf(v)?.name ?? '<nil>';
}

function isNilValue(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  if (v instanceof GoObject) return v.isNil();
  return false;
}

function comparable(v: GoValue): boolean {
  const k = typeOf(v)?.kind;
  return !(k === Kind.Map || k === Kind.Slice || k === Kind.Func);
}

/** Go's == on two values the template passed (interface comparison of dynamic values). */
function interfaceEqual(a: GoValue, b: GoValue): boolean {
  if (a instanceof GoObject && b instanceof GoObject) return a === b;
  return a === b;
}

function eq(arg1in: GoValue, ...arg2: GoValue[]): boolean {
  const arg1 = indirectInterface(arg1in);
  if (arg2.length === 0) throw new GoError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const argIn of arg2) {
    const arg = indirectInterface(argIn);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') {
        truth = (arg1 as GoInt).v >= 0n && (arg1 as GoInt).v === (arg as GoInt).v;
      } else if (k1 === 'uint' && k2 === 'int') {
        truth = (arg as GoInt).v >= 0n && (arg1 as GoInt).v === (arg as GoInt).v;
      } else if (arg1 !== undefined && arg !== undefined) {
        throw new GoError(
          `incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`,
        );
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'float':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'uint':
          truth = (arg1 as GoInt).v === (arg as GoInt).v;
          break;
        default: {
          const ka = typeOf(arg1)?.kind ?? Kind.Invalid;
          const kb = typeOf(arg)?.kind ?? Kind.Invalid;
          if (!(ka === kb || ka === Kind.Invalid || kb === Kind.Invalid)) {
            throw new GoError(
              sprintf('non-comparable types %s: %v, %s: %v', [
                arg1 ?? null,
                typeName(arg1),
                typeName(arg),
                arg ?? null,
              ]),
            );
          }
          if (isNilValue(arg1) || isNilValue(arg)) truth = isNilValue(arg) === isNilValue(arg1);
          else {
            if (!comparable(arg))
              throw new GoError(
                sprintf('non-comparable type %s: %v', [arg ?? null, typeName(arg)]),
              );
            truth = interfaceEqual(arg1, arg);
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: GoValue, b: GoValue): boolean {
  const arg1 = indirectInterface(a);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new GoError('invalid type for comparison');
  const arg2 = indirectInterface(b);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new GoError('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint')
      return (arg1 as GoInt).v < 0n || (arg1 as GoInt).v < (arg2 as GoInt).v;
    if (k1 === 'uint' && k2 === 'int')
      return (arg2 as GoInt).v >= 0n && (arg1 as GoInt).v < (arg2 as GoInt).v;
    throw new GoError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new GoError('invalid type for comparison');
    case 'float':
      return (arg1 as number) < (arg2 as number);
    case 'string':
      return goStringCompare(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as GoInt).v < (arg2 as GoInt).v;
  }
}

function le(a: GoValue, b: GoValue): boolean {
  return lt(a, b) || eq(a, b);
}

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt && (isIntKind(index.type.kind) || isUnsignedKind(index.type.kind)))
    x = index.v;
  else if (index === undefined || index === null)
    throw new GoError('cannot index slice/array with nil');
  else throw new GoError(`cannot index slice/array with type ${typeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new GoError(`index out of range: ${x}`);
  return Number(x);
}

function goIndex(item0: GoValue, ...indexes: GoValue[]): GoValue {
  let item = indirectInterface(item0);
  if (item === undefined) throw new GoError('index of untyped nil');
  for (const idx0 of indexes) {
    const idx = indirectInterface(idx0);
    if (item === null || item === undefined) throw new GoError('index of nil pointer');
    if (typeof item === 'string') {
      const bytes = goBytes(item);
      const x = indexArg(idx, bytes.length);
      if (x >= bytes.length) throw new GoError(`reflect: string index out of range`);
      item = goInt(bytes[x] as number, T.uint8);
      continue;
    }
    if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x >= item.length) throw new GoError(`reflect: slice index out of range`);
      item = item[x];
      continue;
    }
    if (item instanceof Uint8Array) {
      const x = indexArg(idx, item.length);
      if (x >= item.length) throw new GoError(`reflect: slice index out of range`);
      item = goInt(item[x] as number, T.uint8);
      continue;
    }
    if (isGoMap(item)) {
      const mt = typeOf(item) as GoType;
      if (idx === undefined) {
        item = zeroValue(mt.elem ?? T.any);
        continue;
      }
      if (typeof idx !== 'string')
        throw new GoError(`value has type ${typeName(idx)}; should be string`);
      item = Object.hasOwn(item, idx) ? item[idx] : zeroValue(mt.elem ?? T.any);
      continue;
    }
    throw new GoError(`can't index item of type ${typeName(item)}`);
  }
  return item;
}

function goSlice(item0: GoValue, ...indexes: GoValue[]): GoValue {
  const item = indirectInterface(item0);
  if (item === undefined) throw new GoError('slice of untyped nil');
  if (item === null) throw new GoError('slice of nil pointer');
  if (indexes.length > 3) throw new GoError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new GoError('cannot 3-index slice a string');
    len = cap = byteLength(item);
  } else if (Array.isArray(item) || item instanceof Uint8Array) {
    len = cap = item.length;
  } else {
    throw new GoError(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((index, i) => {
    idx[i] = indexArg(index, cap);
  });
  const [i0, i1] = idx as [number, number, number];
  if (i0 > i1) throw new GoError(`invalid slice index: ${i0} > ${i1}`);
  if (indexes.length === 3 && i1 > (idx[2] as number))
    throw new GoError(`invalid slice index: ${i1} > ${idx[2]}`);
  if (typeof item === 'string') return goString(goBytes(item).subarray(i0, i1));
  if (item instanceof Uint8Array) return item.subarray(i0, i1);
  const t = typeOf(item) as GoType;
  const out = item.slice(i0, i1);
  return t === T2.sliceAny ? out : setGoType(out, t);
}

function length(item0: GoValue): number {
  const item = item0;
  if (item === null) throw new GoError('len of nil pointer');
  if (item === undefined) throw new GoError('reflect: call of reflect.Value.Type on zero Value');
  if (typeof item === 'string') return byteLength(item);
  if (Array.isArray(item) || item instanceof Uint8Array) return item.length;
  if (isGoMap(item)) return Object.keys(item).length;
  if (item instanceof GoObject && item.goType.kind === Kind.Pointer && item.isNil())
    throw new GoError('len of nil pointer');
  throw new GoError(`len of type ${typeName(item)}`);
}

function htmlEscape(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) =>
    c === '\0'
      ? '\uFFFD'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

function jsIsSpecial(cp: number): boolean {
  switch (cp) {
    case 0x5c:
    case 0x27:
    case 0x22:
    case 0x3c:
    case 0x3e:
    case 0x26:
    case 0x3d:
      return true;
  }
  return cp < 0x20 || cp >= 0x80;
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (!jsIsSpecial(cp)) {
      out += ch;
      continue;
    }
    if (cp < 0x80) {
      switch (ch) {
        case '\\':
          out += '\\\\';
          break;
        case "'":
          out += "\\'";
          break;
        case '"':
          out += '\\"';
          break;
        case '<':
          out += '\\u003C';
          break;
        case '>':
          out += '\\u003E';
          break;
        case '&':
          out += '\\u0026';
          break;
        case '=':
          out += '\\u003D';
          break;
        default:
          out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
      }
    } else if (isPrint(cp)) out += ch;
    else out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of goBytes(s)) {
    if (
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x5f ||
      b === 0x2e ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** evalArgs of funcs.go: one string stays as it is; anything else is printed with Sprint (nil as <no value>). */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

function f(
  params: readonly GoType[],
  result: GoType,
  call: (...a: never[]) => GoValue | bigint,
  opts: { variadic?: GoType; errors?: boolean } = {},
): GoFunc {
  return { params, result, call: call as (...a: GoValue[]) => GoValue | bigint, ...opts };
}

const placeholder = (): GoValue => {
  throw new GoError('unreachable');
};

/** The predefined functions; `and`, `or` and `call` are evaluated by exec itself. */
export const BUILTINS: Readonly<Record<string, GoFunc>> = Object.assign(
  Object.create(null) as Record<string, GoFunc>,
  {
    and: f([RV], RV, placeholder, { variadic: RV }),
    or: f([RV], RV, placeholder, { variadic: RV }),
    call: f(
      [RV],
      RV,
      (name: string, fn: GoValue) => {
        const v = indirectInterface(fn);
        if (v === undefined) throw new GoError('call of nil');
        throw new GoError(`non-function ${name} of type ${typeName(v)}`);
      },
      { variadic: RV, errors: true },
    ),
    html: f([], T.string, (...a: GoValue[]) => htmlEscape(evalArgs(a)), { variadic: T.any }),
    index: f([RV], RV, goIndex, { variadic: RV, errors: true }),
    slice: f([RV], RV, goSlice, { variadic: RV, errors: true }),
    js: f([], T.string, (...a: GoValue[]) => jsEscape(evalArgs(a)), { variadic: T.any }),
    len: f([RV], T.int, length, { errors: true }),
    not: f([RV], T.bool, (a: GoValue) => !truthOf(a)),
    print: f([], T.string, (...a: GoValue[]) => sprint(a), { variadic: T.any }),
    printf: f([T.string], T.string, (format: string, ...a: GoValue[]) => sprintf(format, a), {
      variadic: T.any,
    }),
    println: f([], T.string, (...a: GoValue[]) => sprintln(a), { variadic: T.any }),
    urlquery: f([], T.string, (...a: GoValue[]) => queryEscape(evalArgs(a)), { variadic: T.any }),
    eq: f([RV], T.bool, eq, { variadic: RV, errors: true }),
    ge: f([RV, RV], T.bool, (a: GoValue, b: GoValue) => !lt(a, b), { errors: true }),
    gt: f([RV, RV], T.bool, (a: GoValue, b: GoValue) => !le(a, b), { errors: true }),
    le: f([RV, RV], T.bool, le, { errors: true }),
    lt: f([RV, RV], T.bool, lt, { errors: true }),
    ne: f([RV, RV], T.bool, (a: GoValue, b: GoValue) => !eq(a, b), { errors: true }),
  },
);

function truthOf(v: GoValue): boolean {
  return isTrue(v === null ? undefined : v) ?? false;
}
