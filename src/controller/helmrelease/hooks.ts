// Helm hooks of one event, run as Helm runs them: by weight then name, each created after its
// previous copy is deleted (before-hook-creation, the default), Jobs and Pods waited for, and
// deleted afterwards per helm.sh/hook-delete-policy.
import { parse } from 'yaml';
import type { ResourceManager } from '../../apply/index.js';
import { FlotillaError, errorMessage } from '../../core/index.js';
import { manifestObjects, refsOf } from './objects.js';
import { helmTime, type Release, type ReleaseHook } from './release-record.js';

export async function runHooks(
  rls: Release,
  event: string,
  manager: ResourceManager,
  timeoutMs: number,
  now: () => Date,
): Promise<void> {
  const hooks = (rls.hooks ?? [])
    .filter((h) => h.events.includes(event))
    .sort((a, b) => a.weight - b.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const hook of hooks) {
    const [obj] = await manifestObjects(hook.manifest, manager.client, rls);
    if (!obj) continue;
    const policies = deletePolicies(hook);
    const [ref] = refsOf([obj]);
    if (!ref) continue;
    if (policies.includes('before-hook-creation'))
      await manager.client.delete(ref).catch(() => undefined);
    hook.last_run = { started_at: helmTime(now()), completed_at: '', phase: 'Running' };
    try {
      await manager.apply(obj);
      if (obj.kind === 'Job' || obj.kind === 'Pod')
        await manager.wait([ref], { timeout: timeoutMs });
      hook.last_run = { ...hook.last_run, completed_at: helmTime(now()), phase: 'Succeeded' };
      if (policies.includes('hook-succeeded'))
        await manager.client.delete(ref).catch(() => undefined);
    } catch (err) {
      hook.last_run = { ...hook.last_run, completed_at: helmTime(now()), phase: 'Failed' };
      if (policies.includes('hook-failed')) await manager.client.delete(ref).catch(() => undefined);
      throw new FlotillaError(
        `${event} hooks failed: ${hook.kind}/${hook.name}: ${errorMessage(err)}`,
        {
          reason: 'HookFailed',
          cause: err,
        },
      );
    }
  }
}

/** The hook's delete policies; none given means before-hook-creation, as Helm defaults. */
function deletePolicies(hook: ReleaseHook): string[] {
  if (hook.delete_policies === undefined) {
    const doc = parse(hook.manifest) as {
      metadata?: { annotations?: Record<string, string> };
    } | null;
    const raw = doc?.metadata?.annotations?.['helm.sh/hook-delete-policy'];
    const list =
      raw === undefined
        ? []
        : raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    hook.delete_policies = list;
  }
  return hook.delete_policies.length > 0 ? hook.delete_policies : ['before-hook-creation'];
}
