// Inventory of applied objects in Flux's format (status.inventory.entries of {id, v}) and diffs.
import { apiVersionOf, parseApiVersion, type KubeObject } from '../kube/index.js';
import type { ChangeSet } from './changeset.js';
import { formatObjectId, objMetadataOf, parseObjectId, type ObjMetadata } from './object-id.js';
import { compareObjMetadata } from './sort.js';

/** One inventory entry: the object id and its API version (`v`). */
export interface InventoryEntry {
  readonly id: string;
  readonly v: string;
}

/** Flux's ResourceInventory. */
export interface Inventory {
  readonly entries: readonly InventoryEntry[];
}

/** An inventory of the given objects, sorted by id for stable status output. */
export function inventoryOf(objects: readonly KubeObject[]): Inventory {
  const byId = new Map<string, InventoryEntry>();
  for (const obj of objects) {
    const id = formatObjectId(objMetadataOf(obj));
    byId.set(id, { id, v: parseApiVersion(obj.apiVersion).version });
  }
  return { entries: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/**
 * The inventory of an apply's ChangeSet (every entry, as Flux's AddChangeSet does). Prefer it
 * to inventoryOf(raw objects): the ChangeSet has the namespaces the engine filled in.
 */
export function inventoryOfChangeSet(changeSet: ChangeSet): Inventory {
  const byId = new Map<string, InventoryEntry>();
  for (const e of changeSet.entries) {
    const id = formatObjectId(e.objMetadata);
    byId.set(id, { id, v: parseApiVersion(e.groupVersion).version });
  }
  return { entries: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

/** An inventory entry as a reference the client can address. */
export function entryToRef(entry: InventoryEntry): ObjMetadata & { readonly apiVersion: string } {
  const m = parseObjectId(entry.id);
  return { ...m, apiVersion: apiVersionOf({ group: m.group, version: entry.v }) };
}

/**
 * Entries of `previous` that are not in `next` (compared by id, ignoring version), in
 * reverse apply order: what a prune deletes, webhooks and workloads before namespaces and CRDs.
 */
export function staleEntries(previous: Inventory | undefined, next: Inventory): InventoryEntry[] {
  const keep = new Set(next.entries.map((e) => e.id));
  const stale = (previous?.entries ?? []).filter((e) => !keep.has(e.id));
  return stale.sort((a, b) => compareObjMetadata(parseObjectId(b.id), parseObjectId(a.id)));
}

/** Merges entries into an inventory (e.g. failed deletes that must stay), deduplicated. */
export function mergeInventory(base: Inventory, extra: readonly InventoryEntry[]): Inventory {
  const byId = new Map(base.entries.map((e) => [e.id, e]));
  for (const e of extra) if (!byId.has(e.id)) byId.set(e.id, e);
  return { entries: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}
