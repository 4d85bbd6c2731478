// Server-side apply and update tracking as kube-apiserver's fieldmanager does them: managedFields per manager, pruning, conflicts.
import { ApplyConflictError, PatchError } from './errors.js';
import { FieldSet, WalkPath } from './field-set.js';
import { hasOwnKey, isJsonObject, jsonClone, type JsonObject } from './json-value.js';
import { resetItemKeys } from './schema-walk.js';
import { compare, merge, removeItems, toFieldSet } from './typed-ops.js';
import type { KubeObject, SchemaNode } from './types.js';

/** A decoded managedFields entry. */
interface Manager {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string | undefined;
  subresource: string;
  set: FieldSet;
  /** The stored fieldsV1 document, reused on encoding while `set` is unchanged. */
  raw: Record<string, unknown> | undefined;
}

/**
 * Fields kube-apiserver never records as owned (fieldmanager's stripMeta): identity and
 * server-set metadata. Only the nodes themselves are unmarked; their children stay.
 */
const STRIPPED: readonly (readonly string[])[] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
];

/** kube-apiserver's manager identity: Apply entries ignore the apiVersion, Update entries keep it. */
function identity(m: {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource: string;
}): string {
  return `${m.operation}\u0000${m.manager}\u0000${m.operation === 'Apply' ? '' : m.apiVersion}\u0000${m.subresource}`;
}

/**
 * Decoded fieldsV1 documents by identity. Stored objects never change, so every apply to an
 * object decodes the documents its previous write produced (or kept) only once. The sets are
 * shared: nothing here changes a decoded set in place (operations build new sets).
 */
const decoded = new WeakMap<object, FieldSet>();

function decodeFieldsV1(v: unknown, where: string): FieldSet {
  const key = typeof v === 'object' && v !== null ? v : undefined;
  const hit = key === undefined ? undefined : decoded.get(key);
  if (hit !== undefined) return hit;
  const set = FieldSet.fromFieldsV1(v, where);
  if (key !== undefined) decoded.set(key, set);
  return set;
}

/** The fieldsV1 document of a set, remembered so that the next write to the object need not decode it. */
function encodeFieldsV1(set: FieldSet): Record<string, unknown> {
  const doc = set.toFieldsV1();
  decoded.set(doc, set);
  return doc;
}

function decodeManagedFields(obj: KubeObject | undefined): Map<string, Manager> {
  const out = new Map<string, Manager>();
  const meta = obj?.metadata;
  if (!isJsonObject(meta)) return out;
  const list = meta.managedFields;
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new PatchError('metadata.managedFields: must be a list');
  list.forEach((raw: unknown, i) => {
    const where = `metadata.managedFields[${i}]`;
    if (!isJsonObject(raw)) throw new PatchError(`${where}: must be an object`);
    const operation = raw.operation;
    if (operation !== 'Apply' && operation !== 'Update')
      throw new PatchError(`${where}.operation: must be "Apply" or "Update"`);
    if (raw.fieldsType !== undefined && raw.fieldsType !== 'FieldsV1')
      throw new PatchError(`${where}.fieldsType: must be "FieldsV1"`);
    let set: FieldSet;
    try {
      set = decodeFieldsV1(raw.fieldsV1 ?? {}, `${where}.fieldsV1`);
    } catch (e) {
      throw new PatchError((e as Error).message);
    }
    const m: Manager = {
      manager: typeof raw.manager === 'string' ? raw.manager : '',
      operation,
      apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '',
      time: typeof raw.time === 'string' ? raw.time : undefined,
      subresource: typeof raw.subresource === 'string' ? raw.subresource : '',
      set,
      raw: isJsonObject(raw.fieldsV1) ? raw.fieldsV1 : undefined,
    };
    const id = identity(m);
    const prev = out.get(id);
    if (prev === undefined) out.set(id, m);
    else {
      // Duplicate identities are merged into one entry, as kube-apiserver's decoder does.
      prev.set = prev.set.clone().addAll(m.set);
      prev.raw = undefined;
      if (m.time !== undefined && (prev.time === undefined || m.time > prev.time))
        prev.time = m.time;
    }
  });
  return out;
}

/** kube-apiserver keeps at most this many Update entries; older ones merge into per-version buckets. */
const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/**
 * kube-apiserver's capManagersManager: while there are more than ten Update entries, the oldest
 * ones are merged, per apiVersion, into an 'ancient-changes' entry carrying the newest time merged.
 */
function capUpdateManagers(managers: Map<string, Manager>): void {
  if (managers.size <= MAX_UPDATE_MANAGERS) return;
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  const seconds = (t: string | undefined): number =>
    t === undefined ? 0 : Math.floor(Date.parse(t) / 1000) || 0;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmp(ia, ib));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const [id, m] = updaters[i]!;
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    const bucketId = identity({
      manager: ANCIENT_CHANGES,
      operation: 'Update',
      apiVersion: m.apiVersion,
      subresource: '',
    });
    let bucket = managers.get(bucketId);
    if (bucket === undefined) {
      const firstEntry = managers.get(first)!;
      managers.delete(first);
      bucket = { ...firstEntry, manager: ANCIENT_CHANGES, subresource: '' };
      managers.set(bucketId, bucket);
    }
    bucket.set = m.set.clone().addAll(bucket.set);
    bucket.raw = undefined;
    bucket.time = m.time;
    managers.delete(id);
    length--;
  }
}

/** Encodes entries sorted as kube-apiserver does: operation, time, manager, apiVersion, subresource. */
function encodeManagedFields(managers: Map<string, Manager>): JsonObject[] {
  capUpdateManagers(managers);
  const list = [...managers.values()].filter((m) => !m.set.isEmpty());
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      cmp(p.time ?? '', q.time ?? '') ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
  return list.map((m) => {
    const e: JsonObject = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time !== undefined) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.raw ?? encodeFieldsV1(m.set);
    if (m.subresource !== '') e.subresource = m.subresource;
    return e;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The object without metadata.managedFields (shallow copies only where needed). */
function withoutManagedFields(obj: KubeObject): KubeObject {
  const meta = obj.metadata;
  if (!isJsonObject(meta) || !hasOwnKey(meta, 'managedFields')) return obj;
  const m = { ...meta };
  delete m.managedFields;
  return { ...obj, metadata: m };
}

function withManagedFields(obj: unknown, managers: Map<string, Manager>): KubeObject {
  const out: KubeObject = isJsonObject(obj) ? { ...obj } : {};
  const meta: JsonObject = isJsonObject(out.metadata) ? { ...out.metadata } : {};
  const encoded = encodeManagedFields(managers);
  if (encoded.length > 0) meta.managedFields = encoded;
  else delete meta.managedFields;
  out.metadata = meta;
  return out;
}

/** Other managers lose the fields the operation changed or removed; emptied entries go. */
function loseFields(
  managers: Map<string, Manager>,
  selfId: string,
  changed: FieldSet,
  removed: FieldSet,
): void {
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    if (!m.set.overlaps(changed) && !m.set.overlaps(removed)) continue;
    m.set = m.set.difference(changed).difference(removed);
    m.raw = undefined;
    if (m.set.isEmpty()) managers.delete(id);
  }
}

/** Server-side apply as kube-apiserver does it (structured-merge-diff semantics). */
export function serverSideApply(args: {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaNode | undefined;
  apiVersion: string;
  subresource?: string;
  now: string;
}): { object: KubeObject } {
  const { schema, manager } = args;
  if (!isJsonObject(args.applied))
    throw new PatchError('apply: the configuration must be an object');
  const subresource = args.subresource ?? '';
  resetItemKeys();
  const managers = decodeManagedFields(args.live);
  const appliedMeta = args.applied.metadata;
  if (
    isJsonObject(appliedMeta) &&
    appliedMeta.managedFields !== undefined &&
    appliedMeta.managedFields !== null
  )
    throw new PatchError('metadata.managedFields must be nil', 400);
  const live = args.live === undefined ? {} : withoutManagedFields(args.live);
  const config = withoutManagedFields(args.applied);

  let merged = merge(live, config, schema, new WalkPath());
  const newSet = new FieldSet();
  toFieldSet(config, schema, newSet, new WalkPath());
  newSet.stripMembers(STRIPPED);

  const selfId = identity({
    manager,
    operation: 'Apply',
    apiVersion: args.apiVersion,
    subresource,
  });
  const previous = managers.get(selfId);
  // the usual re-apply claims the same fields as last time: nothing to prune, document reusable
  const sameFields = previous !== undefined && previous.set.equals(newSet);
  if (previous !== undefined && !sameFields && !previous.set.isEmpty()) {
    // Fields this manager applied before and now omits go, unless someone else still owns them.
    const dropped = previous.set.difference(newSet);
    if (!dropped.isEmpty()) {
      const keep = newSet.clone();
      for (const [id, m] of managers) if (id !== selfId) keep.addAll(m.set);
      merged = removeItems(merged, dropped, keep, schema, new WalkPath());
    }
  }

  const diff = compare(live, merged, schema);
  const changed = diff.modified.clone().addAll(diff.added);
  // conflicts matter only without force (with it, loseFields below takes the fields over)
  const found: { entry: Manager; field: string; set: FieldSet }[] = [];
  if (!args.force) {
    for (const [id, m] of managers) {
      if (id === selfId) continue;
      const overlap = m.set.intersection(changed);
      if (overlap.isEmpty()) continue;
      for (const field of overlap.paths()) found.push({ entry: m, field, set: overlap });
    }
  }
  if (found.length > 0) {
    throw new ApplyConflictError(
      found.map((f) => ({
        entry: {
          manager: f.entry.manager,
          operation: f.entry.operation,
          apiVersion: f.entry.apiVersion,
          subresource: f.entry.subresource,
        },
        field: f.field,
      })),
    );
  }
  loseFields(managers, selfId, changed, diff.removed);
  const objectChanged =
    !diff.modified.isEmpty() || !diff.added.isEmpty() || !diff.removed.isEmpty();
  managers.set(selfId, {
    manager,
    operation: 'Apply',
    apiVersion: args.apiVersion,
    time: objectChanged || previous === undefined ? args.now : previous.time,
    subresource,
    set: newSet,
    raw: sameFields ? previous.raw : undefined,
  });
  if (newSet.isEmpty()) managers.delete(selfId);
  // a private copy of the object; the managedFields entries are new, their fieldsV1 documents
  // (frozen) may be shared with earlier versions of the object
  return { object: withManagedFields(jsonClone(merged), managers) };
}

/** Records field ownership for a non-apply write (create, update, patch): operation 'Update'. */
export function trackUpdate(args: {
  /** The object before the write; for a create, the kind's empty typed object (or undefined). */
  old: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  apiVersion: string;
  schema: SchemaNode | undefined;
  subresource?: string;
  now: string;
  /** Fields the write's strategy resets (e.g. `status` on the main resource): never owned. */
  resetFields?: readonly (readonly string[])[];
}): KubeObject {
  if (!isJsonObject(args.updated)) throw new PatchError('update: the object must be a JSON object');
  const subresource = args.subresource ?? '';
  resetItemKeys();
  const updMeta = args.updated.metadata;
  const sent = isJsonObject(updMeta) ? updMeta.managedFields : undefined;
  const newBody = withoutManagedFields(args.updated);
  // kube-apiserver: a list of one empty entry strips managedFields entirely (and this write is not
  // recorded); a non-empty list from the client replaces them, except on subresources; an absent or
  // empty list keeps the stored ones, so clients unaware of the field cannot drop it.
  if (
    subresource === '' &&
    Array.isArray(sent) &&
    sent.length > 0 &&
    sent.every((e) => isJsonObject(e) && Object.keys(e).length === 0)
  )
    return newBody;
  const clientSet = subresource === '' && Array.isArray(sent) && sent.length > 0;
  const managers = decodeManagedFields(clientSet ? args.updated : args.old);
  // kube-apiserver's skipNonAppliedManager: an existing object that nobody manages stays
  // unmanaged through updates (creates start tracking; an apply adopts it, see adoptUnmanaged)
  const oldMeta = args.old?.metadata;
  if (
    managers.size === 0 &&
    isJsonObject(oldMeta) &&
    typeof oldMeta.uid === 'string' &&
    oldMeta.uid !== ''
  )
    return newBody;
  const oldBody = args.old === undefined ? {} : withoutManagedFields(args.old);

  const diff = compare(oldBody, newBody, args.schema);
  const changed = diff.modified.clone().addAll(diff.added);
  changed.stripMembers(STRIPPED);
  if (args.resetFields !== undefined) changed.removeSubtrees(args.resetFields);
  const selfId = identity({
    manager: args.manager,
    operation: 'Update',
    apiVersion: args.apiVersion,
    subresource,
  });
  loseFields(managers, selfId, changed, diff.removed);
  const previous = managers.get(selfId);
  const gained = changed.difference(diff.removed);
  const untouched =
    gained.isEmpty() && (previous === undefined || !previous.set.overlaps(diff.removed));
  if (!untouched) {
    const set = (previous?.set.difference(diff.removed) ?? new FieldSet()).addAll(gained);
    set.prune();
    // the scale handler converts its entries back to the parent without a time
    const time = subresource === 'scale' ? undefined : gained.isEmpty() ? previous?.time : args.now;
    if (set.isEmpty()) managers.delete(selfId);
    else
      managers.set(selfId, {
        manager: args.manager,
        operation: 'Update',
        apiVersion: args.apiVersion,
        time,
        subresource,
        set,
        raw: undefined,
      });
  }
  return withManagedFields(newBody, managers);
}
