// The Bucket controller: connects the source library's reconcileBucket to the cluster (Secrets,
// status, events, finalizer).
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';
import { ErrorCategory, silentLogger, type Logger } from '../../core/index.js';
import {
  BUCKET_API_VERSION,
  BUCKET_KIND,
  reconcileBucket,
  type ArtifactStore,
  type Bucket,
  type BucketSecretData,
} from '../../source/index.js';
import type { EventRecorder } from '../runtime/event-recorder.js';
import type { ControllerRegistration, ObjectKey } from '../runtime/manager.js';
import { replaceStatus } from '../runtime/status.js';
import { ensureFinalizer, removeFinalizer } from '../runtime/finalizers.js';
import { readSecret } from './secrets.js';

export interface BucketControllerOptions {
  readonly client: KubeClient;
  readonly store: ArtifactStore;
  readonly recorder?: EventRecorder;
  readonly logger?: Logger;
}

const TYPE = { apiVersion: BUCKET_API_VERSION, kind: BUCKET_KIND } as const;

export function bucketController(options: BucketControllerOptions): ControllerRegistration {
  const { client, store } = options;
  const log = options.logger ?? silentLogger();
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
      if (err instanceof Error && /not found/.test(err.message)) return undefined;
      throw err;
    }
  };
  return {
    name: 'bucket',
    ...TYPE,
    reconcile: async (key: ObjectKey) => {
      const ref: ObjectRef = { ...TYPE, namespace: key.namespace, name: key.name };
      let obj = await client.getOrUndefined<KubeObject & Bucket>(ref);
      if (!obj) return {};
      if (!obj.metadata.deletionTimestamp) obj = await ensureFinalizer(client, ref, obj);
      const result = await reconcileBucket(obj, { store, getSecret, logger: log });
      if (result.deleted) {
        await removeFinalizer(client, ref, obj);
        return {};
      }
      await replaceStatus(client, ref, result.status);
      for (const e of result.events) {
        await options.recorder?.record(obj, {
          type: e.type,
          reason: e.reason,
          note: e.message,
          ...(e.annotations ? { annotations: e.annotations } : {}),
        });
      }
      // A failure that is not terminal is retried with the queue's backoff.
      if (result.error && result.error.category !== ErrorCategory.Terminal) throw result.error;
      return result.requeueAfterMs === undefined ? {} : { requeueAfterMs: result.requeueAfterMs };
    },
  };
}
