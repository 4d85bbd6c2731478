// Service health: a LoadBalancer is Progressing until it has an ingress address (gitops-engine).
import type { KubeObject } from '../../kube/index.js';
import { field, healthy, progressing, str, type HealthResult } from './status.js';

export function serviceHealth(obj: KubeObject): HealthResult {
  if (str(obj, 'spec', 'type') !== 'LoadBalancer') return healthy();
  const ingress = field(obj, 'status', 'loadBalancer', 'ingress');
  if (Array.isArray(ingress) && ingress.length > 0) return healthy();
  return progressing('Waiting for the load balancer to get an address');
}
