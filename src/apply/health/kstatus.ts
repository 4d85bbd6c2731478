// Generic health from kstatus conventions: observedGeneration, Stalled, Reconciling, Ready.
import type { KubeObject } from '../../kube/index.js';
import { conditionOf, degraded, healthy, num, progressing, type HealthResult } from './status.js';

/**
 * kstatus rules for any kind without its own assessor: a status behind the spec is
 * Progressing; Stalled=True is Degraded (Failed); Reconciling=True is Progressing; Ready
 * decides otherwise (False is still in progress, as kstatus has it); no conditions is Healthy.
 */
export function kstatusHealth(obj: KubeObject): HealthResult {
  const generation = obj.metadata.generation;
  const observed = num(obj, 'status', 'observedGeneration');
  if (generation !== undefined && observed !== undefined && observed < generation) {
    return progressing(
      `${obj.kind} generation is ${generation}, but latest observed generation is ${observed}`,
    );
  }
  const stalled = conditionOf(obj, 'Stalled');
  if (stalled?.status === 'True') return degraded(stalled.message ?? stalled.reason ?? 'Stalled');
  const reconciling = conditionOf(obj, 'Reconciling');
  if (reconciling?.status === 'True')
    return progressing(reconciling.message ?? reconciling.reason ?? 'Reconciling');
  const ready = conditionOf(obj, 'Ready');
  if (ready) {
    if (ready.status === 'True') return healthy(ready.message ?? '');
    return progressing(ready.message ?? ready.reason ?? 'Not ready');
  }
  return healthy();
}
