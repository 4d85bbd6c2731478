// What one Kustomization reconcile needs (deps), what its sub-reconcilers hand on to each other
// (work), and the caches kept between reconciles of the same object.
import type { ReadFs } from '../../core/index.js';
import type { KubeClient, KubeObject } from '../../kube/index.js';
import type { ArtifactTreeCache } from '../../source/index.js';
import type { ChangeSet, Inventory, ResourceManager } from '../../apply/index.js';
import type { FluxDecryptor } from '../../render/index.js';
import type { ReconcileDeps, StepContext } from '../runtime/kind.js';
import type { SourceArtifact } from './source.js';
import type { Kustomization } from './types.js';

/** What the build phase gets: the artifact's files and the directory to build inside it. */
export interface BuildInput {
  /** The artifact's files (held in memory, shared with other builds: read only). */
  readonly fs: ReadFs;
  /** Root of the source artifact in `fs`; nothing may be loaded from outside it. */
  readonly root: string;
  /** The directory of `spec.path`, inside `root`. */
  readonly dir: string;
  readonly kustomization: Kustomization;
  /** postBuild variables: substituteFrom maps in order, then spec.postBuild.substitute. */
  readonly substituteFrom: readonly Record<string, string>[];
  /** SOPS: the keys of spec.decryption, or `mask` for a local build without keys. */
  readonly decryption?: FluxDecryptor | 'mask';
}

/** Renders the manifests of a Kustomization (overlay, kustomize build, substitution). */
export type BuildManifests = (input: BuildInput) => Promise<KubeObject[]>;

/**
 * What is kept between reconciles of each Kustomization: one resource manager per target
 * cluster, so the engine's memory of objects already in sync carries over and an unchanged
 * reconcile needs no dry-runs; and the last successful build, by what it was built from.
 */
export class KustomizationCache {
  readonly #managers = new Map<string, { target: KubeClient; manager: ResourceManager }>();
  readonly #builds = new Map<string, { key: string; objects: KubeObject[] }>();

  manager(key: string, target: KubeClient, create: () => ResourceManager): ResourceManager {
    const cached = this.#managers.get(key);
    if (cached?.target === target) return cached.manager;
    const manager = create();
    this.#managers.set(key, { target, manager });
    return manager;
  }

  build(key: string, buildKey: string): KubeObject[] | undefined {
    const cached = this.#builds.get(key);
    if (cached?.key === buildKey) return cached.objects;
    this.#builds.delete(key);
    return undefined;
  }

  setBuild(key: string, buildKey: string, objects: KubeObject[]): void {
    this.#builds.set(key, { key: buildKey, objects });
  }

  forget(key: string): void {
    this.#managers.delete(key);
    this.#builds.delete(key);
  }
}

export interface KustomizationDeps extends ReconcileDeps {
  /** Client of the cluster the Kustomization object lives in. */
  readonly client: KubeClient;
  readonly build: BuildManifests;
  /** The source artifacts builds read, unpacked in memory once per digest. */
  readonly artifacts: ArtifactTreeCache;
  /** Client for the cluster to apply to (spec.kubeConfig, spec.serviceAccountName). @default client */
  readonly targetClient?: (ks: Kustomization) => Promise<KubeClient>;
  /**
   * Where to download a source's artifact from: its URL, or this controller's own storage when it
   * has it; `undefined` when this controller will store it soon (after a leader takeover).
   */
  readonly artifactUrl?: (artifact: SourceArtifact) => Promise<string | undefined>;
  /** Wait before checking unready dependencies again (Flux's --requeue-dependency). @default 30_000 */
  readonly requeueDependencyMs?: number;
  /** Health-check poll interval. @default 1000 */
  readonly healthPollMs?: number;
  readonly cache: KustomizationCache;
}

export type KustomizationContext = StepContext<Kustomization, KustomizationDeps>;

/** Set by each step for the next ones. */
export interface KustomizationWork {
  /** reconcileSource */
  artifact?: SourceArtifact;
  /** reconcileBuild: the rendered objects, and the key of what they were built from. */
  rendered?: KubeObject[] | undefined;
  buildKey?: string;
  /** reconcileApply */
  objects?: KubeObject[];
  manager?: ResourceManager;
  changeSet?: ChangeSet;
  inventory?: Inventory;
}

/** `namespace/name` of a Kustomization: the key of its caches. */
export function cacheKey(ks: Kustomization): string {
  return `${ks.metadata.namespace ?? 'default'}/${ks.metadata.name}`;
}

/** The timeout of the build, apply and health phases: spec.timeout, else the interval. */
export function timeoutOf(ctx: KustomizationContext): number {
  return ctx.timeoutMs ?? ctx.intervalMs;
}
