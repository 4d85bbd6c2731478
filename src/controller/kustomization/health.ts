// Kustomization sub-reconcilers: the health checks (spec.wait or spec.healthChecks, up to
// spec.timeout), then Ready with the applied revision and an Event listing what changed.
import type { ObjectRef } from '../../kube/index.js';
import { ConditionType, Reason, errorMessage, formatDuration } from '../../core/index.js';
import { asReasoned } from './reasons.js';
import type { Kustomization } from './types.js';
import { cacheKey, timeoutOf, type KustomizationContext, type KustomizationWork } from './work.js';

/** Waits for the objects to be healthy; the Healthy condition says how it went. */
export async function reconcileHealth(
  ctx: KustomizationContext,
  work: KustomizationWork,
): Promise<void> {
  const toCheck = healthRefs(ctx.obj, work.objects ?? []);
  if (toCheck.length === 0 || !work.manager) {
    ctx.conditions.delete(ConditionType.Healthy);
    return;
  }
  ctx.conditions.markTrue(
    ConditionType.Reconciling,
    Reason.Progressing,
    `Checking health of ${toCheck.length} resources`,
  );
  await ctx.patch();
  const started = Date.now();
  try {
    // Parked: the worker applies other Kustomizations while these objects become ready.
    await ctx.park(
      work.manager.wait(toCheck, {
        timeout: timeoutOf(ctx),
        interval: ctx.deps.healthPollMs ?? 1000,
      }),
    );
  } catch (err) {
    ctx.conditions.markFalse(ConditionType.Healthy, Reason.HealthCheckFailed, errorMessage(err));
    throw asReasoned(err, Reason.HealthCheckFailed);
  }
  ctx.conditions.markTrue(
    ConditionType.Healthy,
    Reason.Succeeded,
    `Health check passed in ${formatDuration(Math.round((Date.now() - started) / 1000) * 1000)}`,
  );
}

/** Ready=True with the applied revision; the build is cached for the next reconcile. */
export function reconcileReady(ctx: KustomizationContext, work: KustomizationWork): Promise<void> {
  const ks = ctx.obj;
  const revision = work.artifact?.revision ?? '';
  if (work.buildKey && work.rendered)
    ctx.deps.cache.setBuild(cacheKey(ks), work.buildKey, work.rendered);
  ctx.status.lastAppliedRevision = revision;
  ctx.conditions.markTrue(
    ConditionType.Ready,
    Reason.ReconciliationSucceeded,
    `Applied revision: ${revision}`,
  );
  const changed = (work.changeSet?.entries ?? []).filter(
    (e) => e.action !== 'unchanged' && e.action !== 'skipped',
  );
  if (changed.length > 0) {
    ctx.event({
      type: 'Normal',
      reason: Reason.ReconciliationSucceeded,
      message: changed.map((e) => `${e.subject} ${e.action}`).join('\n'),
    });
  }
  ctx.log.info({ revision, changed: changed.length }, 'reconciled');
  return Promise.resolve();
}

/** The objects to health-check: all applied ones with spec.wait, else spec.healthChecks. */
function healthRefs(
  ks: Kustomization,
  objects: readonly {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string };
  }[],
): ObjectRef[] {
  if (ks.spec.wait) {
    return objects.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name ?? '',
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    }));
  }
  return (ks.spec.healthChecks ?? []).map((h) => ({
    apiVersion: h.apiVersion ?? 'v1',
    kind: h.kind,
    name: h.name,
    ...(h.namespace ? { namespace: h.namespace } : {}),
  }));
}
