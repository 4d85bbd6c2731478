// The credentials and TLS settings of a HelmRepository, from its Secrets, as Flux reads them:
// secretRef (username/password; the deprecated certFile/keyFile/caFile) and certSecretRef
// (ca.crt, tls.crt, tls.key). Shared by HelmRepository and HelmChart.
import { ErrorCategory, FlotillaError, errorMessage } from '../../core/index.js';
import type { HelmClientOptions } from '../../source/index.js';
import { HelmReason } from './conditions.js';
import type { HelmRepository } from './types.js';
import type { GetSecret } from './work.js';

/** The client options of a repository; a missing or incomplete Secret is AuthenticationFailed. */
export async function helmClientOptions(
  repo: HelmRepository,
  getSecret: GetSecret,
): Promise<HelmClientOptions> {
  const ns = repo.metadata.namespace;
  const read = async (name: string | undefined): Promise<Record<string, Uint8Array>> => {
    if (name === undefined) return {};
    try {
      return await getSecret(ns, name);
    } catch (err) {
      throw new FlotillaError(`failed to get secret '${ns}/${name}': ${errorMessage(err)}`, {
        reason: HelmReason.AuthenticationFailed,
        category: ErrorCategory.RetryLater,
        object: `HelmRepository/${ns}/${repo.metadata.name}`,
      });
    }
  };
  const auth = await read(repo.spec.secretRef?.name);
  const tls = await read(repo.spec.certSecretRef?.name);
  const text = (b: Uint8Array | undefined): string | undefined =>
    b === undefined ? undefined : Buffer.from(b).toString('utf8');
  const username = text(auth['username']);
  const password = text(auth['password']);
  if ((username === undefined) !== (password === undefined)) {
    throw new FlotillaError(
      `invalid '${repo.spec.secretRef?.name ?? ''}' secret data: required fields 'username' and 'password'`,
      { reason: HelmReason.AuthenticationFailed },
    );
  }
  const pick = (...values: (Uint8Array | undefined)[]): Buffer | undefined => {
    const v = values.find((x) => x !== undefined);
    return v === undefined ? undefined : Buffer.from(v);
  };
  const ca = pick(tls['ca.crt'], tls['caFile'], auth['caFile']);
  const cert = pick(tls['tls.crt'], tls['certFile'], auth['certFile']);
  const key = pick(tls['tls.key'], tls['keyFile'], auth['keyFile']);
  if ((cert === undefined) !== (key === undefined)) {
    throw new FlotillaError(
      `invalid '${repo.spec.certSecretRef?.name ?? repo.spec.secretRef?.name ?? ''}' secret data: a client certificate needs both 'tls.crt' and 'tls.key'`,
      { reason: HelmReason.AuthenticationFailed },
    );
  }
  return {
    ...(username !== undefined ? { username, password: password ?? '' } : {}),
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
  };
}
