// What every resource-manager verb needs: the client, the field manager and the owner labels.
import type { Logger } from '../core/index.js';
import type { KubeClient } from '../kube/index.js';
import type { Selector } from './options.js';
import type { VerifiedCache } from './verified-cache.js';

export interface ManagerContext {
  readonly client: KubeClient;
  /** Server-side apply field manager. */
  readonly fieldManager: string;
  /** Labels set on every applied object and required on every pruned one. */
  readonly ownerLabels: Selector;
  readonly logger: Logger;
  /** Objects proven in sync, whose dry-run can be skipped; undefined turns that off. */
  readonly verified: VerifiedCache | undefined;
}
