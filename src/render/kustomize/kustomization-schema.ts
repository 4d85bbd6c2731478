// The shape of kustomize v5.5.0's Kustomization type, and the strict decoding kustomize applies to
// kustomization files (Go encoding/json with unknown fields refused): every field's type is checked
// at every level, and field names are matched case-insensitively and rewritten to their canonical
// spelling, so the rest of the engine reads plain, well-typed maps.
import { isYamlMap, newMap } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';

/** A Go type as encoding/json decodes into it. */
export type GoType =
  | 'string'
  | 'bool'
  | 'int'
  | 'any'
  | { readonly list: GoType }
  | { readonly map: GoType }
  | { readonly struct: Readonly<Record<string, GoType>> };

const str: GoType = 'string';
const list = (t: GoType): GoType => ({ list: t });
const map = (t: GoType): GoType => ({ map: t });
const struct = (fields: Record<string, GoType>): GoType => ({ struct: fields });

const GVK = { group: str, version: str, kind: str };
const RES_ID = { ...GVK, name: str, namespace: str };
const SELECTOR = struct({ ...RES_ID, annotationSelector: str, labelSelector: str });
const FIELD_SPEC = struct({ ...GVK, path: str, create: 'bool' });
const FIELD_OPTIONS = struct({ delimiter: str, index: 'int', encoding: str, create: 'bool' });
const GENERATOR_OPTIONS = struct({
  labels: map(str),
  annotations: map(str),
  disableNameSuffixHash: 'bool',
  immutable: 'bool',
});
const GENERATOR_ARGS = {
  namespace: str,
  name: str,
  behavior: str,
  literals: list(str),
  files: list(str),
  envs: list(str),
  env: str,
  options: GENERATOR_OPTIONS,
};
const PATCH = struct({ path: str, patch: str, target: SELECTOR, options: map('bool') });
const IMAGE = struct({ name: str, newName: str, tagSuffix: str, newTag: str, digest: str });
const REPLACEMENT = {
  source: struct({ ...RES_ID, fieldPath: str, options: FIELD_OPTIONS }),
  targets: list(
    struct({
      select: SELECTOR,
      reject: list(SELECTOR),
      fieldPaths: list(str),
      options: FIELD_OPTIONS,
    }),
  ),
};

/** types.Kustomization of kustomize v5.5.0 (Helm fields are decoded but not yet used). */
export const KUSTOMIZATION_TYPE: GoType = struct({
  kind: str,
  apiVersion: str,
  metadata: struct({ name: str, namespace: str, labels: map(str), annotations: map(str) }),
  openapi: map(str),
  namePrefix: str,
  nameSuffix: str,
  namespace: str,
  commonLabels: map(str),
  labels: list(
    struct({
      pairs: map(str),
      includeSelectors: 'bool',
      includeTemplates: 'bool',
      fields: list(FIELD_SPEC),
    }),
  ),
  commonAnnotations: map(str),
  patchesStrategicMerge: list(str),
  patchesJson6902: list(PATCH),
  patches: list(PATCH),
  images: list(IMAGE),
  imageTags: list(IMAGE),
  replacements: list(struct({ ...REPLACEMENT, path: str })),
  replicas: list(struct({ name: str, count: 'int' })),
  vars: list(
    struct({
      name: str,
      objref: struct({ apiVersion: str, ...RES_ID }),
      fieldref: struct({ fieldPath: str }),
    }),
  ),
  sortOptions: struct({
    order: str,
    legacySortOptions: struct({ orderFirst: list(str), orderLast: list(str) }),
  }),
  resources: list(str),
  components: list(str),
  crds: list(str),
  bases: list(str),
  configMapGenerator: list(struct(GENERATOR_ARGS)),
  secretGenerator: list(struct({ ...GENERATOR_ARGS, type: str })),
  helmGlobals: 'any',
  helmCharts: 'any',
  helmChartInflationGenerator: 'any',
  generatorOptions: GENERATOR_OPTIONS,
  configurations: list(str),
  generators: list(str),
  transformers: list(str),
  validators: list(str),
  buildMetadata: list(str),
});

/** A value encoding/json refuses; `field` is where, in kustomization terms (`patches[0].target`). */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function jsonKind(v: YamlValue): string {
  if (Array.isArray(v)) return 'array';
  if (isYamlMap(v)) return 'object';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'number';
}

function typeName(t: GoType): string {
  if (typeof t === 'string') return t === 'int' ? 'int64' : t;
  if ('list' in t) return `[]${typeName(t.list)}`;
  if ('map' in t) return `map[string]${typeName(t.map)}`;
  return 'struct';
}

function mismatch(v: YamlValue, t: GoType, field: string): DecodeError {
  const what = typeof v === 'number' && t === 'int' ? `number ${String(v)}` : jsonKind(v);
  return new DecodeError(
    `json: cannot unmarshal ${what} into Go struct field ${field} of type ${typeName(t)}`,
    field,
  );
}

/**
 * Decodes `v` as encoding/json would into type `t`: returns the value with struct field names in
 * their canonical spelling, or throws a {@link DecodeError}. null is always accepted (the zero
 * value). With `strict`, a struct field the type does not have is an error (kustomization files);
 * without, it is dropped (plugin configurations read with sigs.k8s.io/yaml).
 */
export function decodeGo(v: YamlValue, t: GoType, field: string, strict: boolean): YamlValue {
  if (v === null || t === 'any') return v;
  if (t === 'string') {
    if (typeof v !== 'string') throw mismatch(v, t, field);
    return v;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') throw mismatch(v, t, field);
    return v;
  }
  if (t === 'int') {
    if (typeof v === 'bigint') return v;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw mismatch(v, t, field);
    return v;
  }
  if ('list' in t) {
    if (!Array.isArray(v)) throw mismatch(v, t, field);
    return v.map((x, i) => decodeGo(x, t.list, `${field}[${i}]`, strict));
  }
  if (!isYamlMap(v)) throw mismatch(v, t, field);
  if ('map' in t) {
    const out = newMap();
    for (const [k, x] of Object.entries(v)) out[k] = decodeGo(x, t.map, `${field}.${k}`, strict);
    return out;
  }
  return decodeStruct(v, t.struct, field, strict);
}

function decodeStruct(
  v: YamlMap,
  fields: Readonly<Record<string, GoType>>,
  field: string,
  strict: boolean,
): YamlMap {
  const names = Object.keys(fields);
  const out = newMap();
  for (const [k, x] of Object.entries(v)) {
    // encoding/json prefers an exact match, then a case-insensitive one; a later key wins.
    const canonical = Object.prototype.hasOwnProperty.call(fields, k)
      ? k
      : names.find((n) => n.toLowerCase() === k.toLowerCase());
    const at = field === '' ? k : `${field}.${k}`;
    if (canonical === undefined) {
      if (strict) throw new DecodeError(`json: unknown field "${k}"`, at);
      continue;
    }
    out[canonical] = decodeGo(
      x,
      fields[canonical] as GoType,
      field === '' ? canonical : `${field}.${canonical}`,
      strict,
    );
  }
  return out;
}
