// YAML as Helm reads and writes it through sigs.k8s.io/yaml: go-yaml v2 resolution, then a JSON round
// trip (every number becomes a float64), and Marshal as JSON then go-yaml v2 (sorted keys).
import {
  GoInt,
  GoObject,
  Kind,
  T2,
  findMethod,
  isNilContainer,
  newGoMap,
  typeOf,
} from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { emitYaml, parseYamlDocuments, YamlParseError } from '../yaml/index.js';
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
      throw new HelmYamlError(`error converting YAML to JSON: json: unsupported value: ${v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN'}`);
    }
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toGo);
  const out = newGoMap();
  for (const k of Object.keys(v)) out[k] = toGo(v[k] as YamlValue);
  return out;
}

function firstDocument(text: string): YamlValue {
  try {
    const docs = parseYamlDocuments(text, true);
    return docs[0] ?? null;
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
    return toYamlValue(unmarshalJson(String(marshal.call())));
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

