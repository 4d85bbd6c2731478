// Cleanup of live objects before apply, as Flux does: take over kubectl's fields, drop stale marks.
import type { KubeObject } from '../kube/index.js';
import { anyInMetadata, type CleanupOptions } from './options.js';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: Record<string, unknown>;
  [key: string]: unknown;
}

export type JsonPatchOp =
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** Union of two FieldsV1 tries (nested objects whose leaves are `{}`). */
export function mergeFieldsV1(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b ?? {})) {
    const prev = out[k];
    out[k] =
      typeof prev === 'object' && prev !== null && typeof v === 'object' && v !== null
        ? mergeFieldsV1(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

const escape = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The JSON patch that cleans a live object, or an empty list when there is nothing to do:
 * managedFields entries of the matched managers are merged into `fieldManager`'s Apply entry
 * (so the next apply owns, and can remove, those fields), and the listed annotations and
 * labels are removed. Objects matching `exclusions` (`ssa: Merge`) are left alone.
 */
export function cleanupPatch(
  desired: KubeObject,
  live: KubeObject,
  fieldManager: string,
  opts: CleanupOptions,
): JsonPatchOp[] {
  if (
    anyInMetadata(desired.metadata, opts.exclusions) ||
    anyInMetadata(live.metadata, opts.exclusions)
  )
    return [];
  const ops: JsonPatchOp[] = [];
  const entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const matches = (e: ManagedFieldsEntry): boolean =>
    !e.subresource &&
    opts.fieldManagers.some(
      (m) => (e.manager ?? '').startsWith(m.name) && e.operation === m.operation,
    );
  if (entries.some(matches)) {
    let ours = entries.find(
      (e) => e.manager === fieldManager && e.operation === 'Apply' && !e.subresource,
    );
    const kept: ManagedFieldsEntry[] = [];
    for (const e of entries) {
      if (e === ours) continue;
      if (matches(e)) {
        ours = ours
          ? { ...ours, fieldsV1: mergeFieldsV1(ours.fieldsV1, e.fieldsV1) }
          : { ...e, manager: fieldManager, operation: 'Apply' };
        continue;
      }
      kept.push(e);
    }
    if (ours) kept.push(ours);
    ops.push({ op: 'replace', path: '/metadata/managedFields', value: kept });
  }
  for (const key of opts.annotations) {
    if (live.metadata.annotations?.[key] !== undefined)
      ops.push({ op: 'remove', path: `/metadata/annotations/${escape(key)}` });
  }
  for (const key of opts.labels) {
    if (live.metadata.labels?.[key] !== undefined)
      ops.push({ op: 'remove', path: `/metadata/labels/${escape(key)}` });
  }
  return ops;
}
