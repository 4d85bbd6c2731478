// Job health, as gitops-engine's health_job.go judges it.
import type { KubeObject } from '../../kube/index.js';
import {
  conditionsOf,
  degraded,
  field,
  healthy,
  progressing,
  suspended,
  type HealthResult,
} from './status.js';

export function jobHealth(obj: KubeObject): HealthResult {
  let failed = false;
  let complete = false;
  let message = '';
  for (const c of conditionsOf(obj)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Failed') {
      failed = true;
      complete = true;
      message = c.message ?? c.reason ?? 'Job failed';
    } else if (c.type === 'Complete') {
      complete = true;
      message = c.message ?? '';
    }
  }
  if (field(obj, 'spec', 'suspend') === true) return suspended('Job is suspended');
  if (!complete) return progressing(message || 'Job is running');
  if (failed) return degraded(message);
  return healthy(message);
}
