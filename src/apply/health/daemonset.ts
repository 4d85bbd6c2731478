// DaemonSet health, as gitops-engine's health_daemonset.go judges it.
import type { KubeObject } from '../../kube/index.js';
import { healthy, num, progressing, str, type HealthResult } from './status.js';

export function daemonSetHealth(obj: KubeObject): HealthResult {
  const name = obj.metadata.name ?? '';
  if ((obj.metadata.generation ?? 0) > (num(obj, 'status', 'observedGeneration') ?? 0)) {
    return progressing(
      'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    );
  }
  const desired = num(obj, 'status', 'desiredNumberScheduled') ?? 0;
  const updated = num(obj, 'status', 'updatedNumberScheduled') ?? 0;
  const available = num(obj, 'status', 'numberAvailable') ?? 0;
  if (str(obj, 'spec', 'updateStrategy', 'type') === 'OnDelete') {
    return healthy(`daemon set ${updated} out of ${desired} new pods have been updated`);
  }
  if (updated < desired) {
    return progressing(
      `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    );
  }
  if (available < desired) {
    return progressing(
      `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    );
  }
  return healthy();
}
