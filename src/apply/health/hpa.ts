// HorizontalPodAutoscaler health from its conditions (gitops-engine's health_hpa.go).
import type { KubeObject } from '../../kube/index.js';
import { conditionsOf, degraded, healthy, progressing, type HealthResult } from './status.js';

const degradedStates: readonly [string, string][] = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'InvalidSelector'],
];
const healthyStates: readonly [string, string][] = [
  ['AbleToScale', 'SucceededRescale'],
  ['ScalingLimited', 'DesiredWithinRange'],
  ['ScalingLimited', 'TooFewReplicas'],
  ['ScalingLimited', 'TooManyReplicas'],
];

export function hpaHealth(obj: KubeObject): HealthResult {
  for (const c of conditionsOf(obj)) {
    if (c.status === 'False' && degradedStates.some(([t, r]) => c.type === t && c.reason === r)) {
      return degraded(c.message ?? `${c.type ?? ''}: ${c.reason ?? ''}`);
    }
    if (c.status === 'True' && healthyStates.some(([t, r]) => c.type === t && c.reason === r)) {
      return healthy(c.message ?? '');
    }
  }
  return progressing('Waiting to Autoscale');
}
