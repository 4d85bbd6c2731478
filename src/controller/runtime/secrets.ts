// Reads Secrets for source reconcilers: decoded data as the source library expects it.
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import { ErrorCategory, FlotillaError } from '../../core/index.js';

/** A Secret's `data` decoded to bytes (and `stringData` as given); throws a clear error if missing. */
export async function readSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, Uint8Array>> {
  let secret: KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  try {
    secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  } catch (err) {
    if (isNotFound(err)) {
      throw new FlotillaError(`secret '${namespace}/${name}' not found`, {
        reason: 'AuthenticationFailed',
        category: ErrorCategory.RetryLater,
        object: `Secret/${namespace}/${name}`,
      });
    }
    throw err;
  }
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = Buffer.from(v, 'utf8');
  return out;
}
