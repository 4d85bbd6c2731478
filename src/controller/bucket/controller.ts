// The Bucket controller: the kind's reconciler with the Secrets it reads from the cluster.
import type { KubeClient } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import type { ArtifactStore, BucketSecretData } from '../../source/index.js';
import type { ControllerRegistration } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { readSecret } from '../runtime/secrets.js';
import { bucketKind } from './kind.js';

export interface BucketControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  readonly store: ArtifactStore;
}

export function bucketController(options: BucketControllerOptions): ControllerRegistration {
  const { client } = options;
  const getSecret = async (
    namespace: string,
    name: string,
  ): Promise<BucketSecretData | undefined> => {
    try {
      const data = await readSecret(client, namespace, name);
      return Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]),
      );
    } catch (err) {
      if (isNotFound(err) || (err instanceof Error && /not found/.test(err.message)))
        return undefined;
      throw err;
    }
  };
  return reconcilerFor({ ...options, kind: bucketKind, deps: { store: options.store, getSecret } });
}
