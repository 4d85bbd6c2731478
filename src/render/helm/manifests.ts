// What Helm does with rendered templates before printing them (pkg/releaseutil): split each file
// into documents, read each document's head, set hooks aside, and order the rest by kind.
import type { YamlValue } from '../yaml/index.js';
import { formatFloat, goStringCompare, goTrimSpace as trimSpace } from '../gotemplate/index.js';
import { HelmError } from './errors.js';
import { yamlReaderError } from './yaml.js';
import { firstYamlDocument } from './fast-yaml.js';

/** A rendered document that is not a hook (releaseutil.Manifest). */
export interface Manifest {
  /** The template it came from, e.g. "mychart/templates/deployment.yaml". */
  readonly name: string;
  /** The document's YAML, without the `---` separator. */
  readonly content: string;
  readonly kind: string;
  readonly apiVersion: string;
}

/** A rendered document annotated `helm.sh/hook` (release.Hook). */
export interface Hook {
  /** metadata.name */
  readonly name: string;
  readonly kind: string;
  /** The template it came from. */
  readonly path: string;
  /** The document's YAML. */
  readonly manifest: string;
  /** pre-install, post-install, pre-delete, post-delete, pre-upgrade, post-upgrade, pre-rollback, post-rollback, test. */
  readonly events: readonly string[];
  /** helm.sh/hook-weight (0 when absent or not an integer). */
  readonly weight: number;
  /** helm.sh/hook-delete-policy, lower-cased: before-hook-creation, hook-succeeded, hook-failed. */
  readonly deletePolicies: readonly string[];
  /** helm.sh/hook-output-log-policy, lower-cased: hook-succeeded, hook-failed. */
  readonly outputLogPolicies: readonly string[];
}

/** releaseutil.InstallOrder. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

const HOOK_EVENTS: Readonly<Record<string, string>> = {
  'pre-install': 'pre-install',
  'post-install': 'post-install',
  'pre-delete': 'pre-delete',
  'post-delete': 'post-delete',
  'pre-upgrade': 'pre-upgrade',
  'post-upgrade': 'post-upgrade',
  'pre-rollback': 'pre-rollback',
  'post-rollback': 'post-rollback',
  test: 'test',
  'test-success': 'test',
};

/** The manifest separator of releaseutil.SplitManifests: `(?:^|\s*\n)---\s*` with RE2's ASCII \s. */
const SEP = /(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/g;
export { trimSpace };

/** releaseutil.SplitManifests: the non-empty documents of a file, in order. */
export function splitManifests(bigFile: string): string[] {
  const docs = trimSpace(bigFile).split(SEP);
  const out: string[] = [];
  for (const d of docs) {
    if (d === '') continue;
    out.push(trimSpace(d));
  }
  return out;
}

interface Head {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>> | undefined;
}

function asString(v: YamlValue, field: string, file: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat(v, 'g', -1, 32);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const kind = Array.isArray(v) ? 'array' : 'object';
  throw new HelmError(
    `YAML parse error on ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go struct field ${field} of type string`,
    'ManifestInvalid',
    file,
  );
}

/** The apiVersion, kind, name and annotations of a document (releaseutil.SimpleHead). */
function readHead(doc: string, file: string): Head {
  let v: YamlValue;
  const bad = yamlReaderError(doc);
  if (bad !== undefined)
    throw new HelmError(
      `YAML parse error on ${file}: error converting YAML to JSON: yaml: ${bad}`,
      'ManifestInvalid',
      file,
    );
  try {
    v = firstYamlDocument(doc);
  } catch (e) {
    throw new HelmError(
      `YAML parse error on ${file}: error converting YAML to JSON: yaml: ${(e as Error).message}`,
      'ManifestInvalid',
      file,
    );
  }
  if (v === null) return { apiVersion: '', kind: '', name: '', annotations: undefined };
  if (typeof v !== 'object' || Array.isArray(v) || typeof v === 'bigint') {
    const kind = Array.isArray(v)
      ? 'array'
      : typeof v === 'string'
        ? 'string'
        : typeof v === 'boolean'
          ? 'bool'
          : 'number';
    throw new HelmError(
      `YAML parse error on ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type releaseutil.SimpleHead`,
      'ManifestInvalid',
      file,
    );
  }
  const get = (m: Record<string, YamlValue>, k: string): YamlValue | undefined => {
    if (Object.hasOwn(m, k)) return m[k];
    const lower = k.toLowerCase();
    const found = Object.keys(m).find((x) => x.toLowerCase() === lower);
    return found === undefined ? undefined : m[found];
  };
  const apiVersion = asString(get(v, 'apiVersion') ?? null, 'SimpleHead.apiVersion', file);
  const kind = asString(get(v, 'kind') ?? null, 'SimpleHead.kind', file);
  const md = get(v, 'metadata');
  let name = '';
  let annotations: Record<string, string> | undefined;
  if (md !== undefined && md !== null) {
    if (typeof md !== 'object' || Array.isArray(md) || typeof md === 'bigint') {
      const k = Array.isArray(md)
        ? 'array'
        : typeof md === 'string'
          ? 'string'
          : typeof md === 'boolean'
            ? 'bool'
            : 'number';
      throw new HelmError(
        `YAML parse error on ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${k} into Go struct field SimpleHead.metadata of type struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }`,
        'ManifestInvalid',
        file,
      );
    }
    name = asString(get(md, 'name') ?? null, 'SimpleHead.metadata.name', file);
    const ann = get(md, 'annotations');
    if (ann !== undefined && ann !== null) {
      if (typeof ann !== 'object' || Array.isArray(ann) || typeof ann === 'bigint') {
        const k = Array.isArray(ann) ? 'array' : typeof ann === 'string' ? 'string' : 'number';
        throw new HelmError(
          `YAML parse error on ${file}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${k} into Go struct field .metadata.annotations of type map[string]string`,
          'ManifestInvalid',
          file,
        );
      }
      annotations = {};
      for (const [k, x] of Object.entries(ann)) {
        annotations[k] = asString(x, `SimpleHead.metadata.annotations`, file);
      }
    }
  }
  return { apiVersion, kind, name, annotations };
}

function kindRank(order: readonly string[]): (kind: string) => number | undefined {
  const m = new Map(order.map((k, i) => [k, i]));
  return (k) => m.get(k);
}

/** lessByKind: known kinds in install order, unknown ones after them alphabetically; stable. */
function sortByKind<T>(items: T[], kindOf: (t: T) => string): T[] {
  const rank = kindRank(INSTALL_ORDER);
  const less = (a: T, b: T): boolean => {
    const ka = kindOf(a);
    const kb = kindOf(b);
    const first = rank(ka);
    const second = rank(kb);
    if (first === undefined && second === undefined) return ka !== kb ? ka < kb : false;
    if (first === undefined) return false;
    if (second === undefined) return true;
    return first < second;
  };
  return items
    .map((t, i) => ({ t, i }))
    .sort((x, y) => (less(x.t, y.t) ? -1 : less(y.t, x.t) ? 1 : x.i - y.i))
    .map((x) => x.t);
}

/** releaseutil.SortManifests with InstallOrder; partials and blank files are skipped. */
export function sortManifests(
  files: ReadonlyMap<string, string>,
  warn: (m: string) => void,
): { hooks: Hook[]; manifests: Manifest[] } {
  const hooks: Hook[] = [];
  const generic: Manifest[] = [];
  const paths = [...files.keys()].sort(goStringCompare);
  for (const filePath of paths) {
    const content = files.get(filePath) as string;
    if (filePath.slice(filePath.lastIndexOf('/') + 1).startsWith('_')) continue;
    if (trimSpace(content) === '') continue;
    for (const m of splitManifests(content)) {
      const head = readHead(m, filePath);
      const hookTypes = head.annotations?.['helm.sh/hook'];
      if (
        head.annotations === undefined ||
        Object.keys(head.annotations).length === 0 ||
        hookTypes === undefined
      ) {
        generic.push({ name: filePath, content: m, kind: head.kind, apiVersion: head.apiVersion });
        continue;
      }
      const weight = Number.parseInt(head.annotations['helm.sh/hook-weight'] ?? '', 10);
      const events: string[] = [];
      let unknown = false;
      for (const t of hookTypes.split(',')) {
        const e = HOOK_EVENTS[t.trim().toLowerCase()];
        if (e === undefined) {
          unknown = true;
          break;
        }
        events.push(e);
      }
      if (unknown) {
        warn(`info: skipping unknown hook: "${hookTypes}"`);
        continue;
      }
      const policies = (annotation: string): string[] => {
        const v = head.annotations?.[annotation];
        return v === undefined ? [] : v.split(',').map((p) => trimSpace(p).toLowerCase());
      };
      hooks.push({
        deletePolicies: policies('helm.sh/hook-delete-policy'),
        outputLogPolicies: policies('helm.sh/hook-output-log-policy'),
        name: head.name,
        kind: head.kind,
        path: filePath,
        manifest: m,
        events,
        weight:
          Number.isNaN(weight) || !/^[+-]?\d+$/.test(head.annotations['helm.sh/hook-weight'] ?? '')
            ? 0
            : weight,
      });
    }
  }
  return { hooks: sortByKind(hooks, (h) => h.kind), manifests: sortByKind(generic, (m) => m.kind) };
}
