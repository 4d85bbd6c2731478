// HelmRelease sub-reconciler: brings the Helm release to the desired chart and values as Flux's
// helm-controller does — install, upgrade (pruning what left the chart), an in-sync release left
// alone (or its drift corrected), a release left pending by a crash unlocked first, failures
// remediated (uninstall after a failed install, rollback after a failed upgrade) within
// remediation.retries, then the tests — storing every version as Helm's Secrets.
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { ResourceManager, kustomizationOwnerLabels } from '../../apply/index.js';
import { errorMessage } from '../../core/index.js';
import type { KubeClient } from '../../kube/index.js';
import { mergeValueOptions, renderRelease, type CrdFile } from '../../render/index.js';
import { failure, failedCondition, stalling } from '../runtime/reconcile-error.js';
import { ReleaseCondition as RC, ReleaseReason } from './conditions.js';
import { runHooks } from './hooks.js';
import { manifestObjects, refKey, refsOf } from './objects.js';
import {
  chartField,
  helmTime,
  releaseChart,
  type Release,
  type ReleaseHook,
} from './release-record.js';
import { ReleaseStorage } from './storage.js';
import { sortedJson } from './values.js';
import {
  releaseNameOf,
  releaseNamespaceOf,
  storageNamespaceOf,
  type HelmRelease,
  type Snapshot,
} from './types.js';
import type { HelmReleaseContext, HelmReleaseDeps, HelmReleaseWork } from './work.js';

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export async function reconcileRelease(
  ctx: HelmReleaseContext,
  work: HelmReleaseWork,
): Promise<void> {
  const hr = ctx.obj;
  const name = releaseNameOf(hr);
  const target = ctx.deps.targetClient ? await ctx.deps.targetClient(hr) : ctx.deps.client;
  const storage = new ReleaseStorage(target, storageNamespaceOf(hr), () => new Date());
  const manager = managerFor(ctx, target);
  ctx.status.storageNamespace = storage.namespace;
  const history = await storage.history(name).catch((err: unknown) => {
    throw failure(
      ReleaseReason.GetLastReleaseFailed,
      `failed to get last release revision: ${errorMessage(err)}`,
      err,
    );
  });
  let last = history.at(-1);
  if (last?.info.status.startsWith('pending-')) {
    // A release left pending (a crash, a lost lock): unlock it, as helm-controller does.
    last.info.description = `Release unlocked from stale '${last.info.status}' state`;
    last.info.status = 'failed';
    ctx.fence();
    await storage.update(last);
  }
  const chart = work.chart;
  if (!chart || !work.files || work.configDigest === undefined) return;
  const st = ctx.status;
  const sameTarget =
    hr.status?.lastAttemptedGeneration === hr.metadata.generation &&
    hr.status?.lastAttemptedRevision === work.chartRevision &&
    hr.status?.lastAttemptedConfigDigest === work.configDigest;
  if (!sameTarget) {
    st.failures = 0;
    st.installFailures = 0;
    st.upgradeFailures = 0;
    ctx.conditions.delete(RC.Remediated);
  }
  st.lastAttemptedGeneration = hr.metadata.generation;
  st.lastAttemptedConfigDigest = work.configDigest;
  const inSync =
    last?.info.status === 'deployed' &&
    last.chart.metadata['name'] === chart.name() &&
    last.chart.metadata['version'] === chart.metadata.version &&
    `sha256:${createHash('sha256')
      .update(sortedJson(last.config ?? {}))
      .digest('hex')}` === work.configDigest;
  if (inSync && last) {
    await correctDrift(ctx, manager, last);
    st.history = snapshots(history);
    if (!ctx.conditions.has(RC.Released))
      markReleased(ctx, last, last.version === 1 ? 'install' : 'upgrade');
    return;
  }
  const retriesExhausted = (action: 'install' | 'upgrade', count: number): boolean => {
    const retries =
      (action === 'install' ? hr.spec.install : hr.spec.upgrade)?.remediation?.retries ?? 0;
    return sameTarget && count > Math.max(retries, 0) && last?.info.status === 'failed';
  };
  const deployed = history
    .filter((r) => r.info.status === 'deployed' || r.info.status === 'superseded')
    .at(-1);
  const action: 'install' | 'upgrade' =
    !last || last.info.status === 'uninstalled' || !deployed ? 'install' : 'upgrade';
  const count = action === 'install' ? (st.installFailures ?? 0) : (st.upgradeFailures ?? 0);
  if (retriesExhausted(action, count)) {
    throw stalling(
      action === 'install' ? ReleaseReason.InstallFailed : ReleaseReason.UpgradeFailed,
      `Failed to ${action} after ${count} attempt(s)`,
    );
  }
  st.lastAttemptedReleaseAction = action;
  if (action === 'install' && last && last.info.status === 'failed' && !deployed) {
    // A failed install is uninstalled before the next attempt (install remediation).
    await uninstallRelease(ctx, storage, manager, last, false);
    last = undefined;
  }
  const version = (history.at(-1)?.version ?? 0) + 1;
  const rls = await deploy(ctx, work, storage, manager, {
    name,
    version,
    action,
    previous: action === 'upgrade' ? deployed : undefined,
  }).catch(async (err: unknown) => {
    await remediate(ctx, storage, manager, action, deployed, err);
    throw err;
  });
  ctx.conditions.delete(RC.Remediated);
  markReleased(ctx, rls, action);
  ctx.event({
    type: 'Normal',
    reason: action === 'install' ? ReleaseReason.InstallSucceeded : ReleaseReason.UpgradeSucceeded,
    message: releasedMessage(rls, action),
  });
  await storage.prune(name, hr.spec.maxHistory ?? 5);
  await runTests(ctx, storage, manager, rls);
  st.history = snapshots(await storage.history(name));
}

interface Plan {
  readonly name: string;
  readonly version: number;
  readonly action: 'install' | 'upgrade';
  readonly previous: Release | undefined;
}

async function deploy(
  ctx: HelmReleaseContext,
  work: HelmReleaseWork,
  storage: ReleaseStorage,
  manager: ResourceManager,
  plan: Plan,
): Promise<Release> {
  const hr = ctx.obj;
  const namespace = releaseNamespaceOf(hr);
  const chart = work.chart;
  if (!chart || !work.files) throw new Error('no chart');
  const values = work.values ?? {};
  const settings = plan.action === 'install' ? hr.spec.install : hr.spec.upgrade;
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let rendered;
  try {
    rendered = renderRelease(chart, {
      releaseName: plan.name,
      namespace,
      values: mergeValueOptions({
        valueFiles: ['values.json'],
        readFile: () => Buffer.from(JSON.stringify(values)),
      }),
      revision: plan.version,
      isUpgrade: plan.action === 'upgrade',
    });
  } catch (err) {
    throw failedCondition(
      ctx.conditions,
      RC.Released,
      failure(
        plan.action === 'install' ? ReleaseReason.InstallFailed : ReleaseReason.UpgradeFailed,
        `Helm ${plan.action} failed for release ${namespace}/${plan.name} with chart ${chart.name()}@${chart.metadata.version}: ${errorMessage(err)}`,
        err,
      ),
      'False',
    );
  }
  const now = helmTime(new Date());
  const rls: Release = {
    name: plan.name,
    info: {
      first_deployed: plan.previous?.info.first_deployed ?? now,
      last_deployed: now,
      deleted: '',
      description: plan.action === 'install' ? 'Initial install underway' : 'Preparing upgrade',
      status: plan.action === 'install' ? 'pending-install' : 'pending-upgrade',
      ...(rendered.notes ? { notes: rendered.notes } : {}),
    },
    chart: releaseChart(work.files),
    config: values,
    manifest: rendered.manifest,
    hooks: rendered.hooks.map((h): ReleaseHook => ({
      name: h.name,
      kind: h.kind,
      path: h.path,
      manifest: h.manifest,
      events: [...h.events],
      last_run: { started_at: '', completed_at: '', phase: '' },
      weight: h.weight,
      delete_policies: hookDeletePolicies(h.manifest),
    })),
    version: plan.version,
    namespace,
  };
  ctx.progressing(
    `Running '${plan.action}' action with timeout of ${Math.round(timeoutMs / 1000)}s`,
  );
  await ctx.patch();
  ctx.fence();
  await storage.create(rls);
  try {
    if (plan.action === 'install' && hr.spec.install?.createNamespace)
      await ensureNamespace(manager.client, namespace);
    await applyCrds(
      manager,
      rendered.crds,
      settings?.crds ?? (plan.action === 'install' ? 'Create' : 'Skip'),
    );
    const hooksOn = !(settings?.disableHooks ?? false);
    if (hooksOn) await runHooks(rls, `pre-${plan.action}`, manager, timeoutMs, () => new Date());
    const objects = await manifestObjects(rls.manifest, manager.client, rls);
    ctx.fence();
    await manager.applyAll(objects, {
      force: plan.action === 'upgrade' && (hr.spec.upgrade?.force ?? false),
    });
    if (plan.previous) await pruneRemoved(manager, plan.previous, objects);
    if (!(settings?.disableWait ?? false))
      await manager.wait(refsOf(objects), { timeout: timeoutMs });
    if (hooksOn) await runHooks(rls, `post-${plan.action}`, manager, timeoutMs, () => new Date());
  } catch (err) {
    rls.info.status = 'failed';
    rls.info.description = `${plan.action === 'install' ? 'Release' : 'Upgrade'} "${plan.name}" failed: ${errorMessage(err)}`;
    await storage.update(rls);
    const st = ctx.status;
    st.failures = (st.failures ?? 0) + 1;
    if (plan.action === 'install') st.installFailures = (st.installFailures ?? 0) + 1;
    else st.upgradeFailures = (st.upgradeFailures ?? 0) + 1;
    throw failedCondition(
      ctx.conditions,
      RC.Released,
      failure(
        plan.action === 'install' ? ReleaseReason.InstallFailed : ReleaseReason.UpgradeFailed,
        `Helm ${plan.action} failed for release ${namespace}/${plan.name} with chart ${chart.name()}@${chart.metadata.version}: ${errorMessage(err)}`,
        err,
      ),
      'False',
    );
  }
  if (plan.previous) {
    plan.previous.info.status = 'superseded';
    await storage.update(plan.previous);
  }
  rls.info.status = 'deployed';
  rls.info.description = plan.action === 'install' ? 'Install complete' : 'Upgrade complete';
  await storage.update(rls);
  return rls;
}

/** After a failed action: uninstall (install) or roll back (upgrade) while retries remain. */
async function remediate(
  ctx: HelmReleaseContext,
  storage: ReleaseStorage,
  manager: ResourceManager,
  action: 'install' | 'upgrade',
  deployed: Release | undefined,
  err: unknown,
): Promise<void> {
  const hr = ctx.obj;
  const remediation = (action === 'install' ? hr.spec.install : hr.spec.upgrade)?.remediation;
  const retries = remediation?.retries ?? 0;
  const failures =
    (action === 'install' ? ctx.status.installFailures : ctx.status.upgradeFailures) ?? 0;
  if (retries === 0 && !(remediation?.remediateLastFailure ?? false)) return;
  if (failures > retries && !(remediation?.remediateLastFailure ?? false)) return;
  const name = releaseNameOf(hr);
  const latest = (await storage.history(name)).at(-1);
  if (!latest) return;
  ctx.log.info({ err: errorMessage(err) }, `remediating failed ${action}`);
  if (action === 'install' || remediation?.strategy === 'uninstall' || !deployed) {
    await uninstallRelease(ctx, storage, manager, latest, false);
    ctx.conditions.markTrue(
      RC.Remediated,
      ReleaseReason.UninstallSucceeded,
      `Helm uninstall succeeded for release ${releaseNamespaceOf(hr)}/${name}.v${latest.version} with chart ${chartField(latest.chart, 'name')}@${chartField(latest.chart, 'version')}`,
    );
    return;
  }
  await rollback(ctx, storage, manager, deployed, latest);
}

async function rollback(
  ctx: HelmReleaseContext,
  storage: ReleaseStorage,
  manager: ResourceManager,
  to: Release,
  current: Release,
): Promise<void> {
  const version = current.version + 1;
  const now = helmTime(new Date());
  const rls: Release = {
    ...structuredClone(to),
    version,
    info: {
      ...to.info,
      first_deployed: to.info.first_deployed,
      last_deployed: now,
      deleted: '',
      status: 'pending-rollback',
      description: `Rollback to ${to.version}`,
    },
  };
  ctx.fence();
  await storage.create(rls);
  const objects = await manifestObjects(rls.manifest, manager.client, rls);
  try {
    await manager.applyAll(objects, {});
    await pruneRemoved(manager, current, objects);
    if (!(ctx.obj.spec.rollback?.disableWait ?? false))
      await manager.wait(refsOf(objects), { timeout: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  } catch (err) {
    rls.info.status = 'failed';
    rls.info.description = `Rollback "${rls.name}" failed: ${errorMessage(err)}`;
    await storage.update(rls);
    ctx.conditions.markFalse(
      RC.Remediated,
      ReleaseReason.RollbackFailed,
      `Helm rollback to previous release ${rls.namespace}/${rls.name}.v${to.version} failed: ${errorMessage(err)}`,
    );
    return;
  }
  if (current.info.status !== 'failed') current.info.status = 'superseded';
  await storage.update(current);
  rls.info.status = 'deployed';
  await storage.update(rls);
  ctx.conditions.markTrue(
    RC.Remediated,
    ReleaseReason.RollbackSucceeded,
    `Helm rollback to previous release ${rls.namespace}/${rls.name}.v${to.version} with chart ${chartField(to.chart, 'name')}@${chartField(to.chart, 'version')} succeeded`,
  );
}

/** Runs the pre/post-delete hooks and deletes the release's objects and (unless kept) its history. */
export async function uninstallRelease(
  ctx: { readonly obj: HelmRelease; fence(): void; readonly timeoutMs?: number | undefined },
  storage: ReleaseStorage,
  manager: ResourceManager,
  rls: Release,
  keepHistory: boolean,
): Promise<void> {
  const hooksOn = !(ctx.obj.spec.uninstall?.disableHooks ?? false);
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  ctx.fence();
  if (hooksOn) await runHooks(rls, 'pre-delete', manager, timeoutMs, () => new Date());
  const objects = await manifestObjects(rls.manifest, manager.client, rls);
  await manager.deleteAll(refsOf(objects));
  if (hooksOn) await runHooks(rls, 'post-delete', manager, timeoutMs, () => new Date());
  const all = await storage.history(rls.name);
  if (keepHistory) {
    rls.info.status = 'uninstalled';
    rls.info.deleted = helmTime(new Date());
    rls.info.description = 'Uninstallation complete';
    await storage.update(rls);
    return;
  }
  for (const r of all) await storage.delete(r.name, r.version);
}

async function runTests(
  ctx: HelmReleaseContext,
  storage: ReleaseStorage,
  manager: ResourceManager,
  rls: Release,
): Promise<void> {
  const test = ctx.obj.spec.test;
  if (!test?.enable) {
    ctx.conditions.delete(RC.TestSuccess);
    return;
  }
  const n = (rls.hooks ?? []).filter((h) => h.events.includes('test')).length;
  try {
    await runHooks(rls, 'test', manager, ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => new Date());
    await storage.update(rls);
    ctx.conditions.markTrue(
      RC.TestSuccess,
      ReleaseReason.TestSucceeded,
      `Helm test succeeded for release ${rls.namespace}/${rls.name}.v${rls.version} with chart ${chartField(rls.chart, 'name')}@${chartField(rls.chart, 'version')}: ${n === 0 ? 'no test hooks' : `${n} test hook${n === 1 ? '' : 's'} completed successfully`}`,
    );
  } catch (err) {
    await storage.update(rls);
    const e = failure(
      ReleaseReason.TestFailed,
      `Helm test failed for release ${rls.namespace}/${rls.name}.v${rls.version} with chart ${chartField(rls.chart, 'name')}@${chartField(rls.chart, 'version')}: ${errorMessage(err)}`,
      err,
    );
    if (test.ignoreFailures) {
      ctx.conditions.markFalse(RC.TestSuccess, e.reason, e.message);
      return;
    }
    throw failedCondition(ctx.conditions, RC.TestSuccess, e, 'False');
  }
}

/** Drift of an in-sync release: corrected (mode enabled) or reported (warn). */
async function correctDrift(
  ctx: HelmReleaseContext,
  manager: ResourceManager,
  rls: Release,
): Promise<void> {
  const mode = ctx.obj.spec.driftDetection?.mode ?? 'disabled';
  if (mode === 'disabled') return;
  const objects = await manifestObjects(rls.manifest, manager.client, rls);
  const { changeSet } = await manager.diff(objects);
  const drifted = changeSet.entries.filter((e) => e.action !== 'unchanged');
  if (drifted.length === 0) return;
  const subjects = drifted.map((e) => e.subject).join(', ');
  if (mode === 'warn') {
    ctx.event({
      type: 'Warning',
      reason: ReleaseReason.DriftDetected,
      message: `Cluster state of release ${rls.namespace}/${rls.name}.v${rls.version} has drifted from the desired state: ${subjects}`,
    });
    return;
  }
  ctx.fence();
  await manager.applyAll(objects);
  ctx.event({
    type: 'Normal',
    reason: ReleaseReason.DriftDetected,
    message: `Cluster state of release ${rls.namespace}/${rls.name}.v${rls.version} corrected: ${subjects}`,
  });
}

async function pruneRemoved(
  manager: ResourceManager,
  previous: Release,
  objects: readonly {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string };
  }[],
): Promise<void> {
  const keep = new Set(refsOf(objects as never).map(refKey));
  const old = await manifestObjects(previous.manifest, manager.client, previous);
  const gone = refsOf(old).filter((r) => !keep.has(refKey(r)));
  if (gone.length > 0) await manager.deleteAll(gone);
}

async function applyCrds(
  manager: ResourceManager,
  crds: readonly CrdFile[],
  policy: string,
): Promise<void> {
  if (policy === 'Skip' || crds.length === 0) return;
  const objects = crds.flatMap((c) =>
    c.content
      .split(/^---\s*$/m)
      .map((d) => parse(d) as Record<string, unknown> | null)
      .filter((o): o is Record<string, unknown> => o !== null && typeof o === 'object'),
  );
  if (policy === 'Create') {
    const missing = [];
    for (const o of objects) {
      const name = (o['metadata'] as { name?: string } | undefined)?.name ?? '';
      if (
        !(await manager.client.getOrUndefined({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name,
        }))
      )
        missing.push(o);
    }
    if (missing.length > 0) await manager.applyAll(missing);
    return;
  }
  await manager.applyAll(objects);
}

async function ensureNamespace(client: KubeClient, namespace: string): Promise<void> {
  if (await client.getOrUndefined({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) return;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}

function managerFor(ctx: HelmReleaseContext, target: KubeClient): ResourceManager {
  return managerForDeps(ctx.deps, ctx.obj, target);
}

/** The resource manager of a release on a target cluster, kept between reconciles. */
export function managerForDeps(
  deps: HelmReleaseDeps,
  hr: HelmRelease,
  target: KubeClient,
): ResourceManager {
  const key = `${hr.metadata.namespace}/${hr.metadata.name}`;
  const cached = deps.managers.get(key);
  if (cached?.target === target) return cached.manager;
  const manager = new ResourceManager(target, {
    ownerLabels: kustomizationOwnerLabels(
      hr.metadata.name,
      hr.metadata.namespace,
      'helm.toolkit.fluxcd.io',
    ),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  deps.managers.set(key, { target, manager });
  return manager;
}

function markReleased(ctx: HelmReleaseContext, rls: Release, action: 'install' | 'upgrade'): void {
  ctx.conditions.markTrue(
    RC.Released,
    action === 'install' ? ReleaseReason.InstallSucceeded : ReleaseReason.UpgradeSucceeded,
    releasedMessage(rls, action),
  );
}

function releasedMessage(rls: Release, action: 'install' | 'upgrade'): string {
  return `Helm ${action} succeeded for release ${rls.namespace}/${rls.name}.v${rls.version} with chart ${chartField(rls.chart, 'name')}@${chartField(rls.chart, 'version')}`;
}

function hookDeletePolicies(manifest: string): string[] {
  const doc = parse(manifest) as { metadata?: { annotations?: Record<string, string> } } | null;
  const raw = doc?.metadata?.annotations?.['helm.sh/hook-delete-policy'];
  return raw === undefined
    ? []
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** status.history: the releases, newest first (Flux's Snapshots). */
function snapshots(history: readonly Release[]): Snapshot[] {
  return [...history]
    .reverse()
    .slice(0, 5)
    .map((r) => ({
      name: r.name,
      namespace: r.namespace,
      version: r.version,
      status: r.info.status,
      chartName: chartField(r.chart, 'name'),
      chartVersion: chartField(r.chart, 'version'),
      ...(chartField(r.chart, 'appVersion')
        ? { appVersion: chartField(r.chart, 'appVersion') }
        : {}),
      configDigest: `sha256:${createHash('sha256')
        .update(sortedJson(r.config ?? {}))
        .digest('hex')}`,
      digest: `sha256:${createHash('sha256').update(JSON.stringify(r)).digest('hex')}`,
      firstDeployed: r.info.first_deployed,
      lastDeployed: r.info.last_deployed,
      ...(r.info.deleted ? { deleted: r.info.deleted } : {}),
    }));
}
