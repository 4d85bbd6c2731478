// SOPS' YAML store: documents read into trees the way go-yaml v3 and sops' store do (values typed
// as go-yaml decodes them, comments kept as items of the mapping or list they sit in), and trees
// written back as sops writes them (go-yaml v3 nodes, four-space indentation, comments).
import {
  Lexer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar as YScalar,
  type Document,
  type Node as YNodeIn,
} from 'yaml';
import {
  ScalarStyle,
  V3Emitter,
  analyzeV3Scalar,
  goFormatFloatG,
  resolveV3,
  selectV3ScalarStyle,
  type V3Event,
} from '../../yaml/index.js';
import { parseRfc3339 } from '../go-values.js';
import {
  Branch,
  Comment,
  SopsTime,
  stringFromBytes,
  type Scalar,
  type TreeItem,
  type TreeValue,
} from '../tree.js';

/** A YAML document SOPS cannot read (syntax errors, non-mapping documents). */
export class YamlStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlStoreError';
  }
}

const TAG_PREFIX = 'tag:yaml.org,2002:';
const LEXER_CONTROL = new Set(['\x02', '\x18', '\x1f', '\ufeff']);

/** Line starts of a text, to turn offsets into line and column. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  column(offset: number): number {
    return offset - (this.starts[this.line(offset)] as number);
  }
}

interface SourceComment {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly text: string;
  /** Content precedes it on its line. */
  readonly inline: boolean;
}

/** Every comment of the source, from eemeli/yaml's lexer (so `#` inside scalars is not one). */
function sourceComments(text: string, lines: Lines): SourceComment[] {
  const out: SourceComment[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (LEXER_CONTROL.has(token)) continue;
    if (token.startsWith('#')) {
      const line = lines.line(offset);
      const column = lines.column(offset);
      const before = text.slice(offset - column, offset);
      out.push({ offset, line, column, text: token.slice(1), inline: before.trim() !== '' });
    }
    offset += token.length;
  }
  return out;
}

/** A collection of the tree with where its items start, for placing comments. */
interface Container {
  readonly target: Branch | TreeValue[];
  readonly indent: number;
  readonly endLine: number;
  readonly flow: boolean;
  readonly items: {
    readonly line: number;
    /** The item's nested block collection, if its value is one. */
    readonly child?: Container;
    /** The line of the pair's key (the item's own line), for nested values starting later. */
    readonly keyLine: number;
  }[];
  /** Comments to weave in: before which item index, in source order. */
  readonly pending: { before: number; offset: number; comment: Comment }[];
}

/** Where an inline comment attaches: the scalar that ends the content before it. */
interface InlineAnchor {
  readonly offset: number;
  readonly line: number;
  readonly container: Container;
  readonly index: number;
  /** How sops keeps it: inline before the item, or as a plain comment (a key's line comment). */
  readonly inline: boolean;
  /** For values that are flow collections: the comment goes first inside them. */
  readonly into?: Container;
}

class TreeBuilder {
  readonly anchors: InlineAnchor[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: Lines,
  ) {}

  private lineOf(node: { range?: readonly number[] | null } | null | undefined, end = false) {
    const r = node?.range;
    if (!r) return undefined;
    return this.lines.line(end ? Math.max((r[1] as number) - 1, r[0] as number) : (r[0] as number));
  }

  value(node: unknown, depth: number): { value: TreeValue; container?: Container } {
    if (depth > 1000) throw new YamlStoreError('document nested too deeply');
    if (node === null || node === undefined) return { value: null };
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) throw new YamlStoreError(`unknown anchor '${node.source}' referenced`);
      return { value: this.value(target, depth + 1).value };
    }
    if (isScalar(node)) return { value: scalar(node) };
    if (isMap(node)) {
      const branch = new Branch();
      const container = this.container(node, branch);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YNodeIn | null;
        const key = keyString(this.value(keyNode, depth + 1).value);
        const { value, container: child } = this.value(pair.value, depth + 1);
        const index = branch.items.length;
        branch.items.push({ key, value });
        const keyLine = this.lineOf(keyNode) ?? container.endLine;
        container.items.push({
          line: keyLine,
          keyLine,
          ...(child && !child.flow ? { child } : {}),
        });
        // A comment after a key whose value starts below is the key's line comment (kept as a plain one).
        this.anchorScalar(keyNode, container, index, false);
        if (child === undefined) this.anchorScalar(pair.value, container, index, true);
        else if (child.flow) this.anchorFlow(pair.value, container, index, child);
      }
      return { value: branch, container };
    }
    if (isSeq(node)) {
      const list: TreeValue[] = [];
      const container = this.container(node, list);
      for (const item of node.items) {
        const { value, container: child } = this.value(item, depth + 1);
        const index = list.length;
        list.push(value);
        const line = this.lineOf(item as YNodeIn) ?? container.endLine;
        container.items.push({ line, keyLine: line, ...(child && !child.flow ? { child } : {}) });
        if (child === undefined) this.anchorScalar(item, container, index, true);
        else if (child.flow) this.anchorFlow(item, container, index, child);
      }
      return { value: list, container };
    }
    throw new YamlStoreError('unsupported YAML node');
  }

  private container(node: YNodeIn, target: Branch | TreeValue[]): Container {
    const r = node.range as readonly number[];
    const flow = (node as { flow?: boolean }).flow === true;
    return {
      target,
      indent: this.lines.column(r[0] as number),
      endLine: this.lineOf(node, true) ?? 0,
      flow,
      items: [],
      pending: [],
    };
  }

  private anchorScalar(node: unknown, container: Container, index: number, inline: boolean): void {
    if (!isScalar(node) && !isAlias(node)) return;
    const r = node.range;
    if (!r) return;
    this.anchors.push({ offset: r[0], line: this.lines.line(r[0]), container, index, inline });
  }

  private anchorFlow(node: unknown, container: Container, index: number, into: Container): void {
    const r = (node as YNodeIn).range;
    if (!r) return;
    this.anchors.push({
      offset: r[0],
      line: this.lines.line(r[0]),
      container,
      index,
      inline: false,
      into,
    });
  }
}

function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
}

/** The value go-yaml v3 decodes a scalar into (an interface{}), as a tree value. */
function scalar(node: YScalar): Scalar {
  const src = typeof node.source === 'string' ? node.source : scalarText(node.value);
  let tag = node.tag;
  if (tag?.startsWith(TAG_PREFIX)) tag = `!!${tag.slice(TAG_PREFIX.length)}`;
  const plain = node.type === YScalar.PLAIN;
  const text = plain ? src : scalarText(node.value);
  if (tag === undefined || tag === '!') {
    if (!plain || tag === '!') return text;
    const r = resolveV3(text);
    switch (r.tag) {
      case 'null':
        return null;
      case 'bool':
        return r.value;
      case 'int':
        return BigInt(r.value);
      case 'float':
        return r.value;
      default:
        // Timestamps stay strings when decoded into interface{} (go-yaml v3 compatibility).
        return text;
    }
  }
  switch (tag) {
    case '!!str':
      return text;
    case '!!null':
      return null;
    case '!!bool':
    case '!!int':
    case '!!float': {
      const r = resolveV3(text);
      if (tag === '!!float' && r.tag === 'int') return Number(r.value);
      if (tag === '!!bool' && r.tag === 'bool') return r.value;
      if (tag === '!!int' && r.tag === 'int') return BigInt(r.value);
      if (tag === '!!float' && r.tag === 'float') return r.value;
      throw new YamlStoreError(
        `cannot decode ${r.tag === 'str' ? '!!str' : `!!${r.tag}`} as a ${tag}`,
      );
    }
    case '!!binary':
      return stringFromBytes(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
    case '!!timestamp': {
      const t = timestampText(text);
      if (t === undefined) throw new YamlStoreError(`cannot decode ${text} as a !!timestamp`);
      return new SopsTime(t);
    }
    default:
      return text;
  }
}

/** RFC 3339 (nanosecond) text of a YAML timestamp, as Go's time.Time MarshalText writes it. */
function timestampText(text: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?[ \t]*(Z|[+-]\d{1,2}(?::?\d{2})?)?)?$/.exec(
      text,
    );
  if (!m) return undefined;
  const pad = (s: string | undefined, n = 2) => (s ?? '0').padStart(n, '0');
  const frac = (m[7] ?? '').slice(0, 9).replace(/0+$/, '');
  let zone = m[8] ?? 'Z';
  if (zone !== 'Z') {
    const zm = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
    zone = zm ? `${zm[1]}${pad(zm[2])}:${zm[3] ?? '00'}` : 'Z';
    if (zone === '+00:00' || zone === '-00:00') zone = 'Z';
  }
  const out = `${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${pad(m[5])}:${pad(m[6])}${frac ? `.${frac}` : ''}${zone}`;
  return parseRfc3339(out.replace(/\.\d+/, '')) === undefined ? undefined : out;
}

function keyString(key: TreeValue): string {
  if (typeof key === 'string') return key;
  throw new YamlStoreError(
    `Tree contains a non-string key (${key === null ? 'null' : typeof key === 'object' ? 'a collection' : typeof key}); only string keys are supported`,
  );
}

/** The innermost container holding a full-line comment at this line and column. */
function ownerOf(root: Container, line: number, column: number): Container {
  let current = root;
  for (;;) {
    let next: Container | undefined;
    for (let i = 0; i < current.items.length; i++) {
      const item = current.items[i]!;
      const child = item.child;
      if (!child) continue;
      const following = current.items[i + 1]?.line ?? Number.POSITIVE_INFINITY;
      const inside = line > item.keyLine && line <= child.endLine;
      const trailing = line > child.endLine && line < following && column >= child.indent;
      if (inside || trailing) next = child;
    }
    if (!next) return current;
    current = next;
  }
}

function placeComments(
  root: Container,
  comments: readonly SourceComment[],
  anchors: readonly InlineAnchor[],
): void {
  for (const c of comments) {
    if (c.inline) {
      const anchor = anchors
        .filter((a) => a.line === c.line && a.offset < c.offset)
        .reduce<InlineAnchor | undefined>(
          (best, a) => (!best || a.offset > best.offset ? a : best),
          undefined,
        );
      if (anchor?.into) {
        anchor.into.pending.push({ before: 0, offset: c.offset, comment: new Comment(c.text) });
        continue;
      }
      if (anchor) {
        anchor.container.pending.push({
          before: anchor.index,
          offset: c.offset,
          comment: new Comment(c.text, anchor.inline),
        });
        continue;
      }
    }
    const owner = ownerOf(root, c.line, c.column);
    const before = owner.items.findIndex((item) => item.line > c.line);
    owner.pending.push({
      before: before < 0 ? owner.items.length : before,
      offset: c.offset,
      comment: new Comment(c.text),
    });
  }
}

/** Inserts each container's pending comments among its items. */
function weave(container: Container): void {
  for (const item of container.items) if (item.child) weave(item.child);
  if (container.pending.length === 0) return;
  const pending = [...container.pending].sort((a, b) => a.before - b.before || a.offset - b.offset);
  const target = container.target;
  const isBranch = target instanceof Branch;
  const old: (TreeItem | TreeValue)[] = isBranch ? [...target.items] : [...target];
  const out: (TreeItem | TreeValue)[] = [];
  let p = 0;
  for (let i = 0; i <= old.length; i++) {
    while (p < pending.length && (pending[p] as { before: number }).before === i) {
      const comment = (pending[p] as { comment: Comment }).comment;
      out.push(isBranch ? { key: comment, value: null } : comment);
      p++;
    }
    if (i < old.length) out.push(old[i] as TreeItem | TreeValue);
  }
  if (isBranch) target.items = out as TreeItem[];
  else target.splice(0, target.length, ...(out as TreeValue[]));
}

/** sops' YAML LoadPlainFile: one branch per document; comments kept in place. */
export function loadYaml(data: Uint8Array): Branch[] {
  const text = Buffer.from(data).toString('utf8').replace(/\r\n/g, '\n');
  const lines = new Lines(text);
  const docs = parseAllDocuments(text, {
    schema: 'failsafe',
    uniqueKeys: true,
    merge: false,
    strict: false,
  });
  if (!Array.isArray(docs)) return [];
  const comments = sourceComments(text, lines);
  const branches: Branch[] = [];
  docs.forEach((doc, i) => {
    const err = doc.errors[0];
    if (err)
      throw new YamlStoreError(
        `error unmarshaling input YAML: ${err.message.split('\n')[0] ?? ''}`,
      );
    const start = i === 0 ? 0 : doc.range[0];
    const end = docs[i + 1]?.range[0] ?? Number.POSITIVE_INFINITY;
    const own = comments.filter((c) => c.offset >= start && c.offset < end);
    const builder = new TreeBuilder(doc, lines);
    const contents = doc.contents;
    if (
      contents === null ||
      (isScalar(contents) && (contents.value === null || contents.source === ''))
    ) {
      const branch = new Branch(own.map((c) => ({ key: new Comment(c.text), value: null })));
      branches.push(branch);
      return;
    }
    if (isSeq(contents))
      throw new YamlStoreError('YAML documents that are sequences are not supported');
    if (!isMap(contents))
      throw new YamlStoreError('YAML documents that are values are not supported');
    const { value, container } = builder.value(contents, 0);
    placeComments(container as Container, own, builder.anchors);
    weave(container as Container);
    branches.push(value as Branch);
  });
  return branches;
}

/** A go-yaml v3 node as sops builds it for output (yaml.Node with comments). */
interface OutNode {
  readonly kind: 'mapping' | 'sequence' | 'scalar';
  readonly value?: string;
  readonly tag?: string;
  readonly style?: ScalarStyle;
  head: string;
  line: string;
  foot: string;
  readonly content: OutNode[];
}

function joinComments(comments: readonly string[]): string {
  return `#${comments.join('\n#')}`;
}

function addHead(node: OutNode, comments: string[]): void {
  if (comments.length === 0) return;
  const c = joinComments(comments);
  node.head = node.head ? `${c}\n${node.head}` : c;
}

function addLine(node: OutNode, comments: string[]): void {
  if (comments.length === 0) return;
  const c = joinComments(comments);
  node.line = node.line ? `${node.line}\n${c}` : c;
}

function addFoot(node: OutNode, comments: string[]): void {
  if (comments.length === 0) return;
  const c = joinComments(comments);
  node.foot = node.foot ? `${node.foot}\n${c}` : c;
}

/** go-yaml's encodeBase64: 70-character lines, each ending in a line break when there are several. */
function encodeBase64(b: Uint8Array): string {
  const enc = Buffer.from(b).toString('base64');
  if (Math.floor(enc.length / 70) + 1 <= 1) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += 70) out += `${enc.slice(i, i + 70)}\n`;
  return out;
}

/**
 * A scalar as yaml.Node.Encode makes it: encoded alone (go-yaml's encoder picks a requested style,
 * the emitter a possible one) and read back, so the node keeps the style it was written with.
 */
function scalarNode(v: Scalar): OutNode {
  let text: string;
  let requested: ScalarStyle = ScalarStyle.Plain;
  let tag: string | undefined;
  if (v instanceof Uint8Array) {
    text = encodeBase64(v);
    tag = '!!binary';
    if (text.includes('\n')) requested = ScalarStyle.Literal;
  } else if (typeof v === 'string') {
    text = v;
    const r = resolveV3(v).tag;
    const canUsePlain =
      r === 'str' &&
      !/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(v) &&
      ![
        'y',
        'Y',
        'yes',
        'Yes',
        'YES',
        'on',
        'On',
        'ON',
        'n',
        'N',
        'no',
        'No',
        'NO',
        'off',
        'Off',
        'OFF',
      ].includes(v);
    requested = v.includes('\n')
      ? ScalarStyle.Literal
      : canUsePlain
        ? ScalarStyle.Plain
        : ScalarStyle.DoubleQuoted;
  } else if (typeof v === 'bigint') {
    text = v.toString();
  } else if (typeof v === 'number') {
    text = Number.isNaN(v)
      ? '.nan'
      : v === Infinity
        ? '.inf'
        : v === -Infinity
          ? '-.inf'
          : goFormatFloatG(v);
  } else if (typeof v === 'boolean') {
    text = v ? 'true' : 'false';
  } else if (v === null) {
    text = 'null';
  } else {
    text = v.text;
  }
  const style = selectV3ScalarStyle(analyzeV3Scalar(text), requested, {
    flow: false,
    simpleKey: false,
  });
  return {
    kind: 'scalar',
    value: text,
    ...(tag ? { tag } : {}),
    style,
    head: '',
    line: '',
    foot: '',
    content: [],
  };
}

function treeValueToNode(v: TreeValue): OutNode {
  if (v instanceof Branch) {
    const node: OutNode = { kind: 'mapping', head: '', line: '', foot: '', content: [] };
    appendTreeBranch(v, node);
    return node;
  }
  if (Array.isArray(v)) {
    const node: OutNode = { kind: 'sequence', head: '', line: '', foot: '', content: [] };
    appendSequence(v, node);
    return node;
  }
  if (v instanceof Comment) return scalarNode(v.value);
  return scalarNode(v);
}

/** sops' appendSequence: comments before an item become its head or line comment. */
function appendSequence(items: readonly TreeValue[], node: OutNode): void {
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const item of items) {
    if (item instanceof Comment) {
      (item.inline ? inline : head).push(item.value);
      continue;
    }
    if (beginning) {
      addHead(node, head);
      head = [];
      beginning = false;
    }
    const child = treeValueToNode(item);
    addHead(child, head);
    head = [];
    addLine(child, inline);
    inline = [];
    node.content.push(child);
  }
  head.push(...inline);
  if (head.length > 0) {
    if (beginning) addHead(node, head);
    else addFoot(node.content[node.content.length - 1] as OutNode, head);
  }
}

/** sops' appendTreeBranch: head comments on keys, line comments on values, the rest at the foot. */
function appendTreeBranch(branch: Branch, node: OutNode): void {
  let head: string[] = [];
  let inline: string[] = [];
  let beginning = true;
  for (const item of branch.items) {
    if (item.key instanceof Comment) {
      (item.key.inline ? inline : head).push(item.key.value);
      continue;
    }
    if (beginning) {
      addHead(node, head);
      head = [];
      beginning = false;
    }
    // A merge key comes back tagged, as go-yaml v3 writes the `<<` node sops decoded.
    const key: OutNode =
      item.key === '<<'
        ? { ...scalarNode(item.key), tag: '!!merge', style: ScalarStyle.Plain }
        : scalarNode(item.key);
    addHead(key, head);
    head = [];
    const value = treeValueToNode(item.value);
    addLine(value, inline);
    inline = [];
    node.content.push(key, value);
  }
  head.push(...inline);
  if (head.length > 0) {
    if (beginning) addHead(node, head);
    else addFoot(node.content[node.content.length - 2] as OutNode, head);
  }
}

/** go-yaml v3's encoder.node: the events for a node (foot comments of keys move to the next key). */
function nodeEvents(node: OutNode, tail: string, emit: (e: V3Event) => void): void {
  if (node.kind === 'scalar') {
    emit({
      type: 'scalar',
      value: node.value ?? '',
      style: node.style ?? ScalarStyle.Plain,
      ...(node.tag ? { tag: node.tag } : {}),
      head: node.head,
      line: node.line,
      foot: node.foot,
      tail,
    });
    return;
  }
  if (node.kind === 'sequence') {
    emit({ type: 'sequence-start', head: node.head });
    for (const child of node.content) nodeEvents(child, '', emit);
    emit({ type: 'sequence-end', line: node.line, foot: node.foot });
    return;
  }
  emit({ type: 'mapping-start', head: node.head, tail });
  let pendingTail = '';
  for (let i = 0; i + 1 < node.content.length; i += 2) {
    const k = node.content[i] as OutNode;
    const foot = k.foot;
    nodeEvents(foot ? { ...k, foot: '' } : k, pendingTail, emit);
    pendingTail = foot;
    nodeEvents(node.content[i + 1] as OutNode, '', emit);
  }
  emit({ type: 'mapping-end', tail: pendingTail, line: node.line, foot: node.foot });
}

/** sops' YAML EmitPlainFile: each branch a document, four-space indentation. */
export function emitYamlTree(branches: readonly Branch[]): Buffer {
  const emitter = new V3Emitter({ indent: 4 });
  const emit = (e: V3Event) => emitter.emit(e);
  emit({ type: 'stream-start' });
  for (const branch of branches) {
    const mapping: OutNode = { kind: 'mapping', head: '', line: '', foot: '', content: [] };
    appendTreeBranch(branch, mapping);
    emit({ type: 'document-start', implicit: true });
    nodeEvents(mapping, '', emit);
    emit({ type: 'document-end', implicit: true });
  }
  emit({ type: 'stream-end' });
  return Buffer.from(emitter.result(), 'utf8');
}
