// Patches as kustomize's patch transformers apply them: telling a strategic-merge patch from a JSON
// 6902 one, finding targets, and applying each kind the way its transformer does.
import { resolve } from 'node:path';
import {
  cloneAsJson,
  cloneValue,
  isYamlMap,
  newMap,
  scalarSource,
  typedAnnotation,
} from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { applyJsonPatchInPlace, decodeJsonPatch, JsonPatchError } from './json-patch.js';
import type { JsonPatchOp } from './json-patch.js';
import { KustomizeError } from './loader.js';
import type { FileLoader } from './loader.js';
import type { PatchSchema } from './openapi-patch-meta.js';
import { annotationText, idEquals, idString, Resource } from './resource.js';
import type { BuildAnnotationOptions } from './resource.js';
import { resourcesFromText, validateMetadata } from './resource-factory.js';
import { selectorFrom, selectResources, SelectorError } from './selector.js';
import type { Selector } from './selector.js';
import { MergeError, strategicMerge } from './strategic-merge.js';

/** What patching needs from the kustomization it runs in. */
export interface PatchScope {
  /** The kustomization file (errors name it; inline patches come from it). */
  readonly file: string;
  readonly ldr: FileLoader;
  /** The strategic-merge schema in force (set by `openapi.path`), or the builtin one. */
  readonly schema: () => PatchSchema | undefined;
  /** Which non-internal build annotations exist during the build (buildMetadata). */
  readonly buildAnnotations: BuildAnnotationOptions;
}

/** A patch text read the way PatchTransformer reads it. */
type ParsedPatch =
  | { readonly kind: 'sm'; readonly patches: Resource[] }
  | { readonly kind: 'json'; readonly ops: JsonPatchOp[] };

export class Patcher {
  constructor(private readonly scope: PatchScope) {}

  private fail(field: string, msg: string): never {
    const file = this.scope.file;
    throw new KustomizeError(`${file}: ${field}: ${msg}`, { file, field });
  }

  /** patchesStrategicMerge entries: a file path, or (legacy) the patch text or map itself. */
  loadSmPatches(entry: YamlValue, field: string): Resource[] {
    if (typeof entry === 'string') {
      if (entry.includes('\n') || /^\s*(apiVersion|kind|metadata)\s*:/.test(entry)) {
        return resourcesFromText(entry, `${this.scope.file} (${field})`);
      }
      const text = this.scope.ldr.readFile(entry, field);
      return resourcesFromText(text, resolve(this.scope.ldr.root, entry));
    }
    if (isYamlMap(entry)) return [new Resource(cloneValue(entry), `${this.scope.file} (${field})`)];
    this.fail(field, 'expected a file path or an inline patch');
  }

  /**
   * Applies a strategic-merge patch to the one resource whose (current or previous) id it names;
   * `viaResMap` as for {@link applySmPatch} (patchesStrategicMerge: true; `patches`: false).
   */
  applySmPatchById(
    resources: Resource[],
    patch: Resource,
    field: string,
    viaResMap: boolean,
  ): void {
    const id = patch.curId();
    const matches = resources.filter((r) => r.allIds().some((o) => idEquals(o, id)));
    if (matches.length !== 1) {
      this.fail(
        field,
        `${matches.length === 0 ? 'no' : 'multiple'} matches for Id ${idString(id)}; failed to find unique target for patch ${idString(id)}`,
      );
    }
    this.applySmPatch(resources, matches, patch, field, false, viaResMap);
  }

  /**
   * Applies a strategic-merge patch to each target. `viaResMap`: the patch goes through kustomize's
   * ResMap.ApplySmPatch (patchesStrategicMerge, and `patches` with a target), which first rewrites
   * the patch's labels and annotations as strings (`null` becomes "null") and drops them when empty.
   */
  private applySmPatch(
    resources: Resource[],
    targets: readonly Resource[],
    patch: Resource,
    field: string,
    retarget: boolean,
    viaResMap: boolean,
  ): void {
    for (const res of targets) {
      const p = patch.clone();
      if (viaResMap) stringifyMetadataMaps(p);
      if (retarget) {
        const kind = p.kind;
        p.setGvk(res.gvk);
        if (kind !== '') p.kind = kind;
      }
      const name = res.name;
      const ns = res.namespace;
      const kind = res.kind;
      if (patch.allowNameChange || patch.allowKindChange) res.storePreviousId();
      let merged: YamlMap | undefined;
      try {
        merged = strategicMerge(res.obj, p.obj, this.scope.schema());
      } catch (err) {
        if (err instanceof MergeError) this.fail(field, `${idString(res.curId())}: ${err.message}`);
        throw err;
      }
      if (merged === undefined || Object.keys(merged).length === 0) {
        resources.splice(resources.indexOf(res), 1);
        continue;
      }
      res.obj = merged;
      if (!patch.allowKindChange) res.kind = kind;
      if (!patch.allowNameChange) res.name = name;
      res.namespace = ns;
    }
  }

  /**
   * PatchTransformer's reading of a patch: it must parse as exactly one of a strategic-merge patch
   * (resources with kind and name) and a JSON 6902 patch (a list of operations, YAML or JSON).
   */
  private parsePatch(text: string, field: string): ParsedPatch {
    let sm: Resource[] | undefined;
    let smError = '';
    try {
      sm = resourcesFromText(text, `${this.scope.file} (${field})`);
    } catch (err) {
      if (!(err instanceof KustomizeError)) throw err;
      smError = err.message;
    }
    let ops: JsonPatchOp[] | undefined;
    let jsonError = '';
    try {
      ops = decodeJsonPatch(text);
    } catch (err) {
      if (!(err instanceof JsonPatchError)) throw err;
      jsonError = err.message;
    }
    if (sm !== undefined && ops !== undefined)
      this.fail(field, `illegally qualifies as both an SM and JSON patch: [${text}]`);
    if (sm !== undefined) return { kind: 'sm', patches: sm };
    if (ops !== undefined) return { kind: 'json', ops };
    const looksJson = /^\s*(#[^\n]*\n\s*)*(\[|-)/.test(text);
    this.fail(
      field,
      `unable to parse SM or JSON patch from [${text}]: ${looksJson ? jsonError : smError}`,
    );
  }

  /** One `patches` entry (PatchTransformer). */
  applyPatchEntry(resources: Resource[], entry: YamlMap, field: string): void {
    const inline = typeof entry['patch'] === 'string' ? entry['patch'].trim() : '';
    const path = typeof entry['path'] === 'string' ? entry['path'] : '';
    if (inline !== '' && path !== '')
      this.fail(field, "patch and path can't be set at the same time");
    if (inline === '' && path === '') this.fail(field, 'must specify one of patch and path');
    const text = inline !== '' ? inline : this.scope.ldr.readFile(path, `${field}.path`);
    const target = this.target(entry, field);
    const options = isYamlMap(entry['options']) ? entry['options'] : newMap();
    const parsed = this.parsePatch(text, field);
    if (parsed.kind === 'json') {
      if (!target) this.fail(field, `must specify a target for patch ${text}`);
      for (const res of this.select(resources, target, field)) {
        res.storePreviousId();
        this.applyJson(res, parsed.ops, field);
      }
      return;
    }
    const patches = parsed.patches;
    for (const p of patches) {
      p.allowNameChange = options['allowNameChange'] === true;
      p.allowKindChange = options['allowKindChange'] === true;
    }
    if (!target) {
      for (const p of patches) this.applySmPatchById(resources, p, field, false);
      return;
    }
    if (patches.length > 1) {
      this.fail(
        field,
        'Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field',
      );
    }
    const patch = patches[0];
    if (patch)
      this.applySmPatch(resources, this.select(resources, target, field), patch, field, true, true);
  }

  /** One `patchesJson6902` entry (PatchJson6902Transformer): the text is not trimmed, and an empty patch is an error. */
  applyJson6902Entry(resources: Resource[], entry: YamlMap, field: string): void {
    const target = this.target(entry, field);
    if (!target) this.fail(field, 'must specify a target');
    const inline = typeof entry['patch'] === 'string' ? entry['patch'] : '';
    const path = typeof entry['path'] === 'string' ? entry['path'] : '';
    if (inline !== '' && path !== '')
      this.fail(field, 'must specify a file path or JsonOp, not both');
    const text = path !== '' ? this.scope.ldr.readFile(path, `${field}.path`) : inline;
    if (text === '') this.fail(field, 'empty file path and empty jsonOp');
    let ops: JsonPatchOp[];
    try {
      ops = decodeJsonPatch(text);
    } catch (err) {
      if (err instanceof JsonPatchError) this.fail(field, err.message);
      throw err;
    }
    if (ops.length === 0)
      this.fail(field, `patch appears to be empty; file=${path}, JsonOp=${text}`);
    for (const res of this.select(resources, target, field)) this.applyJson(res, ops, field);
  }

  private target(entry: YamlMap, field: string): Selector | undefined {
    try {
      return selectorFrom(entry['target'], `${field}.target`);
    } catch (err) {
      this.fail(`${field}.target`, (err as Error).message);
    }
  }

  private select(resources: readonly Resource[], target: Selector, field: string): Resource[] {
    try {
      return selectResources(resources, target);
    } catch (err) {
      if (err instanceof SelectorError) this.fail(`${field}.target`, err.message);
      throw err;
    }
  }

  /**
   * kustomize applies a JSON patch to the object's JSON form, build annotations included (so
   * `/metadata/annotations/...` exists once any is set), then puts its internal annotations back
   * and writes the annotations as strings.
   */
  private applyJson(res: Resource, ops: readonly JsonPatchOp[], field: string): void {
    const injected = res.buildAnnotations(this.scope.buildAnnotations);
    const doc = cloneAsJson(res.obj) as YamlMap;
    // The patch sees annotations with their nodes' types (kustomize makes them strings later).
    const before = res.annotations();
    const docMeta = doc['metadata'];
    if (isYamlMap(docMeta) && isYamlMap(docMeta['annotations'])) {
      const docAnn = docMeta['annotations'];
      for (const k of Object.keys(before)) {
        const typed = typedAnnotation(before, k);
        if (typed === undefined || before[k] !== docAnn[k]) continue;
        // encoding/json refuses infinities and NaN, so kustomize's JSON patch fails on them.
        if (typeof typed === 'number' && !Number.isFinite(typed))
          this.fail(field, `json: unsupported value: ${goNonFinite(typed)}`);
        docAnn[k] = typeof typed === 'bigint' ? Number(typed) : typed;
      }
    }
    if (Object.keys(injected).length > 0) {
      let meta = doc['metadata'];
      if (!isYamlMap(meta)) {
        meta = newMap();
        doc['metadata'] = meta;
      }
      const ann = isYamlMap(meta['annotations']) ? meta['annotations'] : newMap();
      for (const [k, v] of Object.entries(injected)) ann[k] = v;
      meta['annotations'] = ann;
    }
    let out: YamlValue;
    try {
      out = applyJsonPatchInPlace(doc, ops);
    } catch (err) {
      if (err instanceof JsonPatchError)
        this.fail(field, `${idString(res.curId())}: ${err.message}`);
      throw err;
    }
    if (!isYamlMap(out))
      this.fail(field, `${idString(res.curId())}: the JSON patch must leave an object`);
    validateMetadata(out, this.scope.file, field);
    res.obj = out;
    res.restoreBuildAnnotations(injected);
  }
}

/** How Go prints an infinity or NaN (`%v`). */
function goNonFinite(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  return f > 0 ? '+Inf' : '-Inf';
}

/** kyaml's GetLabels/SetLabels (and annotations) round trip: values become their text, an empty map goes. */
function stringifyMetadataMaps(r: Resource): void {
  const meta = r.obj['metadata'];
  if (!isYamlMap(meta)) return;
  for (const field of ['labels', 'annotations']) {
    const m = meta[field];
    const out = newMap();
    if (isYamlMap(m)) {
      for (const [k, v] of Object.entries(m)) out[k] = scalarSource(m, k) ?? annotationText(v);
    }
    if (Object.keys(out).length > 0) meta[field] = out;
    else delete meta[field];
  }
}
