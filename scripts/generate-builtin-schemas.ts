// Generator of builtin-openapi.json: the compact OpenAPI v3 component schemas of Kubernetes' built-in kinds.
//
// Run: node --import tsx scripts/generate-builtin-schemas.ts
// (a development tool: not part of the build; it reads the devDependency @kubernetes/client-node)
//
// Structure (field names, JSON names, types, int formats) comes from the models that
// @kubernetes/client-node (installed, OpenAPI spec v1.34.0) generates from the upstream
// swagger. Those models drop the Kubernetes vendor extensions, so the merge/list semantics
// (patchMergeKey, patchStrategy, +listType, +listMapKey, +mapType, +structType) are added
// from EXTENSIONS below, transcribed from the Go struct tags and markers of k8s.io/api,
// k8s.io/apimachinery and k8s.io/apiextensions-apiserver at v1.34 (see README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

interface Attr {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}
type Json = Record<string, unknown>;

const models = k8s as unknown as Record<string, { attributeTypeMap?: Attr[] } | undefined>;
const modelsDir = join(
  dirname(fileURLToPath(import.meta.resolve('@kubernetes/client-node'))),
  'gen',
  'models',
);

/** JSON names of a model's required fields: the declaration file marks optional ones with '?'. */
function requiredFields(model: string, attrs: readonly Attr[]): string[] {
  const text = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  const required = new Set<string>();
  for (const m of text.matchAll(/^\s+'([^']+)'(\?)?:/gm))
    if (m[2] === undefined) required.add(m[1]!);
  return attrs.filter((a) => required.has(a.name)).map((a) => a.baseName);
}

/** Kinds served (group-version, kind, client-node model), in the order groups claim nested types. */
const KINDS: readonly (readonly [string, string, string])[] = [
  ['v1', 'Namespace', 'V1Namespace'],
  ['v1', 'ConfigMap', 'V1ConfigMap'],
  ['v1', 'Secret', 'V1Secret'],
  ['v1', 'Service', 'V1Service'],
  ['v1', 'ServiceAccount', 'V1ServiceAccount'],
  ['v1', 'Pod', 'V1Pod'],
  ['v1', 'PodTemplate', 'V1PodTemplate'],
  ['v1', 'Endpoints', 'V1Endpoints'],
  ['v1', 'Event', 'CoreV1Event'],
  ['v1', 'PersistentVolumeClaim', 'V1PersistentVolumeClaim'],
  ['v1', 'PersistentVolume', 'V1PersistentVolume'],
  ['v1', 'ResourceQuota', 'V1ResourceQuota'],
  ['v1', 'LimitRange', 'V1LimitRange'],
  ['apps/v1', 'Deployment', 'V1Deployment'],
  ['apps/v1', 'StatefulSet', 'V1StatefulSet'],
  ['apps/v1', 'DaemonSet', 'V1DaemonSet'],
  ['apps/v1', 'ReplicaSet', 'V1ReplicaSet'],
  ['apps/v1', 'ControllerRevision', 'V1ControllerRevision'],
  ['batch/v1', 'Job', 'V1Job'],
  ['batch/v1', 'CronJob', 'V1CronJob'],
  ['networking.k8s.io/v1', 'Ingress', 'V1Ingress'],
  ['networking.k8s.io/v1', 'IngressClass', 'V1IngressClass'],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'V1NetworkPolicy'],
  ['rbac.authorization.k8s.io/v1', 'Role', 'V1Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'V1RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'V1ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'V1ClusterRoleBinding'],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'V1CustomResourceDefinition'],
  [
    'admissionregistration.k8s.io/v1',
    'ValidatingWebhookConfiguration',
    'V1ValidatingWebhookConfiguration',
  ],
  [
    'admissionregistration.k8s.io/v1',
    'MutatingWebhookConfiguration',
    'V1MutatingWebhookConfiguration',
  ],
  ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 'V1ValidatingAdmissionPolicy'],
  [
    'admissionregistration.k8s.io/v1',
    'ValidatingAdmissionPolicyBinding',
    'V1ValidatingAdmissionPolicyBinding',
  ],
  ['coordination.k8s.io/v1', 'Lease', 'V1Lease'],
  ['events.k8s.io/v1', 'Event', 'EventsV1Event'],
  ['policy/v1', 'PodDisruptionBudget', 'V1PodDisruptionBudget'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'V2HorizontalPodAutoscaler'],
  ['autoscaling/v1', 'Scale', 'V1Scale'],
  ['storage.k8s.io/v1', 'StorageClass', 'V1StorageClass'],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'V1PriorityClass'],
];

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** apimachinery meta/v1 types (client-node name -> short name); everything else belongs to an API group. */
const META_TYPES = new Set([
  'ObjectMeta',
  'ListMeta',
  'LabelSelector',
  'LabelSelectorRequirement',
  'ManagedFieldsEntry',
  'OwnerReference',
  'Condition',
  'Status',
  'StatusDetails',
  'StatusCause',
  'DeleteOptions',
  'Preconditions',
]);
/** core/v1 types first reached from another group's kind. */
const CORE_TYPES = new Set(['TopologySelectorTerm', 'TopologySelectorLabelRequirement']);
/** Go package prefix of each group's definitions, as kube-apiserver names them. */
function packagePrefix(groupVersion: string, version: string): string {
  const slash = groupVersion.indexOf('/');
  const group = slash < 0 ? '' : groupVersion.slice(0, slash);
  if (group === '') return `io.k8s.api.core.${version}.`;
  if (group === 'apiextensions.k8s.io')
    return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}.`;
  const short = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  return `io.k8s.api.${short === 'rbac.authorization' ? 'rbac' : short}.${version}.`;
}

const BUILTIN_DEFS: Record<string, Json> = {
  [META + 'Time']: { type: 'string', format: 'date-time' },
  [META + 'MicroTime']: { type: 'string', format: 'date-time' },
  [META + 'FieldsV1']: { type: 'object' },
  // The structural form CRDs use for int-or-string, which validators understand.
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
  },
  // As kube-apiserver's v3 document has it: a string or a number ('500m', 2, 0.5).
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': {
    'x-kubernetes-preserve-unknown-fields': true,
  },
};

/** Fields holding resource.Quantity values (client-node types them as plain strings). */
const QUANTITY_FIELDS: Record<string, readonly string[]> = {
  V1ResourceRequirements: ['limits', 'requests'],
  V1VolumeResourceRequirements: ['limits', 'requests'],
  V1PersistentVolumeSpec: ['capacity'],
  V1PersistentVolumeClaimStatus: ['capacity', 'allocatedResources'],
  V1ResourceQuotaSpec: ['hard'],
  V1ResourceQuotaStatus: ['hard', 'used'],
  V1LimitRangeItem: ['default', 'defaultRequest', 'max', 'maxLimitRequestRatio', 'min'],
  V1PodSpec: ['overhead'],
  V1ContainerStatus: ['allocatedResources'],
  V1EmptyDirVolumeSource: ['sizeLimit'],
  V2MetricTarget: ['averageValue', 'value'],
  V2MetricValueStatus: ['averageValue', 'value'],
};

/** Defaults of list-map key fields (`+default` markers upstream), needed to key items that omit them. */
const KEY_DEFAULTS: Record<string, Record<string, unknown>> = {
  V1ContainerPort: { protocol: 'TCP' },
  V1ServicePort: { protocol: 'TCP' },
};

type Ext = {
  pmk?: string;
  ps?: string;
  lt?: 'atomic' | 'set' | 'map';
  lmk?: string[];
  mt?: 'atomic' | 'granular';
};
const atomic: Ext = { lt: 'atomic' };
const set: Ext = { lt: 'set' };
const byName: Ext = { pmk: 'name', ps: 'merge', lt: 'map', lmk: ['name'] };
const conditions: Ext = { pmk: 'type', ps: 'merge', lt: 'map', lmk: ['type'] };
const STRUCT_ATOMIC = '$struct';

/**
 * Vendor extensions per definition (short Go package + type) and JSON field, from the Go
 * struct tags/markers upstream. `$struct: atomic` marks `+structType=atomic` types.
 */
const EXTENSIONS: Record<string, Record<string, Ext | 'atomic'>> = {
  // k8s.io/apimachinery/pkg/apis/meta/v1/types.go
  'meta.v1.ObjectMeta': {
    finalizers: { ps: 'merge', lt: 'set' },
    ownerReferences: { pmk: 'uid', ps: 'merge', lt: 'map', lmk: ['uid'] },
    managedFields: atomic,
  },
  'meta.v1.OwnerReference': { [STRUCT_ATOMIC]: 'atomic' },
  'meta.v1.LabelSelector': { [STRUCT_ATOMIC]: 'atomic', matchExpressions: atomic },
  'meta.v1.LabelSelectorRequirement': { values: atomic },
  'meta.v1.StatusDetails': { causes: atomic },
  'meta.v1.DeleteOptions': { dryRun: atomic },
  // k8s.io/api/core/v1/types.go
  'core.v1.PodSpec': {
    volumes: { pmk: 'name', ps: 'merge,retainKeys', lt: 'map', lmk: ['name'] },
    initContainers: byName,
    containers: byName,
    ephemeralContainers: byName,
    imagePullSecrets: byName,
    hostAliases: { pmk: 'ip', ps: 'merge', lt: 'map', lmk: ['ip'] },
    tolerations: atomic,
    topologySpreadConstraints: {
      pmk: 'topologyKey',
      ps: 'merge',
      lt: 'map',
      lmk: ['topologyKey', 'whenUnsatisfiable'],
    },
    readinessGates: atomic,
    resourceClaims: { pmk: 'name', ps: 'merge,retainKeys', lt: 'map', lmk: ['name'] },
    schedulingGates: byName,
    nodeSelector: { mt: 'atomic' },
  },
  'core.v1.Container': {
    ports: { pmk: 'containerPort', ps: 'merge', lt: 'map', lmk: ['containerPort', 'protocol'] },
    env: byName,
    envFrom: atomic,
    volumeMounts: { pmk: 'mountPath', ps: 'merge', lt: 'map', lmk: ['mountPath'] },
    volumeDevices: { pmk: 'devicePath', ps: 'merge', lt: 'map', lmk: ['devicePath'] },
    command: atomic,
    args: atomic,
    resizePolicy: atomic,
    restartPolicyRules: atomic,
  },
  'core.v1.EphemeralContainer': {
    ports: { pmk: 'containerPort', ps: 'merge', lt: 'map', lmk: ['containerPort', 'protocol'] },
    env: byName,
    envFrom: atomic,
    volumeMounts: { pmk: 'mountPath', ps: 'merge', lt: 'map', lmk: ['mountPath'] },
    volumeDevices: { pmk: 'devicePath', ps: 'merge', lt: 'map', lmk: ['devicePath'] },
    command: atomic,
    args: atomic,
    resizePolicy: atomic,
    restartPolicyRules: atomic,
  },
  'core.v1.ResourceRequirements': { claims: { lt: 'map', lmk: ['name'] } },
  'core.v1.PodStatus': {
    conditions,
    podIPs: { pmk: 'ip', ps: 'merge', lt: 'map', lmk: ['ip'] },
    hostIPs: { pmk: 'ip', ps: 'merge', lt: 'atomic' },
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: { pmk: 'name', ps: 'merge,retainKeys', lt: 'map', lmk: ['name'] },
  },
  'core.v1.ContainerStatus': {
    volumeMounts: { pmk: 'mountPath', ps: 'merge', lt: 'map', lmk: ['mountPath'] },
    allocatedResourcesStatus: byName,
  },
  'core.v1.PodSecurityContext': { supplementalGroups: atomic, sysctls: atomic },
  'core.v1.Capabilities': { add: atomic, drop: atomic },
  'core.v1.PodDNSConfig': { nameservers: atomic, searches: atomic, options: atomic },
  'core.v1.HostAlias': { hostnames: atomic },
  'core.v1.ExecAction': { command: atomic },
  'core.v1.HTTPGetAction': { httpHeaders: atomic },
  'core.v1.NodeSelector': { [STRUCT_ATOMIC]: 'atomic', nodeSelectorTerms: atomic },
  'core.v1.NodeSelectorTerm': {
    [STRUCT_ATOMIC]: 'atomic',
    matchExpressions: atomic,
    matchFields: atomic,
  },
  'core.v1.NodeSelectorRequirement': { values: atomic },
  'core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'core.v1.PodAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAntiAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAffinityTerm': {
    namespaces: atomic,
    matchLabelKeys: atomic,
    mismatchLabelKeys: atomic,
  },
  'core.v1.TopologySpreadConstraint': { matchLabelKeys: atomic },
  'core.v1.ConfigMapVolumeSource': { items: atomic },
  'core.v1.SecretVolumeSource': { items: atomic },
  'core.v1.DownwardAPIVolumeSource': { items: atomic },
  'core.v1.ProjectedVolumeSource': { sources: atomic },
  'core.v1.ConfigMapProjection': { items: atomic },
  'core.v1.SecretProjection': { items: atomic },
  'core.v1.DownwardAPIProjection': { items: atomic },
  'core.v1.CephFSVolumeSource': { monitors: atomic },
  'core.v1.RBDVolumeSource': { monitors: atomic },
  'core.v1.ISCSIVolumeSource': { portals: atomic },
  'core.v1.FCVolumeSource': { targetWWNs: atomic, wwids: atomic },
  'core.v1.LocalObjectReference': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.TypedLocalObjectReference': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.ObjectReference': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.SecretReference': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.ConfigMapKeySelector': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.SecretKeySelector': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.ObjectFieldSelector': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.ResourceFieldSelector': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.ServiceSpec': {
    ports: { pmk: 'port', ps: 'merge', lt: 'map', lmk: ['port', 'protocol'] },
    selector: { mt: 'atomic' },
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  'core.v1.ServiceStatus': { conditions },
  'core.v1.LoadBalancerStatus': { ingress: atomic },
  'core.v1.LoadBalancerIngress': { ports: atomic },
  'core.v1.ServiceAccount': { secrets: byName, imagePullSecrets: atomic },
  'core.v1.NamespaceSpec': { finalizers: atomic },
  'core.v1.NamespaceStatus': { conditions },
  'core.v1.PersistentVolumeClaimSpec': { accessModes: atomic },
  'core.v1.PersistentVolumeClaimStatus': { accessModes: atomic, conditions },
  'core.v1.PersistentVolumeSpec': { accessModes: atomic, mountOptions: atomic },
  'core.v1.Endpoints': { subsets: atomic },
  'core.v1.EndpointSubset': { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'core.v1.EndpointAddress': { [STRUCT_ATOMIC]: 'atomic' },
  'core.v1.ResourceQuotaSpec': { scopes: atomic },
  'core.v1.ScopeSelector': { matchExpressions: atomic },
  'core.v1.ScopedResourceSelectorRequirement': { values: atomic },
  'core.v1.LimitRangeSpec': { limits: atomic },
  'core.v1.TopologySelectorTerm': { [STRUCT_ATOMIC]: 'atomic', matchLabelExpressions: atomic },
  'core.v1.TopologySelectorLabelRequirement': { values: atomic },
  // k8s.io/api/apps/v1/types.go
  'apps.v1.DeploymentStatus': { conditions },
  'apps.v1.ReplicaSetStatus': { conditions },
  'apps.v1.DaemonSetStatus': { conditions },
  'apps.v1.StatefulSetStatus': { conditions },
  'apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  // k8s.io/api/batch/v1/types.go
  'batch.v1.JobStatus': { conditions: { pmk: 'type', ps: 'merge', lt: 'atomic' } },
  'batch.v1.UncountedTerminatedPods': { succeeded: set, failed: set },
  'batch.v1.PodFailurePolicy': { rules: atomic },
  'batch.v1.PodFailurePolicyRule': { onPodConditions: atomic },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: set },
  'batch.v1.SuccessPolicy': { rules: atomic },
  'batch.v1.CronJobStatus': { active: atomic },
  // k8s.io/api/networking/v1/types.go
  'networking.v1.IngressSpec': { rules: atomic, tls: atomic },
  'networking.v1.IngressTLS': { hosts: atomic },
  'networking.v1.HTTPIngressRuleValue': { paths: atomic },
  'networking.v1.IngressLoadBalancerStatus': { ingress: atomic },
  'networking.v1.IngressLoadBalancerIngress': { ports: atomic },
  'networking.v1.NetworkPolicySpec': { ingress: atomic, egress: atomic, policyTypes: atomic },
  'networking.v1.NetworkPolicyIngressRule': { ports: atomic, from: atomic },
  'networking.v1.NetworkPolicyEgressRule': { ports: atomic, to: atomic },
  'networking.v1.IPBlock': { except: atomic },
  // k8s.io/api/rbac/v1/types.go
  'rbac.v1.PolicyRule': {
    verbs: atomic,
    apiGroups: atomic,
    resources: atomic,
    resourceNames: atomic,
    nonResourceURLs: atomic,
  },
  'rbac.v1.Role': { rules: atomic },
  'rbac.v1.ClusterRole': { rules: atomic },
  'rbac.v1.AggregationRule': { clusterRoleSelectors: atomic },
  'rbac.v1.RoleBinding': { subjects: atomic },
  'rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'rbac.v1.RoleRef': { [STRUCT_ATOMIC]: 'atomic' },
  // k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/types.go, types_jsonschema.go
  'apiextensions.v1.CustomResourceDefinitionSpec': { versions: atomic },
  'apiextensions.v1.CustomResourceDefinitionNames': { shortNames: atomic, categories: atomic },
  'apiextensions.v1.CustomResourceDefinitionStatus': {
    conditions: { lt: 'map', lmk: ['type'] },
    storedVersions: atomic,
  },
  'apiextensions.v1.CustomResourceDefinitionVersion': {
    additionalPrinterColumns: atomic,
    selectableFields: atomic,
  },
  'apiextensions.v1.WebhookConversion': { conversionReviewVersions: atomic },
  'apiextensions.v1.JSONSchemaProps': {
    required: atomic,
    enum: atomic,
    allOf: atomic,
    oneOf: atomic,
    anyOf: atomic,
    'x-kubernetes-list-map-keys': atomic,
    'x-kubernetes-validations': { pmk: 'rule', ps: 'merge', lt: 'map', lmk: ['rule'] },
  },
  // k8s.io/api/admissionregistration/v1/types.go
  'admissionregistration.v1.ValidatingWebhookConfiguration': { webhooks: byName },
  'admissionregistration.v1.MutatingWebhookConfiguration': { webhooks: byName },
  'admissionregistration.v1.ValidatingWebhook': {
    rules: atomic,
    admissionReviewVersions: atomic,
    matchConditions: byName,
  },
  'admissionregistration.v1.MutatingWebhook': {
    rules: atomic,
    admissionReviewVersions: atomic,
    matchConditions: byName,
  },
  'admissionregistration.v1.RuleWithOperations': {
    operations: atomic,
    apiGroups: atomic,
    apiVersions: atomic,
    resources: atomic,
  },
  'admissionregistration.v1.NamedRuleWithOperations': {
    [STRUCT_ATOMIC]: 'atomic',
    resourceNames: atomic,
    operations: atomic,
    apiGroups: atomic,
    apiVersions: atomic,
    resources: atomic,
  },
  'admissionregistration.v1.MatchResources': {
    [STRUCT_ATOMIC]: 'atomic',
    resourceRules: atomic,
    excludeResourceRules: atomic,
  },
  'admissionregistration.v1.ValidatingAdmissionPolicySpec': {
    validations: atomic,
    auditAnnotations: atomic,
    matchConditions: byName,
    variables: atomic,
  },
  'admissionregistration.v1.ValidatingAdmissionPolicyStatus': {
    conditions: { lt: 'map', lmk: ['type'] },
  },
  'admissionregistration.v1.TypeChecking': { expressionWarnings: atomic },
  'admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': { validationActions: set },
  'admissionregistration.v1.ParamRef': { [STRUCT_ATOMIC]: 'atomic' },
  // k8s.io/api/policy/v1/types.go
  'policy.v1.PodDisruptionBudgetStatus': { conditions },
  // k8s.io/api/autoscaling/v2/types.go
  'autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'autoscaling.v2.HorizontalPodAutoscalerStatus': { currentMetrics: atomic, conditions },
  'autoscaling.v2.HPAScalingRules': { policies: atomic },
  // k8s.io/api/storage/v1/types.go
  'storage.v1.StorageClass': { mountOptions: atomic, allowedTopologies: atomic },
};

function shortKey(defName: string): string {
  // 'io.k8s.api.core.v1.PodSpec' -> 'core.v1.PodSpec'; meta and apiextensions likewise.
  const parts = defName.split('.');
  return parts.slice(-3).join('.');
}

function main(): void {
  const defs: Record<string, Json> = { ...BUILTIN_DEFS };
  const defOfModel = new Map<string, string>();
  const kinds: Record<string, string> = {};
  const groupOf: Record<string, string[]> = {};
  const queue: [string, string][] = [];

  const nameFor = (model: string, gv: string): string => {
    const known = defOfModel.get(model);
    if (known !== undefined) return known;
    const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(model);
    if (m === null || models[model]?.attributeTypeMap === undefined)
      throw new Error(`generate: unknown client-node model ${model}`);
    const version = m[2]!.toLowerCase();
    const short = m[3]!;
    let def: string;
    if (META_TYPES.has(short) && version === 'v1') def = META + short;
    else if (CORE_TYPES.has(short)) def = `io.k8s.api.core.${version}.${short}`;
    else def = packagePrefix(gv, version) + short;
    defOfModel.set(model, def);
    queue.push([model, gv]);
    return def;
  };

  const ref = (def: string): Json => ({ $ref: `#/components/schemas/${def}` });
  const convert = (type: string, format: string, gv: string): Json => {
    if (type === 'string') return format === 'byte' ? { type, format } : { type };
    if (type === 'boolean') return { type };
    if (type === 'number') {
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format === '' ? { type } : { type, format };
    }
    if (type === 'Date') return ref(META + 'Time');
    if (type === 'V1MicroTime') return ref(META + 'MicroTime');
    if (type === 'IntOrString') return ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    if (type === 'any' || type === 'object')
      return { 'x-kubernetes-preserve-unknown-fields': true };
    const arr = /^Array<(.+)>$/.exec(type);
    if (arr) return { type: 'array', items: convert(arr[1]!, '', gv) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: convert(map[1]!, '', gv) };
    return ref(nameFor(type, gv));
  };

  const roots: (readonly [string, string | undefined, string])[] = [
    ...KINDS,
    // Served with every group-version, as kube-apiserver's documents do.
    ['v1', undefined, 'V1Status'],
    ['v1', undefined, 'V1DeleteOptions'],
  ];
  for (const [gv, kind, model] of roots) {
    const def = nameFor(model, gv);
    if (kind !== undefined) {
      kinds[`${gv}/${kind}`] = def;
      (groupOf[gv] ??= []).push(def);
    }
    while (queue.length > 0) {
      const [m, g] = queue.shift()!;
      const name = defOfModel.get(m)!;
      const ext = EXTENSIONS[shortKey(name)] ?? {};
      const props: Record<string, Json> = {};
      for (const a of models[m]!.attributeTypeMap!) {
        let schema: Json;
        if ((QUANTITY_FIELDS[m] ?? []).includes(a.baseName)) {
          const q = ref('io.k8s.apimachinery.pkg.api.resource.Quantity');
          schema = a.type === 'string' ? q : { type: 'object', additionalProperties: q };
        } else if (m === 'V1ManagedFieldsEntry' && a.baseName === 'fieldsV1') {
          schema = ref(META + 'FieldsV1');
        } else if (
          m === 'V1JSONSchemaProps' &&
          [
            'default',
            'example',
            'enum',
            'items',
            'additionalProperties',
            'additionalItems',
          ].includes(a.baseName)
        ) {
          const j = ref('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON');
          schema = a.baseName === 'enum' ? { type: 'array', items: j } : j;
        } else {
          schema = convert(a.type, a.format, g);
        }
        const e = ext[a.baseName];
        if (e !== undefined && e !== 'atomic') {
          if (e.pmk !== undefined) schema['x-kubernetes-patch-merge-key'] = e.pmk;
          if (e.ps !== undefined) schema['x-kubernetes-patch-strategy'] = e.ps;
          if (e.lt !== undefined) schema['x-kubernetes-list-type'] = e.lt;
          if (e.lmk !== undefined) schema['x-kubernetes-list-map-keys'] = e.lmk;
          if (e.mt !== undefined) schema['x-kubernetes-map-type'] = e.mt;
        }
        const dflt = KEY_DEFAULTS[m]?.[a.baseName];
        if (dflt !== undefined) schema.default = dflt;
        props[a.baseName] = schema;
      }
      for (const field of Object.keys(ext)) {
        if (field !== STRUCT_ATOMIC && props[field] === undefined)
          throw new Error(`generate: ${name} has no field ${field} (EXTENSIONS out of date)`);
      }
      const out: Json = { type: 'object', properties: props };
      const required = requiredFields(m, models[m]!.attributeTypeMap!);
      if (required.length > 0) out.required = required;
      if (ext[STRUCT_ATOMIC] === 'atomic') out['x-kubernetes-map-type'] = 'atomic';
      defs[name] = out;
    }
  }
  for (const key of Object.keys(EXTENSIONS)) {
    if (!Object.keys(defs).some((d) => shortKey(d) === key))
      throw new Error(`generate: EXTENSIONS names ${key}, which no served kind references`);
  }
  for (const [key, def] of Object.entries(kinds)) {
    const slash = key.lastIndexOf('/');
    const gv = key.slice(0, slash);
    const i = gv.indexOf('/');
    (defs[def] as Json)['x-kubernetes-group-version-kind'] = [
      {
        group: i < 0 ? '' : gv.slice(0, i),
        version: i < 0 ? gv : gv.slice(i + 1),
        kind: key.slice(slash + 1),
      },
    ];
  }
  const sorted: Record<string, Json> = {};
  for (const k of Object.keys(defs).sort()) sorted[k] = defs[k]!;
  const data = {
    source:
      'Generated by generate-builtin-schemas.ts from @kubernetes/client-node 1.4.0 models (OpenAPI spec v1.34.0: fields, types, formats, required) plus the vendor extensions of k8s.io/api v1.34 struct tags; descriptions stripped.',
    kubernetesVersion: 'v1.34.0',
    kinds,
    groupVersions: groupOf,
    definitions: sorted,
  };
  const out = new URL(
    '../src/localcluster/merge/schema-data/builtin-openapi.json',
    import.meta.url,
  );
  writeFileSync(out, JSON.stringify(data) + '\n');
  console.log(
    `wrote ${out.pathname}: ${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} definitions`,
  );
}

main();
