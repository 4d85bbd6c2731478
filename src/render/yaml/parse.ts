// Reads YAML text into plain values the way go-yaml v3 (kyaml) decodes it: v3 scalar resolution, anchors and merge keys resolved.
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
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

function scalarValue(node: Scalar, v2: boolean): YamlValue {
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
    if (r.tag === 'timestamp' && !v2) return goTimestampJson(src) ?? src;
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

/** Tracks whether the walk is inside metadata.annotations of a document root (0: root, 1: metadata, 2: annotations). */
type AnnoPath = 0 | 1 | 2 | undefined;

function convert(
  node: unknown,
  doc: Document,
  depth: number,
  v2: boolean,
  anno: AnnoPath = undefined,
): YamlValue {
  if (depth > 1000) throw new YamlParseError('document nested too deeply');
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) throw new YamlParseError(`unknown anchor '${node.source}' referenced`);
    return convert(target, doc, depth + 1, v2);
  }
  if (isScalar(node)) {
    if (anno === 2) return scalarText(node);
    return scalarValue(node, v2);
  }
  if (isSeq(node)) return node.items.map((item) => convert(item, doc, depth + 1, v2));
  if (isMap(node)) {
    const out = newMap();
    const merged: YamlMap[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      const key = convert(keyNode, doc, depth + 1, v2);
      const plainMergeKey =
        key === '<<' &&
        isScalar(keyNode) &&
        keyNode.type === Scalar.PLAIN &&
        keyNode.tag === undefined;
      const childAnno: AnnoPath =
        anno === 0 && key === 'metadata' ? 1 : anno === 1 && key === 'annotations' ? 2 : undefined;
      const value =
        anno === 2 && item.value !== null && item.value !== undefined && isScalar(item.value)
          ? scalarText(item.value)
          : anno === 2 && (item.value === null || item.value === undefined)
            ? ''
            : convert(item.value, doc, depth + 1, v2, childAnno);
      if (plainMergeKey) {
        const sources = Array.isArray(value) ? value : [value];
        for (const s of sources) {
          if (!isYamlMap(s))
            throw new YamlParseError('map merge requires map or sequence of maps as the value');
          merged.push(s);
        }
        continue;
      }
      const k = keyString(key);
      out[k] = value;
    }
    // Explicit keys win over merged ones; earlier merge sources win over later ones.
    for (const m of merged) {
      for (const [k, v] of Object.entries(m)) if (!(k in out)) out[k] = v;
    }
    return out;
  }
  throw new YamlParseError('unsupported YAML node');
}

function scalarText(node: Scalar): string {
  if (node.tag !== undefined && (node.tag === 'tag:yaml.org,2002:null' || node.tag === '!!null'))
    return '';
  const src = typeof node.source === 'string' ? node.source : String(node.value);
  if (
    node.type === Scalar.PLAIN &&
    (src === '~' || src === 'null' || src === 'Null' || src === 'NULL')
  )
    return '';
  return src;
}

function keyString(key: YamlValue): string {
  if (key === null) return 'null';
  if (typeof key === 'object') throw new YamlParseError('mapping keys must be scalars');
  return String(key);
}

/**
 * Parses every document of a YAML stream; empty documents come back as null. With `v2`, plain scalars resolve as
 * go-yaml v2 (YAML 1.1 booleans), as sigs.k8s.io/yaml does. With `stringAnnotations`, metadata.annotations values
 * keep their source text as strings, as kustomize's resource reader rewrites them.
 */
export function parseYamlDocuments(
  text: string,
  v2 = false,
  stringAnnotations = false,
): YamlValue[] {
  // go-yaml v2 (sigs.k8s.io/yaml) lets a later duplicate key win; v3 (kyaml) rejects duplicates.
  // CRLF is one line break in YAML; the parser mishandles it inside multi-line quoted scalars, so normalise first.
  let src = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
  let docs = parseAll(src, v2);
  // go-yaml reads a quoted scalar to its closing quote whatever the indentation of its continuation
  // lines; the yaml package wants them deeper than the key. Indent them and parse again.
  for (let attempt = 0; attempt < 100 && Array.isArray(docs); attempt++) {
    const line = unclosedQuoteLine(docs);
    const fixed = line === undefined ? undefined : reindentQuotedScalar(src, line);
    if (fixed === undefined) break;
    src = fixed;
    docs = parseAll(src, v2);
  }
  if (!Array.isArray(docs)) return [];
  const out: YamlValue[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new YamlParseError(err.message.split('\n')[0] ?? err.message);
    out.push(convert(doc.contents, doc, 0, v2, stringAnnotations ? 0 : undefined));
  }
  return out;
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
  if (Array.isArray(v)) return v.map((x) => cloneValue(x)) as T;
  if (isYamlMap(v)) {
    const out = newMap();
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x);
    return out as T;
  }
  return v;
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
