// StatefulSet health, as gitops-engine's health_statefulset.go judges it.
import type { KubeObject } from '../../kube/index.js';
import { healthy, num, progressing, str, type HealthResult } from './status.js';

export function statefulSetHealth(obj: KubeObject): HealthResult {
  const observed = num(obj, 'status', 'observedGeneration') ?? 0;
  if (observed === 0 || (obj.metadata.generation ?? 0) > observed) {
    return progressing('Waiting for statefulset spec update to be observed...');
  }
  const replicas = num(obj, 'spec', 'replicas') ?? 1;
  const ready = num(obj, 'status', 'readyReplicas') ?? 0;
  if (ready < replicas) return progressing(`Waiting for ${replicas - ready} pods to be ready...`);
  const strategy = str(obj, 'spec', 'updateStrategy', 'type') ?? 'RollingUpdate';
  const updated = num(obj, 'status', 'updatedReplicas') ?? 0;
  if (strategy === 'RollingUpdate') {
    const partition = num(obj, 'spec', 'updateStrategy', 'rollingUpdate', 'partition');
    if (partition !== undefined && partition > 0) {
      if (updated < replicas - partition) {
        return progressing(
          `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`,
        );
      }
      return healthy(`partitioned roll out complete: ${updated} new pods have been updated...`);
    }
  }
  if (strategy === 'OnDelete') return healthy(`statefulset has ${ready} ready pods`);
  const current = str(obj, 'status', 'currentRevision');
  const update = str(obj, 'status', 'updateRevision');
  if (current !== update) {
    return progressing(
      `waiting for statefulset rolling update to complete ${updated} pods at revision ${update ?? ''}...`,
    );
  }
  return healthy(
    `statefulset rolling update complete ${num(obj, 'status', 'currentReplicas') ?? 0} pods at revision ${current ?? ''}...`,
  );
}
