// go-yaml v3's emitter (emitterc.go) for block documents with comments: the writer SOPS and other
// Go tools print YAML through, ported closely so output matches byte for byte. Flow collections
// are written only when empty ({} and []); anchors and aliases are not supported.
import {
  analyzeScalar,
  isBlankz,
  isBreak,
  isPrintable,
  DOUBLE_ESCAPES,
  type ScalarAnalysis,
} from './scalar-analysis.js';

/** Scalar styles, as go-yaml's yaml_scalar_style_t. */
export const ScalarStyle = {
  Any: 0,
  Plain: 1,
  SingleQuoted: 2,
  DoubleQuoted: 3,
  Literal: 4,
  Folded: 5,
} as const;
export type ScalarStyle = (typeof ScalarStyle)[keyof typeof ScalarStyle];

interface Comments {
  readonly head?: string;
  readonly line?: string;
  readonly foot?: string;
  readonly tail?: string;
}

/** The events the emitter consumes, as go-yaml's yaml_event_t (only what block output needs). */
export type V3Event =
  | { readonly type: 'stream-start' }
  | { readonly type: 'stream-end' }
  | ({ readonly type: 'document-start'; readonly implicit: boolean } & Comments)
  | ({ readonly type: 'document-end'; readonly implicit: boolean } & Comments)
  | ({ readonly type: 'sequence-start'; readonly tag?: string; readonly flow?: boolean } & Comments)
  | ({ readonly type: 'sequence-end' } & Comments)
  | ({ readonly type: 'mapping-start'; readonly tag?: string; readonly flow?: boolean } & Comments)
  | ({ readonly type: 'mapping-end' } & Comments)
  | ({
      readonly type: 'scalar';
      readonly value: string;
      /** A tag to write (`!!binary`); untagged scalars are implicit. */
      readonly tag?: string;
      readonly style: ScalarStyle;
    } & Comments);

const State = {
  StreamStart: 0,
  FirstDocumentStart: 1,
  DocumentStart: 2,
  DocumentContent: 3,
  DocumentEnd: 4,
  FlowSequenceFirstItem: 5,
  FlowSequenceItem: 6,
  FlowMappingFirstKey: 7,
  FlowMappingKey: 8,
  BlockSequenceFirstItem: 9,
  BlockSequenceItem: 10,
  BlockMappingFirstKey: 11,
  BlockMappingKey: 12,
  BlockMappingSimpleValue: 13,
  BlockMappingValue: 14,
  End: 15,
} as const;
type State = (typeof State)[keyof typeof State];

/** An emitting problem (an event out of order). */
export class V3EmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'V3EmitError';
  }
}

const isBlankCp = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

interface V3ScalarAnalysis extends ScalarAnalysis {
  readonly cps: readonly number[];
  readonly bytes: number;
}

/** yaml_emitter_analyze_scalar as go-yaml v3 has it: which styles can represent a value. */
export function analyzeV3Scalar(value: string): V3ScalarAnalysis {
  const cps = Array.from(value, (c) => c.codePointAt(0) as number);
  return {
    cps,
    bytes: Buffer.byteLength(value, 'utf8'),
    ...analyzeScalar(cps, { tabsInBlocks: true }),
  };
}

/**
 * yaml_emitter_select_scalar_style for an implicit (untagged) scalar: the style a requested one
 * becomes in a block context (as a simple key or not).
 */
export function selectV3ScalarStyle(
  a: V3ScalarAnalysis,
  requested: ScalarStyle,
  ctx: { readonly flow: boolean; readonly simpleKey: boolean },
): ScalarStyle {
  let style: ScalarStyle = requested === ScalarStyle.Any ? ScalarStyle.Plain : requested;
  if (ctx.simpleKey && a.multiline) style = ScalarStyle.DoubleQuoted;
  if (style === ScalarStyle.Plain) {
    if ((ctx.flow && !a.flowPlain) || (!ctx.flow && !a.blockPlain))
      style = ScalarStyle.SingleQuoted;
    if (a.cps.length === 0 && (ctx.flow || ctx.simpleKey)) style = ScalarStyle.SingleQuoted;
  }
  if (style === ScalarStyle.SingleQuoted && !a.singleQuoted) style = ScalarStyle.DoubleQuoted;
  if (
    (style === ScalarStyle.Literal || style === ScalarStyle.Folded) &&
    (!a.block || ctx.flow || ctx.simpleKey)
  )
    style = ScalarStyle.DoubleQuoted;
  return style;
}

export interface V3EmitterOptions {
  /** Spaces per indentation level (2-9). @default 4 */
  readonly indent?: number;
  /** Preferred line width; negative for unlimited. @default 80 */
  readonly width?: number;
}

/** The emitter: feed it events with `emit`, read the text with `result`. */
export class V3Emitter {
  private out = '';
  private readonly bestIndent: number;
  private readonly bestWidth: number;
  private readonly events: V3Event[] = [];
  private head = 0;
  private states: State[] = [];
  private state: State = State.StreamStart;
  private indents: number[] = [];
  private indent = -1;
  private flowLevel = 0;
  private rootContext = false;
  private simpleKeyContext = false;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private footIndent = -1;
  private headComment = '';
  private lineComment = '';
  private footComment = '';
  private tailComment = '';
  private keyLineComment = '';
  private scalar: V3ScalarAnalysis | undefined;
  private scalarStyle: ScalarStyle = ScalarStyle.Plain;
  private tag = '';

  constructor(options: V3EmitterOptions = {}) {
    const indent = options.indent ?? 4;
    this.bestIndent = indent < 2 || indent > 9 ? 2 : indent;
    const width = options.width ?? 80;
    this.bestWidth =
      width >= 0 && width <= this.bestIndent * 2 ? 80 : width < 0 ? 2 ** 31 - 1 : width;
  }

  result(): string {
    return this.out;
  }

  emit(event: V3Event): void {
    this.events.push(event);
    while (!this.needMoreEvents()) {
      const e = this.events[this.head] as V3Event;
      this.analyzeEvent(e);
      this.stateMachine(e);
      this.head++;
    }
  }

  private needMoreEvents(): boolean {
    if (this.head === this.events.length) return true;
    const first = this.events[this.head] as V3Event;
    const accumulate =
      first.type === 'document-start'
        ? 1
        : first.type === 'sequence-start'
          ? 2
          : first.type === 'mapping-start'
            ? 3
            : -1;
    if (accumulate < 0) return false;
    if (this.events.length - this.head > accumulate) return false;
    let level = 0;
    for (let i = this.head; i < this.events.length; i++) {
      const t = (this.events[i] as V3Event).type;
      if (t.endsWith('-start')) level++;
      else if (t.endsWith('-end')) level--;
      if (level === 0) return false;
    }
    return true;
  }

  private analyzeEvent(e: V3Event): void {
    this.scalar = undefined;
    this.tag = '';
    if ('head' in e && e.head) this.headComment = e.head;
    if ('line' in e && e.line) this.lineComment = e.line;
    if ('foot' in e && e.foot) this.footComment = e.foot;
    if ('tail' in e && e.tail) this.tailComment = e.tail;
    if (e.type === 'scalar') {
      this.tag = e.tag ?? '';
      this.scalar = analyzeV3Scalar(e.value);
    }
  }

  private stateMachine(e: V3Event): void {
    switch (this.state) {
      case State.StreamStart:
        if (e.type !== 'stream-start') throw new V3EmitError('expected STREAM-START');
        this.state = State.FirstDocumentStart;
        return;
      case State.FirstDocumentStart:
        return this.documentStart(e, true);
      case State.DocumentStart:
        return this.documentStart(e, false);
      case State.DocumentContent:
        return this.documentContent(e);
      case State.DocumentEnd:
        return this.documentEnd(e);
      case State.FlowSequenceFirstItem:
      case State.FlowSequenceItem:
        return this.flowEnd(
          e,
          'sequence-end',
          '[',
          ']',
          this.state === State.FlowSequenceFirstItem,
        );
      case State.FlowMappingFirstKey:
      case State.FlowMappingKey:
        return this.flowEnd(e, 'mapping-end', '{', '}', this.state === State.FlowMappingFirstKey);
      case State.BlockSequenceFirstItem:
      case State.BlockSequenceItem:
        return this.blockSequenceItem(e, this.state === State.BlockSequenceFirstItem);
      case State.BlockMappingFirstKey:
      case State.BlockMappingKey:
        return this.blockMappingKey(e, this.state === State.BlockMappingFirstKey);
      case State.BlockMappingSimpleValue:
      case State.BlockMappingValue:
        return this.blockMappingValue(e, this.state === State.BlockMappingSimpleValue);
      case State.End:
        throw new V3EmitError('expected nothing after STREAM-END');
    }
  }

  private popState(): void {
    this.state = this.states.pop() ?? State.End;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private documentStart(e: V3Event, first: boolean): void {
    if (e.type === 'document-start') {
      const implicit = e.implicit && first;
      if (!implicit) {
        this.writeIndent();
        this.writeIndicator('---', true, false, false);
        this.writeIndent();
      }
      if (this.headComment !== '') {
        this.processHeadComment();
        this.putBreak();
      }
      this.state = State.DocumentContent;
      return;
    }
    if (e.type === 'stream-end') {
      if (this.openEnded) {
        this.writeIndicator('...', true, false, false);
        this.writeIndent();
      }
      this.state = State.End;
      return;
    }
    throw new V3EmitError('expected DOCUMENT-START or STREAM-END');
  }

  private documentContent(e: V3Event): void {
    this.states.push(State.DocumentEnd);
    this.processHeadComment();
    this.emitNode(e, true, false);
    this.processLineComment(false);
    this.processFootComment();
  }

  private documentEnd(e: V3Event): void {
    if (e.type !== 'document-end') throw new V3EmitError('expected DOCUMENT-END');
    this.footIndent = 0;
    this.processFootComment();
    this.footIndent = -1;
    this.writeIndent();
    if (!e.implicit) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
    this.state = State.DocumentStart;
  }

  /** An empty flow collection (the only flow output): `[]` or `{}`. */
  private flowEnd(e: V3Event, end: V3Event['type'], open: string, close: string, first: boolean) {
    if (first) {
      this.writeIndicator(open, true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (e.type !== end) throw new V3EmitError('non-empty flow collections are not supported');
    if (end === 'mapping-end') this.processHeadComment();
    this.flowLevel--;
    this.popIndent();
    if (end === 'sequence-end' && this.column === 0) this.writeIndent();
    this.writeIndicator(close, false, false, false);
    this.processLineComment(false);
    this.processFootComment();
    this.popState();
  }

  private blockSequenceItem(e: V3Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (e.type === 'sequence-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.processHeadComment();
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.states.push(State.BlockSequenceItem);
    this.emitNode(e, false, false);
    this.processLineComment(false);
    this.processFootComment();
  }

  private blockMappingKey(e: V3Event, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    this.processHeadComment();
    if (e.type === 'mapping-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.lineComment !== '') {
      this.keyLineComment = this.lineComment;
      this.lineComment = '';
    }
    if (this.checkSimpleKey()) {
      this.states.push(State.BlockMappingSimpleValue);
      this.emitNode(e, false, true);
      return;
    }
    this.writeIndicator('?', true, false, true);
    this.states.push(State.BlockMappingValue);
    this.emitNode(e, false, false);
  }

  private blockMappingValue(e: V3Event, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    if (this.keyLineComment !== '') {
      if (e.type === 'scalar') {
        if (this.lineComment === '') {
          this.lineComment = this.keyLineComment;
          this.keyLineComment = '';
        }
      } else if ((e.type === 'mapping-start' || e.type === 'sequence-start') && !e.flow) {
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
        this.processLineComment(false);
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
      }
    }
    this.states.push(State.BlockMappingKey);
    this.emitNode(e, false, false);
    this.processLineComment(false);
    this.processFootComment();
  }

  private emitNode(e: V3Event, root: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.simpleKeyContext = simpleKey;
    switch (e.type) {
      case 'scalar':
        return this.emitScalar(e);
      case 'sequence-start':
        this.processTag();
        this.state =
          this.flowLevel > 0 || e.flow === true || this.checkEmpty('sequence')
            ? State.FlowSequenceFirstItem
            : State.BlockSequenceFirstItem;
        return;
      case 'mapping-start':
        this.processTag();
        this.state =
          this.flowLevel > 0 || e.flow === true || this.checkEmpty('mapping')
            ? State.FlowMappingFirstKey
            : State.BlockMappingFirstKey;
        return;
      default:
        throw new V3EmitError(`expected SCALAR, SEQUENCE-START or MAPPING-START, got ${e.type}`);
    }
  }

  private emitScalar(e: V3Event & { type: 'scalar' }): void {
    const a = this.scalar as V3ScalarAnalysis;
    this.scalarStyle = selectV3ScalarStyle(a, e.style, {
      flow: this.flowLevel > 0,
      simpleKey: this.simpleKeyContext,
    });
    this.processTag();
    this.increaseIndent(true, false);
    this.processScalar(a);
    this.popIndent();
    this.popState();
  }

  private checkEmpty(kind: 'sequence' | 'mapping'): boolean {
    if (this.events.length - this.head < 2) return false;
    return (
      this.events[this.head]?.type === `${kind}-start` &&
      this.events[this.head + 1]?.type === `${kind}-end`
    );
  }

  private checkSimpleKey(): boolean {
    const e = this.events[this.head] as V3Event;
    let length = 0;
    switch (e.type) {
      case 'scalar': {
        const a = this.scalar as V3ScalarAnalysis;
        if (a.multiline) return false;
        length += Buffer.byteLength(this.tag) + a.bytes;
        break;
      }
      case 'sequence-start':
        if (!this.checkEmpty('sequence')) return false;
        break;
      case 'mapping-start':
        if (!this.checkEmpty('mapping')) return false;
        break;
      default:
        return false;
    }
    return length <= 128;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (!indentless) {
      if (this.states[this.states.length - 1] === State.BlockSequenceItem) {
        // The first indent inside a sequence only skips the "- " indicator.
        this.indent += 2;
      } else {
        this.indent =
          this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
      }
    }
  }

  private processTag(): void {
    if (this.tag === '') return;
    if (!this.whitespace) this.put(' ');
    this.writeRaw(this.tag);
    this.whitespace = false;
    this.indention = false;
  }

  private processScalar(a: V3ScalarAnalysis): void {
    const allowBreaks = !this.simpleKeyContext;
    switch (this.scalarStyle) {
      case ScalarStyle.Plain:
        return this.writePlain(a.cps, allowBreaks);
      case ScalarStyle.SingleQuoted:
        return this.writeSingle(a.cps, allowBreaks);
      case ScalarStyle.DoubleQuoted:
        return this.writeDouble(a.cps, allowBreaks);
      case ScalarStyle.Literal:
        return this.writeLiteral(a.cps);
      case ScalarStyle.Folded:
        return this.writeFolded(a.cps);
    }
  }

  private processHeadComment(): void {
    if (this.tailComment !== '') {
      this.writeIndent();
      this.writeComment(this.tailComment);
      this.tailComment = '';
      this.footIndent = Math.max(this.indent, 0);
    }
    if (this.headComment === '') return;
    this.writeIndent();
    this.writeComment(this.headComment);
    this.headComment = '';
  }

  private processLineComment(linebreak: boolean): void {
    if (this.lineComment === '') {
      if (linebreak) this.putBreak();
      return;
    }
    if (!this.whitespace) this.put(' ');
    this.writeComment(this.lineComment);
    this.lineComment = '';
  }

  private processFootComment(): void {
    if (this.footComment === '') return;
    this.writeIndent();
    this.writeComment(this.footComment);
    this.footComment = '';
    this.footIndent = Math.max(this.indent, 0);
  }

  private put(s: string): void {
    this.out += s;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  private writeCp(c: number): void {
    this.out += String.fromCodePoint(c);
    this.column++;
  }

  private writeRaw(s: string): void {
    for (const ch of s) this.writeCp(ch.codePointAt(0) as number);
  }

  private writeBreakCp(c: number): void {
    if (c === 0x0a) {
      this.putBreak();
      return;
    }
    this.writeCp(c);
    this.column = 0;
    this.indention = true;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    if (this.footIndent === indent) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.footIndent = -1;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.writeRaw(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private writePlain(cps: readonly number[], allowBreaks: boolean): void {
    if (cps.length > 0 && !this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && cps[i + 1] !== 0x20) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (cps.length > 0) this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  private writeSingle(cps: readonly number[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (c === 0x20) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > this.bestWidth &&
          i > 0 &&
          i < cps.length - 1 &&
          cps[i + 1] !== 0x20
        ) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27) this.put("'");
        this.writeCp(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(cps: readonly number[], allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    // go-yaml checks for a byte order mark at the start of the value for every character.
    const bom = cps[0] === 0xfeff;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (!isPrintable(c) || bom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.put('\\');
        const short = DOUBLE_ESCAPES[c];
        if (short !== undefined) {
          this.put(short);
        } else {
          const [prefix, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(prefix);
          for (const d of c.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i > 0 && i < cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === 0x20) this.put('\\');
        } else {
          this.writeCp(c);
        }
        spaces = true;
      } else {
        this.writeCp(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeBlockScalarHints(cps: readonly number[]): void {
    if (cps[0] === 0x20 || isBreak(cps[0]))
      this.writeIndicator(String(this.bestIndent), false, false, false);
    this.openEnded = false;
    let chomp = '';
    if (cps.length === 0) {
      chomp = '-';
    } else {
      const last = cps.length - 1;
      if (!isBreak(cps[last])) {
        chomp = '-';
      } else if (last === 0 || isBreak(cps[last - 1])) {
        chomp = '+';
        this.openEnded = true;
      }
    }
    if (chomp !== '') this.writeIndicator(chomp, false, false, false);
  }

  private writeLiteral(cps: readonly number[]): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockScalarHints(cps);
    this.processLineComment(true);
    this.whitespace = true;
    let breaks = true;
    for (const c of cps) {
      if (isBreak(c)) {
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.writeCp(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  private writeFolded(cps: readonly number[]): void {
    this.writeIndicator('>', true, false, false);
    this.writeBlockScalarHints(cps);
    this.processLineComment(true);
    this.whitespace = true;
    let breaks = true;
    let leadingSpaces = true;
    for (let i = 0; i < cps.length; i++) {
      const c = cps[i] as number;
      if (isBreak(c)) {
        if (!breaks && !leadingSpaces && c === 0x0a) {
          let k = 0;
          while (isBreak(cps[k])) k++;
          if (!isBlankz(cps[k])) this.putBreak();
        }
        this.writeBreakCp(c);
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          leadingSpaces = isBlankCp(c);
        }
        if (!breaks && c === 0x20 && cps[i + 1] !== 0x20 && this.column > this.bestWidth) {
          this.writeIndent();
        } else {
          this.writeCp(c);
        }
        this.indention = false;
        breaks = false;
      }
    }
  }

  private writeComment(comment: string): void {
    let breaks = false;
    let pound = false;
    const cps = Array.from(comment, (c) => c.codePointAt(0) as number);
    for (const c of cps) {
      if (isBreak(c)) {
        this.writeBreakCp(c);
        breaks = true;
        pound = false;
      } else {
        if (breaks) this.writeIndent();
        if (!pound) {
          if (c !== 0x23) {
            this.put('#');
            this.put(' ');
          }
          pound = true;
        }
        this.writeCp(c);
        this.indention = false;
        breaks = false;
      }
    }
    if (!breaks) this.putBreak();
    this.whitespace = true;
  }
}
