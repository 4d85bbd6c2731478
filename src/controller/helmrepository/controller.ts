// The HelmRepository controller: the kind's reconciler with the Secrets it reads from the cluster.
import type { KubeClient } from '../../kube/index.js';
import type { ArtifactStore } from '../../source/index.js';
import type { ControllerRegistration } from '../runtime/manager.js';
import { reconcilerFor, type RuntimeOptions } from '../runtime/reconciler.js';
import { readSecret } from '../runtime/secrets.js';
import { helmRepositoryKind } from './kind.js';

export interface HelmRepositoryControllerOptions extends RuntimeOptions {
  readonly client: KubeClient;
  readonly store: ArtifactStore;
}

export function helmRepositoryController(
  options: HelmRepositoryControllerOptions,
): ControllerRegistration {
  const { client } = options;
  return reconcilerFor({
    ...options,
    kind: helmRepositoryKind,
    deps: { store: options.store, getSecret: (ns, name) => readSecret(client, ns, name) },
  });
}
