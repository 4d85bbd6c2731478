// ReplicaSet health, as gitops-engine's health_replicaset.go judges it.
import type { KubeObject } from '../../kube/index.js';
import { conditionOf, degraded, healthy, num, progressing, type HealthResult } from './status.js';

export function replicaSetHealth(obj: KubeObject): HealthResult {
  if ((obj.metadata.generation ?? 0) > (num(obj, 'status', 'observedGeneration') ?? 0)) {
    return progressing(
      'Waiting for rollout to finish: observed replica set generation less than desired generation',
    );
  }
  const failure = conditionOf(obj, 'ReplicaFailure');
  if (failure?.status === 'True') return degraded(failure.message ?? 'ReplicaFailure');
  const replicas = num(obj, 'spec', 'replicas') ?? 1;
  const available = num(obj, 'status', 'availableReplicas') ?? 0;
  if (available < replicas) {
    return progressing(
      `Waiting for rollout to finish: ${available} out of ${replicas} new replicas are available...`,
    );
  }
  return healthy();
}
