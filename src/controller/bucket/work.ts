// What one Bucket reconcile needs (deps) and what its sub-reconcilers hand on to each other.
import type { BucketSecretData, createBucketClient } from '../../source/index.js';
import type { StepContext } from '../runtime/kind.js';
import type { SourceDeps } from '../sources/artifact-storage.js';
import type { Bucket } from '../../source/index.js';

export interface BucketReconcileDeps extends SourceDeps {
  /** Reads a Secret's decoded data; undefined when it does not exist. */
  readonly getSecret: (namespace: string, name: string) => Promise<BucketSecretData | undefined>;
  /** Where objects are downloaded before archiving. @default os.tmpdir() */
  readonly tmpDir?: string;
  /** Parallel object downloads. @default 16 */
  readonly fetchConcurrency?: number;
  /** Replaces the provider client (tests, or an injected client for unusual endpoints). */
  readonly createClient?: typeof createBucketClient;
  /** Environment for the `aws` provider's credential fallback. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type BucketContext = StepContext<Bucket, BucketReconcileDeps>;

/** Set by reconcileSource for reconcileArtifact. */
export interface BucketWork {
  /** The objects downloaded for a new artifact (unset when the revision did not change). */
  tree?: string;
  /** The digest of the object index: the revision. */
  revision?: string;
  /** How many objects the index holds. */
  fileCount: number;
}
