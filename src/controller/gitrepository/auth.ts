// GitRepository sub-reconciler: the URL and provider settings Flotilla can serve, and the
// credentials of spec.secretRef prepared for git (askpass, SSH key and known_hosts files).
import { errorMessage } from '../../core/index.js';
import { prepareGitAuth, transportOf, type SecretData } from '../../source/index.js';
import {
  failedCondition,
  failure,
  stalling,
  type ReconcileError,
} from '../runtime/reconcile-error.js';
import { GitRepositoryCondition as C } from './conditions.js';
import { workDir, type GitContext, type GitWork } from './work.js';

/** Checks the spec's URL and provider, then prepares the credentials of spec.secretRef. */
export async function reconcileAuth(ctx: GitContext, work: GitWork): Promise<void> {
  const { spec, metadata } = ctx.obj;
  // A verification that failed is decided again below, against the new revision.
  if (ctx.conditions.isFalse(C.SourceVerified)) ctx.conditions.delete(C.SourceVerified);
  checkUrl(ctx, spec.url);
  // Cloud-provider identities and proxies are not implemented: say so instead of ignoring them.
  if (spec.provider !== undefined && spec.provider !== 'generic') {
    throw fetchFailed(
      ctx,
      stalling(
        'InvalidProviderConfiguration',
        `spec.provider '${spec.provider}' is not supported by Flotilla; use 'generic' with a secretRef`,
      ),
    );
  }
  if (spec.proxySecretRef !== undefined) {
    throw fetchFailed(
      ctx,
      stalling('InvalidProviderConfiguration', 'spec.proxySecretRef is not supported by Flotilla'),
    );
  }
  let secretData: SecretData | undefined;
  if (spec.secretRef) {
    try {
      secretData = await ctx.deps.getSecret(metadata.namespace, spec.secretRef.name);
    } catch (e) {
      const ref = `${metadata.namespace}/${spec.secretRef.name}`;
      throw fetchFailed(
        ctx,
        failure('AuthenticationFailed', `failed to get secret '${ref}': ${errorMessage(e)}`),
      );
    }
  }
  try {
    work.auth = await prepareGitAuth(spec.url, secretData, {
      tmpRoot: await workDir(ctx, work),
      object: ctx.objectName,
    });
  } catch (e) {
    throw fetchFailed(
      ctx,
      failure(
        'AuthenticationFailed',
        `failed to configure authentication options: ${errorMessage(e)}`,
      ),
    );
  }
  const auth = work.auth;
  ctx.defer(() => auth.dispose());
}

function checkUrl(ctx: GitContext, url: string): void {
  try {
    transportOf(url);
    if (!/^(https?|ssh|file|git):\/\//.test(url)) new URL(url);
  } catch (e) {
    throw fetchFailed(
      ctx,
      stalling('URLInvalid', `failed to parse url '${url}': ${errorMessage(e)}`),
    );
  }
  // A password in the URL would end up in git's argv (visible to every local user): refuse it.
  if (/^https?:\/\/[^/@]*:[^/@]*@/i.test(url)) {
    throw fetchFailed(
      ctx,
      stalling(
        'URLInvalid',
        'credentials in spec.url are not supported: put username and password in the secretRef Secret',
      ),
    );
  }
}

/** FetchFailed=True with the failure's reason and message. */
export function fetchFailed(ctx: GitContext, err: ReconcileError): ReconcileError {
  return failedCondition(ctx.conditions, C.FetchFailed, err);
}
