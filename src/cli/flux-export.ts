// YAML as flux prints it with `--export` and `flux export`: flux fills a Go struct and marshals
// it with sigs.k8s.io/yaml (JSON, then go-yaml v2: sorted keys), so durations come out in Go's
// form (`10m0s`), `omitempty` fields with zero values are left out, and `creationTimestamp: null`
// and `status: {}` are removed from the text.
import { formatDuration, parseDuration } from '../core/index.js';
import type { KubeObject } from '../kube/index.js';
import { emitYaml, type YamlMap } from '../render/index.js';
import type { FluxKind } from './flux-kinds.js';

/** Map-typed fields (Go maps), which omitempty drops when empty; other empty objects are structs. */
const MAP_FIELDS = new Set([
  'metadata.labels',
  'metadata.annotations',
  'spec.postBuild.substitute',
  'spec.commonMetadata.labels',
  'spec.commonMetadata.annotations',
  'data',
  'stringData',
]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isZero(v: Json): boolean {
  return v === false || v === 0 || v === '' || v === null || (Array.isArray(v) && v.length === 0);
}

/** Drops what Go's `omitempty` would and writes durations as Go's time.Duration prints them. */
function goMarshal(
  value: Json,
  path: string,
  fields: FluxKind['goFields'] | undefined,
): Json | undefined {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string' && fields?.durations.includes(path)) {
      try {
        return formatDuration(parseDuration(value, path));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => goMarshal(v, path, fields) ?? null);
  const out: { [key: string]: Json } = {};
  // A Go map's entries are all written; a struct's zero fields are left out (omitempty).
  const isMap = MAP_FIELDS.has(path);
  for (const [key, v] of Object.entries(value)) {
    const sub = path === '' ? key : `${path}.${key}`;
    const m = isMap ? v : goMarshal(v, sub, fields);
    if (m === undefined) continue;
    if (!isMap && isZero(m) && !fields?.keepZero.includes(sub)) continue;
    if (
      MAP_FIELDS.has(sub) &&
      typeof m === 'object' &&
      m !== null &&
      !Array.isArray(m) &&
      Object.keys(m).length === 0
    )
      continue;
    out[key] = m;
  }
  return out;
}

/** The object flux exports: apiVersion, kind, name, namespace, labels, annotations and spec. */
export function exportObject(obj: KubeObject, kind: FluxKind): KubeObject {
  const m = obj.metadata;
  const clean = {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: {
      name: m.name ?? '',
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.labels ? { labels: m.labels } : {}),
      ...(m.annotations ? { annotations: m.annotations } : {}),
    },
    spec: obj['spec'] ?? {},
  };
  return goMarshal(JSON.parse(JSON.stringify(clean)) as Json, '', kind.goFields) as KubeObject;
}

/** An object as go-yaml v2 prints its JSON form (sorted keys), with flux's clean-ups. */
export function goYaml(obj: unknown, fields?: FluxKind['goFields']): string {
  const json = goMarshal(JSON.parse(JSON.stringify(obj)) as Json, '', fields);
  return emitYaml(json as YamlMap);
}

/** One exported object as flux prints it: `---`, the YAML without its last line break, `\n`. */
export function printExport(obj: unknown, fields?: FluxKind['goFields']): string {
  const text = goYaml(obj, fields)
    .replace('  creationTimestamp: null\n', '')
    .replace('status: {}\n', '')
    .trim();
  return `---\n${text}\n`;
}
