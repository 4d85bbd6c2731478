// The expression tree the checker, the cost estimator and the interpreter walk: @bufbuild/cel's
// parse result turned into a small discriminated union, with what that parser lacks added here
// (optional syntax `.?`/`[?`, two-variable comprehension macros, cel.bind, cel-go's positions).
import { parse as bufParse, celUint } from '@bufbuild/cel';
import { CelCompileError, type CelIssue } from './errors.js';
import type { CelValue } from './values.js';

export type Expr =
  | { readonly k: 'const'; readonly id: number; readonly value: CelValue }
  | { readonly k: 'ident'; readonly id: number; readonly name: string }
  | {
      readonly k: 'select';
      readonly id: number;
      readonly operand: Expr;
      readonly field: string;
      readonly test: boolean;
    }
  | {
      readonly k: 'call';
      readonly id: number;
      readonly fn: string;
      readonly target: Expr | undefined;
      readonly args: readonly Expr[];
    }
  | {
      readonly k: 'list';
      readonly id: number;
      readonly elems: readonly Expr[];
      readonly optional: readonly boolean[];
    }
  | {
      readonly k: 'map';
      readonly id: number;
      readonly entries: readonly { key: Expr; value: Expr; optional: boolean }[];
    }
  | {
      readonly k: 'comp';
      readonly id: number;
      readonly iterVar: string;
      readonly iterVar2: string;
      readonly range: Expr;
      readonly accuVar: string;
      readonly init: Expr;
      readonly cond: Expr;
      readonly step: Expr;
      readonly result: Expr;
    };

/** A parsed expression with the offsets of its nodes (for error locations). */
export interface ParsedExpr {
  readonly source: string;
  readonly expr: Expr;
  readonly positions: ReadonlyMap<number, number>;
}

/** The accumulator variable macros use (cel-go's name). */
export const ACCU = '@result';

interface ProtoExpr {
  id: bigint;
  exprKind: { case: string | undefined; value?: unknown };
}

/** Optional-syntax markers removed from the source before @bufbuild/cel parses it. */
interface OptMarkers {
  /** offsets of the `.` of `.?` and the `[` of `[?` (index) */
  readonly access: Set<number>;
  /** offsets of `?` before list elements and map keys */
  readonly elems: number[];
}

/**
 * Finds `?` that mark optional syntax (a `?` right after `.`, `[`, `,` or `{`, outside strings
 * and comments, is never the conditional operator) and blanks them so that a parser without
 * optional syntax reads the rest; offsets stay the same.
 */
function stripOptionalMarkers(src: string): { text: string; markers: OptMarkers } {
  const chars = src.split('');
  const markers: OptMarkers = { access: new Set(), elems: [] };
  let prev = '';
  let prevAt = -1;
  // bracket stack: 'i' index, 'l' list, 'm' map/struct, 'p' paren
  const stack: string[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipString(src, i);
      prev = 's';
      prevAt = i;
      continue;
    }
    if (c === '?' && (prev === '.' || prev === '[' || prev === ',' || prev === '{')) {
      chars[i] = ' ';
      const top = stack[stack.length - 1];
      if (prev === '.' || (prev === '[' && top === 'i')) markers.access.add(prevAt);
      else markers.elems.push(i);
      continue;
    }
    if (c === '[') stack.push(/[\w)\]}'"s]/.test(prev) && prev !== '' ? 'i' : 'l');
    else if (c === '{') stack.push('m');
    else if (c === '(') stack.push('p');
    else if (c === ']' || c === '}' || c === ')') stack.pop();
    prev = /\w/.test(c) ? 'w' : c;
    if (prev === 'w') prev = ')'; // an operand ends here: a following `[` indexes
    prevAt = i;
  }
  return { text: chars.join(''), markers };
}

function skipString(src: string, start: number): number {
  // raw/bytes prefixes were consumed as identifier characters; handle triple quotes
  const q = src[start] ?? '';
  const triple = src.startsWith(q.repeat(3), start);
  const raw = /[rR]/.test(src[start - 1] ?? '') && !/\w/.test(src[start - 2] ?? '');
  let i = start + (triple ? 3 : 1);
  while (i < src.length) {
    if (!raw && src[i] === '\\') {
      i += 2;
      continue;
    }
    if (triple ? src.startsWith(q.repeat(3), i) : src[i] === q) return i + (triple ? 2 : 0);
    i++;
  }
  return i;
}

/** Parses CEL source into an Expr; syntax errors are reported the way cel-go reports them. */
export function parseCel(source: string): ParsedExpr {
  const { text, markers } = stripOptionalMarkers(source);
  let parsed: ReturnType<typeof bufParse>;
  try {
    parsed = bufParse(text);
  } catch (e) {
    throw syntaxError(source, e);
  }
  const positions = new Map<number, number>();
  for (const [id, off] of Object.entries(parsed.sourceInfo?.positions ?? {}))
    positions.set(Number(id), off);
  const conv = new Converter(source, positions, markers);
  const expr = conv.convert(parsed.expr);
  return { source, expr, positions };
}

function syntaxError(source: string, e: unknown): CelCompileError {
  const err = e as { location?: { start?: { offset?: number } }; rawMessage?: string };
  const offset = err.location?.start?.offset ?? 0;
  const detail = err.rawMessage ?? (e instanceof Error ? e.message : String(e));
  const issue: CelIssue = { offset, message: `Syntax error: ${detail}` };
  return new CelCompileError(source, [issue]);
}

class Converter {
  private nextId: number;

  constructor(
    private readonly source: string,
    private readonly positions: Map<number, number>,
    private readonly markers: OptMarkers,
  ) {
    this.nextId = Math.max(0, ...positions.keys()) + 1000;
  }

  private fresh(at: number): number {
    const id = this.nextId++;
    this.positions.set(id, at);
    return id;
  }

  convert(e: ProtoExpr): Expr {
    const id = Number(e.id);
    const v = e.exprKind.value as Record<string, unknown>;
    switch (e.exprKind.case) {
      case 'constExpr':
        return { k: 'const', id, value: constValue(v) };
      case 'identExpr':
        return { k: 'ident', id, name: v.name as string };
      case 'selectExpr': {
        const operand = this.convert(v.operand as ProtoExpr);
        const field = v.field as string;
        if (this.markers.access.has(this.positions.get(id) ?? -1)) {
          const at = this.positions.get(id) ?? 0;
          const key: Expr = { k: 'const', id: this.fresh(at), value: field };
          return { k: 'call', id, fn: '_?._', target: undefined, args: [operand, key] };
        }
        if (v.testOnly === true) {
          // has(): cel-go reports at the macro's parenthesis
          const open = this.source.indexOf('(', this.positions.get(id) ?? 0);
          if (open >= 0) this.positions.set(id, open);
        }
        return { k: 'select', id, operand, field, test: v.testOnly === true };
      }
      case 'callExpr':
        return this.convertCall(id, v);
      case 'listExpr':
        return this.convertList(id, v);
      case 'structExpr':
        return this.convertStruct(id, v);
      case 'comprehensionExpr':
        return {
          k: 'comp',
          id,
          iterVar: v.iterVar as string,
          iterVar2: (v.iterVar2 as string | undefined) ?? '',
          range: this.convert(v.iterRange as ProtoExpr),
          accuVar: v.accuVar as string,
          init: this.convert(v.accuInit as ProtoExpr),
          cond: this.convert(v.loopCondition as ProtoExpr),
          step: this.convert(v.loopStep as ProtoExpr),
          result: this.convert(v.result as ProtoExpr),
        };
      default:
        throw new CelCompileError(this.source, [
          { offset: this.positions.get(id) ?? 0, message: 'unsupported expression' },
        ]);
    }
  }

  private convertCall(id: number, v: Record<string, unknown>): Expr {
    let fn = v.function as string;
    const target = v.target === undefined ? undefined : this.convert(v.target as ProtoExpr);
    const args = (v.args as ProtoExpr[]).map((a) => this.convert(a));
    let at = this.positions.get(id) ?? 0;
    // @bufbuild/cel places an operator at the whitespace before it; cel-go at the operator
    while (/\s/.test(this.source[at] ?? '')) at++;
    this.positions.set(id, at);
    if (fn === '_[_]' && this.markers.access.has(at)) fn = '_[?_]';
    if (!fn.startsWith('_') && !fn.startsWith('!') && !fn.startsWith('-') && !fn.startsWith('@')) {
      // cel-go places calls at their opening parenthesis
      const open = this.source.indexOf('(', at);
      if (open >= 0) this.positions.set(id, open);
    }
    const macro = this.expandMacro(id, fn, target, args);
    return macro ?? { k: 'call', id, fn, target, args };
  }

  private convertList(id: number, v: Record<string, unknown>): Expr {
    const elems = (v.elements as ProtoExpr[]).map((a) => this.convert(a));
    const optional = elems.map(() => false);
    this.markOptional(elems, optional);
    return { k: 'list', id, elems, optional };
  }

  private convertStruct(id: number, v: Record<string, unknown>): Expr {
    if (v.messageName !== '')
      throw new CelCompileError(this.source, [
        {
          offset: this.positions.get(id) ?? 0,
          message: `undeclared reference to '${String(v.messageName)}' (in container '')`,
        },
      ]);
    const raw = v.entries as { keyKind: { value: ProtoExpr }; value: ProtoExpr }[];
    const entries = raw.map((en) => ({
      key: this.convert(en.keyKind.value),
      value: this.convert(en.value),
      optional: false,
    }));
    const optional = entries.map(() => false);
    this.markOptional(
      entries.map((en) => en.key),
      optional,
    );
    entries.forEach((en, i) => (en.optional = optional[i] ?? false));
    return { k: 'map', id, entries };
  }

  /** An element is optional when a `?` marker stands right before its first character. */
  private markOptional(elems: readonly Expr[], optional: boolean[]): void {
    if (this.markers.elems.length === 0) return;
    elems.forEach((el, i) => {
      const start = this.startOf(el);
      const mark = this.markers.elems.find(
        (m) => m < start && /^\s*\(*\s*$/.test(this.source.slice(m + 1, start)),
      );
      if (mark !== undefined) optional[i] = true;
    });
  }

  private startOf(e: Expr): number {
    let min = this.positions.get(e.id) ?? Number.MAX_SAFE_INTEGER;
    const visit = (x: Expr): void => {
      min = Math.min(min, this.positions.get(x.id) ?? min);
      for (const c of children(x)) visit(c);
    };
    visit(e);
    return min;
  }

  /** Macros @bufbuild/cel's parser does not expand. */
  private expandMacro(
    id: number,
    fn: string,
    target: Expr | undefined,
    args: readonly Expr[],
  ): Expr | undefined {
    const at = this.positions.get(id) ?? 0;
    const ident = (name: string): Expr => ({ k: 'ident', id: this.fresh(at), name });
    const cnst = (value: CelValue): Expr => ({ k: 'const', id: this.fresh(at), value });
    const call = (f: string, ...a: Expr[]): Expr => ({
      k: 'call',
      id: this.fresh(at),
      fn: f,
      target: undefined,
      args: a,
    });
    const varName = (e: Expr | undefined): string | undefined =>
      e?.k === 'ident' ? e.name : undefined;
    if (target?.k === 'ident' && target.name === 'cel' && fn === 'bind' && args.length === 3) {
      const name = varName(args[0]);
      if (name === undefined)
        throw this.macroError(at, 'cel.bind() variable name must be a simple identifier');
      return {
        k: 'comp',
        id,
        iterVar: '#unused',
        iterVar2: '',
        range: { k: 'list', id: this.fresh(at), elems: [], optional: [] },
        accuVar: name,
        init: args[1] as Expr,
        cond: cnst(false),
        step: ident(name),
        result: args[2] as Expr,
      };
    }
    if (
      target !== undefined &&
      args.length === 2 &&
      (fn === 'optMap' || fn === 'optFlatMap' || fn === 'sortBy')
    ) {
      const v = varName(args[0]);
      if (v === undefined)
        throw this.macroError(at, `${fn}() variable name must be a simple identifier`);
      const body = args[1] as Expr;
      const member = (f: string, on: Expr, ...a: Expr[]): Expr => ({
        k: 'call',
        id: this.fresh(at),
        fn: f,
        target: on,
        args: a,
      });
      if (fn === 'sortBy') {
        // cel-go: @sortByAssociatedKeys(list, list.map(v, key))
        const keys: Expr = {
          k: 'comp',
          id: this.fresh(at),
          iterVar: v,
          iterVar2: '',
          range: target,
          accuVar: ACCU,
          init: { k: 'list', id: this.fresh(at), elems: [], optional: [] },
          cond: cnst(true),
          step: call('_+_', ident(ACCU), {
            k: 'list',
            id: this.fresh(at),
            elems: [body],
            optional: [false],
          }),
          result: ident(ACCU),
        };
        return {
          k: 'call',
          id,
          fn: '@sortByAssociatedKeys',
          target: undefined,
          args: [target, keys],
        };
      }
      const bound: Expr = {
        k: 'comp',
        id: this.fresh(at),
        iterVar: '#unused',
        iterVar2: '',
        range: { k: 'list', id: this.fresh(at), elems: [], optional: [] },
        accuVar: v,
        init: member('value', target),
        cond: cnst(false),
        step: ident(v),
        result: body,
      };
      const optional = (f: string, ...a: Expr[]): Expr => member(f, ident('optional'), ...a);
      return {
        k: 'call',
        id,
        fn: '_?_:_',
        target: undefined,
        args: [
          member('hasValue', target),
          fn === 'optMap' ? optional('of', bound) : bound,
          optional('none'),
        ],
      };
    }
    if (target === undefined || args.length !== 3) return undefined;
    const twoVar = ['all', 'exists', 'existsOne', 'transformList', 'transformMap'];
    if (!twoVar.includes(fn) && fn !== 'transformMapEntry') return undefined;
    const v1 = varName(args[0]);
    const v2 = varName(args[1]);
    if (v1 === undefined || v2 === undefined)
      throw this.macroError(at, 'argument must be a simple name');
    const body = args[2] as Expr;
    const comp = (init: Expr, cond: Expr, step: Expr, result: Expr): Expr => ({
      k: 'comp',
      id,
      iterVar: v1,
      iterVar2: v2,
      range: target,
      accuVar: ACCU,
      init,
      cond,
      step,
      result,
    });
    switch (fn) {
      case 'all':
        return comp(
          cnst(true),
          call('@not_strictly_false', ident(ACCU)),
          call('_&&_', ident(ACCU), body),
          ident(ACCU),
        );
      case 'exists':
        return comp(
          cnst(false),
          call('@not_strictly_false', call('!_', ident(ACCU))),
          call('_||_', ident(ACCU), body),
          ident(ACCU),
        );
      case 'existsOne':
        return comp(
          cnst(0n),
          cnst(true),
          call('_?_:_', body, call('_+_', ident(ACCU), cnst(1n)), ident(ACCU)),
          call('_==_', ident(ACCU), cnst(1n)),
        );
      case 'transformList':
        return comp(
          { k: 'list', id: this.fresh(at), elems: [], optional: [] },
          cnst(true),
          call('_+_', ident(ACCU), {
            k: 'list',
            id: this.fresh(at),
            elems: [body],
            optional: [false],
          }),
          ident(ACCU),
        );
      case 'transformMap':
        return comp(
          { k: 'map', id: this.fresh(at), entries: [] },
          cnst(true),
          call('cel.@mapInsert', ident(ACCU), ident(v1), body),
          ident(ACCU),
        );
      default:
        return comp(
          { k: 'map', id: this.fresh(at), entries: [] },
          cnst(true),
          call('cel.@mapInsert', ident(ACCU), body),
          ident(ACCU),
        );
    }
  }

  private macroError(at: number, message: string): CelCompileError {
    return new CelCompileError(this.source, [{ offset: at, message }]);
  }
}

function constValue(v: Record<string, unknown>): CelValue {
  const c = v.constantKind as { case: string; value: unknown };
  switch (c.case) {
    case 'nullValue':
      return null;
    case 'uint64Value':
      return celUint(c.value as bigint);
    default:
      return c.value as CelValue;
  }
}

/** The direct sub-expressions of a node. */
export function children(e: Expr): readonly Expr[] {
  switch (e.k) {
    case 'select':
      return [e.operand];
    case 'call':
      return e.target === undefined ? e.args : [e.target, ...e.args];
    case 'list':
      return e.elems;
    case 'map':
      return e.entries.flatMap((en) => [en.key, en.value]);
    case 'comp':
      return [e.range, e.init, e.cond, e.step, e.result];
    default:
      return [];
  }
}
