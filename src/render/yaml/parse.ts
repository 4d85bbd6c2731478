// Reads YAML text into plain values the way go-yaml v3 (kyaml) decodes it: v3 scalar resolution, anchors and merge keys resolved.
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { foldedRoundTrip } from './folded-round-trip.js';
import {
  copyScalarInfo,
  markEmptyNull,
  markQuoted,
  recordSource,
  recordTypedAnnotation,
} from './scalar-info.js';
import { goTimestampJson, resolveV2, resolveV3 } from './go-yaml-resolve.js';

/** A decoded YAML value. Maps are plain objects without a prototype; large integers are bigints. */
export type YamlValue = null | boolean | number | bigint | string | YamlValue[] | YamlMap;
export interface YamlMap {
  [key: string]: YamlValue;
}

/** A YAML syntax or decoding problem; the caller adds the file name. */
export class YamlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlParseError';
  }
}

export function newMap(): YamlMap {
  return Object.create(null) as YamlMap;
}

export function isYamlMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * A scalar's value. `flowQuoted`: kyaml writes the resource again before reading it as JSON, and in a
 * flow collection a text with `:` cannot stay plain, so a timestamp with a time there comes back
 * as its text.
 */
function scalarValue(node: Scalar, v2: boolean, flowQuoted = false): YamlValue {
  const resolve = v2 ? resolveV2 : resolveV3;
  const src = typeof node.source === 'string' ? node.source : String(node.value);
  let tag = node.tag;
  if (tag?.startsWith(TAG_PREFIX)) tag = '!!' + tag.slice(TAG_PREFIX.length);
  const plain = node.type === Scalar.PLAIN;
  if (tag === undefined || tag === '!') {
    if (!plain || tag === '!') return src;
    const r = resolve(src);
    if (r.tag === 'merge') return '<<';
    // kyaml decodes timestamps to time.Time, which its JSON step writes in RFC 3339 form.
    if (r.tag === 'timestamp' && !v2)
      return flowQuoted && src.includes(':') ? src : (goTimestampJson(src) ?? src);
    return r.value;
  }
  switch (tag) {
    case '!!str':
      return src;
    case '!!null':
      return null;
    case '!!bool':
    case '!!int':
    case '!!float': {
      const r = resolveV3(src);
      if (tag === '!!float' && r.tag === 'int') return Number(r.value);
      if (
        (tag === '!!bool' && r.tag === 'bool') ||
        (tag !== '!!bool' && (r.tag === 'int' || r.tag === 'float'))
      ) {
        return r.value;
      }
      throw new YamlParseError(
        `cannot decode ${r.tag === 'str' ? '!!str' : '!!' + r.tag} \`${src}\` as a ${tag}`,
      );
    }
    case '!!binary':
      return Buffer.from(src.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      // Unknown tags decode as their text, as go-yaml does into interface{}.
      return src;
  }
}

/**
 * Where the walk is in a resource: 0 the document root, 1 its metadata, 2 metadata.annotations, 3
 * metadata.labels, 4 the items of a `*List` (each a resource root); undefined elsewhere, or when not
 * reading resources.
 */
type AnnoPath = 0 | 1 | 2 | 3 | 4 | undefined;

/** How one document is being read. */
interface ReadContext {
  readonly doc: Document;
  readonly v2: boolean;
  /** Apply kyaml's go-yaml v3 write-and-read to folded scalars (resources and patches). */
  readonly foldedRoundTrip: boolean;
  /**
   * How kustomize treats the document's `items`: 'nodes' when its reader unwraps a `List` (the
   * items are read as documents of their own), 'json' when its factory re-decodes a `*List`'s
   * items through JSON (no scalar styles survive), undefined for other documents.
   */
  readonly listItems: 'nodes' | 'json' | undefined;
  /** Inside a flow collection (`[...]`, `{...}`). */
  readonly inFlow: boolean;
  /** Where the text ends when its last line has content but no line break (else -1). */
  readonly unterminatedEnd: number;
}

/**
 * A block scalar's value as go-yaml reads it: one that runs to the end of a text whose last line
 * has no line break has no final line break to keep (the parser adds one).
 */
function blockScalarValue(node: Scalar, v: string, ctx: ReadContext): string {
  const end = node.range?.[1];
  if (end === undefined || end !== ctx.unterminatedEnd || !v.endsWith('\n')) return v;
  return v.slice(0, -1);
}

/**
 * Whether a quoted string is one kustomize's untagged setters might rewrite (a name, an image):
 * such a value has no whitespace, so quoted descriptions and scripts need no note.
 */
function mayBeRenamed(node: Scalar, value: string): boolean {
  return node.type !== Scalar.PLAIN && value.length <= 512 && !/\s/.test(value);
}

function isEmptyNode(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return (
    isScalar(node) &&
    node.type === Scalar.PLAIN &&
    node.tag === undefined &&
    (typeof node.source === 'string' ? node.source : '') === ''
  );
}

/**
 * Converts a node. `indent` is where go-yaml v3 (as kyaml writes) would put the node's content: a
 * map's keys, a sequence's dashes (compact under a key), a block scalar's lines.
 */
function convert(
  node: unknown,
  ctx: ReadContext,
  depth: number,
  indent: number,
  anno: AnnoPath = undefined,
): YamlValue {
  if (depth > 1000) throw new YamlParseError('document nested too deeply');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (!target) throw new YamlParseError(`unknown anchor '${node.source}' referenced`);
    return convert(target, ctx, depth + 1, indent);
  }
  if (isScalar(node)) {
    if (anno === 2) return scalarText(node);
    let v = scalarValue(node, ctx.v2, ctx.inFlow && ctx.foldedRoundTrip);
    const block = node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL;
    if (block && typeof v === 'string') v = blockScalarValue(node, v, ctx);
    if (ctx.foldedRoundTrip && node.type === Scalar.BLOCK_FOLDED && typeof v === 'string')
      return foldedRoundTrip(v, indent);
    return v;
  }
  if ((isSeq(node) || isMap(node)) && node.flow === true && !ctx.inFlow)
    return convert(node, { ...ctx, inFlow: true }, depth, indent, anno);
  if (isSeq(node)) {
    const itemAnno: AnnoPath = anno === 4 ? 0 : undefined;
    const items = node.items;
    const out: YamlValue[] = new Array<YamlValue>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      out[i] = convert(item, ctx, depth + 1, indent + 2, itemAnno);
      if (isScalar(item)) noteScalar(out, i, item, out[i] as YamlValue, false);
    }
    return out;
  }
  if (isMap(node)) return convertMap(node, ctx, depth, indent, anno);
  throw new YamlParseError('unsupported YAML node');
}

function convertMap(
  node: YAMLMap,
  ctx: ReadContext,
  depth: number,
  indent: number,
  anno: AnnoPath,
): YamlMap {
  const out = newMap();
  let merged: YamlMap[] | undefined;
  for (const item of node.items) {
    if (!isPair(item)) continue;
    const keyNode = item.key as YamlNode | null;
    const key = convert(keyNode, ctx, depth + 1, indent);
    const vn = item.value;
    const vScalar = isScalar(vn);
    const listItems = ctx.listItems !== undefined && depth === 0 && key === 'items';
    const childAnno: AnnoPath = listItems
      ? ctx.listItems === 'nodes'
        ? 4
        : undefined
      : anno === 0 && key === 'metadata'
        ? 1
        : anno === 1 && key === 'annotations'
          ? 2
          : anno === 1 && key === 'labels'
            ? 3
            : undefined;
    let value: YamlValue;
    if (anno === 2 && vScalar) {
      value = scalarText(vn);
      if (vn.type === Scalar.PLAIN) {
        const typed = scalarValue(vn, ctx.v2);
        if (typed !== value) recordTypedAnnotation(out, keyString(key), typed);
      }
    } else if (anno === 2 && (vn === null || vn === undefined)) value = '';
    else {
      // A sequence under a key is written compactly ("- " at the key's column); a List's items
      // are written as documents of their own (keys at column 0).
      const childIndent = listItems ? -2 : !vScalar && isSeq(vn) ? indent : indent + 2;
      const childCtx =
        listItems && ctx.listItems === 'json' ? { ...ctx, foldedRoundTrip: false } : ctx;
      value = convert(vn, childCtx, depth + 1, childIndent, childAnno);
    }
    if (key === '<<' && isPlainUntagged(keyNode)) {
      merged ??= [];
      for (const src of Array.isArray(value) ? value : [value]) {
        if (!isYamlMap(src))
          throw new YamlParseError('map merge requires map or sequence of maps as the value');
        merged.push(src);
      }
      continue;
    }
    const k = keyString(key);
    out[k] = value;
    if (vScalar) noteScalar(out, k, vn, value, anno === 3);
    else if (vn === null || vn === undefined) {
      if (value === null) markEmptyNull(out, k);
      if (anno === 3) recordSource(out, k, '');
    }
  }
  // Explicit keys win over merged ones; earlier merge sources win over later ones.
  if (merged !== undefined) {
    for (const m of merged) for (const [k, v] of Object.entries(m)) if (!(k in out)) out[k] = v;
  }
  return out;
}

function isPlainUntagged(node: unknown): boolean {
  return isScalar(node) && node.type === Scalar.PLAIN && node.tag === undefined;
}

/**
 * Notes what kustomize's node keeps but the decoded value does not: a label's source text, the
 * text of a number or boolean written unusually (`0x1F`), a quoted string (see mayBeRenamed), an
 * empty null.
 */
function noteScalar(
  c: YamlMap | YamlValue[],
  key: string | number,
  node: Scalar,
  value: YamlValue,
  label: boolean,
): void {
  if (label) {
    recordSource(c, key, scalarText(node));
    return;
  }
  if (typeof value === 'string') {
    if (node.type !== Scalar.PLAIN && mayBeRenamed(node, value)) markQuoted(c, key);
    return;
  }
  if (value === null) {
    if (!Array.isArray(c) && isEmptyNode(node)) markEmptyNull(c, key as string);
    return;
  }
  if (typeof value === 'object') return;
  if (typeof node.source === 'string' && node.source !== String(value))
    recordSource(c, key, node.source);
}

/** A scalar's text as kyaml's GetValue reads it (a node's Value: `null` stays "null", `~` stays "~"). */
function scalarText(node: Scalar): string {
  return typeof node.source === 'string' ? node.source : String(node.value);
}

function keyString(key: YamlValue): string {
  if (key === null) return 'null';
  if (typeof key === 'object') throw new YamlParseError('mapping keys must be scalars');
  return String(key);
}

/**
 * Parses every document of a YAML stream; empty documents come back as null. With `v2`, plain scalars resolve as
 * go-yaml v2 (YAML 1.1 booleans), as sigs.k8s.io/yaml does. With `resource`, documents are read as kustomize's
 * resource factory reads them: metadata.annotations values keep their source text as strings, and folded scalars
 * take the value kyaml's go-yaml v3 round trip gives them.
 */
export function parseYamlDocuments(text: string, v2 = false, resource = false): YamlValue[] {
  // go-yaml v2 (sigs.k8s.io/yaml) lets a later duplicate key win; v3 (kyaml) rejects duplicates.
  // CRLF is one line break in YAML; the parser mishandles it inside multi-line quoted scalars, so normalise first.
  let normalized = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  let docs = parseAll(normalized, v2);
  // go-yaml reads a quoted scalar to its closing quote whatever the indentation of its continuation
  // lines; the yaml package wants them deeper than the key. Indent them and parse again.
  for (let attempt = 0; attempt < 100 && Array.isArray(docs); attempt++) {
    const line = unclosedQuoteLine(docs);
    const fixed = line === undefined ? undefined : reindentQuotedScalar(normalized, line);
    if (fixed === undefined) break;
    normalized = fixed;
    docs = parseAll(normalized, v2);
  }
  if (!Array.isArray(docs)) return [];
  // kustomize's reader unwraps a List only when the text holds a single document.
  const single = resource && !hasDocumentSeparator(normalized);
  const lastLine = normalized.slice(normalized.lastIndexOf('\n') + 1);
  const unterminatedEnd = /\S/.test(lastLine) ? normalized.length : -1;
  const out: YamlValue[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new YamlParseError(err.message.split('\n')[0] ?? err.message);
    const ctx: ReadContext = {
      doc,
      v2,
      foldedRoundTrip: resource,
      listItems: resource ? listItemsOf(doc, single) : undefined,
      inFlow: false,
      unterminatedEnd,
    };
    out.push(convert(doc.contents, ctx, 0, 0, resource ? 0 : undefined));
  }
  return out;
}

/** kyaml's document split: a line starting with `---` after a line break. */
export function hasDocumentSeparator(text: string): boolean {
  return /\n---.*\n/.test(text);
}

function listItemsOf(doc: Document, single: boolean): ReadContext['listItems'] {
  const contents = doc.contents;
  if (!isMap(contents)) return undefined;
  const kind = contents.get('kind', true);
  if (!isScalar(kind) || typeof kind.value !== 'string' || !kind.value.endsWith('List'))
    return undefined;
  const unwrapped =
    single &&
    (kind.value === 'List' || kind.value === 'ResourceList') &&
    (contents.has('items') || contents.has('functionConfig'));
  return unwrapped ? 'nodes' : 'json';
}

function parseAll(src: string, v2: boolean): ReturnType<typeof parseAllDocuments> {
  return parseAllDocuments(src, {
    schema: 'failsafe',
    uniqueKeys: !v2,
    merge: false,
    strict: false,
  });
}

/** The 1-based line of the first "Missing closing quote" error, if that is what failed. */
function unclosedQuoteLine(docs: ReturnType<typeof parseAllDocuments>): number | undefined {
  if (!Array.isArray(docs)) return undefined;
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err === undefined) continue;
    if (err.code !== 'MISSING_CHAR' || !/^Missing closing ["']quote/.test(err.message))
      return undefined;
    return err.linePos?.[0].line;
  }
  return undefined;
}

/**
 * Indents the continuation lines of the quoted scalar that opens on `line` one column deeper
 * than that line, up to the line holding its closing quote; undefined when nothing changes.
 */
function reindentQuotedScalar(src: string, line: number): string | undefined {
  const lines = src.split('\n');
  const first = lines[line - 1];
  if (first === undefined) return undefined;
  const indent = /^ */.exec(first)?.[0].length ?? 0;
  const open = /(?:^|[:\-[{,]\s+|^\s*)(["'])/.exec(first.slice(indent));
  const quote = open?.[1];
  if (quote === undefined) return undefined;
  let changed = false;
  for (let i = line; i < lines.length; i++) {
    const l = lines[i] as string;
    const own = /^ */.exec(l)?.[0].length ?? 0;
    if (l.trim() !== '' && own <= indent) {
      lines[i] = ' '.repeat(indent + 1 - own) + l;
      changed = true;
    }
    if (closesQuote(l, quote)) break;
  }
  return changed ? lines.join('\n') : undefined;
}

function closesQuote(l: string, quote: string): boolean {
  for (let i = 0; i < l.length; i++) {
    if (quote === '"' && l[i] === '\\') i++;
    else if (l[i] === quote) {
      if (quote === "'" && l[i + 1] === "'") i++;
      else return true;
    }
  }
  return false;
}

/** Parses a single-document YAML text (an empty text gives null). */
export function parseYaml(text: string, v2 = false): YamlValue {
  const docs = parseYamlDocuments(text, v2);
  if (docs.length > 1) throw new YamlParseError('expected a single YAML document');
  return docs[0] ?? null;
}

/** The value an untagged plain scalar with this text decodes to (go-yaml v3 rules). */
export function resolveV3Value(text: string): YamlValue {
  const r = resolveV3(text);
  return r.tag === 'merge' ? text : r.value;
}

/** A deep copy of a value. */
export function cloneValue<T extends YamlValue>(v: T): T {
  if (Array.isArray(v)) {
    const out = v.map((x) => cloneValue(x));
    copyScalarInfo(v, out);
    return out as T;
  }
  if (isYamlMap(v)) {
    const out = newMap();
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x);
    copyScalarInfo(v, out);
    return out as T;
  }
  return v;
}

/**
 * A deep copy as kyaml's JSON round trip makes it: every null becomes an explicit one, and every
 * number a float64 (Go decodes JSON numbers so), which large integers do not survive exactly.
 */
export function cloneAsJson(v: YamlValue): YamlValue {
  if (Array.isArray(v)) return v.map((x) => cloneAsJson(x));
  if (isYamlMap(v)) {
    const out = newMap();
    for (const [k, x] of Object.entries(v)) out[k] = cloneAsJson(x);
    return out;
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Deep equality of two values. */
export function valuesEqual(a: YamlValue | undefined, b: YamlValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => valuesEqual(x, b[i]));
  }
  if (isYamlMap(a)) {
    if (!isYamlMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && valuesEqual(a[k], b[k]));
  }
  return false;
}
