// sprintf: Go's fmt.Sprintf over the argument kinds OPA passes (int, *big.Int, float64, string; other values as their Rego text).

import type { BuiltinDef } from '../builtin-types.js';
import { T } from '../builtin-types.js';
import { operandTypeError } from '../errors.js';
import { floatText, goQuote, str, valueToString, type Value } from '../value.js';
import { stringOperand } from './operands.js';

/** An argument as OPA hands it to fmt.Sprintf. */
export type GoArg =
  | { readonly t: 'int'; readonly v: bigint }
  | { readonly t: 'big'; readonly v: bigint }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'string'; readonly v: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** OPA's conversion of a Rego value to a fmt argument (topdown/strings.go builtinSprintf). */
export function toGoArg(v: Value): GoArg {
  if (v.kind === 'string') return { t: 'string', v: v.value };
  if (v.kind !== 'number') return { t: 'string', v: valueToString(v) };
  const text = v.toString();
  if (/^-?[0-9]+$/.test(text)) {
    const i = BigInt(text);
    return i >= INT64_MIN && i <= INT64_MAX ? { t: 'int', v: i } : { t: 'big', v: i };
  }
  const f = Number(text);
  if (!Number.isFinite(f)) return { t: 'string', v: text };
  return { t: 'float', v: f };
}

const TYPE_NAME: Readonly<Record<GoArg['t'], string>> = {
  int: 'int',
  big: '*big.Int',
  float: 'float64',
  string: 'string',
};

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width;
  if (w === undefined || s.length >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - s.length);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(w - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(w - s.length) + s;
}

function signed(body: string, neg: boolean, spec: Spec): string {
  if (neg) return '-' + body;
  if (spec.plus) return '+' + body;
  if (spec.space) return ' ' + body;
  return body;
}

function fmtInteger(v: bigint, verb: string, spec: Spec): string | undefined {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let body: string;
  switch (verb) {
    case 'v':
    case 'd':
    case 's':
      body = a.toString(10);
      break;
    case 'b':
      body = a.toString(2);
      break;
    case 'o':
      body = (spec.sharp ? '0' : '') + a.toString(8);
      break;
    case 'O':
      body = '0o' + a.toString(8);
      break;
    case 'x':
      body = (spec.sharp ? '0x' : '') + a.toString(16);
      break;
    case 'X':
      body = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase();
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(v)), spec, false);
    case 'q':
      return pad(`'${String.fromCodePoint(Number(v))}'`, spec, false);
    case 'U':
      return pad(`U+${a.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    default:
      return undefined;
  }
  if (spec.prec !== undefined) {
    body = body.padStart(spec.prec, '0');
    if (spec.prec === 0 && a === 0n) body = '';
    return pad(signed(body, neg, spec), { ...spec, zero: false }, true);
  }
  return pad(signed(body, neg, spec), spec, true);
}

/** Go's %e mantissa/exponent form with the given precision. */
function expForm(f: number, prec: number, upper: boolean): string {
  const s = Math.abs(f).toExponential(prec);
  const [m = '', e = '0'] = s.split('e');
  const en = Number(e);
  const out = `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  return upper ? out.toUpperCase() : out;
}

/** Go's %g with an explicit precision (significant digits). */
function gForm(f: number, prec: number, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const [m = '', e = '0'] = Math.abs(f)
    .toExponential(p - 1)
    .split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= p) {
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const out = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return upper ? out.toUpperCase() : out;
  }
  const fixed = Math.abs(f).toFixed(Math.max(0, p - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function fmtFloat(f: number, verb: string, spec: Spec): string | undefined {
  if (Number.isNaN(f)) return pad('NaN', spec, false);
  const neg = f < 0 || Object.is(f, -0);
  if (!Number.isFinite(f)) return pad(signed('Inf', neg, spec), { ...spec, zero: false }, true);
  let body: string;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      body = spec.prec === undefined ? floatText(Math.abs(f)) : gForm(f, spec.prec, verb === 'G');
      if (verb === 'G') body = body.toUpperCase();
      break;
    case 'f':
    case 'F':
      body = Math.abs(f).toFixed(spec.prec ?? 6);
      break;
    case 'e':
    case 'E':
      body = expForm(f, spec.prec ?? 6, verb === 'E');
      break;
    default:
      return undefined;
  }
  return pad(signed(body, neg, spec), spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  const cut = (x: string): string =>
    spec.prec === undefined ? x : Array.from(x).slice(0, spec.prec).join('');
  switch (verb) {
    case 'v':
    case 's':
      return pad(cut(s), spec, false);
    case 'q':
      return pad(goQuote(cut(s)), spec, false);
    case 'x':
    case 'X': {
      const hex = Buffer.from(cut(s), 'utf8').toString('hex');
      return pad(verb === 'X' ? hex.toUpperCase() : hex, spec, false);
    }
    default:
      return undefined;
  }
}

function argText(a: GoArg): string {
  switch (a.t) {
    case 'int':
    case 'big':
      return a.v.toString();
    case 'float':
      return floatText(a.v);
    case 'string':
      return a.v;
  }
}

function formatArg(a: GoArg, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(TYPE_NAME[a.t], spec, false);
  let out: string | undefined;
  switch (a.t) {
    case 'int':
      out = fmtInteger(a.v, verb, spec);
      break;
    case 'big':
      // *big.Int implements fmt.Formatter for b, o, d, x, X, s, v only.
      out = 'bodxXsvO'.includes(verb) ? fmtInteger(a.v, verb, spec) : undefined;
      break;
    case 'float':
      out = fmtFloat(a.v, verb, spec);
      break;
    case 'string':
      out = fmtString(a.v, verb, spec);
      break;
  }
  return out ?? `%!${verb}(${TYPE_NAME[a.t]}=${argText(a)})`;
}

const DEFAULT_SPEC: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  width: undefined,
  prec: undefined,
};

/** Formats split into literal parts around plain %s / %v / %d verbs (the common case), cached. */
const SIMPLE_FORMATS = new Map<
  string,
  { readonly parts: readonly string[]; readonly verbs: readonly string[] }
>();
const SIMPLE_FORMAT_RE = /^(?:[^%]|%%|%[svd])*$/;

function simpleFormat(
  format: string,
): { readonly parts: readonly string[]; readonly verbs: readonly string[] } | undefined {
  let f = SIMPLE_FORMATS.get(format);
  if (f !== undefined) return f;
  if (!SIMPLE_FORMAT_RE.test(format) || format.includes('%%')) return undefined;
  const pieces = format.split(/%([svd])/);
  f = { parts: pieces.filter((_, i) => i % 2 === 0), verbs: pieces.filter((_, i) => i % 2 === 1) };
  if (SIMPLE_FORMATS.size > 512) SIMPLE_FORMATS.clear();
  SIMPLE_FORMATS.set(format, f);
  return f;
}

/** Go's fmt.Sprintf over the given arguments (flags, width, precision, `*`, explicit [n] indexes). */
export function goSprintf(format: string, args: readonly GoArg[]): string {
  const simple = simpleFormat(format);
  if (simple !== undefined && simple.verbs.length === args.length) {
    let out = simple.parts[0]!;
    for (let i = 0; i < args.length; i++)
      out += formatArg(args[i]!, simple.verbs[i]!, DEFAULT_SPEC) + simple.parts[i + 1]!;
    return out;
  }
  return fullSprintf(format, args);
}

function fullSprintf(format: string, args: readonly GoArg[]): string {
  let out = '';
  let argi = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...DEFAULT_SPEC };
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m) {
        argi = Number(m[1]) - 1;
        i += m[0].length;
        reordered = true;
      }
    };
    const number = (): number | undefined => {
      argIndex();
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        if (a?.t === 'int') return Number(a.v);
        return undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = number();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === '.') {
      i++;
      spec.prec = number() ?? 0;
    }
    argIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = args[argi];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argi++;
    out += formatArg(a, verb, spec);
  }
  if (!reordered && argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${TYPE_NAME[a.t]}=${argText(a)}`)
      .join(', ')})`;
  }
  return out;
}

export const SPRINTF_BUILTINS: readonly BuiltinDef[] = [
  {
    name: 'sprintf',
    args: [T.string, T.arrayOf(T.any)],
    result: T.string,
    impl: ([f, a]) => {
      const format = stringOperand('sprintf', f!, 1);
      if (a!.kind !== 'array') throw operandTypeError('sprintf', 2, a!.kind, 'array');
      return str(goSprintf(format, a!.items.map(toGoArg)));
    },
  },
];
