// configMapGenerator and secretGenerator: key/value sources, validation and the objects kustomize generates.
import { basename } from 'node:path';
import { isYamlMap, newMap } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { KustomizeError } from './loader.js';
import type { FileLoader } from './loader.js';
import { stringMapOf } from './kustomization.js';
import { Resource } from './resource.js';

export interface GeneratorOptions {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  disableNameSuffixHash: boolean;
  immutable: boolean;
}

function fail(file: string, field: string, msg: string): never {
  throw new KustomizeError(`${file}: ${field}: ${msg}`, { file, field });
}

export function readOptions(
  v: YamlValue | undefined,
  file: string,
  field: string,
): GeneratorOptions {
  const o: GeneratorOptions = {
    labels: Object.create(null) as Record<string, string>,
    annotations: Object.create(null) as Record<string, string>,
    disableNameSuffixHash: false,
    immutable: false,
  };
  if (v === undefined || v === null) return o;
  if (!isYamlMap(v)) fail(file, field, 'expected a map');
  o.labels = stringMapOf(v['labels'], (w) => fail(file, `${field}.labels`, w));
  o.annotations = stringMapOf(v['annotations'], (w) => fail(file, `${field}.annotations`, w));
  o.disableNameSuffixHash = v['disableNameSuffixHash'] === true;
  o.immutable = v['immutable'] === true;
  return o;
}

/** Later maps win; the result has no prototype, so any key (even `__proto__`) is just a key. */
function mergeStringMaps(...maps: ReadonlyArray<Record<string, string>>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = v;
  return out;
}

/** Generator-level options win; kustomization-level options fill gaps (MergeGlobalOptionsIntoLocal). */
export function mergeOptions(local: GeneratorOptions, global: GeneratorOptions): GeneratorOptions {
  const labels = mergeStringMaps(global.labels, local.labels);
  const annotations = mergeStringMaps(global.annotations, local.annotations);
  return {
    labels,
    annotations,
    disableNameSuffixHash: local.disableNameSuffixHash || global.disableNameSuffixHash,
    immutable: local.immutable || global.immutable,
  };
}

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  if (s[0] === '"' || s[0] === "'") return s.slice(1, -1);
  return s;
}

function envPairs(content: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = content.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(/^\s+/u, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    // kustomize v5.5.0 neither validates the name nor reads the process environment for a bare key.
    if (key === '') return;
    out.push([key, eq < 0 ? '' : line.slice(eq + 1)]);
  });
  return out;
}

interface GeneratorSpec {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly entry: YamlMap;
  readonly index: number;
}

function strList(v: YamlValue | undefined, file: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(file, field, 'expected a list of strings');
  return v.map((x, i) => {
    if (typeof x !== 'string') fail(file, `${field}[${i}]`, 'expected a string');
    return x;
  });
}

/** kustomize's encodeBase64: 70-character lines, each ending with a newline, once the value needs more than one. */
export function encodeBase64Lines(data: Buffer): string {
  const enc = data.toString('base64');
  const lineLen = 70;
  const lines = Math.floor(enc.length / lineLen) + 1;
  if (lines <= 1) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += lineLen) out += enc.slice(i, i + lineLen) + '\n';
  return out;
}

function isValidUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Builds one generated ConfigMap or Secret. */
export function generate(
  spec: GeneratorSpec,
  ldr: FileLoader,
  file: string,
  globalOptions: GeneratorOptions,
): Resource {
  const field = `${spec.kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator'}[${spec.index}]`;
  const e = spec.entry;
  const name = e['name'];
  if (typeof name !== 'string' || name === '')
    fail(file, `${field}.name`, 'a generator needs a name');
  const namespace = typeof e['namespace'] === 'string' ? e['namespace'] : '';
  const behaviorRaw = e['behavior'] ?? '';
  if (typeof behaviorRaw !== 'string') {
    fail(file, `${field}.behavior`, 'invalid Kustomization: cannot unmarshal into a string');
  }
  // As kustomize's NewGenerationBehavior: a value other than merge/replace (a typo such as `add`,
  // or `Merge`) is "unspecified", which creates.
  const behavior = behaviorRaw === 'merge' || behaviorRaw === 'replace' ? behaviorRaw : 'create';
  const options = mergeOptions(readOptions(e['options'], file, `${field}.options`), globalOptions);

  const pairs: Array<[string, Buffer]> = [];
  const envs = strList(e['envs'], file, `${field}.envs`);
  if (typeof e['env'] === 'string' && e['env'] !== '') envs.push(e['env']);
  for (const p of envs) {
    for (const [k, v] of envPairs(ldr.readFile(p, `${field}.envs`))) {
      pairs.push([k, Buffer.from(v, 'utf8')]);
    }
  }
  for (const lit of strList(e['literals'], file, `${field}.literals`)) {
    const eq = lit.indexOf('=');
    if (eq <= 0)
      fail(file, `${field}.literals`, `invalid literal source ${lit}, expected key=value`);
    pairs.push([lit.slice(0, eq), Buffer.from(removeQuotes(lit.slice(eq + 1)), 'utf8')]);
  }
  for (const src of strList(e['files'], file, `${field}.files`)) {
    const n = (src.match(/=/g) ?? []).length;
    let key: string;
    let path: string;
    if (n === 0) {
      key = basename(src);
      path = src;
    } else if (n === 1 && src.startsWith('=')) {
      fail(file, `${field}.files`, `key name for file path ${src.slice(1)} missing`);
    } else if (n === 1 && src.endsWith('=')) {
      fail(file, `${field}.files`, `file path for key name ${src.slice(0, -1)} missing`);
    } else if (n > 1) {
      fail(file, `${field}.files`, "key names or file paths cannot contain '='");
    } else {
      [key, path] = src.split('=') as [string, string];
    }
    pairs.push([key, ldr.readBytes(path, `${field}.files`)]);
  }

  const seen = new Set<string>();
  for (const [k] of pairs) {
    if (seen.has(k))
      fail(file, field, `${spec.kind.toLowerCase()} ${name} illegally repeats the key \`${k}\``);
    seen.add(k);
  }

  const obj = newMap();
  obj['apiVersion'] = 'v1';
  obj['kind'] = spec.kind;
  const meta = newMap();
  meta['name'] = name;
  if (namespace !== '') meta['namespace'] = namespace;
  obj['metadata'] = meta;
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (spec.kind === 'ConfigMap') {
    for (const [k, v] of sorted) {
      if (isValidUtf8(v)) setIn(obj, 'data', k, v.toString('utf8'));
      else setIn(obj, 'binaryData', k, encodeBase64Lines(v));
    }
  } else {
    const type = e['type'];
    obj['type'] = typeof type === 'string' && type !== '' ? type : 'Opaque';
    for (const [k, v] of sorted) setIn(obj, 'data', k, encodeBase64Lines(v));
  }
  if (Object.keys(options.labels).length > 0) meta['labels'] = toMap(options.labels);
  if (Object.keys(options.annotations).length > 0) meta['annotations'] = toMap(options.annotations);
  if (options.immutable) obj['immutable'] = true;
  const r = new Resource(obj, `${file} (${field})`);
  r.needsHash = !options.disableNameSuffixHash;
  r.behavior = behavior;
  return r;
}

function toMap(m: Record<string, string>): YamlMap {
  const out = newMap();
  for (const [k, v] of Object.entries(m)) out[k] = v;
  return out;
}

function setIn(obj: YamlMap, field: string, k: string, v: string): void {
  let m = obj[field];
  if (!isYamlMap(m)) {
    m = newMap();
    obj[field] = m;
  }
  m[k] = v;
}

export function generatorSpecs(kind: 'ConfigMap' | 'Secret', entries: YamlMap[]): GeneratorSpec[] {
  return entries.map((entry, index) => ({ kind, entry, index }));
}
