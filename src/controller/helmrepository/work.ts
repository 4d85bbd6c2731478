// What one HelmRepository reconcile needs (deps) and what its sub-reconcilers hand on.
import type { StepContext } from '../runtime/kind.js';
import type { SourceDeps } from '../sources/artifact-storage.js';
import type { HelmRepository } from './types.js';

/** Reads a Secret's decoded data; throws when it does not exist. */
export type GetSecret = (namespace: string, name: string) => Promise<Record<string, Uint8Array>>;

export interface HelmRepositoryDeps extends SourceDeps {
  readonly getSecret: GetSecret;
}

export type HelmRepositoryContext = StepContext<HelmRepository, HelmRepositoryDeps>;

export interface HelmRepositoryWork {
  /** The fetched index, when its digest is a new revision. */
  index?: Buffer;
  /** sha256 digest of the fetched index: the revision. */
  revision?: string;
  size?: number;
}
