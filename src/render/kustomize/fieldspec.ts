// Field specs (gvk + slash path) and the traversal kustomize's fieldspec filter performs to find or create fields.
import { isYamlMap, newMap, setUntagged } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { gvkIsSelected } from './resource.js';
import type { Gvk } from './resource.js';

export interface FieldSpec {
  readonly gvk: Partial<Gvk>;
  readonly path: string;
  readonly create: boolean;
}

/** A place holding a value, so filters can replace scalars in maps and sequences alike. */
export interface ValueRef {
  get(): YamlValue;
  set(v: YamlValue): void;
  /** The map or list and key or index holding the value (absent for the object root). */
  readonly holder?: readonly [YamlMap | YamlValue[], string | number];
}

export const CreateKind = { None: 0, Map: 1, Seq: 2, Scalar: 3 } as const;
export type CreateKind = (typeof CreateKind)[keyof typeof CreateKind];

/** Splits a field path on '/', honouring '\/' escapes. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export class FieldSpecError extends Error {}

/**
 * Visits the values at `fs.path` inside `obj` (sequences are entered automatically), creating missing
 * fields when the spec says so, and calls `set` on each.
 */
export function applyFieldSpec(
  obj: YamlMap,
  gvk: Gvk,
  fs: FieldSpec,
  createKind: CreateKind,
  set: (ref: ValueRef) => void,
): void {
  if (!gvkIsSelected(gvk, fs.gvk)) return;
  const root: ValueRef = {
    get: () => obj,
    set: () => {
      throw new FieldSpecError('cannot replace the object root');
    },
  };
  walk(root, splitPath(fs.path), fs.create, createKind, set, fs.path);
}

function walk(
  ref: ValueRef,
  path: readonly string[],
  create: boolean,
  createKind: CreateKind,
  set: (ref: ValueRef) => void,
  fullPath: string,
): void {
  if (path.length === 0) {
    set(ref);
    return;
  }
  const node = ref.get();
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      walk(
        { get: () => node[i] as YamlValue, set: (v) => (node[i] = v), holder: [node, i] },
        path,
        create,
        createKind,
        set,
        fullPath,
      );
    }
    return;
  }
  if (!isYamlMap(node))
    throw new FieldSpecError(`expected sequence or mapping node at path '${fullPath}'`);
  const head = path[0] as string;
  const isSeq = head.endsWith('[]');
  const field = isSeq ? head.slice(0, -2) : head;
  if (field === '') throw new FieldSpecError('cannot set or create an empty field name');
  let kind: CreateKind = CreateKind.None;
  let doCreate = false;
  if (!create || createKind === CreateKind.None || isSeq) {
    if (isSeq) kind = CreateKind.Seq;
  } else if (path.length <= 1) {
    doCreate = true;
    kind = createKind;
  } else {
    doCreate = true;
    kind = CreateKind.Map;
  }
  if (!(field in node)) {
    if (!doCreate) return;
    node[field] = kind === CreateKind.Map ? newMap() : kind === CreateKind.Seq ? [] : '';
  }
  if (node[field] === null && (kind === CreateKind.Map || kind === CreateKind.Seq)) {
    node[field] = kind === CreateKind.Map ? newMap() : [];
  }
  walk(
    { get: () => node[field] as YamlValue, set: (v) => (node[field] = v), holder: [node, field] },
    path.slice(1),
    create,
    createKind,
    set,
    fullPath,
  );
}

/** True when the object has something at the path (sequences entered), as nameref's quick check does. */
export function hasField(obj: YamlValue, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  if (Array.isArray(obj)) return obj.some((e) => hasField(e, path));
  if (!isYamlMap(obj)) return false;
  const head = (path[0] as string).replace(/\[\]$/, '');
  if (!(head in obj)) return false;
  return hasField(obj[head] as YamlValue, path.slice(1));
}

/**
 * Merges field specs as kustomize's FsSlice.MergeAll does: a spec whose gvk is selected by an existing spec with the
 * same path takes that spec's place (so a kind-specific spec replaces a generic one); others are appended.
 */
export function mergeFieldSpecs(
  base: readonly FieldSpec[],
  extra: readonly FieldSpec[],
): FieldSpec[] {
  const out = [...base];
  for (const fs of extra) {
    const g = { group: fs.gvk.group ?? '', version: fs.gvk.version ?? '', kind: fs.gvk.kind ?? '' };
    const i = out.findIndex((o) => o.path === fs.path && gvkIsSelected(g, o.gvk));
    if (i < 0) out.push(fs);
    else out[i] = fs;
  }
  return out;
}

/** Reads field specs from decoded YAML (a list of {group, version, kind, path, create}). */
export function fieldSpecsFrom(v: YamlValue | undefined, where: string): FieldSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new FieldSpecError(`${where}: expected a list of field specs`);
  return v.map((e, i) => {
    if (!isYamlMap(e)) throw new FieldSpecError(`${where}[${i}]: expected a field spec map`);
    const str = (k: string): string => {
      const x = e[k];
      return x === undefined || x === null ? '' : typeof x === 'string' ? x : JSON.stringify(x);
    };
    const gvk: { group?: string; version?: string; kind?: string } = {};
    if (str('group')) gvk.group = str('group');
    if (str('version')) gvk.version = str('version');
    if (str('kind')) gvk.kind = str('kind');
    return { gvk, path: str('path'), create: e['create'] === true };
  });
}

/** Sets a scalar as kyaml's untagged setters do (see setUntagged), where the holder is known. */
export function setUntaggedRef(ref: ValueRef, text: string): void {
  if (ref.holder === undefined) ref.set(text);
  else setUntagged(ref.holder[0], ref.holder[1], text);
}
