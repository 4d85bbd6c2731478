// The admission plugins kube-apiserver runs on every new Pod: ServiceAccount (default service
// account, the projected kube-api-access volume and its mounts), Priority (priority 0 and the
// preemption policy) and DefaultTolerationSeconds (not-ready/unreachable tolerations).
import { randomSuffix, isPlainObject, type KubeObject } from './object-meta.js';
import { forbidden } from './status-errors.js';
import type { ObjectStore } from './store.js';

type Obj = Record<string, unknown>;

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

function apiAccessVolume(name: string): Obj {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [
              {
                path: 'namespace',
                fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
              },
            ],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

function containers(spec: Obj, key: string): Obj[] {
  const v = spec[key];
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** Applies the three plugins to a Pod being created (in place); 403 when its service account is missing. */
export function admitPodCreate(pod: KubeObject, namespace: string, store: ObjectStore): void {
  const spec = isPlainObject(pod.spec) ? pod.spec : (pod.spec = {});
  if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '')
    spec.serviceAccountName = 'default';
  const saName = spec.serviceAccountName as string;
  spec.serviceAccount = saName;
  const sa = store.get('serviceaccounts', namespace, saName);
  const podName =
    isPlainObject(pod.metadata) && typeof pod.metadata.name === 'string' ? pod.metadata.name : '';
  if (sa === undefined)
    throw forbidden(
      { group: '', resource: 'pods' },
      podName,
      `error looking up service account ${namespace}/${saName}: serviceaccount "${saName}" not found`,
    );
  const mount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
  const all = [...containers(spec, 'initContainers'), ...containers(spec, 'containers')];
  const mounted = all.some(
    (c) =>
      Array.isArray(c.volumeMounts) &&
      c.volumeMounts.some((m) => isPlainObject(m) && m.mountPath === TOKEN_PATH),
  );
  if (mount !== false && !mounted) {
    const name = `kube-api-access-${randomSuffix()}`;
    spec.volumes = [
      ...(Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : []),
      apiAccessVolume(name),
    ];
    for (const c of all)
      c.volumeMounts = [
        ...(Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : []),
        { name, readOnly: true, mountPath: TOKEN_PATH },
      ];
  }
  if (
    spec.priority === undefined &&
    (spec.priorityClassName === undefined || spec.priorityClassName === '')
  ) {
    spec.priority = 0;
    if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = 'PreemptLowerPriority';
  }
  const tolerations: unknown[] = Array.isArray(spec.tolerations)
    ? [...(spec.tolerations as unknown[])]
    : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some(
      (t) =>
        isPlainObject(t) &&
        t.key === key &&
        (t.effect === 'NoExecute' || t.effect === undefined || t.effect === ''),
    );
    if (!has)
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}
