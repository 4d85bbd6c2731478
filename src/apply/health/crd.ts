// CustomResourceDefinition health: names accepted and Established (Argo CD's CRD check).
import type { KubeObject } from '../../kube/index.js';
import { conditionOf, degraded, healthy, progressing, type HealthResult } from './status.js';

export function crdHealth(obj: KubeObject): HealthResult {
  if (obj.metadata.deletionTimestamp) return progressing('CRD is terminating');
  const names = conditionOf(obj, 'NamesAccepted');
  if (names?.status === 'False') return degraded(names.message ?? 'CRD names were not accepted');
  const nonStructural = conditionOf(obj, 'NonStructuralSchema');
  if (nonStructural?.status === 'True')
    return degraded(nonStructural.message ?? 'CRD schema is not structural');
  const established = conditionOf(obj, 'Established');
  if (established?.status === 'True') return healthy('CRD is established');
  return progressing(established?.message ?? 'Waiting for the CRD to be established');
}
