// Deployment health, as gitops-engine's health_deployment.go judges it.
import type { KubeObject } from '../../kube/index.js';
import {
  conditionOf,
  degraded,
  field,
  healthy,
  num,
  progressing,
  suspended,
  type HealthResult,
} from './status.js';

export function deploymentHealth(obj: KubeObject): HealthResult {
  if (field(obj, 'spec', 'paused') === true) return suspended('Deployment is paused');
  const generation = obj.metadata.generation ?? 0;
  const observed = num(obj, 'status', 'observedGeneration') ?? 0;
  if (generation > observed) {
    return progressing(
      'Waiting for rollout to finish: observed deployment generation less than desired generation',
    );
  }
  const cond = conditionOf(obj, 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') {
    return degraded(`Deployment "${obj.metadata.name ?? ''}" exceeded its progress deadline`);
  }
  const replicas = num(obj, 'spec', 'replicas') ?? 1;
  const updated = num(obj, 'status', 'updatedReplicas') ?? 0;
  const total = num(obj, 'status', 'replicas') ?? 0;
  const available = num(obj, 'status', 'availableReplicas') ?? 0;
  if (updated < replicas) {
    return progressing(
      `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`,
    );
  }
  if (total > updated) {
    return progressing(
      `Waiting for rollout to finish: ${total - updated} old replicas are pending termination...`,
    );
  }
  if (available < updated) {
    return progressing(
      `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    );
  }
  return healthy();
}
