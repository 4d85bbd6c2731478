// The GitRepository controller: connects the source library's reconcileGitRepository to the
// cluster (Secrets, included artifacts, status, events, finalizer).
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';
import { silentLogger, type Logger } from '../../core/index.js';
import {
  GITREPOSITORY_API_VERSION,
  GITREPOSITORY_KIND,
  deleteGitRepositoryArtifacts,
  reconcileGitRepository,
  type Artifact,
  type ArtifactStore,
  type GitRepository,
} from '../../source/index.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import type { ControllerRegistration, ObjectKey } from '../runtime/manager.js';
import { replaceStatus } from '../runtime/status.js';
import { readSecret } from './secrets.js';
import { ensureFinalizer, removeFinalizer } from '../runtime/finalizers.js';

export interface GitRepositoryControllerOptions {
  readonly client: KubeClient;
  readonly store: ArtifactStore;
  /** Data directory for git mirrors. */
  readonly dataDir: string;
  readonly recorder?: EventRecorder;
  readonly logger?: Logger;
}

const TYPE = { apiVersion: GITREPOSITORY_API_VERSION, kind: GITREPOSITORY_KIND } as const;

export function gitRepositoryController(
  options: GitRepositoryControllerOptions,
): ControllerRegistration {
  const { client, store } = options;
  const log = options.logger ?? silentLogger();
  return {
    name: 'gitrepository',
    ...TYPE,
    reconcile: async (key: ObjectKey) => {
      const ref: ObjectRef = { ...TYPE, namespace: key.namespace, name: key.name };
      let obj = await client.getOrUndefined<KubeObject & GitRepository>(ref);
      if (!obj) return {};
      if (obj.metadata.deletionTimestamp) {
        await deleteGitRepositoryArtifacts(obj, { store });
        await removeFinalizer(client, ref, obj);
        return {};
      }
      obj = await ensureFinalizer(client, ref, obj);
      if (obj.spec.suspend) return {};
      const result = await reconcileGitRepository(obj, {
        dataDir: options.dataDir,
        store,
        logger: log,
        getSecret: (namespace, name) => readSecret(client, namespace, name),
        getArtifact: async (namespace, name): Promise<Artifact | undefined> => {
          const other = await client.get<KubeObject & GitRepository>({ ...TYPE, namespace, name });
          return other.status?.artifact;
        },
      });
      await replaceStatus(client, ref, result.status);
      for (const e of result.events) {
        await options.recorder?.record(obj, {
          type: e.type,
          reason: e.reason,
          note: e.message,
          ...(e.annotations ? { annotations: e.annotations } : {}),
        });
      }
      return result.requeueAfterMs === undefined ? {} : { requeueAfterMs: result.requeueAfterMs };
    },
  };
}
