// ObjectMeta validation as k8s.io/apimachinery/pkg/api/validation does it (names, namespace,
// labels, annotations, owner references, finalizers) and label selectors.
import { FieldErrorType, type FieldError } from '../status-errors.js';
import { isPlainObject, type KubeObject } from '../object-meta.js';
import {
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  maskTrailingDash,
} from '../../core/index.js';

/** A name check (`prefix`: the name is a generateName prefix). */
export type NameFn = (name: string, prefix: boolean) => string[];

const ANNOTATIONS_LIMIT = 262144;
const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: FieldErrorType.Invalid, field, value, detail };
}

export function required(field: string, detail = ''): FieldError {
  return { type: FieldErrorType.Required, field, detail };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: FieldErrorType.Forbidden, field, detail };
}

export function notSupported(
  field: string,
  value: unknown,
  supported: readonly string[],
): FieldError {
  return {
    type: FieldErrorType.NotSupported,
    field,
    value,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: FieldErrorType.Duplicate, field, value };
}

export function nonNegative(value: unknown, field: string): FieldError[] {
  return typeof value === 'number' && value < 0
    ? [invalid(field, value, 'must be greater than or equal to 0')]
    : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function stringMap(v: unknown): [string, string][] {
  return isPlainObject(v) ? Object.entries(v).map(([k, x]) => [k, str(x)]) : [];
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of stringMap(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of stringMap(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > ANNOTATIONS_LIMIT)
    errs.push({
      type: FieldErrorType.TooLong,
      field: path,
      detail: `may not be more than ${ANNOTATIONS_LIMIT} bytes`,
    });
  return errs;
}

function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of Array.isArray(refs) ? refs : []) {
    if (!isPlainObject(ref)) continue;
    const apiVersion = str(ref.apiVersion);
    const version = apiVersion.includes('/')
      ? apiVersion.slice(apiVersion.indexOf('/') + 1)
      : apiVersion;
    if (version === '')
      errs.push(invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
    if (str(ref.kind) === '')
      errs.push(invalid(`${path}.kind`, str(ref.kind), 'must not be empty'));
    if (str(ref.name) === '')
      errs.push(invalid(`${path}.name`, str(ref.name), 'must not be empty'));
    if (str(ref.uid) === '') errs.push(invalid(`${path}.uid`, str(ref.uid), 'must not be empty'));
    if (ref.controller === true) {
      const name = `${str(ref.kind)}/${str(ref.name)}`;
      if (firstController !== '')
        errs.push(
          invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      else firstController = name;
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const list = Array.isArray(finalizers) ? finalizers.map(str) : [];
  const errs: FieldError[] = [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
  if (list.includes(ORPHAN) && list.includes(FOREGROUND))
    errs.push(invalid(path, list, `finalizer ${ORPHAN} and ${FOREGROUND} cannot be both set`));
  return errs;
}

/** ValidateObjectMeta: name (with the kind's name rule), namespace, labels, annotations, owners, finalizers. */
export function validateObjectMeta(
  o: KubeObject,
  namespaced: boolean,
  nameFn: NameFn,
  path = 'metadata',
): FieldError[] {
  const m = isPlainObject(o.metadata) ? o.metadata : {};
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  if (generateName !== '')
    for (const msg of nameFn(generateName, true))
      errs.push(invalid(`${path}.generateName`, generateName, msg));
  const name = str(m.name);
  if (name === '') errs.push(required(`${path}.name`, 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(`${path}.name`, name, msg));
  errs.push(...validateMetaCommon(m, namespaced, path));
  return errs;
}

function validateMetaCommon(
  m: Record<string, unknown>,
  namespaced: boolean,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(m.namespace);
  if (namespaced) {
    if (ns === '') errs.push(required(`${path}.namespace`));
    else for (const msg of isDns1123Label(ns)) errs.push(invalid(`${path}.namespace`, ns, msg));
  } else if (ns !== '') errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  errs.push(...nonNegative(m.generation, `${path}.generation`));
  errs.push(...validateLabels(m.labels, `${path}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(m.finalizers, `${path}.finalizers`));
  return errs;
}

/** The metadata a template carries (labels and annotations only are checked, as for pod templates). */
export function validateTemplateMeta(meta: unknown, path: string): FieldError[] {
  const m = isPlainObject(meta) ? meta : {};
  return [
    ...validateLabels(m.labels, `${path}.labels`),
    ...validateAnnotations(m.annotations, `${path}.annotations`),
  ];
}

/** Finalizers may not be added to an object that is being deleted. */
export function validateMetaUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const m = isPlainObject(o.metadata) ? o.metadata : {};
  const om = isPlainObject(old.metadata) ? old.metadata : {};
  if (om.deletionTimestamp === undefined) return [];
  const before = new Set(Array.isArray(om.finalizers) ? om.finalizers.map(str) : []);
  const added = (Array.isArray(m.finalizers) ? m.finalizers.map(str) : []).filter(
    (f) => !before.has(f),
  );
  return added.length === 0
    ? []
    : [
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      ];
}

export const nameIsDnsSubdomain: NameFn = (name, prefix) =>
  isDns1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDnsLabel: NameFn = (name, prefix) =>
  isDns1123Label(prefix ? maskTrailingDash(name) : name);

/** ValidateLabelSelector (strict: label values checked). */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (!isPlainObject(sel)) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  exprs.forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const r = isPlainObject(e) ? e : {};
    const values = Array.isArray(r.values) ? r.values.map(str) : [];
    const op = str(r.operator);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0)
        errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(
          forbidden(
            `${p}.values`,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
    } else errs.push(invalid(`${p}.operator`, op, 'not a valid selector operator'));
    for (const msg of isQualifiedName(str(r.key))) errs.push(invalid(`${p}.key`, str(r.key), msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(`${p}.values[${j}]`, v, msg));
    });
  });
  return errs;
}

/** Whether a LabelSelector converts to a selector (LabelSelectorAsSelector does not fail). */
export function selectorConverts(sel: unknown): boolean {
  if (!isPlainObject(sel)) return true;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  return exprs.every((e) => {
    const r = isPlainObject(e) ? e : {};
    const op = str(r.operator);
    const n = Array.isArray(r.values) ? r.values.length : 0;
    if (op === 'In' || op === 'NotIn') return n > 0;
    if (op === 'Exists' || op === 'DoesNotExist') return n === 0;
    return false;
  });
}

/** Whether labels match a LabelSelector (nil selector matches nothing, empty matches everything). */
export function selectorMatches(sel: unknown, labels: unknown): boolean {
  if (!isPlainObject(sel)) return false;
  const l = isPlainObject(labels) ? labels : {};
  for (const [k, v] of stringMap(sel.matchLabels)) if (l[k] !== v) return false;
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    const r = isPlainObject(e) ? e : {};
    const key = str(r.key);
    const values = Array.isArray(r.values) ? r.values.map(str) : [];
    const has = Object.prototype.hasOwnProperty.call(l, key);
    switch (str(r.operator)) {
      case 'In':
        if (!has || !values.includes(str(l[key]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(str(l[key]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
