// The kustomization `crds:` field: transformer configuration derived from OpenAPI definitions of custom types.
import { isYamlMap } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { emptyConfig } from './builtin-config.js';
import type { NameBackReference, TransformerConfig } from './builtin-config.js';
import type { FieldSpec } from './fieldspec.js';

function schemaProps(def: YamlValue | undefined): YamlMap | undefined {
  if (!isYamlMap(def)) return undefined;
  const schema = def['Schema'] ?? def['schema'];
  if (!isYamlMap(schema)) return undefined;
  const props = schema['properties'];
  return isYamlMap(props) ? props : undefined;
}

/**
 * As kustomize's LoadConfigFromCRDs: every definition with kind/apiVersion/metadata properties is a custom kind
 * (named after the last segment of its type name); extensions on its (transitively referenced) properties add name
 * references (x-kubernetes-object-ref-*), label selectors, annotations and identity (name prefix) fields.
 */
export function configFromCrdDefinitions(doc: YamlValue): TransformerConfig {
  const base = emptyConfig();
  const labels: FieldSpec[] = [];
  const annotations: FieldSpec[] = [];
  const prefixes: FieldSpec[] = [];
  const refs: NameBackReference[] = [];
  if (!isYamlMap(doc)) return base;
  const visit = (kind: string, typeName: string, path: string[], seen: Set<string>): void => {
    if (seen.has(typeName)) return;
    const props = schemaProps(doc[typeName]);
    if (!props) return;
    const inner = new Set(seen).add(typeName);
    for (const [name, raw] of Object.entries(props)) {
      if (!isYamlMap(raw)) continue;
      const p = [...path, name];
      const fs = (at: string[]): FieldSpec => ({
        gvk: { kind },
        path: at.join('/'),
        create: false,
      });
      if ('x-kubernetes-annotation' in raw) annotations.push(fs(p));
      if ('x-kubernetes-label-selector' in raw) labels.push(fs(p));
      if ('x-kubernetes-identity' in raw) prefixes.push(fs(p));
      const version = raw['x-kubernetes-object-ref-api-version'];
      const refKind = raw['x-kubernetes-object-ref-kind'];
      if (typeof version === 'string' && typeof refKind === 'string') {
        const nameKey =
          typeof raw['x-kubernetes-object-ref-name-key'] === 'string'
            ? raw['x-kubernetes-object-ref-name-key']
            : 'name';
        refs.push({ gvk: { kind: refKind, version }, referrers: [fs([...p, nameKey])] });
      }
      const ref = raw['$ref'];
      if (typeof ref === 'string') visit(kind, ref, p, inner);
    }
  };
  for (const typeName of Object.keys(doc)) {
    const props = schemaProps(doc[typeName]);
    if (!props || !('kind' in props) || !('apiVersion' in props) || !('metadata' in props))
      continue;
    const segments = typeName.split('.');
    visit(segments[segments.length - 1] ?? typeName, typeName, [], new Set());
  }
  return {
    ...base,
    commonLabels: labels,
    commonAnnotations: annotations,
    namePrefix: prefixes,
    nameReference: refs,
  };
}
