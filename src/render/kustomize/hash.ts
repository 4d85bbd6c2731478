// Generator name-suffix hashes exactly as kustomize's hasher computes them (Go encoding/json + sha256, k8s alphabet).
import type * as Crypto from 'node:crypto';
import { isYamlMap } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { numberText } from '../yaml/index.js';
import { lazyRequire } from '../../core/index.js';

/**
 * node:crypto, loaded on the first hash: most builds have no generator, and loading it costs a
 * short `flotilla kustomize build` process several milliseconds of start-up.
 */
const loadCrypto = lazyRequire<typeof Crypto>('node:crypto');

function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's json.Marshal of a decoded value (map keys sorted by bytes, HTML-safe escaping). */
export function goJson(v: YamlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return numberText(v);
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  const keys = Object.keys(v).sort(byteCompare);
  return '{' + keys.map((k) => goJsonString(k) + ':' + goJson(v[k] as YamlValue)).join(',') + '}';
}

function encode(hex: string): string {
  const map: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return Array.from(hex.slice(0, 10))
    .map((c) => map[c] ?? c)
    .join('');
}

function field(obj: YamlMap, path: readonly string[]): YamlValue {
  let cur: YamlValue | undefined = obj;
  for (const p of path) {
    if (!isYamlMap(cur)) return '';
    cur = cur[p];
  }
  if (cur === undefined) return '';
  if (isYamlMap(cur) || Array.isArray(cur)) return cur;
  if (cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

/** The 10-character suffix kustomize appends to generated ConfigMap and Secret names. */
export function resourceHash(obj: YamlMap): string {
  const kind = obj['kind'];
  let encoded: string;
  if (kind === 'ConfigMap') {
    const m: YamlMap = Object.create(null) as YamlMap;
    m['kind'] = 'ConfigMap';
    // kustomize looks the name up as a single field called "metadata/name", which never exists: the
    // name therefore always hashes as "" — reproduced here so suffixes match.
    m['name'] = '';
    m['data'] = field(obj, ['data']);
    const bd = field(obj, ['binaryData']);
    if (isYamlMap(bd)) m['binaryData'] = bd;
    encoded = goJson(m);
  } else if (kind === 'Secret') {
    const m: YamlMap = Object.create(null) as YamlMap;
    m['kind'] = 'Secret';
    m['type'] = field(obj, ['type']);
    m['name'] = '';
    m['data'] = field(obj, ['data']);
    const sd = field(obj, ['stringData']);
    if (isYamlMap(sd)) m['stringData'] = sd;
    encoded = goJson(m);
  } else {
    encoded = goJson(obj);
  }
  return encode(loadCrypto().createHash('sha256').update(encoded, 'utf8').digest('hex'));
}
