// Per-kind behaviour of built-in resources: defaults on create, immutable fields on update,
// and which parts of an object count as its spec (for generation).
import { FieldErrorType, type FieldError } from './status-errors.js';
import { isPlainObject, jsonEqual, type KubeObject } from './object-meta.js';
import type { ResourceInfo } from './registry.js';
import type { TypedCodec } from './typed-codec.js';

export interface ClusterIpAllocator {
  allocate(): string;
}

function obj(o: KubeObject, key: string): Record<string, unknown> {
  let v = o[key];
  if (!isPlainObject(v)) {
    v = {};
    o[key] = v;
  }
  return v as Record<string, unknown>;
}

function setDefault(o: Record<string, unknown>, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

function kindKey(info: ResourceInfo): string {
  return `${info.group}/${info.kind}`;
}

/** The status a new object starts with: its kind's empty typed status (custom resources: none). */
function resetStatus(info: ResourceInfo, o: KubeObject, typed: TypedCodec | undefined): void {
  if (info.crd !== undefined || typed === undefined) {
    delete o.status;
    return;
  }
  const zero = typed.zero(info);
  if (zero?.status === undefined) delete o.status;
  else o.status = zero.status;
}

/** What the registry strategies do on create (after defaulting): reset status, allocate, derive. */
export function prepareForCreate(
  info: ResourceInfo,
  o: KubeObject,
  ips: ClusterIpAllocator,
  uid: string,
  typed: TypedCodec | undefined,
): void {
  // status is written through the status subresource only, never on create
  if (info.subresources.includes('status')) resetStatus(info, o, typed);
  switch (kindKey(info)) {
    case '/Namespace': {
      const spec = obj(o, 'spec');
      spec.finalizers = ['kubernetes'];
      o.status = { phase: 'Active' };
      break;
    }
    case '/Service':
      allocateService(obj(o, 'spec'), ips);
      break;
    case '/Pod':
      o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case '/PersistentVolumeClaim':
      o.status = { phase: 'Pending' };
      break;
    case '/PersistentVolume':
      o.status = { phase: 'Pending' };
      break;
    case 'batch/Job':
      jobSelector(o, uid);
      break;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      storedVersions(o);
      break;
    default:
      break;
  }
}

/** A new CRD has stored its storage version (the CRD strategy's PrepareForCreate). */
function storedVersions(o: KubeObject): void {
  const spec = obj(o, 'spec');
  const versions: unknown[] = Array.isArray(spec.versions) ? spec.versions : [];
  const storage = versions.find((v) => isPlainObject(v) && v.storage === true);
  if (isPlainObject(storage)) obj(o, 'status').storedVersions = [storage.name];
}

/** Cluster IPs and node ports, as the Service REST storage allocates them. */
function allocateService(spec: Record<string, unknown>, ips: ClusterIpAllocator): void {
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ips.allocate();
    spec.clusterIPs = [spec.clusterIP];
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  }
  if ((spec.type === 'LoadBalancer' || spec.type === 'NodePort') && Array.isArray(spec.ports)) {
    let nodePort = 30000 + Math.floor(Math.random() * 2000);
    for (const p of spec.ports as unknown[])
      if (isPlainObject(p)) setDefault(p, 'nodePort', nodePort++);
  }
}

/** Jobs select their pods by a generated controller-uid label, like the Job registry does. */
function jobSelector(o: KubeObject, uid: string): void {
  const spec = obj(o, 'spec');
  if (spec.manualSelector === true || spec.selector !== undefined) return;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = isPlainObject(spec.template) ? spec.template : (spec.template = {});
  const tmeta = obj(template, 'metadata');
  const labels = isPlainObject(tmeta.labels) ? tmeta.labels : (tmeta.labels = {});
  const name = isPlainObject(o.metadata) ? o.metadata.name : undefined;
  Object.assign(labels, {
    'batch.kubernetes.io/controller-uid': uid,
    'controller-uid': uid,
    ...(typeof name === 'string' ? { 'batch.kubernetes.io/job-name': name, 'job-name': name } : {}),
  });
}

/** Carries over fields an update may leave out (Service clusterIP), before validation. */
export function prepareForUpdate(info: ResourceInfo, oldObj: KubeObject, o: KubeObject): void {
  if (kindKey(info) === '/Service') {
    const oldSpec = isPlainObject(oldObj.spec) ? oldObj.spec : {};
    const spec = obj(o, 'spec');
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP !== undefined)
      spec.clusterIP = oldSpec.clusterIP;
    if (spec.clusterIPs === undefined && oldSpec.clusterIPs !== undefined)
      spec.clusterIPs = oldSpec.clusterIPs;
    for (const k of ['ipFamilies', 'ipFamilyPolicy'])
      if (spec[k] === undefined && oldSpec[k] !== undefined) spec[k] = oldSpec[k];
  }
  if (kindKey(info) === '/Namespace') {
    const spec = obj(o, 'spec');
    const oldSpec = isPlainObject(oldObj.spec) ? oldObj.spec : {};
    // spec.finalizers only change through the finalize subresource
    spec.finalizers = oldSpec.finalizers ?? [];
  }
}

function immutable(field: string, value: unknown): FieldError {
  return { type: FieldErrorType.Invalid, field, value, detail: 'field is immutable' };
}

/** Field errors for changes the kind forbids (immutable selectors, templates, data). */
export function validateUpdate(
  info: ResourceInfo,
  oldObj: KubeObject,
  o: KubeObject,
): FieldError[] {
  const errs: FieldError[] = [];
  const oldSpec = isPlainObject(oldObj.spec) ? oldObj.spec : {};
  const spec = isPlainObject(o.spec) ? o.spec : {};
  switch (kindKey(info)) {
    case 'apps/Deployment':
    case 'apps/DaemonSet':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
      if (!jsonEqual(oldSpec.selector, spec.selector))
        errs.push(immutable('spec.selector', spec.selector));
      break;
    case 'batch/Job':
      if (!jsonEqual(oldSpec.selector, spec.selector))
        errs.push(immutable('spec.selector', spec.selector));
      if (!jsonEqual(oldSpec.template, spec.template))
        errs.push(immutable('spec.template', spec.template));
      if (!jsonEqual(oldSpec.completions, spec.completions))
        errs.push(immutable('spec.completions', spec.completions));
      break;
    case '/Service':
      if (
        oldSpec.clusterIP !== undefined &&
        oldSpec.clusterIP !== '' &&
        spec.clusterIP !== oldSpec.clusterIP &&
        spec.type !== 'ExternalName'
      ) {
        errs.push(immutable('spec.clusterIP', spec.clusterIP));
      }
      break;
    case '/ConfigMap':
    case '/Secret':
      if (oldObj.immutable === true) {
        const detail = 'field is immutable when `immutable` is set';
        if (!jsonEqual(oldObj.data, o.data))
          errs.push({ type: FieldErrorType.Forbidden, field: 'data', detail });
        if (!jsonEqual(oldObj.binaryData, o.binaryData) && info.kind === 'ConfigMap')
          errs.push({ type: FieldErrorType.Forbidden, field: 'binaryData', detail });
        if (o.immutable !== true)
          errs.push({ type: FieldErrorType.Forbidden, field: 'immutable', detail });
      }
      if (info.kind === 'Secret' && oldObj.type !== o.type) errs.push(immutable('type', o.type));
      break;
    default:
      break;
  }
  return errs;
}

/** What a kind's strategy compares to bump metadata.generation (kinds not listed have none). */
const GENERATION_SOURCES: Record<string, readonly string[]> = {
  'apps/Deployment': ['spec', 'metadata.annotations'],
  'apps/StatefulSet': ['spec'],
  'apps/DaemonSet': ['spec'],
  'apps/ReplicaSet': ['spec'],
  'batch/Job': ['spec'],
  'batch/CronJob': ['spec'],
  '/Pod': ['spec'],
  '/PodTemplate': ['template'],
  'networking.k8s.io/Ingress': ['spec'],
  'networking.k8s.io/IngressClass': ['spec'],
  'networking.k8s.io/NetworkPolicy': ['spec'],
  'policy/PodDisruptionBudget': ['spec'],
  'autoscaling/HorizontalPodAutoscaler': ['spec'],
  'apiextensions.k8s.io/CustomResourceDefinition': ['spec'],
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': ['webhooks'],
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': ['webhooks'],
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': ['spec'],
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': ['spec'],
};

/** Whether a kind carries metadata.generation (set to 1 on create). */
export function hasGeneration(info: ResourceInfo): boolean {
  return info.crd !== undefined || GENERATION_SOURCES[kindKey(info)] !== undefined;
}

function at(o: KubeObject, path: string): unknown {
  let v: unknown = o;
  for (const p of path.split('.')) v = isPlainObject(v) ? v[p] : undefined;
  return v;
}

/** Whether a change bumps metadata.generation, as the kind's PrepareForUpdate decides. */
export function generationChanged(info: ResourceInfo, oldObj: KubeObject, o: KubeObject): boolean {
  if (info.crd !== undefined) {
    const strip = (x: KubeObject): KubeObject => {
      const { metadata: _m, status, ...rest } = x;
      return info.subresources.includes('status') ? rest : { ...rest, status };
    };
    return !jsonEqual(strip(oldObj), strip(o));
  }
  const sources = GENERATION_SOURCES[kindKey(info)] ?? [];
  return sources.some((p) => !jsonEqual(at(oldObj, p), at(o, p)));
}
