// Health assessment: picks the assessor for an object's kind, kstatus rules for the rest.
import { parseApiVersion, type KubeObject } from '../../kube/index.js';
import { apiServiceHealth } from './apiservice.js';
import { crdHealth } from './crd.js';
import { daemonSetHealth } from './daemonset.js';
import { deploymentHealth } from './deployment.js';
import { hpaHealth } from './hpa.js';
import { ingressHealth } from './ingress.js';
import { jobHealth } from './job.js';
import { kstatusHealth } from './kstatus.js';
import { podHealth } from './pod.js';
import { pvcHealth } from './pvc.js';
import { replicaSetHealth } from './replicaset.js';
import { serviceHealth } from './service.js';
import { statefulSetHealth } from './statefulset.js';
import { HealthStatus, type HealthAssessor, type HealthResult } from './status.js';

export * from './status.js';
export { kstatusHealth } from './kstatus.js';

/** Assessors by `group/Kind` (core group: `/Kind`). */
const assessors = new Map<string, HealthAssessor>([
  ['apps/Deployment', deploymentHealth],
  ['apps/StatefulSet', statefulSetHealth],
  ['apps/DaemonSet', daemonSetHealth],
  ['apps/ReplicaSet', replicaSetHealth],
  ['batch/Job', jobHealth],
  ['/Pod', podHealth],
  ['/Service', serviceHealth],
  ['networking.k8s.io/Ingress', ingressHealth],
  ['extensions/Ingress', ingressHealth],
  ['/PersistentVolumeClaim', pvcHealth],
  ['autoscaling/HorizontalPodAutoscaler', hpaHealth],
  ['apiregistration.k8s.io/APIService', apiServiceHealth],
  ['apiextensions.k8s.io/CustomResourceDefinition', crdHealth],
]);

/** The health of a live object; `undefined` (not found) is Missing. */
export function assessHealth(obj: KubeObject | undefined): HealthResult {
  if (!obj) return { status: HealthStatus.Missing, message: 'object not found' };
  const { group } = parseApiVersion(obj.apiVersion);
  const assessor = assessors.get(`${group}/${obj.kind}`) ?? kstatusHealth;
  return assessor(obj);
}
