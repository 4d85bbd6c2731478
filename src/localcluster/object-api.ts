// The write and read semantics of the API (create, update, delete, list) independent of HTTP:
// metadata bookkeeping, validation, optimistic concurrency, finalizers, dry run, admission.
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  FieldErrorType,
  MODIFIED_CONFLICT,
  type FieldError,
} from './status-errors.js';
import {
  asString,
  clone,
  isPlainObject,
  jsonEqual,
  meta,
  metaOf,
  nowRfc3339,
  randomSuffix,
  type KubeObject,
  type ObjectMeta,
} from './object-meta.js';
import { groupVersionString, storageKey, type ResourceInfo } from './registry.js';
import {
  prepareForCreate,
  prepareForUpdate,
  validateUpdate,
  generationChanged,
  hasGeneration,
  type ClusterIpAllocator,
} from './strategies.js';
import { pruneUnknown, validateSchema, applyDefaults, type SchemaNode } from '../core/index.js';
import type { ObjectStore } from './store.js';
import { CRD_CLEANUP_FINALIZER } from './crd.js';
import { withRuleErrors } from './crd-validation-rules.js';
import type { UserInfo } from './auth.js';
import type { TypedCodec } from './typed-codec.js';
import { validateObject } from './validation/kinds.js';
import { admitPodCreate } from './pod-admission.js';
import { eventFromCore, eventToCore } from './event-conversion.js';
import { TypeDecodeError } from './typed-decode.js';

export const FieldValidation = { Strict: 'Strict', Warn: 'Warn', Ignore: 'Ignore' } as const;
export type FieldValidation = (typeof FieldValidation)[keyof typeof FieldValidation];

export const Propagation = {
  Orphan: 'Orphan',
  Background: 'Background',
  Foreground: 'Foreground',
} as const;
export type Propagation = (typeof Propagation)[keyof typeof Propagation];

export interface Target {
  readonly info: ResourceInfo;
  readonly namespace: string;
  readonly name: string;
  /** '' | 'status' | 'scale' */
  readonly subresource: string;
}

export interface WriteOptions {
  readonly user: UserInfo;
  readonly dryRun: boolean;
  /** Manager recorded in managedFields. */
  readonly manager: string;
  readonly fieldValidation: FieldValidation;
  /** Fields the JSON body gave twice (`data.k`), found while decoding it. */
  readonly duplicates?: readonly string[];
  /** Duplicate keys of a YAML body, as Go's yaml package words them. */
  readonly yamlDuplicates?: readonly string[];
  /**
   * The subresource a write of the main resource is recorded as in managedFields: `scale`,
   * whose writes update the workload itself.
   */
  readonly recordAs?: string;
}

export interface WriteResult {
  readonly object: KubeObject;
  readonly warnings: string[];
  /** false when an update changed nothing and nothing was written */
  readonly written: boolean;
}

export interface DeleteOptions {
  readonly user: UserInfo;
  readonly dryRun: boolean;
  readonly propagationPolicy?: Propagation;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface DeleteResult {
  /** The object, still present with deletionTimestamp when finalizers hold it. */
  readonly object: KubeObject;
  readonly deleted: boolean;
}

/** Field ownership bookkeeping (managedFields) for non-apply writes. */
export interface FieldTracker {
  track(args: {
    old: KubeObject | undefined;
    updated: KubeObject;
    manager: string;
    apiVersion: string;
    info: ResourceInfo;
    subresource: string;
  }): KubeObject;
}

export const AdmissionOperation = { Create: 'CREATE', Update: 'UPDATE', Delete: 'DELETE' } as const;
export type AdmissionOperation = (typeof AdmissionOperation)[keyof typeof AdmissionOperation];

export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  readonly target: Target;
  readonly object: KubeObject | undefined;
  readonly oldObject: KubeObject | undefined;
  readonly user: UserInfo;
  readonly dryRun: boolean;
}

/** Mutating then validating admission; may change the object or reject with an ApiError. */
export interface Admission {
  admit(
    attrs: AdmissionAttributes,
  ): Promise<{ object: KubeObject | undefined; warnings: string[] }>;
}

/** Where schemas come from: CRD schemas and (when known) built-in ones. */
export type SchemaLookup = (info: ResourceInfo) => SchemaNode | undefined;

export interface ObjectApiDeps {
  readonly store: ObjectStore;
  readonly ips: ClusterIpAllocator;
  readonly schemaFor: SchemaLookup;
  readonly fields?: FieldTracker;
  readonly admission?: Admission;
  /** The typed form of built-in kinds (Go's decoding and defaulting); without it bodies are taken as sent. */
  readonly typed?: TypedCodec;
}

const NAMESPACES = { group: '', resource: 'namespaces' };
/** Namespaces the NamespaceLifecycle admission plugin refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function gr(info: ResourceInfo): { group: string; resource: string } {
  return { group: info.group, resource: info.resource };
}

/** The group validation errors name: the stored type's (events.k8s.io Events are core Events). */
function kindGroup(info: ResourceInfo): string {
  return info.storage?.group ?? info.group;
}

/** ObjectMeta's string fields: everything downstream (storage keys, names in paths) needs strings. */
const META_STRINGS = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion'] as const;

function goTypeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Refuses a non-string in ObjectMeta's string fields as kube-apiserver's decoder does; a null is
 * an absent field to Go's decoder, so it is dropped.
 */
function checkMetaStrings(info: ResourceInfo, m: Record<string, unknown>): void {
  for (const field of META_STRINGS) {
    const v = m[field];
    if (v === null) delete m[field];
    else if (v !== undefined && typeof v !== 'string')
      throw decodeError(
        info,
        `json: cannot unmarshal ${goTypeOf(v)} into Go struct field ObjectMeta.metadata.${field} of type string`,
      );
  }
}

/** The kind's name in "X in version Y cannot be handled" messages. */
function decodeError(info: ResourceInfo, detail: string): ApiError {
  return badRequest(
    `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${detail}`,
  );
}

/**
 * Whether an update changes nothing that is kept: equal except for metadata.resourceVersion and
 * the times of managedFields entries (compared in place, without stripped copies).
 */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] === undefined) continue;
    n++;
    if (k === 'metadata' ? !sameMeta(metaOf(a), metaOf(b)) : !jsonEqual(a[k], b[k])) return false;
  }
  for (const k in b) if (b[k] !== undefined) n--;
  return n === 0;
}

function sameMeta(a: Readonly<ObjectMeta>, b: Readonly<ObjectMeta>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] === undefined || k === 'resourceVersion') continue;
    n++;
    if (k === 'managedFields' ? !sameManagedFields(a[k], b[k]) : !jsonEqual(a[k], b[k]))
      return false;
  }
  for (const k in b) if (b[k] !== undefined && k !== 'resourceVersion') n--;
  return n === 0;
}

function sameManagedFields(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return jsonEqual(a, b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    const y: unknown = b[i];
    if (!isPlainObject(x) || !isPlainObject(y)) {
      if (!jsonEqual(x, y)) return false;
      continue;
    }
    let n = 0;
    for (const k in x) {
      if (x[k] === undefined || k === 'time') continue;
      n++;
      if (!jsonEqual(x[k], y[k])) return false;
    }
    for (const k in y) if (y[k] !== undefined && k !== 'time') n--;
    if (n !== 0) return false;
  }
  return true;
}

export class ObjectApi {
  constructor(private readonly deps: ObjectApiDeps) {}

  get store(): ObjectStore {
    return this.deps.store;
  }

  /** Converts a stored object to the version a request asked for. */
  present(info: ResourceInfo, stored: KubeObject): KubeObject {
    const apiVersion = groupVersionString(info.group, info.version);
    if (stored.apiVersion === apiVersion) return stored;
    if (info.storage !== undefined) return eventFromCore(stored, apiVersion);
    return { ...stored, apiVersion };
  }

  private toStorage(info: ResourceInfo, o: KubeObject): KubeObject {
    if (info.storage !== undefined) return eventToCore(o);
    o.apiVersion = groupVersionString(info.group, info.storageVersion);
    o.kind = info.kind;
    return o;
  }

  getStored(t: Pick<Target, 'info' | 'namespace' | 'name'>): KubeObject | undefined {
    return this.deps.store.get(storageKey(t.info), t.info.namespaced ? t.namespace : '', t.name);
  }

  get(t: Target): KubeObject {
    const stored = this.getStored(t);
    if (stored === undefined) throw notFound(gr(t.info), t.name);
    return this.present(t.info, stored);
  }

  private checkTypeMeta(info: ResourceInfo, o: KubeObject): void {
    const expected = groupVersionString(info.group, info.version);
    const gv = o.apiVersion === undefined ? expected : asString(o.apiVersion);
    const kind = o.kind === undefined ? info.kind : asString(o.kind);
    if (info.crd === undefined && (gv !== expected || kind !== info.kind)) {
      const version = gv.slice(gv.indexOf('/') + 1);
      if (gv !== expected && kind === info.kind)
        throw badRequest(
          `${kind} in version "${version}" cannot be handled as a ${info.kind}: no kind "${kind}" is registered for version "${gv}" in scheme "pkg/runtime/scheme.go:111"`,
        );
      throw badRequest(
        `${kind} in version "${version}" cannot be handled as a ${info.kind}: converting (${version}.${kind}) to (${info.group === '' ? 'core' : info.group.split('.')[0]}.${info.kind}): unknown conversion`,
      );
    }
    if (gv !== expected) {
      throw badRequest(
        `the API version in the data (${gv}) does not match the expected API version (${expected})`,
      );
    }
    if (kind !== info.kind) {
      throw badRequest(
        `the kind in the data (${kind}) does not match the expected kind (${info.kind})`,
      );
    }
    o.apiVersion = expected;
    o.kind = info.kind;
  }

  private checkNamespace(t: Target, o: KubeObject): void {
    const m = meta(o);
    if (!t.info.namespaced) {
      delete m.namespace;
      return;
    }
    if (m.namespace !== undefined && m.namespace !== '' && m.namespace !== t.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (t.namespace === '')
      throw badRequest('the server could not find the requested resource: a namespace is required');
    m.namespace = t.namespace;
  }

  /**
   * Decodes a body as kube-apiserver does: Go's type errors for built-in kinds (400), unknown
   * fields pruned (an error with Strict, warnings with Warn), then defaults (the typed form of
   * built-in kinds, the schema's defaults for custom resources). Returns the warnings.
   */
  private decodeBody(t: Target, o: KubeObject, opts: WriteOptions): string[] {
    const validation = opts.fieldValidation;
    const typed = t.info.crd === undefined ? this.deps.typed : undefined;
    if (typed !== undefined) {
      try {
        typed.decode(t.info, o);
      } catch (err) {
        if (err instanceof TypeDecodeError) throw decodeError(t.info, err.message);
        throw err;
      }
    } else if (o.metadata !== undefined && !isPlainObject(o.metadata)) {
      throw decodeError(
        t.info,
        'json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta',
      );
    } else if (isPlainObject(o.metadata)) checkMetaStrings(t.info, o.metadata);
    const schema = this.deps.schemaFor(t.info);
    const unknown = schema === undefined ? [] : pruneUnknown(o, schema);
    const problems = [
      ...(opts.duplicates ?? []).map((d) => `duplicate field "${d}"`),
      ...unknown.map((u) => `unknown field "${u}"`),
    ];
    const yamlDups = opts.yamlDuplicates ?? [];
    if (validation === FieldValidation.Strict && yamlDups.length > 0)
      throw decodeError(
        t.info,
        `strict decoding error: yaml: unmarshal errors:\n  ${yamlDups.join('\n  ')}`,
      );
    if (validation === FieldValidation.Strict && problems.length > 0)
      throw decodeError(t.info, `strict decoding error: ${problems.join(', ')}`);
    const warnings =
      validation === FieldValidation.Warn
        ? [...yamlDups.map((d) => `yaml: unmarshal errors:\n  ${d}`), ...problems]
        : [];
    if (typed !== undefined) typed.fill(t.info, o);
    else if (schema !== undefined) applyDefaults(o, schema);
    return warnings;
  }

  /**
   * Schema validation and validation rules of custom resources (built-in kinds are validated per
   * kind); the rules' warnings go to `warnings`. A status write runs the rules only.
   */
  private schemaErrors(
    t: Target,
    o: KubeObject,
    old: KubeObject | undefined,
    warnings: string[],
  ): FieldError[] {
    if (t.info.crd === undefined) return [];
    const schema = this.deps.schemaFor(t.info);
    if (schema === undefined) return [];
    const r = withRuleErrors(schema, o, old, t.subresource === '' ? validateSchema(o, schema) : []);
    warnings.push(...r.warnings);
    return r.errors;
  }

  private async admit(
    op: AdmissionOperation,
    t: Target,
    object: KubeObject | undefined,
    oldObject: KubeObject | undefined,
    opts: { user: UserInfo; dryRun: boolean },
  ): Promise<{ object: KubeObject | undefined; warnings: string[] }> {
    if (this.deps.admission === undefined) return { object, warnings: [] };
    return this.deps.admission.admit({
      operation: op,
      target: t,
      object,
      oldObject,
      user: opts.user,
      dryRun: opts.dryRun,
    });
  }

  private track(
    old: KubeObject | undefined,
    updated: KubeObject,
    t: Target,
    manager: string,
    subresource = t.subresource,
  ): KubeObject {
    if (this.deps.fields === undefined) return updated;
    return this.deps.fields.track({
      old,
      updated,
      manager,
      apiVersion: groupVersionString(t.info.group, t.info.version),
      info: t.info,
      subresource,
    });
  }

  /**
   * The first apply to an object nobody manages: kube-apiserver first records its fields as
   * owned by "before-first-apply" (an update from the kind's empty object), then applies.
   */
  adoptUnmanaged(t: Target, live: KubeObject): KubeObject {
    const mf = metaOf(live).managedFields;
    if (Array.isArray(mf) && mf.length > 0) return live;
    return this.track(undefined, live, t, 'before-first-apply');
  }

  async create(
    t: Target,
    body: KubeObject,
    opts: WriteOptions,
    trackFields = true,
  ): Promise<WriteResult> {
    if (t.subresource !== '')
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    const o = body;
    this.checkTypeMeta(t.info, o);
    const warnings = this.decodeBody(t, o, opts);
    this.checkNamespace(t, o);
    const m = meta(o);
    if (m.name === undefined || m.name === '') {
      if (typeof m.generateName !== 'string' || m.generateName === '')
        throw invalid(t.info.kind, t.info.group, '', [
          {
            type: FieldErrorType.Required,
            field: 'metadata.name',
            detail: 'name or generateName is required',
          },
        ]);
    }
    if (t.info.namespaced) this.requireNamespace(t, m.name ?? '');
    if (Array.isArray(m.managedFields) && m.managedFields.length === 0) delete m.managedFields;
    // managedFields are recorded on the decoded object, before the strategy resets and allocates
    let obj = trackFields ? this.track(undefined, o, t, opts.manager) : o;
    const om = meta(obj);
    if (om.name === undefined || om.name === '')
      om.name = `${asString(om.generateName)}${randomSuffix()}`;
    const name = om.name;
    om.uid = randomUUID();
    om.creationTimestamp = nowRfc3339();
    delete om.resourceVersion;
    delete om.deletionTimestamp;
    delete om.deletionGracePeriodSeconds;
    delete om.selfLink;
    if (hasGeneration(t.info)) om.generation = 1;
    else delete om.generation;
    prepareForCreate(t.info, obj, this.deps.ips, om.uid, this.deps.typed);
    if (t.info.group === '' && t.info.kind === 'Pod' && this.deps.typed !== undefined) {
      admitPodCreate(obj, t.namespace, this.deps.store);
      this.deps.typed.fill(t.info, obj);
    }
    const errs = [
      ...validateObject(t.info, obj),
      ...this.schemaErrors(t, obj, undefined, warnings),
    ];
    if (errs.length > 0) throw invalid(t.info.kind, kindGroup(t.info), name, errs);
    const adm = await this.admit(AdmissionOperation.Create, t, obj, undefined, opts);
    obj = adm.object ?? obj;
    warnings.push(...adm.warnings);
    // resourceVersion keeps its place among the metadata fields; the store fills it in
    if (!opts.dryRun) meta(obj).resourceVersion = '';
    this.deps.typed?.order(t.info, obj);
    if (opts.dryRun) return { object: obj, warnings, written: false };
    if (t.info.namespaced) this.requireNamespace(t, name);
    const stored = this.deps.store.put(storageKey(t.info), this.toStorage(t.info, obj), '');
    if (stored === undefined) throw alreadyExists(gr(t.info), name);
    return { object: this.present(t.info, stored), warnings, written: true };
  }

  /**
   * A create that is answered and not stored (access reviews, TokenRequest): decoded, defaulted
   * and given managedFields like any create, then completed by `answer`.
   */
  review(
    t: Target,
    body: KubeObject,
    opts: WriteOptions,
    answer: (o: KubeObject) => KubeObject,
  ): WriteResult {
    const o = body;
    this.checkTypeMeta(t.info, o);
    const warnings = this.decodeBody(t, o, opts);
    const tracked = this.track(undefined, o, t, opts.manager);
    const out = answer(tracked);
    this.deps.typed?.order(t.info, out);
    return { object: out, warnings, written: false };
  }

  private requireNamespace(t: Target, name: string): void {
    const ns = this.deps.store.get('namespaces', '', t.namespace);
    if (ns === undefined) throw notFound(NAMESPACES, t.namespace);
    if (metaOf(ns).deletionTimestamp !== undefined) {
      throw forbidden(
        gr(t.info),
        name,
        `unable to create new content in namespace ${t.namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${t.namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  /**
   * Replaces an object (PUT, or the result of a patch). `body` is a private copy.
   * `expectRv` (from the body or a patch) must match the stored version when set.
   */
  async update(
    t: Target,
    body: KubeObject,
    opts: WriteOptions,
    trackFields = true,
  ): Promise<WriteResult> {
    const old = this.getStored(t);
    if (old === undefined) throw notFound(gr(t.info), t.name);
    const oldView = this.present(t.info, old);
    let o = body;
    this.checkTypeMeta(t.info, o);
    const bm = meta(o);
    if (bm.name !== undefined && bm.name !== t.name) {
      throw badRequest(
        `the name of the object (${bm.name}) does not match the name on the URL (${t.name})`,
      );
    }
    bm.name = t.name;
    this.checkNamespace(t, o);
    const oldMeta = metaOf(oldView);
    // custom resources allow no unconditional update (their strategy's AllowUnconditionalUpdate)
    if (t.info.crd !== undefined && (bm.resourceVersion === undefined || bm.resourceVersion === ''))
      throw invalid(t.info.resource, t.info.group, t.name, [
        {
          type: FieldErrorType.Invalid,
          field: 'metadata.resourceVersion',
          value: 0,
          detail: 'must be specified for an update',
        },
      ]);
    if (
      bm.resourceVersion !== undefined &&
      bm.resourceVersion !== '' &&
      bm.resourceVersion !== oldMeta.resourceVersion
    ) {
      throw conflict(gr(t.info), t.name, MODIFIED_CONFLICT);
    }
    const warnings = this.decodeBody(t, o, opts);
    const m = meta(o);
    this.carryOverMeta(oldMeta, m, trackFields);
    if (trackFields) {
      const base = { ...oldView, metadata: { ...oldMeta, managedFields: m.managedFields } };
      o = this.track(base, o, t, opts.manager, opts.recordAs);
    }
    o = this.resetForUpdate(t, oldView, o);
    prepareForUpdate(t.info, oldView, o);
    // in ValidateXUpdate's order: the kind's validation, then the fields an update may not
    // change; ConfigMaps and Secrets check their immutable fields first
    const kindErrs =
      t.subresource === ''
        ? [...validateObject(t.info, o, oldView), ...this.schemaErrors(t, o, oldView, warnings)]
        : t.subresource === 'status'
          ? this.schemaErrors(t, o, oldView, warnings)
          : [];
    const updateErrs = validateUpdate(t.info, oldView, o);
    const immutableFirst = t.info.group === '' && ['ConfigMap', 'Secret'].includes(t.info.kind);
    const errs: FieldError[] = immutableFirst
      ? [...updateErrs, ...kindErrs]
      : [...kindErrs, ...updateErrs];
    if (errs.length > 0) throw invalid(t.info.kind, kindGroup(t.info), t.name, errs);
    const nm = meta(o);
    // only the main resource's strategy bumps generation (a /status write never does)
    if (t.subresource === '' && generationChanged(t.info, oldView, o))
      nm.generation = (oldMeta.generation ?? 0) + 1;
    const adm = await this.admit(AdmissionOperation.Update, t, o, oldView, opts);
    o = adm.object ?? o;
    warnings.push(...adm.warnings);
    if (sameContent(o, oldView)) return { object: oldView, warnings, written: false };
    const finalM = metaOf(o);
    const finished =
      finalM.deletionTimestamp !== undefined &&
      (finalM.finalizers ?? []).length === 0 &&
      !this.hasSpecFinalizers(o);
    if (opts.dryRun) meta(o).resourceVersion = oldMeta.resourceVersion;
    this.deps.typed?.order(t.info, o);
    if (opts.dryRun) return { object: o, warnings, written: false };
    const skey = storageKey(t.info);
    const stored = this.deps.store.put(
      skey,
      this.toStorage(t.info, o),
      oldMeta.resourceVersion ?? '',
    );
    if (stored === undefined) throw conflict(gr(t.info), t.name, MODIFIED_CONFLICT);
    if (finished) {
      const gone = this.deps.store.remove(skey, t.info.namespaced ? t.namespace : '', t.name);
      if (gone !== undefined)
        return { object: this.present(t.info, gone), warnings, written: true };
    }
    return { object: this.present(t.info, stored), warnings, written: true };
  }

  /** Metadata an update cannot change (uid, creation, deletion, generation) and managedFields. */
  private carryOverMeta(oldMeta: Readonly<ObjectMeta>, m: ObjectMeta, trackFields: boolean): void {
    m.uid = oldMeta.uid;
    m.creationTimestamp = oldMeta.creationTimestamp;
    if (oldMeta.deletionTimestamp !== undefined) {
      m.deletionTimestamp = oldMeta.deletionTimestamp;
      // a namespace is deleted without a grace period field, and keeps none
      if (oldMeta.deletionGracePeriodSeconds === undefined) delete m.deletionGracePeriodSeconds;
      else m.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (oldMeta.generation !== undefined) m.generation = oldMeta.generation;
    else delete m.generation;
    delete m.selfLink;
    if (m.generateName === undefined && oldMeta.generateName !== undefined)
      m.generateName = oldMeta.generateName;
    // managedFields sent back unchanged are recomputed; an explicit change (e.g. reset) is honoured
    if (
      trackFields &&
      (m.managedFields === undefined || jsonEqual(m.managedFields, oldMeta.managedFields))
    )
      m.managedFields = clone(oldMeta.managedFields);
    if (Array.isArray(m.managedFields) && m.managedFields.length === 0) delete m.managedFields;
  }

  /**
   * What the strategy keeps from the stored object: the status on main-resource updates of kinds
   * with a status subresource; on /status updates everything but the status (custom resources)
   * or the spec (and the labels of apps kinds), as kube-apiserver's status strategies do.
   */
  private resetForUpdate(t: Target, old: KubeObject, o: KubeObject): KubeObject {
    if (t.subresource === 'status') {
      if (t.info.crd !== undefined) {
        const n = clone(old);
        meta(n).managedFields = metaOf(o).managedFields;
        if (o.status === undefined) delete n.status;
        else n.status = o.status;
        if (metaOf(n).managedFields === undefined) delete meta(n).managedFields;
        return n;
      }
      if (old.spec === undefined) delete o.spec;
      else o.spec = clone(old.spec);
      if (t.info.group === 'apps') {
        const labels = metaOf(old).labels;
        if (labels === undefined) delete meta(o).labels;
        else meta(o).labels = clone(labels);
      }
      return o;
    }
    if (t.info.subresources.includes('status')) {
      if (old.status === undefined) delete o.status;
      else o.status = clone(old.status);
    }
    return o;
  }

  private hasSpecFinalizers(o: KubeObject): boolean {
    return (
      o.kind === 'Namespace' &&
      isPlainObject(o.spec) &&
      Array.isArray(o.spec.finalizers) &&
      o.spec.finalizers.length > 0
    );
  }

  /** Deletes now, or marks for deletion when finalizers (including propagation ones) hold it. */
  async delete(t: Target, opts: DeleteOptions): Promise<DeleteResult> {
    const old = this.getStored(t);
    if (old === undefined) throw notFound(gr(t.info), t.name);
    const view = this.present(t.info, old);
    const m = metaOf(view);
    const pre = opts.preconditions;
    // kube-apiserver names the kind here (ConfigMap, Deployment.apps), not the resource
    const byKind = { group: t.info.group, resource: t.info.kind };
    if (pre?.uid !== undefined && pre.uid !== m.uid) {
      throw conflict(
        byKind,
        t.name,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${m.uid ?? ''}). The object might have been deleted and then recreated`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== m.resourceVersion) {
      throw conflict(
        byKind,
        t.name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${m.resourceVersion ?? ''}). The object might have been modified`,
      );
    }
    if (t.info.group === '' && t.info.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(t.name))
      throw forbidden(gr(t.info), t.name, 'this namespace may not be deleted');
    // webhooks may refuse a deletion; there is no object for them to change
    await this.admit(AdmissionOperation.Delete, t, undefined, view, {
      user: opts.user,
      dryRun: opts.dryRun,
    });
    const finalizers = [...(m.finalizers ?? [])];
    const policy = opts.propagationPolicy ?? Propagation.Background;
    const isNamespace = t.info.group === '' && t.info.kind === 'Namespace';
    // a CRD keeps existing until the objects of its kind are gone
    if (
      t.info.group === 'apiextensions.k8s.io' &&
      t.info.kind === 'CustomResourceDefinition' &&
      !finalizers.includes(CRD_CLEANUP_FINALIZER)
    ) {
      finalizers.push(CRD_CLEANUP_FINALIZER);
    }
    if (m.deletionTimestamp === undefined) {
      if (policy === Propagation.Foreground && !finalizers.includes('foregroundDeletion'))
        finalizers.push('foregroundDeletion');
      if (policy === Propagation.Orphan && !finalizers.includes('orphan'))
        finalizers.push('orphan');
    } else if (policy === Propagation.Orphan && !finalizers.includes('orphan')) {
      finalizers.push('orphan');
    }
    if (finalizers.length > 0 || isNamespace) {
      const n = clone(view);
      const nm = meta(n);
      if (nm.deletionTimestamp === undefined) {
        nm.deletionTimestamp = nowRfc3339();
        // the namespace registry deletes without a grace period field
        if (!isNamespace) nm.deletionGracePeriodSeconds = 0;
        // the generic store's markAsDeleting: an object with a generation gets a new one
        if (typeof nm.generation === 'number' && nm.generation > 0) nm.generation += 1;
      }
      if (finalizers.length > 0) nm.finalizers = finalizers;
      if (isNamespace)
        n.status = { ...(isPlainObject(n.status) ? n.status : {}), phase: 'Terminating' };
      this.deps.typed?.order(t.info, n);
      if (jsonEqual(n, view) || opts.dryRun)
        return { object: opts.dryRun ? n : view, deleted: false };
      const stored = this.deps.store.put(
        storageKey(t.info),
        this.toStorage(t.info, n),
        m.resourceVersion ?? '',
      );
      if (stored === undefined) throw conflict(gr(t.info), t.name, MODIFIED_CONFLICT);
      return { object: this.present(t.info, stored), deleted: false };
    }
    if (opts.dryRun) return { object: view, deleted: true };
    const gone = this.deps.store.remove(
      storageKey(t.info),
      t.info.namespaced ? t.namespace : '',
      t.name,
      m.resourceVersion,
    );
    if (gone === undefined) throw conflict(gr(t.info), t.name, MODIFIED_CONFLICT);
    return { object: this.present(t.info, gone), deleted: true };
  }

  /** The namespaces/finalize subresource: sets spec.finalizers; a terminating namespace with none left goes away. */
  finalizeNamespace(name: string, finalizers: string[], dryRun: boolean): KubeObject {
    const nsInfo = { group: '', resource: 'namespaces' };
    const old = this.deps.store.get('namespaces', '', name);
    if (old === undefined) throw notFound(nsInfo, name);
    const n = clone(old);
    n.spec = { ...(isPlainObject(n.spec) ? n.spec : {}), finalizers };
    if (dryRun) return n;
    const m = metaOf(old);
    const stored = this.deps.store.put('namespaces', n, m.resourceVersion ?? '');
    if (stored === undefined) throw conflict(nsInfo, name, MODIFIED_CONFLICT);
    if (
      m.deletionTimestamp !== undefined &&
      finalizers.length === 0 &&
      (m.finalizers ?? []).length === 0
    ) {
      return this.deps.store.remove('namespaces', '', name) ?? stored;
    }
    return stored;
  }

  /** Stored objects of a resource presented in the requested version. */
  list(info: ResourceInfo, namespace: string): KubeObject[] {
    const items = this.deps.store.list(
      storageKey(info),
      info.namespaced && namespace !== '' ? namespace : undefined,
    );
    return items.map((o) => this.present(info, o));
  }
}
