// kustomize's builtin field transformers: namespace, name prefix/suffix, labels, annotations, images, replicas.
import { isYamlMap, newMap, scalarSource } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { applyFieldSpec, CreateKind, FieldSpecError, setUntaggedRef } from './fieldspec.js';
import type { FieldSpec, ValueRef } from './fieldspec.js';
import { KustomizeError } from './loader.js';
import { gvkIsSelected, idKey, idString, isClusterScoped, scalarString } from './resource.js';
import type { Resource } from './resource.js';

/** A scalar's text as written (kyaml reads a node's Value). */
function textOf(ref: ValueRef): string {
  const h = ref.holder;
  return (h !== undefined ? scalarSource(h[0], h[1]) : undefined) ?? scalarString(ref.get());
}

function wrap<T>(r: Resource, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FieldSpecError) {
      throw new KustomizeError(`${what}: ${idString(r.curId())}: ${err.message}`, {
        file: r.source,
      });
    }
    throw err;
  }
}

function setScalar(value: YamlValue): (ref: ValueRef) => void {
  return (ref) => ref.set(value);
}

/** The map a label or annotation entry goes into (created when the field is empty). */
function entryMap(ref: ValueRef, key: string): YamlMap {
  let m = ref.get();
  if (m === null || m === '') {
    m = newMap();
    ref.set(m);
  }
  if (!isYamlMap(m)) throw new FieldSpecError(`cannot set key '${key}' on a non-map field`);
  return m;
}

export function namespaceTransform(
  resources: Resource[],
  namespace: string,
  specs: readonly FieldSpec[],
): void {
  if (namespace === '') return;
  for (const r of resources) {
    if (r.isEmpty()) continue;
    r.storePreviousId();
    wrap(r, 'namespace', () => {
      const gvk = r.gvk;
      const apiVersion = r.apiVersion;
      let fs = specs.filter(
        (s) =>
          s.path !== 'metadata/namespace' && !(apiVersion !== 'v1' && s.path === 'metadata/name'),
      );
      if (!isClusterScoped(gvk)) {
        applyFieldSpec(
          r.obj,
          gvk,
          { gvk: {}, path: 'metadata/namespace', create: true },
          CreateKind.Scalar,
          setScalar(namespace),
        );
      }
      if (gvk.kind === 'RoleBinding' || gvk.kind === 'ClusterRoleBinding') {
        fs = fs.filter(
          (s) =>
            !(
              s.path.startsWith('subjects') &&
              (s.gvk.kind === 'RoleBinding' || s.gvk.kind === 'ClusterRoleBinding')
            ),
        );
        const subjects = r.obj['subjects'];
        if (Array.isArray(subjects)) {
          for (const s of subjects) {
            if (isYamlMap(s) && s['name'] === 'default') s['namespace'] = namespace;
          }
        }
      }
      for (const s of fs) applyFieldSpec(r.obj, gvk, s, CreateKind.Scalar, setScalar(namespace));
    });
  }
  const byId = new Map<string, Resource[]>();
  for (const r of resources) {
    const k = idKey(r.curId());
    const list = byId.get(k);
    if (list) list.push(r);
    else byId.set(k, [r]);
  }
  for (const matches of byId.values()) {
    if (matches.length !== 1) {
      const first = matches[0] as Resource;
      throw new KustomizeError(
        `namespace transformation produces ID conflict: ${matches.map((m) => idString(m.curId())).join(', ')}`,
        { file: first.source, field: 'namespace' },
      );
    }
  }
}

const PREFIX_SKIP: ReadonlyArray<{ group?: string; kind: string }> = [
  { kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { kind: 'Namespace' },
];

export function prefixSuffixTransform(
  resources: Resource[],
  affix: string,
  specs: readonly FieldSpec[],
  mode: 'prefix' | 'suffix',
): void {
  for (const r of resources) {
    const org = r.orgId();
    if (PREFIX_SKIP.some((s) => gvkIsSelected(org.gvk, s))) continue;
    for (const fs of specs) {
      if (!gvkIsSelected(org.gvk, fs.gvk)) continue;
      if (fs.path === 'metadata/name') {
        if (mode === 'prefix') r.prefixes.push(affix);
        else r.suffixes.push(affix);
        if (affix !== '') r.storePreviousId();
      }
      wrap(r, mode === 'prefix' ? 'namePrefix' : 'nameSuffix', () =>
        applyFieldSpec(r.obj, r.gvk, { ...fs, create: false }, CreateKind.None, (ref) => {
          // The transformer sets an untagged scalar (filtersutil.SetScalar) from the node's text.
          const cur = textOf(ref);
          setUntaggedRef(ref, mode === 'prefix' ? affix + cur : cur + affix);
        }),
      );
    }
  }
}

/** Sets string entries (labels or annotations) in every field the specs name. */
export function mapEntriesTransform(
  resources: Resource[],
  entries: Record<string, string>,
  specs: readonly FieldSpec[],
  what: string,
): void {
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) return;
  for (const r of resources) {
    wrap(r, what, () => {
      for (const k of keys) {
        // kustomize sets one new node wherever the entry is missing (so those entries share it)
        // and copies the value into an existing entry's node (which changes every entry sharing
        // that node, e.g. a selector label an earlier transformer created with it).
        const places: Array<readonly [YamlMap, string]> = [];
        for (const fs of specs) {
          applyFieldSpec(r.obj, r.gvk, fs, CreateKind.Map, (ref) => {
            const m = entryMap(ref, k);
            if (k in m) r.setSharedEntry(m, k, m[k], entries[k] as string);
            else {
              m[k] = entries[k] as string;
              places.push([m, k]);
            }
          });
        }
        if (places.length > 1) r.entryAliases.push(places);
      }
    });
  }
}

export interface ImageSpec {
  readonly name: string;
  readonly newName: string;
  readonly newTag: string;
  readonly tagSuffix: string;
  readonly digest: string;
}

export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let search = image;
  let slash = image.indexOf('/');
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slash;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slash;
    ic += slash;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slash;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

/** kustomize's IsImageMatched: the image name (a regular expression, as kustomize builds it) then an optional tag and digest. */
function imageMatches(value: string, name: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`, 'u');
  } catch {
    throw new FieldSpecError(`invalid image name '${name}': not a valid regular expression`);
  }
  return re.test(value);
}

function updateImage(ref: ValueRef, img: ImageSpec): void {
  const v = ref.get();
  if (v === null) return;
  if (typeof v === 'object')
    throw new FieldSpecError(
      `wrong Node Kind for image: expected ScalarNode was ${Array.isArray(v) ? 'SequenceNode' : 'MappingNode'}`,
    );
  const value = textOf(ref);
  if (!imageMatches(value, img.name)) return;
  let { name, tag, digest } = splitImage(value);
  if (img.newName !== '') name = img.newName;
  if (img.newTag !== '' && img.digest !== '') {
    tag = img.newTag;
    digest = img.digest;
  } else if (img.newTag !== '') {
    tag = img.newTag;
    digest = '';
  } else if (img.digest !== '') {
    tag = '';
    digest = img.digest;
  } else if (img.tagSuffix !== '') {
    tag += img.tagSuffix;
    digest = '';
  }
  let out = name;
  if (tag !== '') out += ':' + tag;
  if (digest !== '') out += '@' + digest;
  setUntaggedRef(ref, out);
}

function legacyImageWalk(node: YamlValue, img: ImageSpec): void {
  if (Array.isArray(node)) {
    for (const e of node) legacyImageWalk(e, img);
    return;
  }
  if (!isYamlMap(node)) return;
  for (const key of Object.keys(node)) {
    const v = node[key] as YamlValue;
    legacyImageWalk(v, img);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(v)) {
      for (const c of v) {
        if (isYamlMap(c) && 'image' in c && c['image'] !== null) {
          updateImage(
            {
              get: () => c['image'] as YamlValue,
              set: (x) => (c['image'] = x),
              holder: [c, 'image'],
            },
            img,
          );
        }
      }
    }
  }
}

export function imagesTransform(
  resources: Resource[],
  img: ImageSpec,
  specs: readonly FieldSpec[],
): void {
  for (const r of resources) {
    if (r.kind === 'CustomResourceDefinition') continue;
    wrap(r, 'images', () => legacyImageWalk(r.obj, img));
  }
  for (const r of resources) {
    if (r.kind === 'CustomResourceDefinition') continue;
    wrap(r, 'images', () => {
      for (const fs of specs)
        applyFieldSpec(r.obj, r.gvk, fs, CreateKind.None, (ref) => updateImage(ref, img));
    });
  }
}

export function replicasTransform(
  resources: Resource[],
  name: string,
  count: number,
  specs: readonly FieldSpec[],
  file: string,
): void {
  let found = false;
  for (const fs of specs) {
    const matched = resources.filter((r) =>
      r.allIds().some((id) => id.name === name && gvkIsSelected(id.gvk, fs.gvk)),
    );
    if (matched.length === 0) continue;
    found = true;
    for (const r of matched) {
      wrap(r, 'replicas', () =>
        applyFieldSpec(r.obj, r.gvk, fs, CreateKind.Scalar, setScalar(count)),
      );
    }
  }
  if (!found) {
    const gvks = specs.map(
      (s) => `${s.gvk.group || '~G'}_${s.gvk.version || '~V'}_${s.gvk.kind || '~K'}`,
    );
    throw new KustomizeError(
      `${file}: replicas: resource with name ${name} does not match a config with the following GVK [${gvks.join(' ')}]`,
      { file, field: 'replicas' },
    );
  }
}

export type { YamlMap };
