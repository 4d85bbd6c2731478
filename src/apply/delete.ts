// Delete and prune: remove objects that left the inventory, only if they still carry the owner labels.
import { formatObject, isNotFound, type ObjectRef } from '../kube/index.js';
import { ErrorCategory, FlotillaError, errorMessage } from '../core/index.js';
import { Action, ChangeSet, type ChangeSetEntry } from './changeset.js';
import { settleLimit } from './concurrency.js';
import type { ManagerContext } from './context.js';
import {
  entryToRef,
  mergeInventory,
  staleEntries,
  type Inventory,
  type InventoryEntry,
} from './inventory.js';
import { formatSubject, type ObjMetadata } from './object-id.js';
import { allInLabels, anyInMetadata, type DeleteOptions } from './options.js';
import { cascadeOf, namespaceContents, refusalOf, type Listed } from './namespace-prune.js';
import { compareObjMetadata } from './sort.js';
import { parseApiVersion } from '../kube/index.js';

export interface DeleteFailure {
  readonly subject: string;
  readonly message: string;
  readonly error: unknown;
}

export interface PruneResult {
  readonly changeSet: ChangeSet;
  /** The next inventory plus every entry whose delete failed (so it is tried again). */
  readonly inventory: Inventory;
  readonly failures: readonly DeleteFailure[];
}

function metaOfRef(ref: ObjectRef): ObjMetadata {
  return {
    namespace: ref.namespace ?? '',
    name: ref.name,
    group: parseApiVersion(ref.apiVersion).group,
    kind: ref.kind,
  };
}

/**
 * How Namespaces are guarded (see namespace-prune.ts): `declaredIds` are the ids of the current
 * revision; a refused Namespace is a failure (`fail`, a prune) or left in place (`skip`, deleting
 * everything a Kustomization applied, which must be able to finish).
 */
export interface NamespaceGuard {
  readonly declaredIds: ReadonlySet<string>;
  readonly onRefusal: 'fail' | 'skip';
}

/** A refused Namespace prune: the Namespace stays, with what it holds. */
export class NamespacePruneRefused extends FlotillaError {
  constructor(message: string, subject: string) {
    super(message, { reason: 'PruneRefused', category: ErrorCategory.Terminal, object: subject });
    this.name = 'NamespacePruneRefused';
  }
}

const isNamespace = (ref: ObjectRef): boolean =>
  ref.kind === 'Namespace' && parseApiVersion(ref.apiVersion).group === '';

/**
 * Deletes one object unless it lacks the owner labels or is excluded; returns its entry, and for
 * a Namespace the entries of what went with it.
 */
async function deleteOne(
  ctx: ManagerContext,
  ref: ObjectRef,
  opts: DeleteOptions,
  guard: NamespaceGuard,
): Promise<ChangeSetEntry[]> {
  const m = metaOfRef(ref);
  const entry = (action: ChangeSetEntry['action']): ChangeSetEntry => ({
    objMetadata: m,
    groupVersion: ref.apiVersion,
    subject: formatSubject(m),
    action,
  });
  const live = await ctx.client.getOrUndefined(ref);
  if (!live) return [entry(Action.Deleted)];
  const inclusions = Object.keys(opts.inclusions).length > 0 ? opts.inclusions : ctx.ownerLabels;
  if (!allInLabels(live.metadata, inclusions)) return [entry(Action.Skipped)];
  if (anyInMetadata(live.metadata, opts.exclusions)) return [entry(Action.Skipped)];
  if (live.metadata.deletionTimestamp) return [entry(Action.Deleted)];
  let cascade: Listed[] = [];
  if (isNamespace(ref)) {
    const contents = await namespaceContents(
      ctx,
      ref.name,
      guard.declaredIds,
      opts.exclusions,
      opts.concurrency,
    );
    const refusal = refusalOf(live, contents);
    if (refusal !== undefined) {
      if (guard.onRefusal === 'fail') throw new NamespacePruneRefused(refusal, formatObject(ref));
      ctx.logger.warn({ object: formatObject(ref) }, refusal);
      return [entry(Action.Skipped)];
    }
    cascade = cascadeOf(contents);
  }
  ctx.verified?.forget(m);
  try {
    await ctx.client.delete(ref, { propagationPolicy: opts.propagationPolicy });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return [
    entry(Action.Deleted),
    ...cascade.map((c) => ({
      objMetadata: c,
      groupVersion: c.apiVersion,
      subject: formatSubject(c),
      action: Action.Deleted,
    })),
  ];
}

/**
 * Deletes objects in reverse apply order (a kind at a time, objects of one kind in parallel).
 * Failures do not stop the rest; they are returned with the refs that failed.
 */
export async function deleteAll(
  ctx: ManagerContext,
  refs: readonly ObjectRef[],
  opts: DeleteOptions,
  guard: NamespaceGuard = { declaredIds: new Set(), onRefusal: 'skip' },
): Promise<{ changeSet: ChangeSet; failures: DeleteFailure[]; failedRefs: ObjectRef[] }> {
  const sorted = [...refs].sort((a, b) => compareObjMetadata(metaOfRef(b), metaOfRef(a)));
  const groups: ObjectRef[][] = [];
  for (const ref of sorted) {
    const last = groups.at(-1);
    const head = last?.[0];
    if (
      last &&
      head &&
      head.kind === ref.kind &&
      parseApiVersion(head.apiVersion).group === parseApiVersion(ref.apiVersion).group
    )
      last.push(ref);
    else groups.push([ref]);
  }
  const changeSet = new ChangeSet();
  const failures: DeleteFailure[] = [];
  const failedRefs: ObjectRef[] = [];
  for (const group of groups) {
    const results = await settleLimit(group, opts.concurrency, (ref) =>
      deleteOne(ctx, ref, opts, guard),
    );
    results.forEach((r, i) => {
      const ref = group[i] as ObjectRef;
      if (r.ok) changeSet.append(r.value);
      else {
        failures.push({
          subject: formatObject(ref),
          message: errorMessage(r.error),
          error: r.error,
        });
        failedRefs.push(ref);
      }
    });
  }
  return { changeSet, failures, failedRefs };
}

/**
 * Prunes what left the inventory: deletes entries of `previous` missing from `next`, in
 * reverse order, keeping objects without the owner labels or with `prune: disabled`, and
 * Namespaces whose deletion would take what must stay (namespace-prune.ts). Entries whose delete
 * failed or was refused stay in the returned inventory.
 */
export async function prune(
  ctx: ManagerContext,
  previous: Inventory | undefined,
  next: Inventory,
  opts: DeleteOptions,
): Promise<PruneResult> {
  const stale = staleEntries(previous, next);
  const byRef = new Map<string, InventoryEntry>();
  const refs: ObjectRef[] = stale.map((e) => {
    const r = entryToRef(e);
    const ref: ObjectRef = {
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      ...(r.namespace ? { namespace: r.namespace } : {}),
    };
    byRef.set(formatObject(ref), e);
    return ref;
  });
  const { changeSet, failures, failedRefs } = await deleteAll(ctx, refs, opts, {
    declaredIds: new Set(next.entries.map((e) => e.id)),
    onRefusal: 'fail',
  });
  const keep = failedRefs
    .map((r) => byRef.get(formatObject(r)))
    .filter((e): e is InventoryEntry => e !== undefined);
  return { changeSet, inventory: mergeInventory(next, keep), failures };
}
