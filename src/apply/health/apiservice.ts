// APIService health from its Available condition (gitops-engine's health_apiservice.go).
import type { KubeObject } from '../../kube/index.js';
import { conditionOf, healthy, progressing, type HealthResult } from './status.js';

export function apiServiceHealth(obj: KubeObject): HealthResult {
  const c = conditionOf(obj, 'Available');
  if (!c) return progressing('Waiting to be processed');
  const message = `${c.reason ?? ''}: ${c.message ?? ''}`;
  return c.status === 'True' ? healthy(message) : progressing(message);
}
