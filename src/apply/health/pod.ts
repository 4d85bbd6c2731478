// Pod health, as gitops-engine's health_pod.go judges it.
import type { KubeObject } from '../../kube/index.js';
import {
  HealthStatus,
  conditionOf,
  degraded,
  field,
  healthy,
  progressing,
  str,
  type HealthResult,
} from './status.js';

interface ContainerStatus {
  readonly name?: string;
  readonly state?: {
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly terminated?: {
      readonly exitCode?: number;
      readonly reason?: string;
      readonly message?: string;
    };
  };
}

function containerStatuses(obj: KubeObject): ContainerStatus[] {
  const out: ContainerStatus[] = [];
  for (const key of ['initContainerStatuses', 'containerStatuses']) {
    const list = field(obj, 'status', key);
    if (Array.isArray(list)) out.push(...(list as ContainerStatus[]));
  }
  return out;
}

/** A waiting reason that means the container will not start by itself (CrashLoopBackOff, ErrImagePull). */
function isFailingWait(reason: string): boolean {
  return reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff');
}

export function podHealth(obj: KubeObject): HealthResult {
  if (obj.metadata.deletionTimestamp) return progressing('Pending deletion');
  const restartPolicy = str(obj, 'spec', 'restartPolicy') ?? 'Always';
  if (restartPolicy === 'Always') {
    for (const cs of containerStatuses(obj)) {
      const w = cs.state?.waiting;
      if (w?.reason && isFailingWait(w.reason)) return degraded(w.message ?? w.reason);
    }
  }
  const phase = str(obj, 'status', 'phase');
  const message = str(obj, 'status', 'message') ?? '';
  switch (phase) {
    case 'Pending':
      return progressing(message);
    case 'Succeeded':
      return healthy(message);
    case 'Failed': {
      if (message) return degraded(message);
      for (const cs of containerStatuses(obj)) {
        const t = cs.state?.terminated;
        if (t && t.exitCode !== 0)
          return degraded(
            t.message ?? `container ${cs.name ?? ''} exited with ${t.exitCode ?? '?'}`,
          );
      }
      return degraded('Pod failed');
    }
    case 'Running':
      if (restartPolicy === 'Always') {
        return conditionOf(obj, 'Ready')?.status === 'True'
          ? healthy(message)
          : progressing(message || 'Pod is not ready');
      }
      // Pods meant to finish (OnFailure/Never) are still working while Running.
      return progressing(message || 'Pod is running');
    default:
      return { status: HealthStatus.Unknown, message };
  }
}
