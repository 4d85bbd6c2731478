// CustomResourceDefinitions: serving their kinds (every served version, storage version,
// subresources, printer columns, schema) and cleaning up on deletion (validation/crd.ts checks
// them).
import { asString, isPlainObject, metaOf, type KubeObject } from './object-meta.js';
import type { PrinterColumn, ResourceInfo } from './registry.js';
import { ALL_VERBS } from './registry.js';
import type { SchemaNode } from '../core/index.js';

export const CRD_SKEY = 'customresourcedefinitions.apiextensions.k8s.io';
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: SchemaNode | undefined;
  subresources: Record<string, unknown>;
  columns: PrinterColumn[];
  selectableFields: string[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function versionsOf(spec: Record<string, unknown>): CrdVersion[] {
  const list = Array.isArray(spec.versions) ? spec.versions : [];
  return list.filter(isPlainObject).map((v) => ({
    name: str(v.name),
    served: v.served === true,
    storage: v.storage === true,
    schema:
      isPlainObject(v.schema) && isPlainObject(v.schema.openAPIV3Schema)
        ? (v.schema.openAPIV3Schema as SchemaNode)
        : undefined,
    subresources: isPlainObject(v.subresources) ? v.subresources : {},
    // `.spec.color` is selected as `spec.color`
    selectableFields: (Array.isArray(v.selectableFields) ? v.selectableFields : [])
      .filter(isPlainObject)
      .map((f) => str(f.jsonPath).replace(/^\./, ''))
      .filter((f) => f !== ''),
    columns: (Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [])
      .filter(isPlainObject)
      .map((c) => ({
        name: str(c.name),
        type: str(c.type),
        jsonPath: str(c.jsonPath),
        ...(typeof c.format === 'string' ? { format: c.format } : {}),
        ...(typeof c.description === 'string' ? { description: c.description } : {}),
        ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
      })),
  }));
}

/** The resources a CRD serves: one ResourceInfo per served version, with its schema. */
export function crdResources(
  o: KubeObject,
): { info: ResourceInfo; schema: SchemaNode | undefined }[] {
  const spec = isPlainObject(o.spec) ? o.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const versions = versionsOf(spec);
  const storage = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? '';
  const kind = str(names.kind);
  return versions
    .filter((v) => v.served)
    .map((v) => {
      const sub: ('status' | 'scale')[] = [];
      if (isPlainObject(v.subresources.status)) sub.push('status');
      const scale = isPlainObject(v.subresources.scale) ? v.subresources.scale : undefined;
      if (scale) sub.push('scale');
      const info: ResourceInfo = {
        group: str(spec.group),
        version: v.name,
        kind,
        resource: str(names.plural),
        singular: str(names.singular) || kind.toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
        categories: Array.isArray(names.categories) ? names.categories.map(String) : [],
        verbs: ALL_VERBS,
        subresources: sub,
        ...(scale
          ? {
              scale: {
                specReplicasPath: str(scale.specReplicasPath) || '.spec.replicas',
                statusReplicasPath: str(scale.statusReplicasPath) || '.status.replicas',
                ...(typeof scale.labelSelectorPath === 'string'
                  ? { labelSelectorPath: scale.labelSelectorPath }
                  : {}),
              },
            }
          : {}),
        storageVersion: storage,
        crd: metaOf(o).name ?? '',
        printerColumns: v.columns,
        selectableFields: v.selectableFields,
        hasSpec: true,
      };
      return { info, schema: v.schema };
    });
}

function condition(
  type: string,
  reason: string,
  message: string,
  now: string,
): Record<string, unknown> {
  return { type, status: 'True', lastTransitionTime: now, reason, message };
}

/** The status a served CRD gets: accepted names, NamesAccepted and Established, stored versions. */
export function establishedStatus(o: KubeObject, now: string): Record<string, unknown> {
  const spec = isPlainObject(o.spec) ? o.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const old = isPlainObject(o.status) ? o.status : {};
  const storage = versionsOf(spec).find((v) => v.storage)?.name;
  const stored = Array.isArray(old.storedVersions) ? old.storedVersions.map(String) : [];
  if (storage !== undefined && !stored.includes(storage)) stored.push(storage);
  const oldConds = Array.isArray(old.conditions) ? old.conditions.filter(isPlainObject) : [];
  const keep = (type: string, fresh: Record<string, unknown>): Record<string, unknown> => {
    const prev = oldConds.find((c) => c.type === type && c.status === 'True');
    return prev ?? fresh;
  };
  return {
    conditions: [
      keep('NamesAccepted', condition('NamesAccepted', 'NoConflicts', 'no conflicts found', now)),
      keep(
        'Established',
        condition(
          'Established',
          'InitialNamesAccepted',
          'the initial names have been accepted',
          now,
        ),
      ),
    ],
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? asString(names.kind).toLowerCase(),
      ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames } : {}),
      kind: names.kind,
      listKind: names.listKind ?? `${asString(names.kind)}List`,
      ...(Array.isArray(names.categories) ? { categories: names.categories } : {}),
    },
    storedVersions: stored,
  };
}
