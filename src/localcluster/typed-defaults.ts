// The typed form of a built-in object, as kube-apiserver holds it after decoding: fields Go always
// writes (non-pointer structs, fields without `omitempty`) are present, the declarative
// `+default` values and the SetDefaults_* functions of k8s.io/kubernetes/pkg/apis/*/v1 are
// applied, top-down as the generated defaulters call them.
import { ownValue, setOwnValue } from '../core/index.js';
import { clone, isPlainObject } from './object-meta.js';
import type { SchemaNode } from '../core/index.js';

type Obj = Record<string, unknown>;

/** What the typed walk needs to know about the built-in schemas. */
export interface TypedSchemas {
  definitionName(node: SchemaNode): string | undefined;
  alwaysWritten(definition: string): readonly string[];
  fieldOrder(definition: string): readonly string[] | undefined;
}

function obj(o: Obj, key: string): Obj {
  const v = o[key];
  if (isPlainObject(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

function unset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function setIfUnset(o: Obj, key: string, value: unknown): void {
  if (unset(o[key])) o[key] = value;
}

/** The image tag as Kubernetes' parsers.ParseImageName sees it ('' without one, 'latest' by default). */
function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return '';
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

const CORE = 'io.k8s.api.core.v1.';
const APPS = 'io.k8s.api.apps.v1.';

/** The SetDefaults_* functions, by the definition they default. */
const DEFAULTERS: Record<string, (o: Obj) => void> = {
  [CORE + 'Container']: (o) => {
    if (unset(o.imagePullPolicy))
      o.imagePullPolicy =
        imageTag(typeof o.image === 'string' ? o.image : '') === 'latest'
          ? 'Always'
          : 'IfNotPresent';
    setIfUnset(o, 'terminationMessagePath', '/dev/termination-log');
    setIfUnset(o, 'terminationMessagePolicy', 'File');
  },
  [CORE + 'Service']: (o) => {
    const spec = obj(o, 'spec');
    setIfUnset(spec, 'sessionAffinity', 'None');
    if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
    if (spec.sessionAffinity === 'ClientIP') {
      const cfg = isPlainObject(spec.sessionAffinityConfig)
        ? spec.sessionAffinityConfig
        : undefined;
      const cip = cfg !== undefined && isPlainObject(cfg.clientIP) ? cfg.clientIP : undefined;
      if (cip === undefined || cip.timeoutSeconds === undefined)
        spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    }
    setIfUnset(spec, 'type', 'ClusterIP');
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
      if (!isPlainObject(p)) continue;
      setIfUnset(p, 'protocol', 'TCP');
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '')
        p.targetPort = p.port;
    }
    const external =
      spec.type === 'LoadBalancer' ||
      spec.type === 'NodePort' ||
      (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
    if (external) setIfUnset(spec, 'externalTrafficPolicy', 'Cluster');
    if (
      spec.internalTrafficPolicy === undefined &&
      (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')
    )
      spec.internalTrafficPolicy = 'Cluster';
    if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined)
      spec.allocateLoadBalancerNodePorts = true;
  },
  [CORE + 'Pod']: (o) => {
    const spec = obj(o, 'spec');
    for (const list of [spec.containers, spec.initContainers]) {
      for (const c of Array.isArray(list) ? list : []) {
        if (!isPlainObject(c) || !isPlainObject(c.resources)) continue;
        const limits = c.resources.limits;
        if (!isPlainObject(limits)) continue;
        const requests = obj(c.resources, 'requests');
        for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
      }
    }
    if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
    if (spec.hostNetwork === true) {
      for (const list of [spec.containers, spec.initContainers])
        for (const c of Array.isArray(list) ? list : [])
          for (const p of isPlainObject(c) && Array.isArray(c.ports) ? c.ports : [])
            if (isPlainObject(p) && (p.hostPort === undefined || p.hostPort === 0))
              p.hostPort = p.containerPort;
    }
  },
  [CORE + 'PodSpec']: (o) => {
    setIfUnset(o, 'dnsPolicy', 'ClusterFirst');
    setIfUnset(o, 'restartPolicy', 'Always');
    if (o.securityContext === undefined) o.securityContext = {};
    if (o.terminationGracePeriodSeconds === undefined) o.terminationGracePeriodSeconds = 30;
    setIfUnset(o, 'schedulerName', 'default-scheduler');
  },
  [CORE + 'Probe']: (o) => {
    for (const [k, v] of [
      ['timeoutSeconds', 1],
      ['periodSeconds', 10],
      ['successThreshold', 1],
      ['failureThreshold', 3],
    ] as const)
      if (o[k] === undefined || o[k] === 0) o[k] = v;
  },
  [CORE + 'SecretVolumeSource']: (o) => {
    if (o.defaultMode === undefined) o.defaultMode = 420;
  },
  [CORE + 'ConfigMapVolumeSource']: (o) => {
    if (o.defaultMode === undefined) o.defaultMode = 420;
  },
  [CORE + 'DownwardAPIVolumeSource']: (o) => {
    if (o.defaultMode === undefined) o.defaultMode = 420;
  },
  [CORE + 'ProjectedVolumeSource']: (o) => {
    if (o.defaultMode === undefined) o.defaultMode = 420;
  },
  [CORE + 'ServiceAccountTokenProjection']: (o) => {
    if (o.expirationSeconds === undefined) o.expirationSeconds = 3600;
  },
  [CORE + 'Secret']: (o) => {
    setIfUnset(o, 'type', 'Opaque');
    // the v1 → internal conversion folds the write-only stringData into data (base64)
    if (isPlainObject(o.stringData)) {
      const data = obj(o, 'data');
      for (const [k, v] of Object.entries(o.stringData))
        setOwnValue(data, k, Buffer.from(typeof v === 'string' ? v : '').toString('base64'));
    }
    delete o.stringData;
  },
  [CORE + 'PersistentVolume']: (o) => {
    setIfUnset(obj(o, 'status'), 'phase', 'Pending');
    const spec = obj(o, 'spec');
    setIfUnset(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    if (spec.volumeMode === undefined) spec.volumeMode = 'Filesystem';
  },
  [CORE + 'PersistentVolumeClaim']: (o) => setIfUnset(obj(o, 'status'), 'phase', 'Pending'),
  [CORE + 'PersistentVolumeClaimSpec']: (o) => {
    if (o.volumeMode === undefined) o.volumeMode = 'Filesystem';
  },
  [CORE + 'Endpoints']: (o) => {
    for (const ss of Array.isArray(o.subsets) ? o.subsets : [])
      for (const p of isPlainObject(ss) && Array.isArray(ss.ports) ? ss.ports : [])
        if (isPlainObject(p)) setIfUnset(p, 'protocol', 'TCP');
  },
  [CORE + 'HTTPGetAction']: (o) => {
    setIfUnset(o, 'path', '/');
    setIfUnset(o, 'scheme', 'HTTP');
  },
  [CORE + 'Namespace']: (o) => {
    const m = obj(o, 'metadata');
    if (typeof m.name === 'string' && m.name !== '') {
      const labels = obj(m, 'labels');
      labels['kubernetes.io/metadata.name'] = m.name;
    }
  },
  [CORE + 'NamespaceStatus']: (o) => setIfUnset(o, 'phase', 'Active'),
  [CORE + 'ObjectFieldSelector']: (o) => setIfUnset(o, 'apiVersion', 'v1'),
  [CORE + 'LimitRangeItem']: (o) => {
    if (o.type !== 'Container') return;
    const dflt = obj(o, 'default');
    const request = obj(o, 'defaultRequest');
    for (const [k, v] of Object.entries(isPlainObject(o.max) ? o.max : {}))
      if (dflt[k] === undefined) dflt[k] = v;
    for (const [k, v] of Object.entries(dflt)) if (request[k] === undefined) request[k] = v;
    for (const [k, v] of Object.entries(isPlainObject(o.min) ? o.min : {}))
      if (request[k] === undefined) request[k] = v;
  },
  [CORE + 'HostPathVolumeSource']: (o) => {
    if (o.type === undefined) o.type = '';
  },
  [CORE + 'Volume']: (o) => {
    const sources = Object.keys(o).filter((k) => k !== 'name');
    if (sources.length === 0) o.emptyDir = {};
  },
  [APPS + 'Deployment']: (o) => {
    const spec = obj(o, 'spec');
    if (spec.replicas === undefined) spec.replicas = 1;
    const strategy = obj(spec, 'strategy');
    setIfUnset(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = obj(strategy, 'rollingUpdate');
      if (ru.maxUnavailable === undefined) ru.maxUnavailable = '25%';
      if (ru.maxSurge === undefined) ru.maxSurge = '25%';
    }
    if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
    if (spec.progressDeadlineSeconds === undefined) spec.progressDeadlineSeconds = 600;
  },
  [APPS + 'DaemonSet']: (o) => {
    const spec = obj(o, 'spec');
    const us = obj(spec, 'updateStrategy');
    setIfUnset(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = obj(us, 'rollingUpdate');
      if (ru.maxUnavailable === undefined) ru.maxUnavailable = 1;
      if (ru.maxSurge === undefined) ru.maxSurge = 0;
    }
    if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  },
  [APPS + 'StatefulSet']: (o) => {
    const spec = obj(o, 'spec');
    setIfUnset(spec, 'podManagementPolicy', 'OrderedReady');
    const us = obj(spec, 'updateStrategy');
    if (unset(us.type)) {
      us.type = 'RollingUpdate';
      if (us.rollingUpdate === undefined) us.rollingUpdate = {};
    }
    if (us.type === 'RollingUpdate' && isPlainObject(us.rollingUpdate)) {
      if (us.rollingUpdate.partition === undefined) us.rollingUpdate.partition = 0;
    }
    const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy');
    setIfUnset(retention, 'whenDeleted', 'Retain');
    setIfUnset(retention, 'whenScaled', 'Retain');
    if (spec.replicas === undefined) spec.replicas = 1;
    if (spec.revisionHistoryLimit === undefined) spec.revisionHistoryLimit = 10;
  },
  [APPS + 'ReplicaSet']: (o) => {
    const spec = obj(o, 'spec');
    if (spec.replicas === undefined) spec.replicas = 1;
  },
  'io.k8s.api.batch.v1.Job': (o) => {
    const spec = obj(o, 'spec');
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    if (spec.parallelism === undefined) spec.parallelism = 1;
    if (spec.backoffLimit === undefined)
      spec.backoffLimit = spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
    const template = isPlainObject(spec.template) ? spec.template : {};
    const tlabels = isPlainObject(template.metadata) ? template.metadata.labels : undefined;
    const m = obj(o, 'metadata');
    if (isPlainObject(tlabels) && (!isPlainObject(m.labels) || Object.keys(m.labels).length === 0))
      m.labels = clone(tlabels);
    if (spec.completionMode === undefined) spec.completionMode = 'NonIndexed';
    if (spec.suspend === undefined) spec.suspend = false;
    if (spec.podReplacementPolicy === undefined)
      spec.podReplacementPolicy =
        spec.podFailurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed';
    if (spec.manualSelector === undefined) spec.manualSelector = false;
  },
  'io.k8s.api.batch.v1.CronJob': (o) => {
    const spec = obj(o, 'spec');
    setIfUnset(spec, 'concurrencyPolicy', 'Allow');
    if (spec.suspend === undefined) spec.suspend = false;
    if (spec.successfulJobsHistoryLimit === undefined) spec.successfulJobsHistoryLimit = 3;
    if (spec.failedJobsHistoryLimit === undefined) spec.failedJobsHistoryLimit = 1;
  },
  'io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern': (o) =>
    setIfUnset(o, 'status', 'True'),
  'io.k8s.api.networking.v1.NetworkPolicyPort': (o) => {
    if (o.protocol === undefined) o.protocol = 'TCP';
  },
  'io.k8s.api.networking.v1.NetworkPolicy': (o) => {
    const spec = obj(o, 'spec');
    if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
      const types = ['Ingress'];
      if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
      spec.policyTypes = types;
    }
  },
  'io.k8s.api.networking.v1.IngressClass': (o) => {
    const spec = isPlainObject(o.spec) ? o.spec : undefined;
    if (spec !== undefined && isPlainObject(spec.parameters) && spec.parameters.scope === undefined)
      spec.parameters.scope = 'Cluster';
  },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': (o) =>
    setIfUnset(obj(o, 'roleRef'), 'apiGroup', 'rbac.authorization.k8s.io'),
  'io.k8s.api.rbac.v1.RoleBinding': (o) =>
    setIfUnset(obj(o, 'roleRef'), 'apiGroup', 'rbac.authorization.k8s.io'),
  'io.k8s.api.rbac.v1.Subject': (o) => {
    if (!unset(o.apiGroup)) return;
    if (o.kind === 'User' || o.kind === 'Group') o.apiGroup = 'rbac.authorization.k8s.io';
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': (o) => {
    const spec = obj(o, 'spec');
    if (spec.minReplicas === undefined) spec.minReplicas = 1;
    if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
      spec.metrics = [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ];
  },
  'io.k8s.api.storage.v1.StorageClass': (o) => {
    if (o.reclaimPolicy === undefined) o.reclaimPolicy = 'Delete';
    if (o.volumeBindingMode === undefined) o.volumeBindingMode = 'Immediate';
  },
  'io.k8s.api.scheduling.v1.PriorityClass': (o) => {
    if (o.preemptionPolicy === undefined) o.preemptionPolicy = 'PreemptLowerPriority';
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': (o) => webhookDefaults(o, false),
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': (o) => webhookDefaults(o, true),
  'io.k8s.api.admissionregistration.v1.RuleWithOperations': (o) => {
    if (o.scope === undefined) o.scope = '*';
  },
  'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations': (o) => {
    if (o.scope === undefined) o.scope = '*';
  },
  'io.k8s.api.admissionregistration.v1.ServiceReference': (o) => {
    if (o.port === undefined) o.port = 443;
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec': (o) => {
    if (o.failurePolicy === undefined) o.failurePolicy = 'Fail';
  },
  'io.k8s.api.admissionregistration.v1.MatchResources': (o) => {
    if (o.matchPolicy === undefined) o.matchPolicy = 'Equivalent';
    if (o.namespaceSelector === undefined) o.namespaceSelector = {};
    if (o.objectSelector === undefined) o.objectSelector = {};
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition': (o) => {
    const spec = obj(o, 'spec');
    const names = obj(spec, 'names');
    if (unset(names.singular) && typeof names.kind === 'string')
      names.singular = names.kind.toLowerCase();
    if (unset(names.listKind) && typeof names.kind === 'string' && names.kind !== '')
      names.listKind = `${names.kind}List`;
    if (spec.conversion === undefined) spec.conversion = { strategy: 'None' };
    const status = obj(o, 'status');
    if (!Array.isArray(status.storedVersions) || status.storedVersions.length === 0) {
      const versions: unknown[] = Array.isArray(spec.versions) ? spec.versions : [];
      const storage = versions.find((v) => isPlainObject(v) && v.storage === true);
      if (isPlainObject(storage)) status.storedVersions = [storage.name];
    }
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ServiceReference': (o) => {
    if (o.port === undefined) o.port = 443;
  },
};

function webhookDefaults(o: Obj, mutating: boolean): void {
  if (o.failurePolicy === undefined) o.failurePolicy = 'Fail';
  if (o.matchPolicy === undefined) o.matchPolicy = 'Equivalent';
  if (o.namespaceSelector === undefined) o.namespaceSelector = {};
  if (o.objectSelector === undefined) o.objectSelector = {};
  if (o.timeoutSeconds === undefined) o.timeoutSeconds = 10;
  if (mutating && o.reinvocationPolicy === undefined) o.reinvocationPolicy = 'Never';
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/**
 * Fills the typed form of a built-in object in place: present fields Go always writes, declared
 * defaults, then the kind's SetDefaults_* functions, walking down from the root.
 */
export function applyTypedDefaults(o: Obj, schema: SchemaNode, types: TypedSchemas): void {
  fillStruct(o, schema, types, true);
}

function fillStruct(o: Obj, s: SchemaNode, types: TypedSchemas, defaults: boolean): void {
  const def = types.definitionName(s);
  const props = s.properties ?? {};
  const always = def === undefined ? [] : types.alwaysWritten(def);
  for (const [k, ps] of Object.entries(props)) {
    if (o[k] !== undefined) continue;
    const d = ps.default;
    if (isPlainObject(d) && Object.keys(d).length === 0) o[k] = {};
    // Go writes always-written fields; kube-openapi gives the non-pointer ones their zero value as
    // default, so one without a default is a pointer, slice or map: null
    else if (always.includes(k)) o[k] = d !== undefined ? clone(d) : null;
    else if (defaults && d !== undefined && !isZero(d)) o[k] = clone(d);
  }
  if (defaults && def !== undefined) DEFAULTERS[def]?.(o);
  for (const k of Object.keys(o)) {
    const ps = ownValue(props, k) as SchemaNode | undefined;
    if (ps !== undefined) fillValue(o[k], ps, types, defaults);
  }
}

function fillValue(v: unknown, s: SchemaNode, types: TypedSchemas, defaults: boolean): void {
  if (s.properties !== undefined) {
    if (isPlainObject(v)) fillStruct(v, s, types, defaults);
  } else if (Array.isArray(v)) {
    if (s.items !== undefined) for (const x of v) fillValue(x, s.items, types, defaults);
  } else if (isPlainObject(v) && isPlainObject(s.additionalProperties)) {
    for (const x of Object.values(v)) fillValue(x, s.additionalProperties, types, defaults);
  }
}

/**
 * The empty typed object of a kind (Go's `new(Kind)` as unstructured): what kube-apiserver
 * compares a create against to record managedFields. Lists and maps Go always writes are null
 * here, which the comparison takes as empty containers (their items are added, not the list).
 */
export function zeroObject(schema: SchemaNode, types: TypedSchemas): Obj {
  const o: Obj = {};
  fillStruct(o, schema, types, false);
  return o;
}

/** Re-inserts an object's keys in the given order (others after, in their order), in place. */
function reorderKeys(o: Obj, order: readonly string[]): void {
  const entries = Object.entries(o);
  const known = new Set(order);
  for (const [k] of entries) delete o[k];
  const byKey = new Map(entries);
  // keys come from input (map keys such as __proto__ are data): set them as own properties
  for (const k of order) if (byKey.has(k)) setOwnValue(o, k, byKey.get(k));
  for (const [k, v] of entries) if (!known.has(k)) setOwnValue(o, k, v);
}

/**
 * Puts a built-in object's fields in the order kube-apiserver writes them (in place): struct
 * fields in Go struct order, map keys sorted, as Go's encoding/json does.
 */
export function orderTyped(o: Obj, schema: SchemaNode, types: TypedSchemas): void {
  orderValue(o, schema, types);
}

function orderValue(v: unknown, s: SchemaNode | undefined, types: TypedSchemas): void {
  if (Array.isArray(v)) {
    for (const x of v) orderValue(x, s?.items, types);
    return;
  }
  // frozen: the fieldsV1 documents the merge module shares between versions (already in order)
  if (!isPlainObject(v) || Object.isFrozen(v)) return;
  if (s === undefined) {
    sortKeysDeep(v);
    return;
  }
  if (s.properties !== undefined) {
    const def = types.definitionName(s);
    const order = def === undefined ? undefined : types.fieldOrder(def);
    if (order !== undefined) reorderKeys(v, order);
    for (const [k, x] of Object.entries(v))
      orderValue(x, ownValue(s.properties, k) as SchemaNode | undefined, types);
    return;
  }
  // RawExtension, FieldsV1 and other free-form values are written as they are
  if (!isPlainObject(s.additionalProperties)) return;
  reorderKeys(v, Object.keys(v).sort());
  const ap = s.additionalProperties;
  for (const x of Object.values(v)) orderValue(x, ap, types);
}

/** Every object's keys sorted, as Go marshals maps (custom resources, untyped parts). */
export function sortKeysDeep(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) sortKeysDeep(x);
    return;
  }
  if (!isPlainObject(v) || Object.isFrozen(v)) return;
  reorderKeys(v, Object.keys(v).sort());
  for (const x of Object.values(v)) sortKeysDeep(x);
}
