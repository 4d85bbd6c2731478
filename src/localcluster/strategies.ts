// Per-kind behaviour of built-in resources: defaults on create, immutable fields on update,
// and which parts of an object count as its spec (for generation).
import { setOwnValue } from '../core/index.js';
import { FieldErrorType, GoValue, badRequest, type FieldError } from './status-errors.js';
import { isPlainObject, jsonEqual, type KubeObject } from './object-meta.js';
import type { ResourceInfo } from './registry.js';

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

/** Secret stringData is write-only: its entries are base64-encoded into data, as the API server does. */
function foldStringData(o: KubeObject): void {
  if (isPlainObject(o.stringData)) {
    const data = isPlainObject(o.data) ? { ...o.data } : {};
    for (const [k, v] of Object.entries(o.stringData))
      setOwnValue(
        data,
        k,
        Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64'),
      );
    o.data = data;
  }
  delete o.stringData;
  checkBase64(o, 'data', 'Secret');
}

/** Secret data and ConfigMap binaryData hold base64; anything else fails decoding like upstream. */
function checkBase64(o: KubeObject, field: string, kind: string): void {
  const values = o[field];
  if (!isPlainObject(values)) return;
  for (const [k, v] of Object.entries(values)) {
    const text = typeof v === 'string' ? v : '';
    const bad =
      /[^A-Za-z0-9+/=]/.exec(text)?.index ??
      (text.length % 4 === 0 && typeof v === 'string' ? -1 : text.length);
    if (bad >= 0) {
      throw badRequest(
        `${kind} in version "v1" cannot be handled as a ${kind}: illegal base64 data at input byte ${bad} (${field}.${k})`,
      );
    }
  }
}

/** Every namespace carries kubernetes.io/metadata.name, as the API server enforces. */
function namespaceLabel(o: KubeObject): void {
  const m = obj(o, 'metadata');
  const labels = isPlainObject(m.labels) ? m.labels : (m.labels = {});
  if (typeof m.name === 'string') labels['kubernetes.io/metadata.name'] = m.name;
}

/** Defaults and initial status for a new object, as the built-in registry strategies set them. */
export function prepareForCreate(
  info: ResourceInfo,
  o: KubeObject,
  ips: ClusterIpAllocator,
  uid: string,
): void {
  // status is written through the status subresource only, never on create
  if (info.subresources.includes('status')) delete o.status;
  switch (kindKey(info)) {
    case '/Namespace': {
      const spec = obj(o, 'spec');
      spec.finalizers = ['kubernetes'];
      o.status = { phase: 'Active' };
      namespaceLabel(o);
      break;
    }
    case '/Service': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec.type !== 'ExternalName') {
        if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ips.allocate();
        spec.clusterIPs = [spec.clusterIP];
        setDefault(spec, 'ipFamilies', ['IPv4']);
        setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
        setDefault(spec, 'internalTrafficPolicy', 'Cluster');
      }
      if (spec.type === 'LoadBalancer' || spec.type === 'NodePort')
        setDefault(spec, 'externalTrafficPolicy', 'Cluster');
      if (Array.isArray(spec.ports)) {
        let nodePort = 30000 + Math.floor(Math.random() * 2000);
        for (const p of spec.ports as unknown[]) {
          if (!isPlainObject(p)) continue;
          setDefault(p, 'protocol', 'TCP');
          setDefault(p, 'targetPort', p.port);
          if (spec.type === 'LoadBalancer' || spec.type === 'NodePort')
            setDefault(p, 'nodePort', nodePort++);
        }
      }
      o.status = { loadBalancer: {} };
      break;
    }
    case '/Pod':
      o.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case '/PersistentVolumeClaim':
      o.status = { phase: 'Pending' };
      break;
    case '/PersistentVolume':
      o.status = { phase: 'Available' };
      break;
    case '/Secret':
      setDefault(o, 'type', 'Opaque');
      foldStringData(o);
      break;
    case '/ConfigMap':
      checkBase64(o, 'binaryData', 'ConfigMap');
      break;
    case 'apps/Deployment': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'strategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      });
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      break;
    }
    case 'apps/StatefulSet': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { partition: 0 },
      });
      setDefault(spec, 'revisionHistoryLimit', 10);
      break;
    }
    case 'apps/DaemonSet': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
      });
      setDefault(spec, 'revisionHistoryLimit', 10);
      break;
    }
    case 'apps/ReplicaSet':
      setDefault(obj(o, 'spec'), 'replicas', 1);
      break;
    case 'batch/Job': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'backoffLimit', 6);
      setDefault(spec, 'completionMode', 'NonIndexed');
      setDefault(spec, 'suspend', false);
      if (spec.manualSelector !== true && spec.selector === undefined) {
        // Jobs select their pods by a generated controller-uid label, like the Job registry does
        spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        const template = isPlainObject(spec.template) ? spec.template : (spec.template = {});
        const tmeta = obj(template, 'metadata');
        const labels = isPlainObject(tmeta.labels) ? tmeta.labels : (tmeta.labels = {});
        const name = isPlainObject(o.metadata) ? o.metadata.name : undefined;
        Object.assign(labels, {
          'batch.kubernetes.io/controller-uid': uid,
          'controller-uid': uid,
          ...(typeof name === 'string'
            ? { 'batch.kubernetes.io/job-name': name, 'job-name': name }
            : {}),
        });
      }
      break;
    }
    case 'batch/CronJob': {
      const spec = obj(o, 'spec');
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      break;
    }
    default:
      break;
  }
}

/** Carries over fields an update may leave out (Service clusterIP), before validation. */
export function prepareForUpdate(info: ResourceInfo, oldObj: KubeObject, o: KubeObject): void {
  if (kindKey(info) === '/Secret') foldStringData(o);
  if (kindKey(info) === '/ConfigMap') checkBase64(o, 'binaryData', 'ConfigMap');
  if (kindKey(info) === '/Service') {
    const oldSpec = isPlainObject(oldObj.spec) ? oldObj.spec : {};
    const spec = obj(o, 'spec');
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && oldSpec.clusterIP !== undefined)
      spec.clusterIP = oldSpec.clusterIP;
    if (spec.clusterIPs === undefined && oldSpec.clusterIPs !== undefined)
      spec.clusterIPs = oldSpec.clusterIPs;
    for (const k of [
      'ipFamilies',
      'ipFamilyPolicy',
      'internalTrafficPolicy',
      'sessionAffinity',
      'type',
    ]) {
      if (spec[k] === undefined && oldSpec[k] !== undefined) spec[k] = oldSpec[k];
    }
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports as unknown[]) {
        if (!isPlainObject(p)) continue;
        setDefault(p, 'protocol', 'TCP');
        setDefault(p, 'targetPort', p.port);
      }
    }
  }
  if (kindKey(info) === '/Namespace') {
    const spec = obj(o, 'spec');
    const oldSpec = isPlainObject(oldObj.spec) ? oldObj.spec : {};
    // spec.finalizers only change through the finalize subresource
    spec.finalizers = oldSpec.finalizers ?? [];
    namespaceLabel(o);
  }
}

/** Go's %#v of a metav1.LabelSelector, as kube-apiserver prints it in immutable-field errors. */
function goLabelSelector(sel: unknown): string {
  const s = isPlainObject(sel) ? sel : {};
  const ml = isPlainObject(s.matchLabels)
    ? `map[string]string{${Object.entries(s.matchLabels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const me =
    Array.isArray(s.matchExpressions) && s.matchExpressions.length > 0
      ? `[]v1.LabelSelectorRequirement{...}`
      : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
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
        errs.push(immutable('spec.selector', new GoValue(goLabelSelector(spec.selector))));
      break;
    case 'batch/Job':
      if (!jsonEqual(oldSpec.selector, spec.selector))
        errs.push(immutable('spec.selector', new GoValue(goLabelSelector(spec.selector))));
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

/** Whether a change bumps metadata.generation: spec changes (anything but metadata/status for CRDs). */
export function generationChanged(info: ResourceInfo, oldObj: KubeObject, o: KubeObject): boolean {
  if (info.crd !== undefined) {
    const strip = (x: KubeObject): KubeObject => {
      const { metadata: _m, status, ...rest } = x;
      return info.subresources.includes('status') ? rest : { ...rest, status };
    };
    return !jsonEqual(strip(oldObj), strip(o));
  }
  if (info.hasSpec) return !jsonEqual(oldObj.spec, o.spec);
  return false;
}
