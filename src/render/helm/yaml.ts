// YAML as Helm reads and writes it through sigs.k8s.io/yaml: go-yaml v2 resolution, then a JSON round
// trip (every number becomes a float64), and Marshal as JSON then go-yaml v2 (sorted keys).
import {
  GoInt,
  GoObject,
  Kind,
  findMethod,
  goBytes,
  isNilContainer,
  newGoMap,
} from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { emitYaml, YamlParseError } from '../yaml/index.js';
import { firstYamlDocument } from './fast-yaml.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { unmarshalJson } from '../gotemplate/json.js';

/** A YAML or JSON decoding error, with the message sigs.k8s.io/yaml would give where it is known. */
export class HelmYamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelmYamlError';
  }
}

/** A decoded YAML value as json.Unmarshal into interface{} leaves it (numbers are float64). */
function toGo(v: YamlValue): GoValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      throw new HelmYamlError(
        `error converting YAML to JSON: json: unsupported value: ${v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN'}`,
      );
    }
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toGo);
  const out = newGoMap();
  for (const k of Object.keys(v)) out[k] = toGo(v[k] as YamlValue);
  return out;
}

// eslint-disable-next-line no-control-regex
const SUSPECT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]/;

/**
 * go-yaml's reader checks every character before the parser sees it: bytes that are not UTF-8 and
 * control characters end the parse with these messages (no line number).
 */
export function yamlReaderError(text: string): string | undefined {
  if (!SUSPECT.test(text)) return undefined;
  const b = goBytes(text);
  for (let i = 0; i < b.length;) {
    const c = b[i] as number;
    const width =
      (c & 0x80) === 0
        ? 1
        : (c & 0xe0) === 0xc0
          ? 2
          : (c & 0xf0) === 0xe0
            ? 3
            : (c & 0xf8) === 0xf0
              ? 4
              : 0;
    if (width === 0) return 'invalid leading UTF-8 octet';
    if (i + width > b.length) return 'incomplete UTF-8 octet sequence';
    let value = width === 1 ? c & 0x7f : width === 2 ? c & 0x1f : width === 3 ? c & 0x0f : c & 0x07;
    for (let k = 1; k < width; k++) {
      const o = b[i + k] as number;
      if ((o & 0xc0) !== 0x80) return 'invalid trailing UTF-8 octet';
      value = (value << 6) + (o & 0x3f);
    }
    if (!(
      width === 1 ||
      (width === 2 && value >= 0x80) ||
      (width === 3 && value >= 0x800) ||
      (width === 4 && value >= 0x10000)
    )) {
      return 'invalid length of a UTF-8 sequence';
    }
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff)
      return 'invalid Unicode character';
    const allowed =
      value === 0x09 ||
      value === 0x0a ||
      value === 0x0d ||
      (value >= 0x20 && value <= 0x7e) ||
      value === 0x85 ||
      (value >= 0xa0 && value <= 0xd7ff) ||
      (value >= 0xe000 && value <= 0xfffd) ||
      (value >= 0x10000 && value <= 0x10ffff);
    if (!allowed) return 'control characters are not allowed';
    i += width;
  }
  return undefined;
}

function firstDocument(text: string): YamlValue {
  const bad = yamlReaderError(text);
  if (bad !== undefined) throw new HelmYamlError(`error converting YAML to JSON: yaml: ${bad}`);
  try {
    return firstYamlDocument(text);
  } catch (e) {
    const msg = e instanceof YamlParseError ? e.message : String(e);
    throw new HelmYamlError(`error converting YAML to JSON: yaml: ${msg}`);
  }
}

function kindWord(v: GoValue): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
}

/** yaml.Unmarshal into a map[string]interface{} (an empty document gives an empty map). */
export function readYamlMap(text: string): GoMap {
  const v = toGo(firstDocument(text));
  if (v === null) return newGoMap();
  if (Array.isArray(v) || typeof v !== 'object') {
    throw new HelmYamlError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kindWord(v)} into Go value of type map[string]interface {}`,
    );
  }
  return v as GoMap;
}

/** yaml.Unmarshal into a []interface{}. */
export function readYamlArray(text: string): GoValue[] {
  const v = toGo(firstDocument(text));
  if (v === null) return [];
  if (!Array.isArray(v)) {
    throw new HelmYamlError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kindWord(v)} into Go value of type []interface {}`,
    );
  }
  return v;
}

/** yaml.Unmarshal into an interface{}. */
export function readYamlAny(text: string): GoValue {
  return toGo(firstDocument(text));
}

/** A Go value as encoding/json would write it, in the YAML layer's value form. */
export function toYamlValue(v: GoValue): YamlValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
      return v;
  }
  if (v instanceof GoInt) {
    const n = Number(v.v);
    return Number.isSafeInteger(n) ? n : v.v;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isNilContainer(v)) return null;
  if (Array.isArray(v)) return v.map(toYamlValue);
  if (v instanceof GoObject) return objectValue(v);
  const out = Object.create(null) as YamlMap;
  for (const k of Object.keys(v)) out[k] = toYamlValue(v[k]);
  return out;
}

function objectValue(o: GoObject): YamlValue {
  const marshal = findMethod(o, 'MarshalJSON');
  if (marshal !== undefined) {
    if (o.goType.kind === Kind.Pointer && o.isNil()) return null;
    return toYamlValue(unmarshalJson(marshal.call() as string));
  }
  if (o.goType.kind === Kind.Pointer && o.isNil()) return null;
  const st = o.goType.kind === Kind.Pointer ? o.goType.elem : o.goType;
  const out = Object.create(null) as YamlMap;
  const collect = (obj: GoObject, fields: NonNullable<typeof st>['fields']): void => {
    for (const f of fields ?? []) {
      const fv = obj.field(f.name);
      if (f.embedded && f.json === undefined) {
        if (fv instanceof GoObject) {
          const est = fv.goType.kind === Kind.Pointer ? fv.goType.elem : fv.goType;
          collect(fv, est?.fields);
        }
        continue;
      }
      const name = f.json ?? f.name;
      if (name === '-') continue;
      if (f.omitempty && isEmptyJson(fv)) continue;
      out[name] = toYamlValue(fv ?? null);
    }
  };
  collect(o, st?.fields);
  return out;
}

function isEmptyJson(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string' || Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number') return v === 0;
  if (v instanceof GoInt) return v.v === 0n;
  if (v instanceof GoObject) return v.goType.kind === Kind.Pointer && v.isNil();
  return Object.keys(v).length === 0;
}

/** yaml.Marshal (sigs.k8s.io/yaml): JSON semantics, then go-yaml v2 output. Throws on NaN/Inf. */
export function marshalYaml(v: GoValue): string {
  return emitYaml(toYamlValue(v));
}
