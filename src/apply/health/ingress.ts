// Ingress health: Progressing until the controller publishes an address (gitops-engine).
import type { KubeObject } from '../../kube/index.js';
import { field, healthy, progressing, type HealthResult } from './status.js';

export function ingressHealth(obj: KubeObject): HealthResult {
  const ingress = field(obj, 'status', 'loadBalancer', 'ingress');
  if (Array.isArray(ingress) && ingress.length > 0) return healthy();
  return progressing('Waiting for the ingress controller to publish an address');
}
