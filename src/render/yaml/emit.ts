// Writes values exactly as kustomize prints them: JSON round trip then go-yaml v2 Marshal (sorted keys, libyaml emitter rules).
import { resolveV2, resolveV3, v2StringNeedsQuotes } from './go-yaml-resolve.js';
import { isYamlMap } from './parse.js';
import type { YamlValue } from './parse.js';
import {
  analyzeScalar,
  isBreak,
  isPrintable,
  DOUBLE_ESCAPES,
  type ScalarAnalysis as Analysis,
} from './scalar-analysis.js';

const analyze = (cps: readonly number[]) => analyzeScalar(cps, { tabsInBlocks: false });

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

const Style = { Plain: 0, Single: 1, Double: 2, Literal: 3 } as const;
type Style = (typeof Style)[keyof typeof Style];

/** A value that cannot be written (kustomize fails on it too, in its JSON step). */
export class YamlEmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlEmitError';
  }
}

/**
 * go-yaml's key order: numbers inside strings compare numerically, letters after other characters
 * (with `v3`, a letter that follows equal digits sorts before other characters).
 */
export function goYamlKeyLess(a: string, b: string, v3 = false): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  const isLetter = (s: string): boolean => /\p{L}/u.test(s);
  const isDigit = (s: string | undefined): boolean => s !== undefined && /\p{Nd}/u.test(s);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ai0 = ar[i] as string;
    const bi0 = br[i] as string;
    if (ai0 === bi0) {
      digits = isDigit(ai0);
      continue;
    }
    const al = isLetter(ai0);
    const bl = isLetter(bi0);
    if (al && bl) return (ai0.codePointAt(0) as number) < (bi0.codePointAt(0) as number);
    if (al || bl) return v3 && digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ai0 === '0' || bi0 === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(Number(ar[ai]));
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(Number(br[bi]));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return (ai0.codePointAt(0) as number) < (bi0.codePointAt(0) as number);
  }
  return ar.length < br.length;
}

function sortKeysV3(keys: string[]): string[] {
  return keys.sort((x, y) => (goYamlKeyLess(x, y, true) ? -1 : goYamlKeyLess(y, x, true) ? 1 : 0));
}

/** go-yaml v3's text for a number: floats with FormatFloat('g', -1), integers (bigint) in decimal. */
function v3NumberText(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return '.nan';
  if (v === Infinity) return '.inf';
  if (v === -Infinity) return '-.inf';
  return goFormatFloatG(v);
}

function sortKeys(keys: string[]): string[] {
  return keys.sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
export function goFormatFloatG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = f.toExponential(); // shortest digits, e.g. "-1.2345e+6"
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp);
  if (!m) return String(f);
  const neg = m[1] ?? '';
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const e = Number(m[4]);
  if (e < -4 || e >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(e);
    return `${neg}${mant}e${e < 0 ? '-' : '+'}${ae < 10 ? '0' + ae : String(ae)}`;
  }
  if (e < 0) return `${neg}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${neg}${digits}${'0'.repeat(e + 1 - digits.length)}`;
  return `${neg}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** Go's encoding/json text for a float64. */
export function goJsonFloat(f: number): string {
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return f
      .toExponential()
      .replace(/e([+-])(\d)$/, 'e$10$2')
      .replace(/e([+-])0(\d)$/, 'e$1$2');
  }
  // 'f' format with shortest digits (beyond 2^53 those digits are padded with zeros, not exact).
  if (Number.isInteger(f) && abs < 2 ** 53) return BigInt(f).toString();
  const s = String(f);
  if (!s.includes('e')) return s;
  return toPlainDecimal(f);
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function goFormatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (Object.is(f, -0)) return '-0';
  return toPlainDecimal(f);
}

function toPlainDecimal(f: number): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(f.toExponential());
  if (!m) return String(f);
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const e = Number(m[4]);
  if (e < 0) return `${m[1] ?? ''}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${m[1] ?? ''}${digits}${'0'.repeat(e + 1 - digits.length)}`;
  return `${m[1] ?? ''}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** Go's encoding/json text for a decoded number (an int, or a float64). */
export function goJsonNumber(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (!Number.isFinite(v)) throw new YamlEmitError(`json: unsupported value: ${goFormatFloatG(v)}`);
  // An int decodes to a bigint when it is too large for a double; a number is Go's float64.
  return Number.isSafeInteger(v) ? String(v) : goJsonFloat(v);
}

/** How a number comes out of kustomize's JSON → YAML v2 round trip. */
export function numberText(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  const json = goJsonNumber(v);
  const r = resolveV2(json);
  if (r.tag === 'int') return r.value.toString();
  if (r.tag === 'float') return goFormatFloatG(r.value);
  return json;
}

/** Which go-yaml's encoder to follow. */
export interface EmitOptions {
  /**
   * go-yaml v3's Encoder (Helm's toYamlPretty): sequences indented under their key, numbers as Go
   * formats them directly (no JSON round trip), v3 quoting and key order. @default false (v2)
   */
  readonly v3?: boolean;
}

class Emitter {
  constructor(private readonly v3 = false) {}

  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent = -1;

  result(): string {
    return this.out;
  }

  private put(s: string): void {
    this.out += s;
    this.column += 1;
  }
  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  private writeIndicator(
    ind: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.out += ind;
    this.column += ind.length;
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  document(v: YamlValue): void {
    this.node(v, { root: true, mappingContext: false, simpleKey: false });
    // Document end (implicit): a final line break when needed.
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
  }

  private node(
    v: YamlValue,
    ctx: { root: boolean; mappingContext: boolean; simpleKey: boolean },
  ): void {
    if (Array.isArray(v)) {
      if (v.length === 0) return this.flowEmpty('[', ']');
      return this.blockSequence(v, ctx.mappingContext);
    }
    if (isYamlMap(v)) {
      const keys = this.v3 ? sortKeysV3(Object.keys(v)) : sortKeys(Object.keys(v));
      if (keys.length === 0) return this.flowEmpty('{', '}');
      return this.blockMapping(v, keys);
    }
    this.scalarValue(v, ctx.simpleKey);
  }

  private flowEmpty(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private increaseIndent(flow: boolean, indentless: boolean): number {
    const saved = this.indent;
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
    return saved;
  }

  private blockSequence(items: YamlValue[], mappingContext: boolean): void {
    const saved = this.increaseIndent(false, !this.v3 && mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { root: false, mappingContext: false, simpleKey: false });
    }
    this.indent = saved;
  }

  private blockMapping(m: Record<string, YamlValue>, keys: string[]): void {
    const saved = this.increaseIndent(false, false);
    for (const k of keys) {
      this.writeIndent();
      const kc = Array.from(k).map((c) => c.codePointAt(0) as number);
      const ka = analyze(kc);
      const simple = !ka.multiline && Buffer.byteLength(k, 'utf8') <= 128;
      const value = m[k] as YamlValue;
      if (simple) {
        this.scalarString(k, kc, ka, true);
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.scalarString(k, kc, ka, false);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { root: false, mappingContext: true, simpleKey: false });
    }
    this.indent = saved;
  }

  private scalarValue(v: YamlValue, simpleKey: boolean): void {
    if (v === null) return this.plainScalarText('null', simpleKey);
    if (typeof v === 'boolean') return this.plainScalarText(v ? 'true' : 'false', simpleKey);
    if (typeof v === 'number' || typeof v === 'bigint')
      return this.plainScalarText(this.v3 ? v3NumberText(v) : numberText(v), simpleKey);
    if (typeof v === 'string') {
      const cps = Array.from(v).map((c) => c.codePointAt(0) as number);
      return this.scalarString(v, cps, analyze(cps), simpleKey);
    }
  }

  private plainScalarText(text: string, simpleKey: boolean): void {
    const cps = Array.from(text).map((c) => c.codePointAt(0) as number);
    this.emitScalar(cps, analyze(cps), Style.Plain, simpleKey);
  }

  private scalarString(s: string, cps: number[], a: Analysis, simpleKey: boolean): void {
    let style: Style;
    if (s.includes('\n')) style = Style.Literal;
    else if (!v2StringNeedsQuotes(s) && !(this.v3 && resolveV3(s).tag !== 'str'))
      style = Style.Plain;
    else style = Style.Double;
    this.emitScalar(cps, a, style, simpleKey);
  }

  private emitScalar(cps: number[], a: Analysis, requested: Style, simpleKey: boolean): void {
    let style = requested;
    if (simpleKey && a.multiline) style = Style.Double;
    if (style === Style.Plain) {
      if (!a.blockPlain) style = Style.Single;
      if (cps.length === 0 && simpleKey) style = Style.Single;
    }
    if (style === Style.Single && !a.singleQuoted) style = Style.Double;
    if (style === Style.Literal && (!a.block || simpleKey)) style = Style.Double;

    const saved = this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case Style.Plain:
        this.writePlain(cps, allowBreaks);
        break;
      case Style.Single:
        this.writeSingle(cps, allowBreaks);
        break;
      case Style.Double:
        this.writeDouble(cps, allowBreaks);
        break;
      case Style.Literal:
        this.writeLiteral(cps);
        break;
    }
    this.indent = saved;
  }

  private writeChar(cp: number): void {
    this.out += String.fromCodePoint(cp);
    this.column += 1;
  }
  private writeBreakChar(cp: number): void {
    if (cp === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(cp);
      this.column = 0;
    }
  }

  private writePlain(cps: number[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cps[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(cps: number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (c === 0x20) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < cps.length - 1 &&
          cps[i + 1] !== 0x20
        ) {
          this.writeIndent();
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeChar(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(cps: number[], allowBreaks: boolean): void {
    let spaces = false;
    // go-yaml's is_bom looks at the start of the value, not at the current character: a value that
    // begins with a byte order mark has every character escaped.
    const bom = cps[0] === 0xfeff;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (bom || !isPrintable(c) || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const s = DOUBLE_ESCAPES[c];
        if (s !== undefined) this.put(s);
        else {
          const [p, w] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(p);
          for (const d of c.toString(16).toUpperCase().padStart(w, '0')) this.put(d);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === 0x20) this.put('\\');
        } else {
          this.writeChar(c);
        }
        spaces = true;
      } else {
        this.writeChar(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(cps: number[]): void {
    this.writeIndicator('|', true, false, false);
    // Block scalar hints: indentation indicator and chomping.
    if (cps[0] === 0x20 || isBreak(cps[0]))
      this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    let chomp = '';
    if (cps.length === 0) chomp = '-';
    else {
      const last = cps.length - 1;
      if (!isBreak(cps[last])) chomp = '-';
      else if (last === 0) {
        chomp = '+';
        this.openEnded = true;
      } else if (isBreak(cps[last - 1])) {
        chomp = '+';
        this.openEnded = true;
      }
    }
    // write_indicator resets open_ended, exactly as in go-yaml.
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of cps) {
      if (isBreak(c)) {
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeChar(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** One value as go-yaml v2 Marshal prints it (always ends with a line break). */
export function emitYaml(v: YamlValue, options: EmitOptions = {}): string {
  const e = new Emitter(options.v3 ?? false);
  e.document(v);
  return e.result();
}
