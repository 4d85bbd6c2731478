// PersistentVolumeClaim health by phase (gitops-engine's health_pvc.go).
import type { KubeObject } from '../../kube/index.js';
import { HealthStatus, degraded, healthy, progressing, str, type HealthResult } from './status.js';

export function pvcHealth(obj: KubeObject): HealthResult {
  switch (str(obj, 'status', 'phase')) {
    case 'Lost':
      return degraded('PersistentVolumeClaim lost its volume');
    case 'Pending':
      return progressing('Waiting for the claim to be bound');
    case 'Bound':
      return healthy();
    default:
      return { status: HealthStatus.Unknown, message: '' };
  }
}
