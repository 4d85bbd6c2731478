// toYamlPretty: go-yaml v3's Encoder with two-space indent, on the Go values directly (integers stay
// integers, floats print as Go formats them, structs use lower-cased field names).
import { GoInt, GoObject, Kind, findMethod, isNilContainer } from '../gotemplate/index.js';
import type { GoValue } from '../gotemplate/index.js';
import { GoTime, formatTime } from '../gotemplate/sprig/date.js';
import { emitYaml } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';

function v3Value(v: GoValue): YamlValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
      return v;
  }
  if (v instanceof GoInt) return v.v;
  if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
  if (isNilContainer(v)) return Array.isArray(v) ? [] : null;
  if (Array.isArray(v)) return v.map(v3Value);
  if (v instanceof GoTime) return formatTime(v, '2006-01-02T15:04:05.999999999Z07:00');
  if (v instanceof GoObject) {
    const text = findMethod(v, 'String');
    if (v.goType.kind === Kind.Pointer && v.isNil()) return null;
    if (text !== undefined && (v.goType.fields ?? v.goType.elem?.fields) === undefined)
      return text.call() as string;
    const st = v.goType.kind === Kind.Pointer ? v.goType.elem : v.goType;
    const out = Object.create(null) as YamlMap;
    for (const f of st?.fields ?? []) out[f.name.toLowerCase()] = v3Value(v.field(f.name) ?? null);
    return out;
  }
  const out = Object.create(null) as YamlMap;
  for (const k of Object.keys(v)) out[k] = v3Value(v[k]);
  return out;
}

/** yaml.v3 Encoder.SetIndent(2).Encode(v). */
export function marshalYamlV3(v: GoValue): string {
  return emitYaml(v3Value(v), { v3: true });
}
