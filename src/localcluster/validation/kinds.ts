// Per-kind validation of built-in objects as kube-apiserver's registry strategies run it on create
// and update (ValidateObjectMeta, then the kind's spec checks), in kube-apiserver's order and
// words. Kinds without checks of their own get the ObjectMeta validation.
import { hasOwnKey } from '../../core/index.js';
import type { FieldError } from '../status-errors.js';
import { isPlainObject, jsonEqual, type KubeObject } from '../object-meta.js';
import type { ResourceInfo } from '../registry.js';
import {
  duplicate,
  forbidden,
  invalid,
  nameIsDnsLabel,
  nameIsDnsSubdomain,
  nonNegative,
  notSupported,
  required,
  selectorConverts,
  selectorMatches,
  validateLabelSelector,
  validateLabels,
  validateMetaUpdate,
  validateObjectMeta,
  type NameFn,
} from './meta.js';
import {
  isConfigMapKey,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidPortNum,
} from '../../core/index.js';
import { validatePodSpec, validatePodTemplateSpec } from './pod.js';
import { FieldErrorType } from '../status-errors.js';
import { eventToCore } from '../event-conversion.js';
import { validateCrd } from './crd.js';

type Obj = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function objOf(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(objOf) : [];
}

/** RBAC objects are named by path segments ('system:basic-user' is fine). */
const pathSegmentName: NameFn = (name) => {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

const MAX_CONFIG_SIZE = 1024 * 1024;

function validateConfigMap(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = objOf(o.data);
  const binary = objOf(o.binaryData);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    if (hasOwnKey(binary, k))
      errs.push(invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(str(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`binaryData[${k}]`, k, msg));
    size += Math.floor((str(v).length * 3) / 4);
  }
  if (size > MAX_CONFIG_SIZE)
    errs.push({
      type: FieldErrorType.TooLong,
      field: '',
      detail: `may not be more than ${MAX_CONFIG_SIZE} bytes`,
    });
  return errs;
}

function validateSecret(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = objOf(o.data);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    for (const msg of isConfigMapKey(k)) errs.push(invalid(`data[${k}]`, k, msg));
    size += Math.floor((str(v).length * 3) / 4);
  }
  if (size > MAX_CONFIG_SIZE)
    errs.push({
      type: FieldErrorType.TooLong,
      field: 'data',
      detail: `may not be more than ${MAX_CONFIG_SIZE} bytes`,
    });
  const need = (key: string): void => {
    if (!hasOwnKey(data, key)) errs.push(required(`data[${key}]`));
  };
  switch (str(o.type)) {
    case 'kubernetes.io/service-account-token': {
      const ann = objOf(objOf(o.metadata).annotations);
      if (str(ann['kubernetes.io/service-account.name']) === '')
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    }
    case 'kubernetes.io/dockercfg':
      need('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      need('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!hasOwnKey(data, 'username') && !hasOwnKey(data, 'password')) {
        need('username');
        need('password');
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (str(data['ssh-privatekey']) === '') errs.push(required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
    default:
      break;
  }
  return errs;
}

function validateServicePorts(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ports = list(spec.ports);
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && name === '') errs.push(required(`${path}.name`));
    else if (name !== '') {
      for (const msg of isDns1123Label(name)) errs.push(invalid(`${path}.name`, name, msg));
      if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
      else names.add(name);
    }
    const port = typeof p.port === 'number' ? p.port : 0;
    for (const msg of isValidPortNum(port)) errs.push(invalid(`${path}.port`, port, msg));
    const proto = str(p.protocol);
    if (proto === '') errs.push(required(`${path}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(proto))
      errs.push(notSupported(`${path}.protocol`, proto, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.targetPort === 'number')
      for (const msg of isValidPortNum(p.targetPort))
        errs.push(invalid(`${path}.targetPort`, p.targetPort, msg));
  });
  return errs;
}

function validateService(o: KubeObject): FieldError[] {
  const spec = objOf(o.spec);
  const errs: FieldError[] = [];
  const type = str(spec.type);
  const headless = spec.clusterIP === 'None';
  if (list(spec.ports).length === 0 && !headless && type !== 'ExternalName')
    errs.push(required('spec.ports'));
  if (type === 'ExternalName') {
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname === '') errs.push(required('spec.externalName'));
    else
      for (const msg of isDns1123Subdomain(cname))
        errs.push(invalid('spec.externalName', cname, msg));
  }
  errs.push(...validateServicePorts(spec));
  if (spec.selector !== undefined) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (affinity === '') errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None')
    errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (type === '') errs.push(required('spec.type'));
  else if (!types.includes(type)) errs.push(notSupported('spec.type', type, types));
  if (type === 'ClusterIP')
    list(spec.ports).forEach((p, i) => {
      if (typeof p.nodePort === 'number' && p.nodePort !== 0)
        errs.push(
          forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"),
        );
    });
  return errs;
}

/** The pod template of a controller: selector match, template, restartPolicy Always. */
function validateReplicaTemplate(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const template = objOf(spec.template);
  const tmeta = objOf(template.metadata);
  if (spec.selector === undefined || spec.selector === null || !selectorIsEmpty(spec.selector)) {
    if (!selectorMatches(spec.selector, tmeta.labels))
      errs.push(
        invalid(
          `${path}.metadata.labels`,
          tmeta.labels ?? null,
          '`selector` does not match template `labels`',
        ),
      );
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const tspec = objOf(template.spec);
  if (str(tspec.restartPolicy) !== 'Always')
    errs.push(notSupported(`${path}.spec.restartPolicy`, str(tspec.restartPolicy), ['Always']));
  if (tspec.activeDeadlineSeconds !== undefined)
    errs.push(
      forbidden(
        `${path}.spec.activeDeadlineSeconds`,
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  return errs;
}

function selectorIsEmpty(sel: unknown): boolean {
  const s = objOf(sel);
  return Object.keys(objOf(s.matchLabels)).length === 0 && list(s.matchExpressions).length === 0;
}

function validateSelectorAndTemplate(spec: Obj, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  // the typed form holds a missing selector as null
  if (spec.selector === undefined || spec.selector === null) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    if (selectorIsEmpty(spec.selector))
      errs.push(invalid('spec.selector', spec.selector, `empty selector is invalid for ${kind}`));
  }
  if (!selectorConverts(spec.selector))
    errs.push(invalid('spec.selector', spec.selector, 'invalid label selector'));
  else errs.push(...validateReplicaTemplate(spec, 'spec.template'));
  return errs;
}

function intOrPercent(v: unknown, path: string): FieldError[] {
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v))
      return [
        invalid(
          path,
          v,
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
      ];
    return [];
  }
  return nonNegative(v, path);
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? Number.parseInt(v, 10) || 0 : 0;
}

function validateDeploymentStrategy(spec: Obj): FieldError[] {
  const strategy = objOf(spec.strategy);
  const type = str(strategy.type);
  if (type === 'Recreate')
    return strategy.rollingUpdate === undefined
      ? []
      : [
          forbidden(
            'spec.strategy.rollingUpdate',
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        ];
  if (type !== 'RollingUpdate')
    return [notSupported('spec.strategy', strategy, ['Recreate', 'RollingUpdate'])];
  const ru = objOf(strategy.rollingUpdate);
  const p = 'spec.strategy.rollingUpdate';
  const errs = [
    ...intOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
    ...intOrPercent(ru.maxSurge, `${p}.maxSurge`),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
    errs.push(
      invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'),
    );
  if (typeof ru.maxUnavailable === 'string' && intOrPercentValue(ru.maxUnavailable) > 100)
    errs.push(invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
  return errs;
}

function validateDeployment(o: KubeObject): FieldError[] {
  const spec = objOf(o.spec);
  const errs = [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...validateSelectorAndTemplate(spec, 'deployment'),
  ];
  errs.push(...validateDeploymentStrategy(spec));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    const min = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (spec.progressDeadlineSeconds <= min)
      errs.push(
        invalid(
          'spec.progressDeadlineSeconds',
          spec.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        ),
      );
  }
  return errs;
}

function validateReplicaSet(o: KubeObject): FieldError[] {
  const spec = objOf(o.spec);
  return [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateSelectorAndTemplate(spec, 'deployment'),
  ];
}

function validateStatefulSet(o: KubeObject): FieldError[] {
  const spec = objOf(o.spec);
  const errs: FieldError[] = [];
  const policy = str(spec.podManagementPolicy);
  if (policy !== 'OrderedReady' && policy !== 'Parallel')
    errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec, 'statefulset'));
  return errs;
}

function validateDaemonSet(o: KubeObject): FieldError[] {
  return validateSelectorAndTemplate(objOf(o.spec), 'daemonset');
}

function validateJob(o: KubeObject): FieldError[] {
  const spec = objOf(o.spec);
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit'])
    errs.push(...nonNegative(spec[k], `spec.${k}`));
  const template = objOf(spec.template);
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const restart = str(objOf(template.spec).restartPolicy);
  if (restart !== 'OnFailure' && restart !== 'Never')
    errs.push(notSupported('spec.template.spec.restartPolicy', restart, ['OnFailure', 'Never']));
  return errs;
}

function validateCronJob(o: KubeObject): FieldError[] {
  const spec = objOf(o.spec);
  const errs: FieldError[] = [];
  if (str(spec.schedule) === '') errs.push(required('spec.schedule'));
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (!policies.includes(str(spec.concurrencyPolicy)))
    errs.push(notSupported('spec.concurrencyPolicy', str(spec.concurrencyPolicy), policies));
  const jt = objOf(objOf(spec.jobTemplate).spec);
  errs.push(...validatePodTemplateSpec(jt.template, 'spec.jobTemplate.spec.template'));
  return errs;
}

function validatePolicyRules(rules: unknown, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  list(rules).forEach((r, i) => {
    const p = `rules[${i}]`;
    const len = (k: string): number => (Array.isArray(r[k]) ? r[k].length : 0);
    if (len('verbs') === 0)
      errs.push(required(`${p}.verbs`, 'verbs must contain at least one value'));
    if (len('nonResourceURLs') > 0) {
      if (namespaced)
        errs.push(
          invalid(
            `${p}.nonResourceURLs`,
            r.nonResourceURLs,
            'namespaced rules cannot apply to non-resource URLs',
          ),
        );
      if (len('apiGroups') > 0 || len('resources') > 0 || len('resourceNames') > 0)
        errs.push(
          invalid(
            `${p}.nonResourceURLs`,
            r.nonResourceURLs,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      return;
    }
    if (len('apiGroups') === 0)
      errs.push(required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (len('resources') === 0)
      errs.push(required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateBinding(o: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = objOf(o.roleRef);
  if (str(ref.apiGroup) !== RBAC_GROUP)
    errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  const refName = str(ref.name);
  if (refName === '') errs.push(required('roleRef.name'));
  else
    for (const msg of pathSegmentName(refName, false))
      errs.push(invalid('roleRef.name', refName, msg));
  list(o.subjects).forEach((s, i) => {
    const p = `subjects[${i}]`;
    const name = str(s.name);
    if (name === '') errs.push(required(`${p}.name`));
    const group = str(s.apiGroup);
    switch (str(s.kind)) {
      case 'ServiceAccount':
        if (name !== '')
          for (const msg of isDns1123Subdomain(name)) errs.push(invalid(`${p}.name`, name, msg));
        if (group !== '') errs.push(notSupported(`${p}.apiGroup`, group, ['']));
        if (!namespaced && str(s.namespace) === '') errs.push(required(`${p}.namespace`));
        break;
      case 'User':
      case 'Group':
        if (group !== RBAC_GROUP) errs.push(notSupported(`${p}.apiGroup`, group, [RBAC_GROUP]));
        break;
      default:
        errs.push(notSupported(`${p}.kind`, str(s.kind), ['ServiceAccount', 'User', 'Group']));
    }
  });
  return errs;
}

function isZeroTime(v: unknown): boolean {
  return typeof v !== 'string' || v === '';
}

/**
 * Events, in their core/v1 form (kube-apiserver validates the internal type whichever API
 * wrote it): the legacy checks both APIs make, and the strict ones of events.k8s.io/v1.
 */
function validateEvent(o: KubeObject, strict: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(objOf(o.metadata).namespace);
  const involvedNs = str(objOf(o.involvedObject).namespace);
  const controllerField = strict ? 'reportingController' : 'reportingComponent';
  const controller = str(o.reportingComponent);
  if (isZeroTime(o.eventTime)) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : involvedNs !== ns)
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system')
      errs.push(invalid('involvedObject.namespace', '', 'does not match event.namespace'));
    if (controller === '') errs.push(required(controllerField));
    for (const msg of isQualifiedName(controller))
      errs.push(invalid(controllerField, controller, msg));
    errs.push(...limitedText(o, 'reportingInstance', 128, true));
    errs.push(...limitedText(o, 'action', 128, true));
    errs.push(...limitedText(o, 'reason', 128, true));
    errs.push(...limitedText(o, 'message', 1024, false));
  }
  for (const msg of isDns1123Subdomain(ns)) errs.push(invalid('namespace', ns, msg));
  return strict ? [...errs, ...strictEventErrors(o)] : errs;
}

function limitedText(o: KubeObject, field: string, max: number, needed: boolean): FieldError[] {
  const v = str(o[field]);
  const errs: FieldError[] = [];
  if (needed && v === '') errs.push(required(field));
  if (v.length > max) errs.push(invalid(field, '', `can have at most ${max} characters`));
  return errs;
}

/** What events.k8s.io/v1 adds to the legacy checks (ValidateEventCreate). */
function strictEventErrors(o: KubeObject): FieldError[] {
  const errs = validateObjectMeta(o, true, nameIsDnsSubdomain);
  const series = o.series;
  if (isPlainObject(series)) {
    if (typeof series.count !== 'number' || series.count < 2)
      errs.push(invalid('series.count', '', 'should be at least 2'));
    if (isZeroTime(series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  }
  if (isZeroTime(o.eventTime)) errs.push(required('eventTime'));
  if (o.type !== 'Normal' && o.type !== 'Warning')
    errs.push(invalid('type', '', `has invalid value: ${str(o.type)}`));
  if (!isZeroTime(o.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!isZeroTime(o.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof o.count === 'number' && o.count !== 0)
    errs.push(invalid('count', '', 'needs to be unset'));
  const source = objOf(o.source);
  if (str(source.component) !== '' || str(source.host) !== '')
    errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

interface KindRules {
  readonly name: NameFn;
  readonly spec?: (o: KubeObject) => FieldError[];
}

const RULES: Record<string, KindRules> = {
  '/Namespace': { name: nameIsDnsLabel },
  '/Service': { name: nameIsDnsLabel, spec: validateService },
  '/ConfigMap': { name: nameIsDnsSubdomain, spec: validateConfigMap },
  '/Secret': { name: nameIsDnsSubdomain, spec: validateSecret },
  '/Pod': { name: nameIsDnsSubdomain, spec: (o) => validatePodSpec(o.spec, 'spec') },
  'apps/Deployment': { name: nameIsDnsSubdomain, spec: validateDeployment },
  'apps/ReplicaSet': { name: nameIsDnsSubdomain, spec: validateReplicaSet },
  'apps/StatefulSet': { name: nameIsDnsSubdomain, spec: validateStatefulSet },
  'apps/DaemonSet': { name: nameIsDnsSubdomain, spec: validateDaemonSet },
  'batch/Job': { name: nameIsDnsSubdomain, spec: validateJob },
  'batch/CronJob': { name: nameIsDnsSubdomain, spec: validateCronJob },
  'rbac.authorization.k8s.io/Role': {
    name: pathSegmentName,
    spec: (o) => validatePolicyRules(o.rules, true),
  },
  'rbac.authorization.k8s.io/ClusterRole': {
    name: pathSegmentName,
    spec: (o) => validatePolicyRules(o.rules, false),
  },
  'rbac.authorization.k8s.io/RoleBinding': {
    name: pathSegmentName,
    spec: (o) => validateBinding(o, true),
  },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    name: pathSegmentName,
    spec: (o) => validateBinding(o, false),
  },
};

const DEFAULT_RULES: KindRules = { name: nameIsDnsSubdomain };

/**
 * The errors of an object on create (old undefined) or update: ObjectMeta (custom resources are
 * named as DNS subdomains) and, for built-in kinds, the kind's own checks.
 */
export function validateObject(info: ResourceInfo, o: KubeObject, old?: KubeObject): FieldError[] {
  // events validate their metadata themselves (after the legacy checks)
  if (info.kind === 'Event' && (info.group === '' || info.group === 'events.k8s.io'))
    return info.group === '' ? validateEvent(o, false) : validateEvent(eventToCore(o), true);
  if (info.group === 'apiextensions.k8s.io' && info.kind === 'CustomResourceDefinition')
    return validateCrd(o, old);
  const rules =
    info.crd !== undefined ? DEFAULT_RULES : (RULES[`${info.group}/${info.kind}`] ?? DEFAULT_RULES);
  const errs = validateObjectMeta(o, info.namespaced, rules.name);
  if (old !== undefined) errs.push(...validateMetaUpdate(o, old));
  errs.push(...(rules.spec?.(o) ?? []));
  if (
    old !== undefined &&
    info.group === RBAC_GROUP &&
    info.kind.endsWith('Binding') &&
    !jsonEqual(o.roleRef, old.roleRef)
  )
    errs.push(invalid('roleRef', o.roleRef, 'cannot change roleRef'));
  return errs;
}
