// The ResourceManager: Flux's ssa.ResourceManager verbs (apply, diff, wait, delete, prune) in one place.
import { silentLogger, type Logger } from '../core/index.js';
import type { KubeClient, ObjectRef } from '../kube/index.js';
import { applyAllStaged, applyOne } from './apply.js';
import type { ChangeSet, ChangeSetEntry } from './changeset.js';
import type { ManagerContext } from './context.js';
import { deleteAll, prune, type DeleteFailure, type PruneResult } from './delete.js';
import { diffAll, type DiffResult } from './diff.js';
import type { Inventory } from './inventory.js';
import {
  defaultApplyOptions,
  defaultDeleteOptions,
  defaultWaitOptions,
  type ApplyOptions,
  type DeleteOptions,
  type Selector,
  type WaitOptions,
} from './options.js';
import { checkHealth, waitForSet, type ObjectHealth } from './wait.js';
import { VerifiedCache } from './verified-cache.js';

export interface ResourceManagerOptions {
  /** Server-side apply field manager. @default 'flotilla' */
  readonly fieldManager?: string;
  /**
   * Labels put on every applied object and required on every object a prune deletes, e.g.
   * `{ 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }`.
   * @default {} (no labels set; prune then deletes without an ownership check)
   */
  readonly ownerLabels?: Selector;
  readonly logger?: Logger;
  /**
   * Skip the dry-run of objects proven in sync by an earlier apply or dry-run of this manager,
   * while neither the desired object nor the live resourceVersion changed; entries expire after
   * this many ms. 0 turns it off (every object is dry-run on every apply).
   * @default 3600000 (one hour)
   */
  readonly verifiedTtlMs?: number;
}

/** The owner labels Flux's kustomize-controller sets for a Kustomization. */
export function kustomizationOwnerLabels(
  name: string,
  namespace: string,
  group = 'kustomize.toolkit.fluxcd.io',
): Selector {
  return { [`${group}/name`]: name, [`${group}/namespace`]: namespace };
}

export class ResourceManager {
  private readonly ctx: ManagerContext;

  constructor(client: KubeClient, options: ResourceManagerOptions = {}) {
    this.ctx = {
      client,
      fieldManager: options.fieldManager ?? 'flotilla',
      ownerLabels: options.ownerLabels ?? {},
      logger: options.logger ?? silentLogger(),
      verified:
        options.verifiedTtlMs === 0
          ? undefined
          : new VerifiedCache(options.verifiedTtlMs ?? 3_600_000),
    };
  }

  get client(): KubeClient {
    return this.ctx.client;
  }

  get ownerLabels(): Selector {
    return this.ctx.ownerLabels;
  }

  /** Applies one object: dry-run, drift check, server-side apply when changed. */
  apply(object: unknown, options: Partial<ApplyOptions> = {}): Promise<ChangeSetEntry> {
    return applyOne(this.ctx, object, { ...defaultApplyOptions(), ...options });
  }

  /** Applies objects in stages; see applyAllStaged. */
  applyAll(objects: readonly unknown[], options: Partial<ApplyOptions> = {}): Promise<ChangeSet> {
    return applyAllStaged(this.ctx, objects, { ...defaultApplyOptions(), ...options });
  }

  /** What apply would do, with a masked diff per changed object; writes nothing. */
  diff(
    objects: readonly unknown[],
    options: Partial<ApplyOptions> = {},
  ): Promise<{ changeSet: ChangeSet; results: DiffResult[] }> {
    return diffAll(this.ctx, objects, { ...defaultApplyOptions(), ...options });
  }

  /** Waits until all objects are healthy; fails early when one is Degraded. */
  wait(refs: readonly ObjectRef[], options: Partial<WaitOptions> = {}): Promise<ObjectHealth[]> {
    return waitForSet(this.ctx, refs, { ...defaultWaitOptions(), ...options });
  }

  /** The health of each object right now. */
  health(refs: readonly ObjectRef[]): Promise<ObjectHealth[]> {
    return checkHealth(this.ctx, refs);
  }

  /** Deletes objects (owner labels and exclusions checked), reverse apply order. */
  deleteAll(
    refs: readonly ObjectRef[],
    options: Partial<DeleteOptions> = {},
  ): Promise<{ changeSet: ChangeSet; failures: DeleteFailure[]; failedRefs: ObjectRef[] }> {
    return deleteAll(this.ctx, refs, { ...defaultDeleteOptions(), ...options });
  }

  /** Deletes what left the inventory; failed deletes stay in the returned inventory. */
  prune(
    previous: Inventory | undefined,
    next: Inventory,
    options: Partial<DeleteOptions> = {},
  ): Promise<PruneResult> {
    return prune(this.ctx, previous, next, { ...defaultDeleteOptions(), ...options });
  }
}
