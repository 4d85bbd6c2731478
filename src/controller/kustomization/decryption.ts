// spec.decryption: reads the keys of the referenced Secret (in the Kustomization's namespace, with
// the controller's own client, as kustomize-controller's ImportKeys does) for the SOPS decryption
// of the build. The Secret's content enters the build's cache key only as a digest.
import { createHash } from 'node:crypto';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import { ErrorCategory, FlotillaError, Reason } from '../../core/index.js';
import { FluxDecryptor, importSopsKeys, type SopsKeyEntry } from '../../render/index.js';
import type { Kustomization } from './types.js';

/** The keys of a Kustomization's decryption, loaded but not yet parsed. */
export interface DecryptionKeys {
  /** sha256 of the Secret's entries: changes when a key is added, removed or rotated. */
  readonly digest: string;
  /** Parses the keys into a decryptor for one build. */
  readonly decryptor: () => Promise<FluxDecryptor>;
}

function decryptionError(
  message: string,
  field: string,
  category: ErrorCategory = ErrorCategory.Terminal,
): FlotillaError {
  return new FlotillaError(message, { reason: Reason.BuildFailed, category, field });
}

/** Reads the decryption Secret; undefined when spec.decryption is not set. */
export async function loadDecryptionKeys(
  client: KubeClient,
  ks: Kustomization,
): Promise<DecryptionKeys | undefined> {
  const decryption = ks.spec.decryption;
  if (!decryption) return undefined;
  if (decryption.provider !== 'sops') {
    throw decryptionError(
      `spec.decryption.provider '${decryption.provider}' is not supported; the only provider is 'sops'`,
      'spec.decryption.provider',
    );
  }
  const namespace = ks.metadata.namespace ?? 'default';
  const ref = decryption.secretRef;
  if (!ref) {
    // Flux then relies on keys given to the controller itself (cloud KMS identities); Flotilla
    // has none, so decryption fails naming the recipients when an encrypted file is met.
    return {
      digest: 'no-secret',
      decryptor: () =>
        Promise.resolve(
          new FluxDecryptor(
            { age: [], pgp: [], unsupported: [] },
            'no decryption Secret (spec.decryption.secretRef is not set)',
          ),
        ),
    };
  }
  const source = `sops decryption Secret '${namespace}/${ref.name}'`;
  let secret: KubeObject & { data?: Record<string, string> };
  try {
    secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: ref.name });
  } catch (err) {
    if (isNotFound(err)) {
      throw decryptionError(
        `cannot get ${source}: not found`,
        'spec.decryption.secretRef.name',
        ErrorCategory.RetryLater,
      );
    }
    throw err;
  }
  const entries: SopsKeyEntry[] = Object.entries(secret.data ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ source, name, data: Buffer.from(value, 'base64') }));
  const hash = createHash('sha256');
  for (const e of entries) hash.update(`${e.name}\0${e.data.length}\0`).update(e.data);
  return {
    digest: hash.digest('hex'),
    decryptor: async () => new FluxDecryptor(await importSopsKeys(entries), source),
  };
}
