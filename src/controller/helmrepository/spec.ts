// HelmRepository sub-reconciler: the URL and type Flotilla can serve. A repository of type oci
// holds no artifact (Flux treats it as static): it is Ready once its URL is valid.
import { ConditionType, Reason } from '../../core/index.js';
import { DONE, type StepResult } from '../runtime/kind.js';
import { failedCondition, stalling } from '../runtime/reconcile-error.js';
import { HelmReason } from './conditions.js';
import type { HelmRepositoryContext } from './work.js';

/** Stalls on an invalid URL or unsupported provider; ends early for type oci. */
export function checkHelmRepositorySpec(ctx: HelmRepositoryContext): Promise<StepResult> {
  const { spec } = ctx.obj;
  const type = spec.type ?? 'default';
  const fail = (reason: string, message: string): never => {
    throw failedCondition(ctx.conditions, ConditionType.FetchFailed, stalling(reason, message));
  };
  if (spec.provider !== undefined && spec.provider !== 'generic')
    fail(
      HelmReason.InvalidProviderConfiguration,
      `spec.provider '${spec.provider}' is not supported by Flotilla; use 'generic' with a secretRef`,
    );
  let url: URL | undefined;
  try {
    url = new URL(spec.url);
  } catch {
    fail(HelmReason.URLInvalid, `invalid Helm repository URL '${spec.url}'`);
  }
  const scheme = url?.protocol ?? '';
  if (type === 'oci') {
    if (scheme !== 'oci:')
      fail(
        HelmReason.URLInvalid,
        `URL scheme '${scheme.replace(/:$/, '')}' in '${spec.url}' is not supported for type oci`,
      );
    ctx.status.artifact = undefined;
    ctx.status.url = undefined;
    ctx.conditions.delete(ConditionType.FetchFailed);
    ctx.conditions.markTrue(ConditionType.Ready, Reason.Succeeded, 'Helm repository is ready');
    return Promise.resolve(DONE);
  }
  if (scheme !== 'http:' && scheme !== 'https:')
    fail(HelmReason.URLInvalid, `scheme "${scheme.replace(/:$/, '')}" not supported`);
  return Promise.resolve(undefined);
}
