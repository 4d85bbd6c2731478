// A Kubernetes object inside a build, with kustomize's identity rules (ResId, Gvk, previous ids, name prefixes/suffixes).
import {
  cloneValue,
  goFormatFloatG,
  isYamlMap,
  newMap,
  scalarSource,
  setUntagged,
} from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { schemaForType } from './openapi-patch-meta.js';

export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface ResId {
  readonly gvk: Gvk;
  readonly name: string;
  readonly namespace: string;
}

/** Cluster-scoped kinds of the Kubernetes v1.21 API (kustomize's builtin schema), by API group. */
const CLUSTER_SCOPED: ReadonlyMap<string, string> = new Map([
  ['APIService', 'apiregistration.k8s.io'],
  ['CSIDriver', 'storage.k8s.io'],
  ['CSINode', 'storage.k8s.io'],
  ['CertificateSigningRequest', 'certificates.k8s.io'],
  ['ClusterRole', 'rbac.authorization.k8s.io'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io'],
  ['ComponentStatus', ''],
  ['CustomResourceDefinition', 'apiextensions.k8s.io'],
  ['FlowSchema', 'flowcontrol.apiserver.k8s.io'],
  ['IngressClass', 'networking.k8s.io'],
  ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io'],
  ['Namespace', ''],
  ['Node', ''],
  ['PersistentVolume', ''],
  ['PodSecurityPolicy', 'policy'],
  ['PriorityClass', 'scheduling.k8s.io'],
  ['PriorityLevelConfiguration', 'flowcontrol.apiserver.k8s.io'],
  ['RuntimeClass', 'node.k8s.io'],
  ['SelfSubjectAccessReview', 'authorization.k8s.io'],
  ['SelfSubjectRulesReview', 'authorization.k8s.io'],
  ['StorageClass', 'storage.k8s.io'],
  ['SubjectAccessReview', 'authorization.k8s.io'],
  ['TokenReview', 'authentication.k8s.io'],
  ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io'],
  ['VolumeAttachment', 'storage.k8s.io'],
]);

/** True for kinds the builtin schema knows to be cluster-scoped (an unknown group/version counts as namespaced). */
export function isClusterScoped(gvk: Gvk): boolean {
  const group = CLUSTER_SCOPED.get(gvk.kind);
  if (group === undefined || group !== gvk.group) return false;
  // A version the v1.21 schema does not serve is not "certainly" cluster-scoped.
  return gvk.version === '' || schemaForType(apiVersionOf(gvk), gvk.kind) !== undefined;
}

/** resid.ParseGroupVersion: the group is what comes before the first `/`. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  if (i < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function apiVersionOf(gvk: Gvk): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

export function gvkString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** True when every non-empty field of `selector` equals the same field of `gvk`. */
export function gvkIsSelected(gvk: Gvk, selector: Partial<Gvk> | undefined): boolean {
  if (!selector) return true;
  if (selector.group && selector.group !== gvk.group) return false;
  if (selector.version && selector.version !== gvk.version) return false;
  if (selector.kind && selector.kind !== gvk.kind) return false;
  return true;
}

export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id.gvk)) return '_non_namespaceable_';
  if (id.namespace === '' || id.namespace === 'default') return 'default';
  return id.namespace;
}

export function idEquals(a: ResId, b: ResId): boolean {
  return (
    effectiveNamespace(a) === effectiveNamespace(b) && gvkEquals(a.gvk, b.gvk) && a.name === b.name
  );
}

/** A string equal for exactly the ids idEquals considers equal (for indexing). */
export function idKey(id: ResId): string {
  return `${id.gvk.group}|${id.gvk.version}|${id.gvk.kind}|${id.name}|${effectiveNamespace(id)}`;
}

/** kustomize's ResId.String(), used in error messages. */
export function idString(id: ResId): string {
  const k = `${id.gvk.kind || '[noKind]'}.${id.gvk.version || '[noVer]'}.${id.gvk.group || '[noGrp]'}`;
  return `${k}/${id.name || '[noName]'}.${id.namespace === '' ? '[noNs]' : id.namespace}`;
}

/**
 * Generator behaviour of a resource, when a generator produced it ('' otherwise): kustomize's
 * GenerationBehavior, where a missing or unknown value is "unspecified" and acts as create.
 */
export type Behavior = 'unspecified' | 'create' | 'merge' | 'replace' | '';

/** Which annotations buildMetadata makes kustomize carry on every resource during the build. */
export interface BuildAnnotationOptions {
  readonly origin: boolean;
  readonly transformations: boolean;
}

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

/** A label or annotation value as kyaml's GetAnnotations reads a node back (scalars by their text). */
export function annotationText(v: YamlValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goFormatFloatG(v);
  if (typeof v === 'bigint') return goFormatFloatG(Number(v));
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return '';
}

export class Resource {
  obj: YamlMap;
  /** Ids the resource had before name/kind/namespace changes, oldest first. */
  prevIds: ResId[] = [];
  prefixes: string[] = [];
  suffixes: string[] = [];
  needsHash = false;
  behavior: Behavior = '';
  allowNameChange = false;
  allowKindChange = false;
  /** Where the resource came from, for buildMetadata originAnnotations. */
  origin: Origin | undefined;
  /** Transformers that ran over the resource, for buildMetadata transformerAnnotations. */
  transformations: Origin[] = [];
  /**
   * Label/annotation entries one transformer call set at several places: kustomize shares one YAML node between
   * them, so a later in-place edit (var expansion) shows in all of them.
   */
  entryAliases: Array<Array<readonly [YamlMap, string]>> = [];
  /**
   * An in-place edit of the label/annotation entry `m[key]` from `before` to `after`: kustomize
   * edits the node, so every entry sharing it (see {@link entryAliases}) changes too.
   */
  setSharedEntry(m: YamlMap, key: string, before: YamlValue | undefined, after: YamlValue): void {
    m[key] = after;
    for (const group of this.entryAliases) {
      if (!group.some(([gm, gk]) => gm === m && gk === key)) continue;
      for (const [gm, gk] of group) if (gm[gk] === before) gm[gk] = after;
    }
  }

  /** Names of vars that read from this resource. */
  refVarNames: string[] = [];
  /** Where the resource came from, for error messages. */
  source: string;

  constructor(obj: YamlMap, source: string) {
    this.obj = obj;
    this.source = source;
  }

  clone(): Resource {
    const r = new Resource(cloneValue(this.obj), this.source);
    r.prevIds = [...this.prevIds];
    r.prefixes = [...this.prefixes];
    r.suffixes = [...this.suffixes];
    r.needsHash = this.needsHash;
    r.behavior = this.behavior;
    r.allowNameChange = this.allowNameChange;
    r.allowKindChange = this.allowKindChange;
    r.refVarNames = [...this.refVarNames];
    r.origin = this.origin;
    r.transformations = [...this.transformations];
    return r;
  }

  private meta(): YamlMap | undefined {
    const m = this.obj['metadata'];
    return isYamlMap(m) ? m : undefined;
  }
  private metaCreate(): YamlMap {
    let m = this.obj['metadata'];
    if (!isYamlMap(m)) {
      m = newMap();
      this.obj['metadata'] = m;
    }
    return m;
  }

  get kind(): string {
    return scalarString(this.obj['kind']);
  }
  /** kyaml's SetKind: an untagged node (see setUntagged). */
  set kind(k: string) {
    setUntagged(this.obj, 'kind', k);
  }
  get apiVersion(): string {
    return scalarString(this.obj['apiVersion']);
  }
  get gvk(): Gvk {
    // Asked for very often (every field spec checks it): computed again only when the object's
    // apiVersion or kind changed.
    const av = this.apiVersion;
    const kind = this.kind;
    const c = this.gvkCache;
    if (c !== undefined && c.av === av && c.kind === kind) return c.gvk;
    const gvk = { ...parseApiVersion(av), kind };
    this.gvkCache = { av, kind, gvk };
    return gvk;
  }
  private gvkCache: { av: string; kind: string; gvk: Gvk } | undefined;
  setGvk(g: Gvk): void {
    this.obj['apiVersion'] = apiVersionOf(g);
    this.obj['kind'] = g.kind;
  }
  /** kyaml's GetName: the name node's text (as written, e.g. `0x1F`). */
  get name(): string {
    const m = this.meta();
    if (m === undefined) return '';
    return scalarSource(m, 'name') ?? scalarString(m['name']);
  }
  /** kyaml's SetName: the name becomes an untagged node (keeping its style; see setUntagged). */
  set name(n: string) {
    setUntagged(this.metaCreate(), 'name', n);
  }
  get namespace(): string {
    const m = this.meta();
    if (m === undefined) return '';
    return scalarSource(m, 'namespace') ?? scalarString(m['namespace']);
  }
  set namespace(ns: string) {
    if (ns === '') {
      const m = this.meta();
      if (m) delete m['namespace'];
      return;
    }
    // kyaml's SetNamespace: an untagged node (see setUntagged).
    setUntagged(this.metaCreate(), 'namespace', ns);
  }

  curId(): ResId {
    return { gvk: this.gvk, name: this.name, namespace: this.namespace };
  }
  orgId(): ResId {
    return this.prevIds[0] ?? this.curId();
  }
  allIds(): ResId[] {
    return [...this.prevIds, this.curId()];
  }
  storePreviousId(): void {
    this.prevIds.push(this.curId());
  }

  labels(): YamlMap {
    const l = this.meta()?.['labels'];
    return isYamlMap(l) ? l : newMap();
  }
  annotations(): YamlMap {
    const a = this.meta()?.['annotations'];
    return isYamlMap(a) ? a : newMap();
  }
  /** Sets annotations, removing the field when empty (as kyaml does). */
  setAnnotations(a: YamlMap): void {
    if (Object.keys(a).length === 0) {
      const m = this.meta();
      if (m) delete m['annotations'];
      return;
    }
    this.metaCreate()['annotations'] = a;
  }

  /**
   * The annotations kustomize keeps on this resource while it builds: internal ones (previous ids,
   * name prefixes and suffixes, generator behaviour and hash) and, when buildMetadata asks, the
   * origin and transformations. A JSON patch sees them.
   */
  buildAnnotations(opts: BuildAnnotationOptions): Record<string, string> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    const csv = (key: string, values: readonly string[]): void => {
      const set = values.filter((v) => v !== '');
      if (set.length > 0) out[`internal.config.kubernetes.io/${key}`] = set.join(',');
    };
    csv(
      'previousNames',
      this.prevIds.map((id) => id.name),
    );
    csv('previousNamespaces', this.prevIds.map(effectiveNamespace));
    csv(
      'previousKinds',
      this.prevIds.map((id) => id.gvk.kind),
    );
    csv('prefixes', this.prefixes);
    csv('suffixes', this.suffixes);
    if (this.behavior !== '')
      out['internal.config.kubernetes.io/generatorBehavior'] = this.behavior;
    if (this.needsHash) out['internal.config.kubernetes.io/needsHashSuffix'] = 'enabled';
    if (opts.origin && this.origin !== undefined) out[ORIGIN_ANNOTATION] = originText(this.origin);
    if (opts.transformations && this.transformations.length > 0)
      out[TRANSFORMATIONS_ANNOTATION] = transformationsText(this.transformations);
    return out;
  }

  /**
   * After a JSON patch: drops the build annotations {@link buildAnnotations} added (kustomize puts its
   * internal ones back; an origin or transformations annotation the patch removed stays removed),
   * and writes every annotation as a string, as kyaml's SetAnnotations does.
   */
  restoreBuildAnnotations(injected: Readonly<Record<string, string>>): void {
    const ann = this.annotations();
    if (ORIGIN_ANNOTATION in injected && !(ORIGIN_ANNOTATION in ann)) this.origin = undefined;
    if (TRANSFORMATIONS_ANNOTATION in injected && !(TRANSFORMATIONS_ANNOTATION in ann))
      this.transformations = [];
    const out = newMap();
    for (const [k, v] of Object.entries(ann)) if (!(k in injected)) out[k] = annotationText(v);
    this.setAnnotations(out);
  }

  /** True when the object has no fields left (a `$patch: delete` removed it). */
  isEmpty(): boolean {
    return Object.keys(this.obj).length === 0;
  }
}

/** kustomize's resource.Origin: the file a resource was read from, or the generator that made it. */
export interface Origin {
  readonly path?: string;
  readonly configuredIn?: string;
  readonly configuredBy?: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name?: string;
    readonly namespace?: string;
  };
}

/** The text of alpha.config.kubernetes.io/transformations (a YAML list of origins). */
export function transformationsText(list: readonly Origin[]): string {
  return (
    list
      .map((o) =>
        originText(o)
          .split('\n')
          .filter((l) => l !== '')
          .map((l, i) => (i === 0 ? '- ' : '  ') + l)
          .join('\n'),
      )
      .join('\n') + '\n'
  );
}

/** The text of the config.kubernetes.io/origin annotation (kyaml.Marshal of the Origin struct). */
export function originText(o: Origin): string {
  const q = (s: string): string =>
    /^[\w./-][\w ./@:-]*$/.test(s) && !/[: ]$/.test(s) && !s.includes(': ') ? s : JSON.stringify(s);
  let out = '';
  if (o.path) out += `path: ${q(o.path)}\n`;
  if (o.configuredIn) out += `configuredIn: ${q(o.configuredIn)}\n`;
  if (o.configuredBy) {
    out += 'configuredBy:\n';
    out += `  apiVersion: ${q(o.configuredBy.apiVersion)}\n  kind: ${q(o.configuredBy.kind)}\n`;
    if (o.configuredBy.name) out += `  name: ${q(o.configuredBy.name)}\n`;
    if (o.configuredBy.namespace) out += `  namespace: ${q(o.configuredBy.namespace)}\n`;
  }
  return out;
}

export function scalarString(v: YamlValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return '';
}

/** True when one list of prefixes (or suffixes) ends with the other, as kustomize compares them. */
export function sameEndingSubSlice(a: readonly string[], b: readonly string[]): boolean {
  let shortest = a;
  let longest = b;
  if (shortest.length > longest.length) [shortest, longest] = [longest, shortest];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  for (let i = shortest.length - 1; i >= 0; i--)
    if (longest[i + diff] !== shortest[i]) return false;
  return true;
}
