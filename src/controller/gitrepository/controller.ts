// The GitRepository controller: the kind's reconciler with what it reads from the cluster
// (Secrets, the artifacts of included GitRepositories).
import type { KubeClient, KubeObject } from '../../kube/index.js';
import type { Artifact, ArtifactStore } from '../../source/index.js';
import type { ControllerRegistration } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { readSecret } from '../runtime/secrets.js';
import { gitRepositoryKind } from './kind.js';
import { GITREPOSITORY_API_VERSION, GITREPOSITORY_KIND, type GitRepository } from './types.js';

export interface GitRepositoryControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  readonly store: ArtifactStore;
  /** Data directory for git mirrors. */
  readonly dataDir: string;
}

export function gitRepositoryController(
  options: GitRepositoryControllerOptions,
): ControllerRegistration {
  const { client } = options;
  return reconcilerFor({
    ...options,
    kind: gitRepositoryKind,
    deps: {
      dataDir: options.dataDir,
      store: options.store,
      getSecret: (namespace, name) => readSecret(client, namespace, name),
      getArtifact: async (namespace, name): Promise<Artifact | undefined> => {
        const other = await client.get<KubeObject & GitRepository>({
          apiVersion: GITREPOSITORY_API_VERSION,
          kind: GITREPOSITORY_KIND,
          namespace,
          name,
        });
        return other.status?.artifact;
      },
    },
  });
}
