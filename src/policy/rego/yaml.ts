// YAML text to a Rego value as OPA reads YAML (Go's yaml.v2 through JSON): YAML 1.1 scalars
// (yes/no/on/off are booleans), integers exact at any size, and every mapping key kept as an own
// key — `__proto__`, `constructor` and `prototype` included (mappings are read as Maps, never
// assigned into plain objects).
import { parseDocument } from 'yaml';
import {
  arr,
  floatText,
  fromJS,
  num,
  numFromBigInt,
  numFromText,
  ObjectBuilder,
  str,
} from './value.js';
import type { Value } from './value.js';
import { toJSON } from './json.js';

/** A YAML syntax error with the 1-based line it was found on (when known). */
export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/** Parses one YAML document (an empty one is null). Throws YamlSyntaxError. */
export function parseYAML(text: string): Value {
  const doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: false, version: '1.1' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new YamlSyntaxError(e.message.split('\n')[0]!, e.linePos?.[0]?.line);
  }
  return yamlValue(doc.toJS({ maxAliasCount: 1000, mapAsMap: true }));
}

function yamlValue(x: unknown): Value {
  if (x === undefined) return fromJS(null);
  if (typeof x === 'number') {
    if (Number.isInteger(x)) return num(x);
    if (!Number.isFinite(x)) throw new TypeError(`yaml: ${x} is not representable in JSON`);
    return numFromText(floatText(x)) ?? num(x);
  }
  if (typeof x === 'bigint') return numFromBigInt(x);
  if (x instanceof Date) return str(x.toISOString());
  if (Array.isArray(x)) return arr(x.map(yamlValue));
  if (x instanceof Map) {
    const b = new ObjectBuilder();
    for (const [k, v] of x) b.set(str(typeof k === 'string' ? k : keyString(k)), yamlValue(v));
    return b.build();
  }
  return fromJS(x);
}

/** A non-string mapping key as JSON text would hold it (`1`, `true`, `null`). */
function keyString(k: unknown): string {
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'object') return toJSON(yamlValue(k));
  return typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean'
    ? k.toString()
    : JSON.stringify(k);
}
