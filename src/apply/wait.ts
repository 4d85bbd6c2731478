// Wait: poll objects until all are healthy, stopping early once one has failed.
import { FlotillaError } from '../core/index.js';
import { formatObject, type KubeObject, type ObjectRef } from '../kube/index.js';
import { mapLimit } from './concurrency.js';
import type { ManagerContext } from './context.js';
import { HealthStatus, assessHealth, type HealthResult } from './health/index.js';
import type { WaitOptions } from './options.js';

export interface ObjectHealth {
  readonly subject: string;
  readonly ref: ObjectRef;
  readonly health: HealthResult;
}

const done = (s: HealthResult['status']): boolean =>
  s === HealthStatus.Healthy || s === HealthStatus.Suspended;

/** Reads each object once and assesses it. */
export async function checkHealth(
  ctx: ManagerContext,
  refs: readonly ObjectRef[],
  concurrency = 16,
): Promise<ObjectHealth[]> {
  return mapLimit(refs, concurrency, async (ref) => {
    const live = await ctx.client.getOrUndefined(ref);
    return { subject: formatObject(ref), ref, health: assessHealth(live) };
  });
}

function describe(list: readonly ObjectHealth[]): string {
  return list
    .map(
      (o) =>
        `${o.subject} status: '${o.health.status}'${o.health.message ? `: ${o.health.message}` : ''}`,
    )
    .join('; ');
}

/**
 * Polls every `interval` until all objects are Healthy (or Suspended). Throws a
 * HealthCheckFailed error as soon as one is Degraded (with failFast), or when `timeout`
 * passes, naming every object that is not ready and why.
 */
export async function waitForSet(
  ctx: ManagerContext,
  refs: readonly ObjectRef[],
  opts: WaitOptions,
): Promise<ObjectHealth[]> {
  const deadline = Date.now() + opts.timeout;
  // An object found healthy is not read again: each poll reads only those still pending.
  const healthy = new Map<ObjectRef, ObjectHealth>();
  for (;;) {
    const checked = await checkHealth(
      ctx,
      refs.filter((r) => !healthy.has(r)),
      opts.concurrency,
    );
    for (const r of checked) if (done(r.health.status)) healthy.set(r.ref, r);
    const pending = checked.filter((r) => !done(r.health.status));
    if (pending.length === 0) return refs.map((r) => healthy.get(r) as ObjectHealth);
    const failed = pending.filter((r) => r.health.status === HealthStatus.Degraded);
    if (opts.failFast && failed.length > 0) {
      throw new FlotillaError(`health check failed: ${describe(failed)}`, {
        reason: 'HealthCheckFailed',
        category: 'RetryLater',
        object: failed[0]?.subject ?? '',
      });
    }
    if (Date.now() + opts.interval > deadline) {
      throw new FlotillaError(`timeout waiting for: [${describe(pending)}]`, {
        reason: 'HealthCheckFailed',
        category: 'RetryLater',
        object: pending[0]?.subject ?? '',
      });
    }
    await new Promise((r) => setTimeout(r, opts.interval));
  }
}

/** Waits until CRDs are Established, so their kinds can be served. */
export async function waitForCrdsEstablished(
  ctx: ManagerContext,
  crds: readonly KubeObject[],
  opts: { readonly interval: number; readonly timeout: number },
): Promise<void> {
  const refs = crds.map((c) => ({
    apiVersion: c.apiVersion,
    kind: c.kind,
    name: c.metadata.name ?? '',
  }));
  await waitForSet(ctx, refs, {
    interval: opts.interval,
    timeout: opts.timeout,
    failFast: true,
    concurrency: 16,
  });
}
