// Apply: stage, dry-run everything, compare with live objects, then write only what drifted.
import { FlotillaError } from '../core/index.js';
import {
  formatObject,
  gvkOf,
  isNotFound,
  NoKindMatchError,
  PatchType,
  parseApiVersion,
  type KubeObject,
} from '../kube/index.js';
import { Action, ChangeSet, type ChangeSetEntry } from './changeset.js';
import { settleLimit, mapLimit } from './concurrency.js';
import type { ManagerContext } from './context.js';
import { cleanupPatch, type JsonPatchOp } from './cleanup.js';
import { hasDrifted } from './drift.js';
import { desiredHash } from './verified-cache.js';
import {
  DryRunError,
  describeApiError,
  dryRunFailure,
  isImmutableError,
  type DryRunFailure,
} from './errors.js';
import { isSecret } from './mask.js';
import { formatSubject, objMetadataOf, formatObjectId } from './object-id.js';
import { anyInMetadata, type ApplyOptions } from './options.js';
import { normalizeObject } from './normalize.js';
import { sortObjects } from './sort.js';
import { waitForCrdsEstablished } from './wait.js';

/** What apply decided for one object after its dry-run. */
interface Plan {
  readonly obj: KubeObject;
  readonly live: KubeObject | undefined;
  readonly action: Action;
  /** Delete and create again: an immutable field changed and force allows it. */
  readonly recreate: boolean;
  /** JSON patch cleaning the live object before apply (taken-over managers, stale marks). */
  readonly cleanup?: readonly JsonPatchOp[];
}

/** Which apply stage an object belongs to: cluster definitions, classes, then the rest. */
export function stageOf(obj: { readonly apiVersion: string; readonly kind: string }): 0 | 1 | 2 {
  const { group } = parseApiVersion(obj.apiVersion);
  if (obj.kind === 'CustomResourceDefinition' && group === 'apiextensions.k8s.io') return 0;
  if (obj.kind === 'Namespace' && group === '') return 0;
  if (obj.kind === 'ClusterRole' && group === 'rbac.authorization.k8s.io') return 0;
  if (obj.kind.endsWith('Class')) return 1;
  return 2;
}

function entryFor(obj: KubeObject, action: Action): ChangeSetEntry {
  const m = objMetadataOf(obj);
  return { objMetadata: m, groupVersion: obj.apiVersion, subject: formatSubject(m), action };
}

/**
 * Normalises objects, adds owner labels, fills in or strips namespaces as discovery says,
 * and rejects duplicates. Kinds not served yet but defined by a CRD in the same set are kept
 * for later; any other unknown kind is a dry-run failure.
 */
async function prepare(
  ctx: ManagerContext,
  objects: readonly unknown[],
): Promise<{ prepared: KubeObject[]; failures: DryRunFailure[]; pendingKinds: Set<string> }> {
  const normalized = objects.map((o) => normalizeObject(o));
  const crdKinds = new Set<string>();
  for (const o of normalized) {
    if (o.kind === 'CustomResourceDefinition') {
      const spec = o['spec'] as { group?: string; names?: { kind?: string } } | undefined;
      if (spec?.group && spec.names?.kind) crdKinds.add(`${spec.group}/${spec.names.kind}`);
    }
  }
  const failures: DryRunFailure[] = [];
  const pendingKinds = new Set<string>();
  const resolved = await mapLimit(normalized, 64, async (obj) => {
    const gvk = gvkOf(obj);
    const resource = await ctx.client.discovery.tryResourceFor(gvk);
    if (!resource) {
      if (crdKinds.has(`${gvk.group}/${gvk.kind}`)) {
        pendingKinds.add(`${obj.apiVersion}/${obj.kind}`);
        return obj;
      }
      failures.push(dryRunFailure(obj, new NoKindMatchError(gvk), 'apiVersion'));
      return undefined;
    }
    if (resource.namespaced) obj.metadata.namespace ||= ctx.client.defaultNamespace;
    else delete obj.metadata.namespace;
    return obj;
  });
  const prepared: KubeObject[] = [];
  const seen = new Map<string, string>();
  for (const obj of resolved) {
    if (!obj) continue;
    const id = formatObjectId(objMetadataOf(obj));
    if (seen.has(id)) {
      throw new FlotillaError(`${formatObject(obj)} is defined more than once`, {
        reason: 'DuplicateObject',
        object: formatObject(obj),
      });
    }
    seen.set(id, id);
    if (Object.keys(ctx.ownerLabels).length > 0) {
      obj.metadata.labels = { ...obj.metadata.labels, ...ctx.ownerLabels };
    }
    prepared.push(obj);
  }
  return { prepared, failures, pendingKinds };
}

/** Objects of one kind in one namespace from which a list beats single gets. */
const LIST_THRESHOLD = 8;

/** The live objects, and the objects that could not be read (e.g. RBAC forbids the get). */
interface LiveObjects {
  readonly live: Map<KubeObject, KubeObject | undefined>;
  readonly errors: Map<KubeObject, unknown>;
}

/**
 * Reads the live objects: one list per kind and namespace where many objects share them,
 * single gets otherwise. A no-op reconcile of thousands of objects then costs a handful of
 * lists plus the dry-runs. A read that fails is recorded against its objects, not thrown.
 */
async function fetchLive(
  ctx: ManagerContext,
  objects: readonly KubeObject[],
  concurrency: number,
): Promise<LiveObjects> {
  const groups = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const key = `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  }
  const out = new Map<KubeObject, KubeObject | undefined>();
  const errors = new Map<KubeObject, unknown>();
  const singles: KubeObject[] = [];
  const lists: KubeObject[][] = [];
  for (const g of groups.values()) {
    if (g.length >= LIST_THRESHOLD) lists.push(g);
    else singles.push(...g);
  }
  await mapLimit(lists, concurrency, async (g) => {
    const first = g[0] as KubeObject;
    const ns = first.metadata.namespace;
    try {
      const list = await ctx.client.list(
        { apiVersion: first.apiVersion, kind: first.kind },
        ns ? { namespace: ns } : {},
      );
      const byName = new Map(list.items.map((i) => [i.metadata.name, i]));
      for (const o of g) out.set(o, byName.get(o.metadata.name));
    } catch (err) {
      for (const o of g) errors.set(o, err);
    }
  });
  await mapLimit(singles, concurrency, async (o) => {
    const ref = {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name ?? '',
      namespace: o.metadata.namespace,
    };
    try {
      out.set(o, await ctx.client.getOrUndefined(ref));
    } catch (err) {
      errors.set(o, err);
    }
  });
  return { live: out, errors };
}

/** Dry-runs the desired object and compares it with the live one; decides the action. */
async function plan(
  ctx: ManagerContext,
  obj: KubeObject,
  live: KubeObject | undefined,
  opts: ApplyOptions,
): Promise<Plan> {
  const skip = (): Plan => ({ obj, live, action: Action.Skipped, recreate: false });
  if (
    anyInMetadata(obj.metadata, opts.exclusionSelector) ||
    anyInMetadata(live?.metadata, opts.exclusionSelector)
  ) {
    return skip();
  }
  if (
    anyInMetadata(obj.metadata, opts.ignoreSelector) ||
    anyInMetadata(live?.metadata, opts.ignoreSelector)
  ) {
    return skip();
  }
  if (live && anyInMetadata(obj.metadata, opts.ifNotPresentSelector)) return skip();
  const hash = ctx.verified ? desiredHash(obj) : '';
  if (ctx.verified?.isVerified(obj, live, hash)) {
    return { obj, live, action: Action.Unchanged, recreate: false };
  }
  let dryRun: KubeObject;
  try {
    dryRun = await ctx.client.apply(obj, {
      dryRun: true,
      force: opts.forceConflicts,
      fieldManager: ctx.fieldManager,
      ...(opts.fieldValidation ? { fieldValidation: opts.fieldValidation } : {}),
    });
  } catch (err) {
    const forced =
      opts.force ||
      anyInMetadata(obj.metadata, opts.forceSelector) ||
      anyInMetadata(live?.metadata, opts.forceSelector);
    if (live && isImmutableError(err)) {
      if (forced) return { obj, live, action: Action.Created, recreate: true };
      const d = describeApiError(err, obj);
      throw new FlotillaError(
        `${formatObject(obj)}: ${d.message}; an immutable field changed: set force (spec.force or the annotation kustomize.toolkit.fluxcd.io/force: enabled) to recreate the object`,
        {
          reason: 'ImmutableFieldChanged',
          object: formatObject(obj),
          ...(d.field ? { field: d.field } : {}),
          ...(isSecret(obj) ? {} : { cause: err }),
        },
      );
    }
    throw err;
  }
  const cleanup = live ? cleanupPatch(obj, live, ctx.fieldManager, opts.cleanup) : [];
  if (!hasDrifted(live, dryRun) && cleanup.length === 0) {
    ctx.verified?.remember(obj, live?.metadata.resourceVersion, hash);
    return { obj, live, action: Action.Unchanged, recreate: false };
  }
  return { obj, live, action: live ? Action.Configured : Action.Created, recreate: false, cleanup };
}

/** Deletes the live object and waits until it is gone, then it can be created again. */
async function deleteForRecreate(ctx: ManagerContext, p: Plan, opts: ApplyOptions): Promise<void> {
  const ref = {
    apiVersion: p.obj.apiVersion,
    kind: p.obj.kind,
    name: p.obj.metadata.name ?? '',
    namespace: p.obj.metadata.namespace,
  };
  try {
    await ctx.client.delete(ref, {
      propagationPolicy: 'Background',
      ...(p.live?.metadata.uid ? { uid: p.live.metadata.uid } : {}),
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const deadline = Date.now() + opts.waitTimeout;
  for (;;) {
    const cur = await ctx.client.getOrUndefined(ref);
    if (!cur || cur.metadata.uid !== p.live?.metadata.uid) return;
    if (Date.now() > deadline) {
      throw new FlotillaError(
        `${formatObject(p.obj)}: immutable field changed and the old object was not deleted in time`,
        {
          reason: 'RecreateTimeout',
          category: 'Transient',
          object: formatObject(p.obj),
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Dry-runs a batch; collects failures instead of stopping at the first. With `deferToNamespaces`,
 * objects in a Namespace of the batch that does not exist yet are deferred without a dry-run,
 * which could only fail (NotFound): they are dry-run once the Namespace is written.
 */
async function planAll(
  ctx: ManagerContext,
  batch: readonly KubeObject[],
  opts: ApplyOptions,
  deferrable: (obj: KubeObject, err: unknown) => boolean,
  deferToNamespaces = false,
): Promise<{ plans: Plan[]; deferred: KubeObject[]; failures: DryRunFailure[] }> {
  const { live, errors } = await fetchLive(ctx, batch, opts.concurrency);
  const absent = new Set<string | undefined>();
  if (deferToNamespaces) {
    for (const o of batch) {
      if (o.kind === 'Namespace' && o.apiVersion === 'v1' && live.has(o) && !live.get(o)) {
        absent.add(o.metadata.name);
      }
    }
  }
  const deferred = batch.filter((o) => absent.has(o.metadata.namespace));
  const objects =
    absent.size === 0 ? batch : batch.filter((o) => !absent.has(o.metadata.namespace));
  const results = await settleLimit(objects, opts.concurrency, async (o) => {
    // As Flux's ssa manager: the dry-run's answer names what is wrong (a read forbidden by RBAC
    // is usually a write forbidden too); when it passes, the failed read still stops the object.
    const p = await plan(ctx, o, live.get(o), opts);
    if (errors.has(o)) throw errors.get(o);
    return p;
  });
  const plans: Plan[] = [];
  const failures: DryRunFailure[] = [];
  results.forEach((r, i) => {
    const obj = objects[i] as KubeObject;
    if (r.ok) plans.push(r.value);
    else if (deferrable(obj, r.error)) deferred.push(obj);
    else failures.push(dryRunFailure(obj, r.error));
  });
  return { plans, deferred, failures };
}

/** Writes the plans that need it; returns their changeset entries in input order. */
async function execute(
  ctx: ManagerContext,
  plans: readonly Plan[],
  opts: ApplyOptions,
): Promise<ChangeSetEntry[]> {
  await mapLimit(plans, opts.concurrency, async (p) => {
    if (p.action !== Action.Created && p.action !== Action.Configured) return;
    if (p.recreate) await deleteForRecreate(ctx, p, opts);
    else if (p.cleanup && p.cleanup.length > 0) {
      const ref = {
        apiVersion: p.obj.apiVersion,
        kind: p.obj.kind,
        name: p.obj.metadata.name ?? '',
        namespace: p.obj.metadata.namespace,
      };
      await ctx.client.patch(ref, PatchType.Json, p.cleanup);
    }
    ctx.verified?.forget(p.obj);
    const applied = await ctx.client.apply(p.obj, {
      force: opts.forceConflicts,
      fieldManager: ctx.fieldManager,
      ...(opts.fieldValidation ? { fieldValidation: opts.fieldValidation } : {}),
    });
    ctx.verified?.remember(p.obj, applied.metadata.resourceVersion);
  });
  return plans.map((p) => entryFor(p.obj, p.action));
}

/**
 * Applies objects in stages (CRDs, Namespaces and ClusterRoles; `*Class` kinds; the rest),
 * each sorted by kind. Every object that can be dry-run before the first write is; objects
 * that need an earlier stage (a namespace or CRD created here) are dry-run before their
 * stage writes. Any dry-run failure throws DryRunError and nothing more is written.
 */
export async function applyAllStaged(
  ctx: ManagerContext,
  objects: readonly unknown[],
  opts: ApplyOptions,
): Promise<ChangeSet> {
  const { prepared, failures: prepFailures, pendingKinds } = await prepare(ctx, objects);
  const stages: KubeObject[][] = [[], [], []];
  for (const obj of sortObjects(prepared)) stages[stageOf(obj)]?.push(obj);
  const newNamespaces = new Set(
    (stages[0] ?? []).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name),
  );
  const deferrable = (obj: KubeObject, err: unknown): boolean =>
    pendingKinds.has(`${obj.apiVersion}/${obj.kind}`) ||
    (isNotFound(err) &&
      obj.metadata.namespace !== undefined &&
      newNamespaces.has(obj.metadata.namespace));

  const ready = prepared.filter((o) => !pendingKinds.has(`${o.apiVersion}/${o.kind}`));
  const first = await planAll(ctx, ready, opts, deferrable, true);
  const failures = [...prepFailures, ...first.failures];
  if (failures.length > 0) throw new DryRunError(failures);

  const planned = new Map<KubeObject, Plan>(first.plans.map((p) => [p.obj, p]));
  const changeSet = new ChangeSet();
  for (const [i, stage] of stages.entries()) {
    if (stage.length === 0) continue;
    const late = stage.filter((o) => !planned.has(o));
    if (late.length > 0) {
      if (i > 0) ctx.client.discovery.invalidate();
      const second = await planAll(ctx, late, opts, () => false);
      if (second.failures.length > 0) throw new DryRunError(second.failures);
      for (const p of second.plans) planned.set(p.obj, p);
    }
    const plans = stage.map((o) => planned.get(o)).filter((p): p is Plan => p !== undefined);
    changeSet.append(await execute(ctx, plans, opts));
    if (i === 0) {
      const crds = stage.filter((o) => o.kind === 'CustomResourceDefinition');
      if (crds.length > 0) {
        await waitForCrdsEstablished(ctx, crds, {
          interval: Math.min(opts.waitInterval, 500),
          timeout: opts.waitTimeout,
        });
        ctx.client.discovery.invalidate();
      }
    }
  }
  return changeSet;
}

/** Applies one object (dry-run, drift check, apply); returns its entry. */
export async function applyOne(
  ctx: ManagerContext,
  object: unknown,
  opts: ApplyOptions,
): Promise<ChangeSetEntry> {
  const cs = await applyAllStaged(ctx, [object], opts);
  const entry = cs.entries[0];
  if (!entry) throw new FlotillaError('apply produced no result', { reason: 'ApplyFailed' });
  return entry;
}
