// Strategic-merge metadata (patch strategies and merge keys) of the Kubernetes v1.21.2 API, as kustomize v5.5.0 embeds it.
//
// Source: the Kubernetes v1.21.2 OpenAPI document that kyaml ships (kyaml/openapi/kubernetesapi/v1_21_2), reduced to
// what a strategic merge needs, following kyaml's own precomputed index (kyaml/openapi/zz_generated_patchmeta.go in
// kubernetes-sigs/kustomize, Apache-2.0): for each resource type, the fields that carry
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key / x-kubernetes-list-map-keys, and the $ref paths leading
// to them. Types absent here carry no strategic-merge metadata anywhere in their tree, so their lists are replaced.
// Kinds not listed in KNOWN_KINDS (custom resources, and e.g. extensions/v1beta1 Deployment, which the v1.21 API no
// longer serves) have no schema at all, and kustomize replaces all their lists too.

/** A field of a schema definition: a nested object (`ref`), a list (`elem`, `strategy`, `keys`). */
export interface PatchField {
  readonly ref?: string;
  readonly elem?: string;
  readonly strategy?: string;
  readonly keys?: readonly string[];
}
export type PatchDef = Readonly<Record<string, PatchField>>;

const META: PatchField = { ref: 'ObjectMeta' };
const CONDITIONS: PatchField = { strategy: 'merge', keys: ['type'] };
const PTS: PatchField = { ref: 'core.v1.PodTemplateSpec' };

export const PATCH_DEFS: Readonly<Record<string, PatchDef>> = {
  ObjectMeta: {
    finalizers: { strategy: 'merge' },
    ownerReferences: { strategy: 'merge', keys: ['uid'] },
  },
  Meta: { metadata: META },
  WebhookConfiguration: { metadata: META, webhooks: { strategy: 'merge', keys: ['name'] } },
  'apps.v1.DaemonSet': {
    metadata: META,
    spec: { ref: 'apps.v1.PodSpecHolder' },
    status: { ref: 'Conditions' },
  },
  'apps.v1.Deployment': {
    metadata: META,
    spec: { ref: 'apps.v1.PodSpecHolder' },
    status: { ref: 'Conditions' },
  },
  'apps.v1.ReplicaSet': {
    metadata: META,
    spec: { ref: 'apps.v1.PodSpecHolder' },
    status: { ref: 'Conditions' },
  },
  'apps.v1.StatefulSet': {
    metadata: META,
    spec: { ref: 'apps.v1.StatefulSetSpec' },
    status: { ref: 'Conditions' },
  },
  'apps.v1.PodSpecHolder': { template: PTS },
  'apps.v1.StatefulSetSpec': {
    template: PTS,
    volumeClaimTemplates: { elem: 'core.v1.PersistentVolumeClaim' },
  },
  Conditions: { conditions: CONDITIONS },
  'batch.v1.Job': {
    metadata: META,
    spec: { ref: 'batch.v1.JobSpec' },
    status: { ref: 'Conditions' },
  },
  'batch.v1.JobSpec': { template: PTS },
  'batch.v1.CronJob': { metadata: META, spec: { ref: 'batch.v1.CronJobSpec' } },
  'batch.v1.CronJobSpec': { jobTemplate: { ref: 'batch.v1.JobTemplateSpec' } },
  'batch.v1.JobTemplateSpec': { metadata: META, spec: { ref: 'batch.v1.JobSpec' } },
  'core.v1.ComponentStatus': { metadata: META, conditions: CONDITIONS },
  'core.v1.Container': {
    env: { strategy: 'merge', keys: ['name'] },
    ports: { strategy: 'merge', keys: ['containerPort', 'protocol'] },
    volumeDevices: { strategy: 'merge', keys: ['devicePath'] },
    volumeMounts: { strategy: 'merge', keys: ['mountPath'] },
  },
  'core.v1.EphemeralContainer': {
    env: { strategy: 'merge', keys: ['name'] },
    volumeDevices: { strategy: 'merge', keys: ['devicePath'] },
    volumeMounts: { strategy: 'merge', keys: ['mountPath'] },
  },
  'core.v1.Namespace': { metadata: META, status: { ref: 'Conditions' } },
  'core.v1.Node': {
    metadata: META,
    spec: { ref: 'core.v1.NodeSpec' },
    status: { ref: 'core.v1.NodeStatus' },
  },
  'core.v1.NodeSpec': { podCIDRs: { strategy: 'merge' } },
  'core.v1.NodeStatus': {
    addresses: { strategy: 'merge', keys: ['type'] },
    conditions: CONDITIONS,
  },
  'core.v1.PersistentVolumeClaim': { metadata: META, status: { ref: 'Conditions' } },
  'core.v1.Pod': {
    metadata: META,
    spec: { ref: 'core.v1.PodSpec' },
    status: { ref: 'core.v1.PodStatus' },
  },
  'core.v1.PodSpec': {
    containers: { strategy: 'merge', keys: ['name'], elem: 'core.v1.Container' },
    ephemeralContainers: { strategy: 'merge', keys: ['name'], elem: 'core.v1.EphemeralContainer' },
    hostAliases: { strategy: 'merge', keys: ['ip'] },
    imagePullSecrets: { strategy: 'merge', keys: ['name'] },
    initContainers: { strategy: 'merge', keys: ['name'], elem: 'core.v1.Container' },
    topologySpreadConstraints: { strategy: 'merge', keys: ['topologyKey', 'whenUnsatisfiable'] },
    volumes: { strategy: 'merge,retainKeys', keys: ['name'] },
  },
  'core.v1.PodStatus': { conditions: CONDITIONS, podIPs: { strategy: 'merge', keys: ['ip'] } },
  'core.v1.PodTemplate': { metadata: META, template: PTS },
  'core.v1.PodTemplateSpec': { metadata: META, spec: { ref: 'core.v1.PodSpec' } },
  'core.v1.ReplicationController': {
    metadata: META,
    spec: { ref: 'apps.v1.PodSpecHolder' },
    status: { ref: 'Conditions' },
  },
  'core.v1.Service': {
    metadata: META,
    spec: { ref: 'core.v1.ServiceSpec' },
    status: { ref: 'Conditions' },
  },
  'core.v1.ServiceSpec': { ports: { strategy: 'merge', keys: ['port', 'protocol'] } },
  'core.v1.ServiceAccount': { metadata: META, secrets: { strategy: 'merge', keys: ['name'] } },
  StatusConditions: { metadata: META, status: { ref: 'Conditions' } },
  CSINode: { metadata: META, spec: { ref: 'CSINodeSpec' } },
  CSINodeSpec: { drivers: { strategy: 'merge', keys: ['name'] } },
};

const META_ONLY = 'Meta';

/** Resource types the v1.21.2 schema knows, "apiVersion Kind" → definition. */
export const KNOWN_KINDS: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  const add = (apiVersions: readonly string[], kinds: readonly string[], def = META_ONLY): void => {
    for (const av of apiVersions) for (const k of kinds) m.set(`${av} ${k}`, def);
  };
  const both = (g: string): string[] => [`${g}/v1`, `${g}/v1beta1`];
  add(
    both('admissionregistration.k8s.io'),
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    'WebhookConfiguration',
  );
  add(both('apiextensions.k8s.io'), ['CustomResourceDefinition']);
  add(both('apiregistration.k8s.io'), ['APIService'], 'StatusConditions');
  add(['apps/v1'], ['ControllerRevision']);
  add(['apps/v1'], ['DaemonSet'], 'apps.v1.DaemonSet');
  add(['apps/v1'], ['Deployment'], 'apps.v1.Deployment');
  add(['apps/v1'], ['ReplicaSet'], 'apps.v1.ReplicaSet');
  add(['apps/v1'], ['StatefulSet'], 'apps.v1.StatefulSet');
  add(['authentication.k8s.io/v1'], ['TokenRequest', 'TokenReview']);
  add(['authentication.k8s.io/v1beta1'], ['TokenReview']);
  add(both('authorization.k8s.io'), [
    'LocalSubjectAccessReview',
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SubjectAccessReview',
  ]);
  add(
    ['autoscaling/v1', 'autoscaling/v2beta1', 'autoscaling/v2beta2'],
    ['HorizontalPodAutoscaler'],
  );
  add(['autoscaling/v1'], ['Scale']);
  add(['batch/v1'], ['Job'], 'batch.v1.Job');
  add(['batch/v1', 'batch/v1beta1'], ['CronJob'], 'batch.v1.CronJob');
  add(both('certificates.k8s.io'), ['CertificateSigningRequest']);
  add(both('coordination.k8s.io'), ['Lease']);
  add(both('discovery.k8s.io'), ['EndpointSlice']);
  add(both('events.k8s.io'), ['Event']);
  add(['extensions/v1beta1'], ['Ingress']);
  add(['flowcontrol.apiserver.k8s.io/v1beta1'], ['FlowSchema', 'PriorityLevelConfiguration']);
  add(both('networking.k8s.io'), ['Ingress', 'IngressClass']);
  add(['networking.k8s.io/v1'], ['NetworkPolicy']);
  add(both('node.k8s.io'), ['RuntimeClass']);
  add(['policy/v1', 'policy/v1beta1'], ['PodDisruptionBudget'], 'StatusConditions');
  add(['policy/v1beta1'], ['Eviction', 'PodSecurityPolicy']);
  add(both('rbac.authorization.k8s.io'), [
    'ClusterRole',
    'ClusterRoleBinding',
    'Role',
    'RoleBinding',
  ]);
  add(both('scheduling.k8s.io'), ['PriorityClass']);
  add(both('storage.k8s.io'), ['CSIDriver', 'StorageClass', 'VolumeAttachment']);
  add(both('storage.k8s.io'), ['CSINode'], 'CSINode');
  add(['storage.k8s.io/v1beta1'], ['CSIStorageCapacity']);
  add(
    ['v1'],
    [
      'Binding',
      'ConfigMap',
      'Endpoints',
      'Event',
      'LimitRange',
      'PersistentVolume',
      'ResourceQuota',
      'Secret',
    ],
  );
  add(['v1'], ['ComponentStatus'], 'core.v1.ComponentStatus');
  add(['v1'], ['Namespace'], 'core.v1.Namespace');
  add(['v1'], ['Node'], 'core.v1.Node');
  add(['v1'], ['PersistentVolumeClaim'], 'core.v1.PersistentVolumeClaim');
  add(['v1'], ['Pod'], 'core.v1.Pod');
  add(['v1'], ['PodTemplate'], 'core.v1.PodTemplate');
  add(['v1'], ['ReplicationController'], 'core.v1.ReplicationController');
  add(['v1'], ['Service'], 'core.v1.Service');
  add(['v1'], ['ServiceAccount'], 'core.v1.ServiceAccount');
  return m;
})();

/** Strategic-merge metadata: definitions, and which definition each "apiVersion Kind" uses. */
export interface PatchSchema {
  readonly defs: Readonly<Record<string, PatchDef>>;
  readonly kinds: ReadonlyMap<string, string>;
}

export const BUILTIN_PATCH_SCHEMA: PatchSchema = { defs: PATCH_DEFS, kinds: KNOWN_KINDS };

function refName(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o['$ref'] === 'string') return o['$ref'].replace(/^#\/definitions\//, '');
  const all = o['allOf'];
  if (Array.isArray(all)) for (const x of all) if (refName(x)) return refName(x);
  return undefined;
}

/**
 * A user schema (kustomization `openapi.path`, OpenAPI v2 `definitions`). As in kustomize it replaces the builtin
 * Kubernetes schema for strategic merges.
 */
export function patchSchemaFromOpenApi(doc: unknown): PatchSchema {
  const defs: Record<string, PatchDef> = Object.create(null) as Record<string, PatchDef>;
  const kinds = new Map<string, string>();
  const definitions =
    typeof doc === 'object' && doc !== null
      ? (doc as Record<string, unknown>)['definitions']
      : undefined;
  if (typeof definitions !== 'object' || definitions === null) return { defs, kinds };
  for (const [name, raw] of Object.entries(definitions as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const d = raw as Record<string, unknown>;
    const gvks = d['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvks)) {
      for (const g of gvks as Array<Record<string, unknown>>) {
        const group = typeof g['group'] === 'string' ? g['group'] : '';
        const version = typeof g['version'] === 'string' ? g['version'] : '';
        const kind = typeof g['kind'] === 'string' ? g['kind'] : '';
        kinds.set(`${group === '' ? version : `${group}/${version}`} ${kind}`, name);
      }
    }
    const props = d['properties'];
    const fields: Record<string, PatchField> = Object.create(null) as Record<string, PatchField>;
    if (typeof props === 'object' && props !== null) {
      for (const [field, pr] of Object.entries(props as Record<string, unknown>)) {
        if (typeof pr !== 'object' || pr === null) continue;
        const p = pr as Record<string, unknown>;
        const ref = refName(p);
        const elem = refName(p['items']);
        const strategy =
          typeof p['x-kubernetes-patch-strategy'] === 'string'
            ? p['x-kubernetes-patch-strategy']
            : undefined;
        const mapKeys = p['x-kubernetes-list-map-keys'];
        const mergeKey = p['x-kubernetes-patch-merge-key'];
        const keys = Array.isArray(mapKeys)
          ? mapKeys.filter((k): k is string => typeof k === 'string')
          : typeof mergeKey === 'string'
            ? [mergeKey]
            : undefined;
        const f: { ref?: string; elem?: string; strategy?: string; keys?: string[] } = {};
        if (ref) f.ref = ref;
        if (elem) f.elem = elem;
        if (strategy) f.strategy = strategy;
        if (keys && strategy) f.keys = keys;
        fields[field] = f;
      }
    }
    defs[name] = fields;
  }
  return { defs, kinds };
}

/** The schema definition of a resource type, or undefined for types the schema does not know. */
export function schemaForType(apiVersion: string, kind: string): string | undefined {
  return KNOWN_KINDS.get(`${apiVersion} ${kind}`);
}
