// CustomResourceDefinition validation as kube-apiserver v1.36 runs it (apiextensions-apiserver's
// ValidateCustomResourceDefinition and its update form). It validates the internal form the v1
// object converts to: when every version has the same schema (or subresources, or printer
// columns), the conversion moves it to the spec, so errors name `spec.validation` rather than
// `spec.versions[0].schema`; `spec.version` is the first version's name.
import { hasOwnKey } from '../../core/index.js';
import { isPlainObject, jsonEqual, metaOf, type KubeObject } from '../object-meta.js';
import { FieldErrorType, GoValue, type FieldError } from '../status-errors.js';
import { compileRules } from '../crd-validation-rules.js';
import { isDns1035Label, isDns1123Subdomain } from '../../core/index.js';
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
  validateMetaUpdate,
  validateObjectMeta,
} from './meta.js';
import { goVersionsValue, type InternalVersion } from './crd-go-values.js';
import { validateSchemaLocation } from './crd-schema.js';

type Obj = Record<string, unknown>;

const PRINTER_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_FORMATS = [
  'byte',
  'date',
  'date-time',
  'double',
  'float',
  'int32',
  'int64',
  'password',
];
const MAX_SELECTABLE_FIELDS = 8;

function obj(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The v1 spec in its internal form. */
interface InternalSpec {
  readonly spec: Obj;
  readonly names: Obj;
  readonly versions: InternalVersion[];
  /** Set when every version's schema is the same (moved to spec.validation). */
  readonly validation: Obj | undefined;
  readonly subresources: Obj | undefined;
  readonly columns: Obj[] | undefined;
  readonly preserveUnknownFields: boolean;
}

/** apiequality.Semantic.DeepEqual: an empty list or map equals an absent one. */
function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  if (empty(a) && empty(b)) return true;
  return jsonEqual(a, b);
}

function toInternal(o: KubeObject): InternalSpec {
  const spec = obj(o.spec);
  const v1 = (Array.isArray(spec.versions) ? spec.versions : []).map(obj);
  const schemaOf = (v: Obj): Obj | undefined =>
    isPlainObject(v.schema) && isPlainObject(v.schema.openAPIV3Schema)
      ? v.schema.openAPIV3Schema
      : undefined;
  const same = (f: (v: Obj) => unknown): boolean =>
    v1.length > 0 && v1.every((v) => semanticEqual(f(v), f(v1[0]!)));
  const schemas = same(schemaOf);
  const subs = same((v) => v.subresources);
  const cols = same((v) => v.additionalPrinterColumns);
  const sel = same((v) => v.selectableFields);
  const first = v1[0] ?? {};
  const firstCols = Array.isArray(first.additionalPrinterColumns)
    ? first.additionalPrinterColumns.map(obj)
    : [];
  return {
    spec,
    names: obj(spec.names),
    versions: v1.map((v) => ({
      v1: v,
      schema: schemas ? undefined : schemaOf(v),
      subresources: subs ? undefined : v.subresources,
      columns: cols ? undefined : v.additionalPrinterColumns,
      selectableFields: sel ? undefined : v.selectableFields,
    })),
    validation: schemas ? schemaOf(first) : undefined,
    subresources: subs && isPlainObject(first.subresources) ? first.subresources : undefined,
    columns: cols && firstCols.length > 0 ? firstCols : undefined,
    preserveUnknownFields: spec.preserveUnknownFields === true,
  };
}

function statusEnabled(sub: unknown): boolean {
  return isPlainObject(sub) && sub.status !== undefined && sub.status !== null;
}

function dns1035(field: string, value: string): FieldError[] {
  const errs = isDns1035Label(value);
  return errs.length > 0 ? [invalid(field, value, errs.join(','))] : [];
}

/** One schema location, and its validation rules compiled when the schema itself is sound. */
function schemaErrors(schema: Obj | undefined, path: string, status: boolean): FieldError[] {
  if (schema === undefined) return [];
  const r = validateSchemaLocation(schema, path, status);
  if (!r.rulesMayCompile) return r.errors;
  return [...r.errors, ...compileRules(schema, `${path}.openAPIV3Schema`).errors];
}

function subresourceErrors(sub: unknown, path: string): FieldError[] {
  const scale = isPlainObject(sub) && isPlainObject(sub.scale) ? sub.scale : undefined;
  if (scale === undefined) return [];
  const errs: FieldError[] = [];
  const paths: [string, string, (p: string) => boolean, string][] = [
    [
      'specReplicasPath',
      'scale.specReplicasPath',
      (p) => p.startsWith('.spec.'),
      'should be a json path under .spec',
    ],
    [
      'statusReplicasPath',
      'scale.statusReplicasPath',
      (p) => p.startsWith('.status.'),
      'should be a json path under .status',
    ],
  ];
  for (const [key, field, ok, why] of paths) {
    const p = str(scale[key]);
    if (p === '') errs.push(required(`${path}.${field}`));
    else {
      const simple = simpleJsonPath(p, `${path}.${field}`);
      if (simple.length > 0) errs.push(...simple);
      else if (!ok(p)) errs.push(invalid(`${path}.${field}`, p, why));
    }
  }
  const sel = str(scale.labelSelectorPath);
  if (sel !== '') {
    const simple = simpleJsonPath(sel, `${path}.scale.labelSelectorPath`);
    if (simple.length > 0) errs.push(...simple);
    else if (!sel.startsWith('.spec.') && !sel.startsWith('.status.'))
      errs.push(
        invalid(
          `${path}.scale.labelSelectorPath`,
          sel,
          'should be a json path under either .spec or .status',
        ),
      );
  }
  return errs;
}

function simpleJsonPath(s: string, field: string): FieldError[] {
  if (s === '') return [invalid(field, s, 'must not be empty')];
  if (!s.startsWith('.')) return [invalid(field, s, 'must be a simple json path starting with .')];
  return [];
}

function columnErrors(col: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(col.name) === '') errs.push(required(`${path}.name`));
  const type = str(col.type);
  const types = `must be one of ${PRINTER_TYPES.join(',')}`;
  if (type === '') errs.push(required(`${path}.type`, types));
  else if (!PRINTER_TYPES.includes(type)) errs.push(invalid(`${path}.type`, type, types));
  const format = str(col.format);
  if (format !== '' && !PRINTER_FORMATS.includes(format))
    errs.push(invalid(`${path}.format`, format, `must be one of ${PRINTER_FORMATS.join(',')}`));
  const jsonPath = str(col.jsonPath);
  if (jsonPath === '') errs.push(required(`${path}.JSONPath`));
  else errs.push(...simpleJsonPath(jsonPath, `${path}.JSONPath`));
  return errs;
}

function deprecationWarning(v: Obj, path: string): FieldError[] {
  const w = v.deprecationWarning;
  if (typeof w !== 'string') return [];
  if (v.deprecated !== true)
    return [invalid(`${path}.deprecationWarning`, w, 'can only be set for deprecated versions')];
  const errs: FieldError[] = [];
  if (Buffer.byteLength(w) > 256)
    errs.push(invalid(`${path}.deprecationWarning`, w, 'must be <= 256 characters long'));
  if (w === '') errs.push(invalid(`${path}.deprecationWarning`, w, 'must not be an empty string'));
  let i = 0;
  for (const c of w) {
    if (/\p{Cc}/u.test(c)) {
      errs.push(
        invalid(
          `${path}.deprecationWarning`,
          w,
          `must only contain printable UTF-8 characters; control character found at index ${i}`,
        ),
      );
      break;
    }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(c)) {
      errs.push(
        invalid(
          `${path}.deprecationWarning`,
          w,
          `must only contain printable UTF-8 characters; non-printable character found at index ${i}`,
        ),
      );
      break;
    }
    i += Buffer.byteLength(c);
  }
  return errs;
}

/** The schema fields a selectable field names, from `.spec.a.b`. */
function fieldSchema(schema: Obj | undefined, jsonPath: string): Obj | undefined {
  let s = schema;
  for (const part of jsonPath.replace(/^\./, '').split('.')) {
    const p = obj(s?.properties);
    s = hasOwnKey(p, part) && isPlainObject(p[part]) ? p[part] : undefined;
    if (s === undefined) return undefined;
  }
  return s;
}

function selectableFieldErrors(
  fields: unknown,
  schema: Obj | undefined,
  path: string,
): FieldError[] {
  if (!Array.isArray(fields) || fields.length === 0) return [];
  if (schema === undefined)
    return [
      invalid(path, '', 'may only be set when `version.schema.openAPIV3Schema` is not included'),
    ];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  fields.map(obj).forEach((f, i) => {
    const at = `${path}[${i}].jsonPath`;
    const jp = str(f.jsonPath);
    if (jp === '') {
      errs.push(required(at));
      return;
    }
    const target = fieldSchema(schema, jp);
    if (target === undefined) {
      errs.push(invalid(at, jp, 'is an invalid path: does not refer to a valid field'));
      return;
    }
    if (jp.replace(/^\./, '').split('.')[0] === 'metadata')
      errs.push(invalid(at, jp, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(str(target.type)))
      errs.push(
        invalid(
          at,
          jp,
          'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
        ),
      );
    if (seen.has(jp)) errs.push(duplicate(at, jp));
    seen.add(jp);
  });
  if (seen.size > MAX_SELECTABLE_FIELDS)
    errs.push({
      type: FieldErrorType.TooMany,
      field: path,
      value: seen.size,
      detail: `must have at most ${MAX_SELECTABLE_FIELDS} items`,
    });
  return errs;
}

function versionErrors(s: InternalSpec): FieldError[] {
  const errs: FieldError[] = [];
  s.versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    errs.push(...dns1035(`${at}.name`, str(v.v1.name)));
    errs.push(...deprecationWarning(v.v1, at));
    const sub = s.subresources ?? v.subresources;
    errs.push(
      ...schemaErrors(
        isPlainObject(v.schema) ? v.schema : undefined,
        `${at}.schema`,
        statusEnabled(sub),
      ),
    );
    errs.push(...subresourceErrors(v.subresources, `${at}.subresources`));
    (Array.isArray(v.columns) ? v.columns.map(obj) : []).forEach((c, j) =>
      errs.push(...columnErrors(c, `${at}.additionalPrinterColumns[${j}]`)),
    );
    const schema = isPlainObject(v.schema) ? v.schema : s.validation;
    errs.push(...selectableFieldErrors(v.selectableFields, schema, `${at}.selectableFields`));
  });
  return errs;
}

function namesErrors(names: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['plural', 'singular']) {
    const v = str(names[k]);
    if (v !== '') errs.push(...dns1035(`${path}.${k}`, v));
  }
  for (const k of ['kind', 'listKind']) {
    const v = str(names[k]);
    const e = isDns1035Label(v.toLowerCase());
    if (v !== '' && e.length > 0)
      errs.push(
        invalid(
          `${path}.${k}`,
          v,
          `may have mixed case, but should otherwise match: ${e.join(',')}`,
        ),
      );
  }
  (Array.isArray(names.shortNames) ? names.shortNames : []).forEach((n, i) =>
    errs.push(...dns1035(`${path}.shortNames[${i}]`, str(n))),
  );
  if (str(names.kind) !== '' && names.kind === names.listKind)
    errs.push(
      invalid(`${path}.listKind`, str(names.listKind), 'kind and listKind may not be the same'),
    );
  (Array.isArray(names.categories) ? names.categories : []).forEach((c, i) =>
    errs.push(...dns1035(`${path}.categories[${i}]`, str(c))),
  );
  return errs;
}

function hasDefaults(s: unknown): boolean {
  if (Array.isArray(s)) return s.some(hasDefaults);
  if (!isPlainObject(s)) return false;
  if (s.default !== undefined && s.default !== null) return true;
  return Object.entries(s).some(
    ([k, v]) => k !== 'default' && k !== 'enum' && k !== 'example' && hasDefaults(v),
  );
}

function conversionErrors(s: InternalSpec): FieldError[] {
  const conv = obj(s.spec.conversion);
  const strategy = str(conv.strategy);
  const errs: FieldError[] = [];
  if (strategy !== '' && strategy !== 'None' && s.preserveUnknownFields)
    errs.push(
      invalid(
        'spec.conversion.strategy',
        strategy,
        'must be None if spec.preserveUnknownFields is true',
      ),
    );
  if (!isPlainObject(s.spec.conversion)) return errs;
  if (strategy === '') errs.push(required('spec.conversion.strategy'));
  else if (strategy !== 'None' && strategy !== 'Webhook')
    errs.push(notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  const webhook = isPlainObject(conv.webhook) ? conv.webhook : undefined;
  const reviewVersions =
    webhook !== undefined && Array.isArray(webhook.conversionReviewVersions)
      ? webhook.conversionReviewVersions.map(String)
      : [];
  if (strategy === 'Webhook') {
    const cc =
      webhook !== undefined && isPlainObject(webhook.clientConfig)
        ? webhook.clientConfig
        : undefined;
    if (cc === undefined)
      errs.push(
        required('spec.conversion.webhookClientConfig', 'required when strategy is set to Webhook'),
      );
    else if ((cc.url === undefined) === (cc.service === undefined))
      errs.push(
        required(
          'spec.conversion.webhookClientConfig',
          'exactly one of url or service is required',
        ),
      );
    errs.push(...reviewVersionErrors(reviewVersions, 'spec.conversion.conversionReviewVersions'));
  } else if (webhook !== undefined) {
    if (webhook.clientConfig !== undefined)
      errs.push(
        forbidden(
          'spec.conversion.webhookClientConfig',
          'should not be set when strategy is not set to Webhook',
        ),
      );
    if (reviewVersions.length > 0)
      errs.push(
        forbidden(
          'spec.conversion.conversionReviewVersions',
          'should not be set when strategy is not set to Webhook',
        ),
      );
  }
  return errs;
}

function reviewVersionErrors(versions: string[], path: string): FieldError[] {
  if (versions.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const e of isDns1035Label(v)) errs.push(invalid(`${path}[${i}]`, v, e));
  });
  if (!versions.some((v) => v === 'v1' || v === 'v1beta1'))
    errs.push(invalid(path, versions, 'must include at least one of v1, v1beta1'));
  return errs;
}

function specErrors(s: InternalSpec): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(s.spec.group);
  if (group === '') errs.push(required('spec.group'));
  else if (isDns1123Subdomain(group).length > 0)
    errs.push(invalid('spec.group', group, isDns1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2)
    errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  const scope = str(s.spec.scope);
  if (scope === '') errs.push(required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced')
    errs.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  if (s.validation === undefined)
    s.versions.forEach((v, i) => {
      if (!isPlainObject(v.schema))
        errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`));
    });
  const anyDefaults = hasDefaults(s.validation) || s.versions.some((v) => hasDefaults(v.schema));
  if (anyDefaults && s.preserveUnknownFields)
    errs.push(
      invalid(
        'spec.preserveUnknownFields',
        true,
        'must be false in order to use defaults in the schema',
      ),
    );
  errs.push(...versionErrors(s));
  const names = s.versions.map((v) => str(v.v1.name));
  const versionsValue = new GoValue(goVersionsValue(s.versions));
  if (new Set(names).size !== names.length)
    errs.push(invalid('spec.versions', versionsValue, 'must contain unique version names'));
  if (s.versions.filter((v) => v.v1.storage === true).length !== 1)
    errs.push(
      invalid(
        'spec.versions',
        versionsValue,
        'must have exactly one version marked as storage version',
      ),
    );
  if (names.length > 0 && names[0] !== '') errs.push(...dns1035('spec.version', names[0]!));
  for (const k of ['plural', 'singular', 'kind', 'listKind'])
    if (str(s.names[k]) === '') errs.push(required(`spec.names.${k}`));
  errs.push(...namesErrors(s.names, 'spec.names'));
  const anyStatus =
    statusEnabled(s.subresources) || s.versions.some((v) => statusEnabled(v.subresources));
  errs.push(...schemaErrors(s.validation, 'spec.validation', anyStatus));
  errs.push(...subresourceErrors(s.subresources, 'spec.subresources'));
  (s.columns ?? []).forEach((c, j) =>
    errs.push(...columnErrors(c, `spec.additionalPrinterColumns[${j}]`)),
  );
  errs.push(...conversionErrors(s));
  return errs;
}

function storedVersionErrors(o: KubeObject, s: InternalSpec): FieldError[] {
  const status = obj(o.status);
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions.map(String) : [];
  if (stored.length === 0)
    return [
      invalid(
        'status.storedVersions',
        new GoValue(Array.isArray(status.storedVersions) ? '[]' : 'null'),
        'must have at least one stored version',
      ),
    ];
  const errs: FieldError[] = [];
  const left = new Map(stored.map((v, i) => [v, i]));
  for (const v of s.versions) {
    const name = str(v.v1.name);
    if (v.v1.storage === true && !left.has(name))
      errs.push(invalid('status.storedVersions', stored, `must have the storage version ${name}`));
    left.delete(name);
  }
  for (const [v, i] of left)
    errs.push(
      invalid(
        `status.storedVersions[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  return errs;
}

const APPROVAL = 'api-approved.kubernetes.io';

/** Groups under k8s.io and kubernetes.io need the API approval annotation. */
function approvalErrors(o: KubeObject, old: KubeObject | undefined, group: string): FieldError[] {
  const protectedGroup =
    group === 'k8s.io' ||
    group === 'kubernetes.io' ||
    group.endsWith('.k8s.io') ||
    group.endsWith('.kubernetes.io');
  if (!protectedGroup) return [];
  const state = (x: KubeObject | undefined): [string, string] => {
    const v = (metaOf(x ?? {}).annotations ?? {})[APPROVAL];
    if (v === undefined)
      return [
        'missing',
        `protected groups must have approval annotation "${APPROVAL}", see https://github.com/kubernetes/enhancements/pull/1111`,
      ];
    if (v.startsWith('unapproved')) return ['bypassed', ''];
    try {
      const u = new URL(v);
      if (u.protocol === 'http:' || u.protocol === 'https:') return ['approved', ''];
    } catch {
      // not a URL: invalid below
    }
    return [
      'invalid',
      `protected groups must have approval annotation "${APPROVAL}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`,
    ];
  };
  const [now, why] = state(o);
  if (old !== undefined && state(old)[0] === now) return [];
  const field = `metadata.annotations[${APPROVAL}]`;
  if (now === 'missing') return [required(field, why)];
  if (now === 'invalid')
    return [invalid(field, (metaOf(o).annotations ?? {})[APPROVAL] ?? '', why)];
  return [];
}

/** Field errors of a CRD create (`old` undefined) or update, in kube-apiserver's order. */
export function validateCrd(o: KubeObject, old?: KubeObject): FieldError[] {
  const s = toInternal(o);
  const plural = str(s.names.plural);
  const group = str(s.spec.group);
  const nameFn = (name: string, prefix: boolean): string[] => {
    const msgs = isDns1123Subdomain(name, prefix);
    if (name !== `${plural}.${group}`) msgs.push('must be spec.names.plural+"."+spec.group');
    return msgs;
  };
  const errs = validateObjectMeta(o, false, nameFn);
  if (old !== undefined) errs.push(...validateMetaUpdate(o, old));
  errs.push(...specErrors(s));
  if (old !== undefined) errs.push(...immutableErrors(s, toInternal(old), old));
  errs.push(...namesErrors(obj(obj(o.status).acceptedNames), 'status.acceptedNames'));
  errs.push(...storedVersionErrors(o, s));
  errs.push(...approvalErrors(o, old, group));
  if (
    s.preserveUnknownFields &&
    (old === undefined || obj(old.spec).preserveUnknownFields !== true)
  )
    errs.push(
      invalid(
        'spec.preserveUnknownFields',
        true,
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ),
    );
  return errs;
}

function established(o: KubeObject): boolean {
  const conditions = obj(o.status).conditions;
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isPlainObject(c) && c.type === 'Established' && c.status === 'True')
  );
}

function immutableErrors(s: InternalSpec, old: InternalSpec, oldObj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = (field: string, a: unknown, b: unknown): void => {
    if (!jsonEqual(a, b)) errs.push(invalid(field, a, 'field is immutable'));
  };
  if (established(oldObj)) {
    immutable('spec.scope', s.spec.scope, old.spec.scope);
    immutable('spec.names.kind', s.names.kind, old.names.kind);
  }
  immutable('spec.group', s.spec.group, old.spec.group);
  immutable('spec.names.plural', s.names.plural, old.names.plural);
  return errs;
}
