// kustomize's default transformer configuration: which fields each builtin transformer touches, and name back-references.
// The field lists restate kustomize v5.5.0's api/internal/konfig/builtinpluginconsts (Apache-2.0) so output matches it.
import { isYamlMap } from '../yaml/index.js';
import type { YamlValue } from '../yaml/index.js';
import { fieldSpecsFrom, mergeFieldSpecs } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import type { Gvk } from './resource.js';

/** One entry of nameReference: objects of `gvk` are referred to by name from the `referrers` fields. */
export interface NameBackReference {
  readonly gvk: Partial<Gvk>;
  readonly referrers: readonly FieldSpec[];
}

export interface TransformerConfig {
  readonly namePrefix: readonly FieldSpec[];
  readonly nameSuffix: readonly FieldSpec[];
  readonly namespace: readonly FieldSpec[];
  readonly commonLabels: readonly FieldSpec[];
  readonly templateLabels: readonly FieldSpec[];
  readonly commonAnnotations: readonly FieldSpec[];
  readonly nameReference: readonly NameBackReference[];
  readonly varReference: readonly FieldSpec[];
  readonly images: readonly FieldSpec[];
  readonly replicas: readonly FieldSpec[];
}

const PODSPEC_HOLDERS: ReadonlyArray<readonly [string, string]> = [
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

type SpecInput = {
  kind?: string;
  group?: string;
  version?: string;
  path: string;
  create?: boolean;
};

/** Field specs from compact literals (built directly: parsing YAML here would dominate a cold build). */
function lines(specs: readonly SpecInput[]): FieldSpec[] {
  return specs.map((s) => {
    const gvk: { group?: string; version?: string; kind?: string } = {};
    if (s.group) gvk.group = s.group;
    if (s.version) gvk.version = s.version;
    if (s.kind) gvk.kind = s.kind;
    return { gvk, path: s.path, create: s.create === true };
  });
}

const METADATA_LABELS = lines([
  { path: 'metadata/labels', create: true },
  {
    path: 'spec/template/metadata/labels',
    create: true,
    version: 'v1',
    kind: 'ReplicationController',
  },
  { path: 'spec/template/metadata/labels', create: true, kind: 'Deployment' },
  { path: 'spec/template/metadata/labels', create: true, kind: 'ReplicaSet' },
  { path: 'spec/template/metadata/labels', create: true, kind: 'DaemonSet' },
  { path: 'spec/template/metadata/labels', create: true, group: 'apps', kind: 'StatefulSet' },
  {
    path: 'spec/volumeClaimTemplates[]/metadata/labels',
    create: true,
    group: 'apps',
    kind: 'StatefulSet',
  },
  { path: 'spec/template/metadata/labels', create: true, group: 'batch', kind: 'Job' },
  { path: 'spec/jobTemplate/metadata/labels', create: true, group: 'batch', kind: 'CronJob' },
  {
    path: 'spec/jobTemplate/spec/template/metadata/labels',
    create: true,
    group: 'batch',
    kind: 'CronJob',
  },
]);

function affinitySelectors(kind: string): Array<{ path: string; group: string; kind: string }> {
  const base = 'spec/template/spec/affinity';
  return [
    `${base}/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels`,
    `${base}/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels`,
    `${base}/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels`,
    `${base}/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels`,
    'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
  ].map((path) => ({ path, group: 'apps', kind }));
}

const COMMON_LABELS: FieldSpec[] = [
  ...lines([
    { path: 'spec/selector', create: true, version: 'v1', kind: 'Service' },
    { path: 'spec/selector', create: true, version: 'v1', kind: 'ReplicationController' },
    { path: 'spec/selector/matchLabels', create: true, kind: 'Deployment' },
    ...affinitySelectors('Deployment'),
    { path: 'spec/selector/matchLabels', create: true, kind: 'ReplicaSet' },
    { path: 'spec/selector/matchLabels', create: true, kind: 'DaemonSet' },
    { path: 'spec/selector/matchLabels', create: true, group: 'apps', kind: 'StatefulSet' },
    {
      path: 'spec/volumeClaimTemplates[]/metadata/labels',
      create: true,
      group: 'apps',
      kind: 'StatefulSet',
    },
    ...affinitySelectors('StatefulSet'),
    { path: 'spec/selector/matchLabels', group: 'batch', kind: 'Job' },
    { path: 'spec/jobTemplate/spec/selector/matchLabels', group: 'batch', kind: 'CronJob' },
    { path: 'spec/selector/matchLabels', group: 'policy', kind: 'PodDisruptionBudget' },
    { path: 'spec/podSelector/matchLabels', group: 'networking.k8s.io', kind: 'NetworkPolicy' },
    {
      path: 'spec/ingress/from/podSelector/matchLabels',
      group: 'networking.k8s.io',
      kind: 'NetworkPolicy',
    },
    {
      path: 'spec/egress/to/podSelector/matchLabels',
      group: 'networking.k8s.io',
      kind: 'NetworkPolicy',
    },
  ]),
  ...METADATA_LABELS,
];

const COMMON_ANNOTATIONS = lines([
  { path: 'metadata/annotations', create: true },
  {
    path: 'spec/template/metadata/annotations',
    create: true,
    version: 'v1',
    kind: 'ReplicationController',
  },
  { path: 'spec/template/metadata/annotations', create: true, kind: 'Deployment' },
  { path: 'spec/template/metadata/annotations', create: true, kind: 'ReplicaSet' },
  { path: 'spec/template/metadata/annotations', create: true, kind: 'DaemonSet' },
  { path: 'spec/template/metadata/annotations', create: true, kind: 'StatefulSet' },
  { path: 'spec/template/metadata/annotations', create: true, group: 'batch', kind: 'Job' },
  { path: 'spec/jobTemplate/metadata/annotations', create: true, group: 'batch', kind: 'CronJob' },
  {
    path: 'spec/jobTemplate/spec/template/metadata/annotations',
    create: true,
    group: 'batch',
    kind: 'CronJob',
  },
]);

const NAMESPACE = lines([
  { path: 'metadata/namespace', create: true },
  { path: 'metadata/name', kind: 'Namespace', create: true },
  { path: 'subjects[]/namespace', kind: 'RoleBinding' },
  { path: 'subjects[]/namespace', kind: 'ClusterRoleBinding' },
  {
    path: 'spec/service/namespace',
    group: 'apiregistration.k8s.io',
    kind: 'APIService',
    create: true,
  },
  {
    path: 'spec/conversion/webhook/clientConfig/service/namespace',
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
  },
]);

function varRefs(): FieldSpec[] {
  const out: Array<{ path: string; kind: string }> = [];
  const holders: ReadonlyArray<readonly [string, string]> = [
    ['CronJob', 'spec/jobTemplate/spec/template/spec'],
    ['DaemonSet', 'spec/template/spec'],
    ['Deployment', 'spec/template/spec'],
  ];
  const podFields = (kind: string, p: string): void => {
    for (const c of ['containers', 'initContainers']) {
      for (const f of ['args', 'command', 'env/value', 'volumeMounts/mountPath'])
        out.push({ path: `${p}/${c}/${f}`, kind });
    }
    // kustomize v5.5.0 lists the CronJob volume path without the pod 'spec' segment; kept as shipped.
    out.push({
      path:
        kind === 'CronJob'
          ? 'spec/jobTemplate/spec/template/volumes/nfs/server'
          : `${p}/volumes/nfs/server`,
      kind,
    });
  };
  for (const [k, p] of holders) podFields(k, p);
  out.push({ path: 'spec/rules/host', kind: 'Ingress' });
  out.push({ path: 'spec/tls/hosts', kind: 'Ingress' });
  out.push({ path: 'spec/tls/secretName', kind: 'Ingress' });
  podFields('Job', 'spec/template/spec');
  podFields('Pod', 'spec');
  podFields('ReplicaSet', 'spec/template/spec');
  out.push({ path: 'spec/ports/port', kind: 'Service' });
  out.push({ path: 'spec/ports/targetPort', kind: 'Service' });
  for (const c of ['containers', 'initContainers']) {
    for (const f of ['args', 'command', 'env/value', 'volumeMounts/mountPath']) {
      out.push({ path: `spec/template/spec/${c}/${f}`, kind: 'StatefulSet' });
    }
  }
  out.push({ path: 'spec/volumeClaimTemplates/spec/nfs/server', kind: 'StatefulSet' });
  out.push({ path: 'spec/nfs/server', kind: 'PersistentVolume' });
  return [...lines(out), ...lines([{ path: 'metadata/labels' }, { path: 'metadata/annotations' }])];
}

function podRefs(
  fields: readonly string[],
  opts: { podVersion?: boolean; cronJobOrder?: readonly string[] } = {},
): Array<{ path: string; kind: string; version?: string }> {
  const out: Array<{ path: string; kind: string; version?: string }> = [];
  for (const f of fields)
    out.push({ path: `spec/${f}`, kind: 'Pod', ...(opts.podVersion ? { version: 'v1' } : {}) });
  for (const f of fields) out.push({ path: `template/spec/${f}`, kind: 'PodTemplate' });
  for (const [kind, p] of PODSPEC_HOLDERS) {
    const list = kind === 'CronJob' && opts.cronJobOrder ? opts.cronJobOrder : fields;
    for (const f of list) out.push({ path: `${p}/${f}`, kind });
  }
  return out;
}

function nameReferences(): NameBackReference[] {
  const cm = [
    'volumes/configMap/name',
    'containers/env/valueFrom/configMapKeyRef/name',
    'initContainers/env/valueFrom/configMapKeyRef/name',
    'containers/envFrom/configMapRef/name',
    'initContainers/envFrom/configMapRef/name',
    'volumes/projected/sources/configMap/name',
  ];
  const cmCron = [cm[0], cm[5], cm[1], cm[2], cm[3], cm[4]] as string[];
  const sec = [
    'volumes/secret/secretName',
    'containers/env/valueFrom/secretKeyRef/name',
    'initContainers/env/valueFrom/secretKeyRef/name',
    'containers/envFrom/secretRef/name',
    'initContainers/envFrom/secretRef/name',
    'imagePullSecrets/name',
    'volumes/projected/sources/secret/name',
  ];
  const secCron = [sec[0], sec[6], sec[1], sec[2], sec[3], sec[4], sec[5]] as string[];
  const simplePod = (field: string): Array<{ path: string; kind: string }> => [
    { path: `spec/${field}`, kind: 'Pod' },
    { path: `spec/template/spec/${field}`, kind: 'StatefulSet' },
    { path: `spec/template/spec/${field}`, kind: 'Deployment' },
    { path: `spec/template/spec/${field}`, kind: 'ReplicationController' },
    { path: `spec/jobTemplate/spec/template/spec/${field}`, kind: 'CronJob' },
    { path: `spec/template/spec/${field}`, kind: 'Job' },
    { path: `spec/template/spec/${field}`, kind: 'DaemonSet' },
  ];
  const hpa = (kind: string): NameBackReference => ({
    gvk: { kind },
    referrers: lines([{ path: 'spec/scaleTargetRef/name', kind: 'HorizontalPodAutoscaler' }]),
  });
  const entry = (gvk: Partial<Gvk>, specs: readonly SpecInput[]): NameBackReference => ({
    gvk,
    referrers: lines(specs),
  });
  return [
    hpa('Deployment'),
    hpa('ReplicationController'),
    hpa('ReplicaSet'),
    hpa('StatefulSet'),
    entry({ kind: 'ConfigMap', version: 'v1' }, [
      ...podRefs(cm, { podVersion: true, cronJobOrder: cmCron }),
      { path: 'spec/configSource/configMap', kind: 'Node' },
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      {
        path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap',
        kind: 'Ingress',
      },
    ]),
    entry({ kind: 'Secret', version: 'v1' }, [
      ...podRefs(sec, { podVersion: true, cronJobOrder: secCron }),
      { path: 'spec/tls/secretName', kind: 'Ingress' },
      { path: 'metadata/annotations/ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      {
        path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret',
        kind: 'Ingress',
      },
      { path: 'imagePullSecrets/name', kind: 'ServiceAccount' },
      { path: 'parameters/secretName', kind: 'StorageClass' },
      { path: 'parameters/adminSecretName', kind: 'StorageClass' },
      { path: 'parameters/userSecretName', kind: 'StorageClass' },
      { path: 'parameters/secretRef', kind: 'StorageClass' },
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      {
        path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name',
        kind: 'Service',
        group: 'serving.knative.dev',
        version: 'v1',
      },
      { path: 'spec/azureFile/secretName', kind: 'PersistentVolume' },
    ]),
    entry({ kind: 'Service', version: 'v1' }, [
      { path: 'spec/serviceName', kind: 'StatefulSet', group: 'apps' },
      { path: 'spec/rules/http/paths/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/rules/http/paths/backend/service/name', kind: 'Ingress' },
      { path: 'spec/defaultBackend/service/name', kind: 'Ingress' },
      { path: 'spec/service/name', kind: 'APIService', group: 'apiregistration.k8s.io' },
      {
        path: 'webhooks/clientConfig/service',
        kind: 'ValidatingWebhookConfiguration',
        group: 'admissionregistration.k8s.io',
      },
      {
        path: 'webhooks/clientConfig/service',
        kind: 'MutatingWebhookConfiguration',
        group: 'admissionregistration.k8s.io',
      },
      { path: 'spec/rules/backendRefs/name', kind: 'HTTPRoute' },
    ]),
    entry({ kind: 'Role', group: 'rbac.authorization.k8s.io' }, [
      { path: 'roleRef/name', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
    ]),
    entry({ kind: 'ClusterRole', group: 'rbac.authorization.k8s.io' }, [
      { path: 'roleRef/name', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
      { path: 'roleRef/name', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' },
    ]),
    entry({ kind: 'ServiceAccount', version: 'v1' }, [
      { path: 'subjects', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
      { path: 'subjects', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' },
      ...simplePod('serviceAccountName'),
    ]),
    entry(
      { kind: 'PersistentVolumeClaim', version: 'v1' },
      simplePod('volumes/persistentVolumeClaim/claimName'),
    ),
    entry({ kind: 'PersistentVolume', version: 'v1' }, [
      { path: 'spec/volumeName', kind: 'PersistentVolumeClaim' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
    ]),
    entry({ kind: 'StorageClass', version: 'v1', group: 'storage.k8s.io' }, [
      { path: 'spec/storageClassName', kind: 'PersistentVolume' },
      { path: 'spec/storageClassName', kind: 'PersistentVolumeClaim' },
      { path: 'spec/volumeClaimTemplates/spec/storageClassName', kind: 'StatefulSet' },
    ]),
    entry(
      { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io' },
      simplePod('priorityClassName'),
    ),
    entry({ kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1' }, [
      { path: 'spec/ingressClassName', kind: 'Ingress' },
    ]),
    entry({ kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io' }, [
      {
        path: 'spec/policyName',
        kind: 'ValidatingAdmissionPolicyBinding',
        group: 'admissionregistration.k8s.io',
      },
    ]),
  ];
}

function buildDefaults(): TransformerConfig {
  const images = [
    'spec/containers[]/image',
    'spec/initContainers[]/image',
    'spec/template/spec/containers[]/image',
    'spec/template/spec/initContainers[]/image',
  ];
  return {
    namePrefix: lines([{ path: 'metadata/name' }]),
    nameSuffix: lines([{ path: 'metadata/name' }]),
    namespace: NAMESPACE,
    commonLabels: COMMON_LABELS,
    templateLabels: METADATA_LABELS,
    commonAnnotations: COMMON_ANNOTATIONS,
    nameReference: nameReferences(),
    varReference: varRefs(),
    images: lines(images.map((path) => ({ path, create: true }))),
    replicas: lines(
      ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
        path: 'spec/replicas',
        create: true,
        kind,
      })),
    ),
  };
}

/** Parses a transformer configuration document (the format of kustomization `configurations:` files). */
export function parseTransformerConfig(v: YamlValue, where: string): TransformerConfig {
  if (v === null) return emptyConfig();
  if (!isYamlMap(v)) throw new Error(`${where}: expected a map of transformer configurations`);
  const known = new Set([
    'namePrefix',
    'nameSuffix',
    'namespace',
    'commonLabels',
    'templateLabels',
    'commonAnnotations',
    'nameReference',
    'varReference',
    'images',
    'replicas',
  ]);
  for (const k of Object.keys(v)) {
    if (!known.has(k)) throw new Error(`${where}: unknown transformer configuration field '${k}'`);
  }
  const fs = (k: string): FieldSpec[] => fieldSpecsFrom(v[k], `${where}: ${k}`);
  const refs: NameBackReference[] = [];
  const nr = v['nameReference'];
  if (nr !== undefined && nr !== null) {
    if (!Array.isArray(nr)) throw new Error(`${where}: nameReference must be a list`);
    nr.forEach((e, i) => {
      if (!isYamlMap(e)) throw new Error(`${where}: nameReference[${i}] must be a map`);
      const gvk: { group?: string; version?: string; kind?: string } = {};
      for (const k of ['group', 'version', 'kind'] as const) {
        const x = e[k];
        if (typeof x === 'string' && x !== '') gvk[k] = x;
      }
      refs.push({
        gvk,
        referrers: fieldSpecsFrom(e['fieldSpecs'], `${where}: nameReference[${i}].fieldSpecs`),
      });
    });
  }
  return {
    namePrefix: fs('namePrefix'),
    nameSuffix: fs('nameSuffix'),
    namespace: fs('namespace'),
    commonLabels: fs('commonLabels'),
    templateLabels: fs('templateLabels'),
    commonAnnotations: fs('commonAnnotations'),
    nameReference: refs,
    varReference: fs('varReference'),
    images: fs('images'),
    replicas: fs('replicas'),
  };
}

export function emptyConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}

function sameGvk(a: Partial<Gvk>, b: Partial<Gvk>): boolean {
  return (
    (a.group ?? '') === (b.group ?? '') &&
    (a.version ?? '') === (b.version ?? '') &&
    (a.kind ?? '') === (b.kind ?? '')
  );
}

/** Merges two configurations as kustomize's TransformerConfig.Merge does. */
export function mergeConfig(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const refs: NameBackReference[] = [...a.nameReference];
  for (const r of b.nameReference) {
    const i = refs.findIndex((x) => sameGvk(x.gvk, r.gvk));
    if (i < 0) refs.push(r);
    else {
      const cur = refs[i] as NameBackReference;
      refs[i] = { gvk: cur.gvk, referrers: mergeFieldSpecs(cur.referrers, r.referrers) };
    }
  }
  return {
    namePrefix: mergeFieldSpecs(a.namePrefix, b.namePrefix),
    nameSuffix: mergeFieldSpecs(a.nameSuffix, b.nameSuffix),
    namespace: mergeFieldSpecs(a.namespace, b.namespace),
    commonLabels: mergeFieldSpecs(a.commonLabels, b.commonLabels),
    templateLabels: mergeFieldSpecs(a.templateLabels, b.templateLabels),
    commonAnnotations: mergeFieldSpecs(a.commonAnnotations, b.commonAnnotations),
    nameReference: refs,
    varReference: mergeFieldSpecs(a.varReference, b.varReference),
    images: mergeFieldSpecs(a.images, b.images),
    replicas: mergeFieldSpecs(a.replicas, b.replicas),
  };
}

let defaults: TransformerConfig | undefined;
export function defaultConfig(): TransformerConfig {
  defaults ??= buildDefaults();
  return defaults;
}
