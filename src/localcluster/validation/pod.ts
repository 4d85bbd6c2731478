// Pod spec validation, the part of k8s.io/kubernetes/pkg/apis/core/validation that manifests
// meet most: volumes, containers (names, images, ports, env, mounts, pull policy, resources,
// probes), restart and DNS policies, node selector, service account; and pod templates.
import type { FieldError } from '../status-errors.js';
import { isPlainObject } from '../object-meta.js';
import {
  invalid,
  required,
  forbidden,
  notSupported,
  duplicate,
  nonNegative,
  validateLabels,
  validateAnnotations,
} from './meta.js';
import {
  isDns1123Label,
  isDns1123Subdomain,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
} from '../../core/index.js';
import { FieldErrorType } from '../status-errors.js';
import { compareQuantities, quantityIsNegative } from './quantity.js';

type Obj = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map((x) => (isPlainObject(x) ? x : {})) : [];
}

const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function dnsLabel(value: string, path: string): FieldError[] {
  return isDns1123Label(value).map((m) => invalid(path, value, m));
}

function validateVolumes(
  volumes: unknown,
  path: string,
): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  list(volumes).forEach((vol, i) => {
    const p = `${path}[${i}]`;
    const el: FieldError[] = [];
    const sources = VOLUME_SOURCES.filter((s) => vol[s] !== undefined && vol[s] !== null);
    if (sources.length === 0) el.push(required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1))
      el.push(forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
    const name = str(vol.name);
    if (name === '') el.push(required(`${p}.name`));
    else el.push(...dnsLabel(name, `${p}.name`));
    if (names.has(name)) el.push(duplicate(`${p}.name`, name));
    if (el.length === 0) names.add(name);
    else errs.push(...el);
  });
  return { names, errs };
}

function validatePorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).forEach((port, i) => {
    const p = `${path}[${i}]`;
    const name = str(port.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(`${p}.name`, name, m));
      else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    const cp = typeof port.containerPort === 'number' ? port.containerPort : 0;
    if (cp === 0) errs.push(required(`${p}.containerPort`));
    else for (const m of isValidPortNum(cp)) errs.push(invalid(`${p}.containerPort`, cp, m));
    const hp = typeof port.hostPort === 'number' ? port.hostPort : 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(invalid(`${p}.hostPort`, hp, m));
    const proto = str(port.protocol);
    if (proto === '') errs.push(required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(proto))
      errs.push(notSupported(`${p}.protocol`, proto, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  list(env).forEach((ev, i) => {
    const p = `${path}[${i}].name`;
    const name = str(ev.name);
    if (name === '') errs.push(required(p));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(p, name, m));
  });
  return errs;
}

function validateMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  list(mounts).forEach((m, i) => {
    const p = `${path}[${i}]`;
    const name = str(m.name);
    if (name === '') errs.push(required(`${p}.name`));
    if (!volumes.has(name))
      errs.push({ type: FieldErrorType.NotFound, field: `${p}.name`, value: name });
    const mp = str(m.mountPath);
    if (mp === '') errs.push(required(`${p}.mountPath`));
    if (points.has(mp)) errs.push(invalid(`${p}.mountPath`, mp, 'must be unique'));
    points.add(mp);
  });
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function validateResources(res: unknown, path: string): FieldError[] {
  const r = isPlainObject(res) ? res : {};
  const limits = isPlainObject(r.limits) ? r.limits : {};
  const requests = isPlainObject(r.requests) ? r.requests : {};
  const errs: FieldError[] = [];
  const check = (name: string, q: unknown, p: string): void => {
    if (
      !name.includes('/') &&
      !STANDARD_CONTAINER_RESOURCES.has(name) &&
      !name.startsWith('hugepages-')
    )
      errs.push(invalid(p, name, 'must be a standard resource for containers'));
    if (typeof q === 'string' && quantityIsNegative(q))
      errs.push(invalid(p, q, 'must be greater than or equal to 0'));
  };
  for (const [name, q] of Object.entries(limits)) check(name, q, `${path}.limits[${name}]`);
  for (const [name, q] of Object.entries(requests)) {
    check(name, q, `${path}.requests[${name}]`);
    const lim = limits[name];
    if (typeof q === 'string' && typeof lim === 'string' && compareQuantities(q, lim) > 0)
      errs.push(
        invalid(`${path}.requests`, q, `must be less than or equal to ${name} limit of ${lim}`),
      );
  }
  return errs;
}

function validateProbe(probe: unknown, path: string): FieldError[] {
  if (!isPlainObject(probe)) return [];
  const errs: FieldError[] = [];
  for (const k of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ])
    errs.push(...nonNegative(probe[k], `${path}.${k}`));
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => probe[h] !== undefined);
  if (handlers.length === 0) errs.push(required(path, 'must specify a handler type'));
  for (const extra of handlers.slice(1))
    errs.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));
  return errs;
}

function validateContainer(c: Obj, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name === '') errs.push(required(`${path}.name`));
  else errs.push(...dnsLabel(name, `${path}.name`));
  if (str(c.image) === '') errs.push(required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(required(`${path}.terminationMessagePolicy`));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError')
    errs.push(
      notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']),
    );
  errs.push(...validatePorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  const pull = str(c.imagePullPolicy);
  if (pull === '') errs.push(required(`${path}.imagePullPolicy`));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull))
    errs.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  return errs;
}

function validateContainers(
  containers: unknown,
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const cs = list(containers);
  if (cs.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  cs.forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainer(c, volumes, p));
    const name = str(c.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    errs.push(...validateProbe(c.livenessProbe, `${p}.livenessProbe`));
    errs.push(...validateProbe(c.readinessProbe, `${p}.readinessProbe`));
    errs.push(...validateProbe(c.startupProbe, `${p}.startupProbe`));
  });
  return errs;
}

function validateInitContainers(
  init: unknown,
  containers: unknown,
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set(list(containers).map((c) => str(c.name)));
  const names = new Set<string>();
  list(init).forEach((c, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateContainer(c, volumes, p));
    const name = str(c.name);
    if (names.has(name) || others.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
  });
  return errs;
}

/** ValidatePodSpec, for the fields listed in the file header. */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const s = isPlainObject(spec) ? spec : {};
  const { names, errs } = validateVolumes(s.volumes, `${path}.volumes`);
  errs.push(...validateContainers(s.containers, names, `${path}.containers`));
  errs.push(
    ...validateInitContainers(s.initContainers, s.containers, names, `${path}.initContainers`),
  );
  const restart = str(s.restartPolicy);
  if (restart === '') errs.push(required(`${path}.restartPolicy`));
  else if (!['Always', 'OnFailure', 'Never'].includes(restart))
    errs.push(notSupported(`${path}.restartPolicy`, restart, ['Always', 'OnFailure', 'Never']));
  const dns = str(s.dnsPolicy);
  const dnsValues = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (dns === '') errs.push(required(`${path}.dnsPolicy`));
  else if (!dnsValues.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, dns, dnsValues));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  const sa = str(s.serviceAccountName);
  if (sa !== '')
    for (const m of isDns1123Subdomain(sa)) errs.push(invalid(`${path}.serviceAccountName`, sa, m));
  const nodeName = str(s.nodeName);
  if (nodeName !== '')
    for (const m of isDns1123Subdomain(nodeName))
      errs.push(invalid(`${path}.nodeName`, nodeName, m));
  if (typeof s.activeDeadlineSeconds === 'number' && s.activeDeadlineSeconds <= 0)
    errs.push(
      invalid(
        `${path}.activeDeadlineSeconds`,
        s.activeDeadlineSeconds,
        'must be between 1 and 2147483647, inclusive',
      ),
    );
  errs.push(
    ...nonNegative(s.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`),
  );
  return errs;
}

/** ValidatePodTemplateSpec: template labels and annotations (reported under `labels`), then the spec. */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  const t = isPlainObject(template) ? template : {};
  const m = isPlainObject(t.metadata) ? t.metadata : {};
  return [
    ...validateLabels(m.labels, `${path}.labels`),
    ...validateAnnotations(m.annotations, `${path}.annotations`),
    ...validatePodSpec(t.spec, `${path}.spec`),
  ];
}
