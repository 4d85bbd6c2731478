// Diff: server-side dry-run of each object against the cluster, with a human diff per change.
import { NoKindMatchError, isNotFound, parseApiVersion, type KubeObject } from '../kube/index.js';
import { Action, ChangeSet, type ChangeSetEntry } from './changeset.js';
import { settleLimit } from './concurrency.js';
import type { ManagerContext } from './context.js';
import { hasDrifted } from './drift.js';
import { DryRunError, dryRunFailure, type DryRunFailure } from './errors.js';
import { unifiedDiff } from './human-diff.js';
import { normalizeObject } from './normalize.js';
import { formatSubject, objMetadataOf } from './object-id.js';
import { anyInMetadata, type ApplyOptions } from './options.js';
import { sortObjects } from './sort.js';

export interface DiffResult {
  readonly entry: ChangeSetEntry;
  /** Live object (undefined when it would be created). */
  readonly live: KubeObject | undefined;
  /** The dry-run result (undefined when skipped). */
  readonly merged: KubeObject | undefined;
}

async function diffOne(
  ctx: ManagerContext,
  input: unknown,
  opts: ApplyOptions,
): Promise<DiffResult> {
  const obj = normalizeObject(input);
  const resource = await ctx.client.discovery.resourceFor({
    ...parseApiVersion(obj.apiVersion),
    kind: obj.kind,
  });
  if (resource.namespaced) obj.metadata.namespace ||= ctx.client.defaultNamespace;
  else delete obj.metadata.namespace;
  if (Object.keys(ctx.ownerLabels).length > 0)
    obj.metadata.labels = { ...obj.metadata.labels, ...ctx.ownerLabels };
  const m = objMetadataOf(obj);
  const base = { objMetadata: m, groupVersion: obj.apiVersion, subject: formatSubject(m) };
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: m.name,
    namespace: obj.metadata.namespace,
  };
  const live = await ctx.client.getOrUndefined(ref);
  if (
    anyInMetadata(obj.metadata, opts.exclusionSelector) ||
    anyInMetadata(live?.metadata, opts.exclusionSelector) ||
    anyInMetadata(obj.metadata, opts.ignoreSelector) ||
    (live && anyInMetadata(obj.metadata, opts.ifNotPresentSelector))
  ) {
    return { entry: { ...base, action: Action.Skipped }, live, merged: undefined };
  }
  const merged = await ctx.client.apply(obj, {
    dryRun: true,
    force: opts.forceConflicts,
    fieldManager: ctx.fieldManager,
    ...(opts.fieldValidation ? { fieldValidation: opts.fieldValidation } : {}),
  });
  if (!hasDrifted(live, merged))
    return { entry: { ...base, action: Action.Unchanged }, live, merged };
  const action = live ? Action.Configured : Action.Created;
  return {
    entry: { ...base, action, diff: unifiedDiff(base.subject, live, merged) },
    live,
    merged,
  };
}

/**
 * Dry-runs every object and reports what apply would do, with a masked unified diff for each
 * object that would change. Writes nothing. Any dry-run failure throws DryRunError.
 */
export async function diffAll(
  ctx: ManagerContext,
  objects: readonly unknown[],
  opts: ApplyOptions,
): Promise<{ changeSet: ChangeSet; results: DiffResult[] }> {
  const normalized = sortObjects(objects.map((o) => normalizeObject(o)));
  // Objects that need something the same set creates first (a CRD's kind, a new Namespace)
  // cannot be dry-run yet: they are shown as created, as apply would create them.
  const newKinds = new Set<string>();
  const newNamespaces = new Set<string>();
  for (const o of normalized) {
    if (o.kind === 'CustomResourceDefinition') {
      const spec = o['spec'] as { group?: string; names?: { kind?: string } } | undefined;
      if (spec?.group && spec.names?.kind) newKinds.add(`${spec.group}/${spec.names.kind}`);
    }
    if (o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata.name)
      newNamespaces.add(o.metadata.name);
  }
  const settled = await settleLimit(normalized, opts.concurrency, (o) => diffOne(ctx, o, opts));
  const failures: DryRunFailure[] = [];
  const results: DiffResult[] = [];
  settled.forEach((r, i) => {
    const obj = normalized[i] as KubeObject;
    if (r.ok) {
      results.push(r.value);
      return;
    }
    const { group } = parseApiVersion(obj.apiVersion);
    const waitsForKind =
      r.error instanceof NoKindMatchError && newKinds.has(`${group}/${obj.kind}`);
    const waitsForNamespace =
      isNotFound(r.error) &&
      obj.metadata.namespace !== undefined &&
      newNamespaces.has(obj.metadata.namespace);
    if (waitsForKind || waitsForNamespace) {
      const m = objMetadataOf(obj);
      const subject = formatSubject(m);
      results.push({
        entry: {
          objMetadata: m,
          groupVersion: obj.apiVersion,
          subject,
          action: Action.Created,
          diff: unifiedDiff(subject, undefined, obj),
        },
        live: undefined,
        merged: undefined,
      });
      return;
    }
    failures.push(dryRunFailure(obj, r.error));
  });
  if (failures.length > 0) throw new DryRunError(failures);
  const changeSet = new ChangeSet();
  changeSet.append(results.map((r) => r.entry));
  return { changeSet, results };
}
