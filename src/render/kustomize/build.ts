// The kustomize build: accumulate resources, generators, components and transformers per kustomization, then finish at the top.
import { basename, join, posix, relative, resolve, sep } from 'node:path';
import { diskFs, type ReadFs } from '../../core/index.js';
import {
  emitYaml,
  isYamlMap,
  newMap,
  parseYamlDocuments,
  scalarSource,
  YamlEmitError,
} from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import {
  defaultConfig,
  emptyConfig,
  mergeConfig,
  parseTransformerConfig,
} from './builtin-config.js';
import type { TransformerConfig } from './builtin-config.js';
import { FieldSpecError, fieldSpecsFrom, mergeFieldSpecs } from './fieldspec.js';
import type { FieldSpec } from './fieldspec.js';
import { generate, generatorSpecs, readOptions } from './generators.js';
import { inflateHelmCharts } from './helm-charts.js';
import type { HelmBuildOptions } from './helm-charts.js';
import { resourceHash } from './hash.js';
import { Patcher } from './patches.js';
import { resourcesFromText } from './resource-factory.js';
import { Fields, KUSTOMIZATION_FILE_NAMES, loadKustomization } from './kustomization.js';
import type { Kustomization } from './kustomization.js';
import { configFromCrdDefinitions } from './crds.js';
import { legacySort } from './legacy-sort.js';
import { FileLoader, isRemoteTarget, KustomizeError, LoadRestrictor } from './loader.js';
import { fixNameReferences } from './name-reference.js';
import { applyReplacements } from './replacements.js';
import {
  idEquals,
  idKey,
  annotationText,
  idString,
  originText,
  scalarString,
  transformationsText,
} from './resource.js';
import type { Origin, Resource } from './resource.js';
import type { ResId } from './resource.js';
import { patchSchemaFromOpenApi } from './openapi-patch-meta.js';
import type { PatchSchema } from './openapi-patch-meta.js';
import {
  imagesTransform,
  mapEntriesTransform,
  namespaceTransform,
  prefixSuffixTransform,
  replicasTransform,
} from './transformers.js';
import { readVars, resolveVars, VarSet } from './vars.js';

export interface BuildOptions {
  /** @default LoadRestrictor.RootOnly */
  readonly loadRestrictor?: LoadRestrictor;
  /**
   * A directory nothing may be read from outside of, symlinks resolved (Flux uses the source artifact root).
   * @default undefined (only kustomize's own load restrictor applies)
   */
  readonly sandboxRoot?: string;
  /**
   * Flux behaviour for a root directory without kustomization.yaml: build every manifest under it.
   * @default false (fail, as kustomize does)
   */
  readonly fluxAutogenerate?: boolean;
  /**
   * Where files are read from, e.g. an artifact held in memory, or the disk with Flux's overlay
   * of the kustomization file.
   * @default the disk
   */
  readonly fs?: ReadFs;
  /** helmCharts: `kustomize build --enable-helm` and its --helm-* flags (default: not enabled, as kustomize). */
  readonly helm?: HelmBuildOptions;
}

export interface BuildResult {
  /** The rendered objects, in output order. */
  readonly objects: YamlMap[];
  /** Exactly what `kubectl kustomize` prints. */
  readonly yaml: string;
}

interface Accumulator {
  resources: Resource[];
  config: TransformerConfig;
  vars: VarSet;
}

function emptyAccumulator(): Accumulator {
  return { resources: [], config: emptyConfig(), vars: new VarSet() };
}

interface Context {
  /** Path of the current kustomization relative to the top one (for origin annotations). */
  readonly originPath: string;
  /** The top kustomization asked for transformer annotations (buildMetadata applies to the whole build). */
  readonly recordTransformers: boolean;
  /** The top kustomization asked for origin annotations. */
  readonly recordOrigins: boolean;
  readonly restrictor: LoadRestrictor;
  readonly sandbox: string | undefined;
  /** The strategic-merge schema in force: kustomize keeps one per build (set by `openapi.path`). */
  readonly patchSchema: { current: PatchSchema | undefined };
  /** Directories being built, to detect cycles. */
  readonly stack: string[];
  readonly helm: HelmBuildOptions | undefined;
}

function appendResources(ra: Accumulator, list: readonly Resource[]): void {
  const seen = new Set(ra.resources.map((o) => idKey(o.curId())));
  for (const r of list) {
    const id = r.curId();
    const key = idKey(id);
    if (seen.has(key)) {
      throw new KustomizeError(
        `may not add resource with an already registered id: ${idString(id)}`,
        {
          file: r.source,
        },
      );
    }
    seen.add(key);
    ra.resources.push(r);
  }
}

function appendResource(ra: Accumulator, r: Resource): void {
  appendResources(ra, [r]);
}

class Target {
  readonly fields: Fields;
  private readonly patcher: Patcher;
  constructor(
    readonly ldr: FileLoader,
    readonly k: Kustomization,
    readonly ctx: Context,
  ) {
    this.fields = new Fields(k);
    this.patcher = new Patcher({
      file: k.file,
      ldr,
      schema: () => ctx.patchSchema.current,
      // Origins are tracked (and visible to JSON patches) whenever either annotation is asked for.
      buildAnnotations: {
        origin: ctx.recordOrigins || ctx.recordTransformers,
        transformations: ctx.recordTransformers,
      },
    });
    const openapi = k.raw['openapi'];
    if (
      isYamlMap(openapi) &&
      typeof openapi['path'] === 'string' &&
      (ctx.stack.length === 1 || !ctx.patchSchema.current)
    ) {
      const text = ldr.readFile(openapi['path'], 'openapi.path');
      try {
        ctx.patchSchema.current = patchSchemaFromOpenApi(parseYamlDocuments(text)[0] ?? null);
      } catch (err) {
        throw new KustomizeError(`${k.file}: openapi.path: ${(err as Error).message}`, {
          file: k.file,
          field: 'openapi.path',
        });
      }
    }
  }

  private fail(field: string, msg: string): never {
    throw new KustomizeError(`${this.k.file}: ${field}: ${msg}`, { file: this.k.file, field });
  }

  accumulate(ra: Accumulator): Accumulator {
    const f = this.fields;
    const resources = [...f.stringList('resources'), ...f.stringList('bases')];
    for (const [i, p] of resources.entries()) this.accumulateResource(ra, p, `resources[${i}]`);

    let cfg = defaultConfig();
    for (const [i, p] of f.stringList('configurations').entries()) {
      const field = `configurations[${i}]`;
      const text = this.ldr.readFile(p, field);
      try {
        const docs = parseYamlDocuments(text);
        for (const d of docs) cfg = mergeConfig(cfg, parseTransformerConfig(d, `${p}`));
      } catch (err) {
        this.fail(field, (err as Error).message);
      }
    }
    ra.config = mergeConfig(ra.config, cfg);
    if (f.stringList('crds').length > 0) this.loadCrds(ra, f.stringList('crds'));

    this.runGenerators(ra);
    for (const [i, p] of f.stringList('components').entries())
      this.accumulateComponent(ra, p, `components[${i}]`);
    this.runTransformers(ra);
    const vars = readVars(f.list('vars'), this.k.file);
    ra.vars.merge(vars, ra.resources, this.k.file);
    return ra;
  }

  private loadCrds(ra: Accumulator, paths: string[]): void {
    for (const [i, p] of paths.entries()) {
      const field = `crds[${i}]`;
      const text = this.ldr.readFile(p, field);
      try {
        for (const d of parseYamlDocuments(text))
          ra.config = mergeConfig(ra.config, configFromCrdDefinitions(d));
      } catch (err) {
        this.fail(field, (err as Error).message);
      }
    }
  }

  private accumulateResource(ra: Accumulator, path: string, field: string): void {
    if (isRemoteTarget(path)) {
      this.fail(
        field,
        `remote resource '${path}' is not supported: only local files and directories can be built`,
      );
    }
    const sub = this.ldr.subDirectory(path, field);
    if (sub === undefined) {
      const text = this.ldr.readFile(path, field);
      const loaded = resourcesFromText(text, resolve(this.ldr.root, path));
      for (const r of loaded) r.origin = { path: joinOrigin(this.ctx.originPath, path) };
      appendResources(ra, loaded);
      return;
    }
    const child = this.subTarget(sub, path, field, false);
    const subRa = child.accumulate(emptyAccumulator());
    appendResources(ra, subRa.resources);
    ra.config = mergeConfig(ra.config, subRa.config);
    ra.vars.mergeSet(subRa.vars, this.k.file);
  }

  private accumulateComponent(ra: Accumulator, path: string, field: string): void {
    if (isRemoteTarget(path)) this.fail(field, `remote component '${path}' is not supported`);
    const sub = this.ldr.subDirectory(path, field);
    if (sub === undefined) this.fail(field, `component '${path}' must be a directory`);
    const child = this.subTarget(sub, path, field, true);
    child.accumulate(ra);
  }

  private subTarget(sub: FileLoader, path: string, field: string, component: boolean): Target {
    if (
      this.ctx.stack.includes(sub.root) ||
      this.ldr.root === sub.root ||
      this.ldr.root.startsWith(sub.root + sep)
    ) {
      this.fail(
        field,
        `cycle detected: '${path}' is an ancestor of or equal to '${this.ldr.root}'`,
      );
    }
    const k = loadKustomization(sub);
    if (k === undefined) {
      throw new KustomizeError(
        `${this.k.file}: ${field}: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${sub.root}'`,
        { file: this.k.file, field },
      );
    }
    if (component && k.kind !== 'Component') {
      this.fail(field, `expected kind 'Component' for path '${sub.root}' but got '${k.kind}'`);
    }
    if (!component && k.kind === 'Component')
      this.fail(field, `expected kind != 'Component' for path '${sub.root}'`);
    return new Target(sub, k, {
      ...this.ctx,
      originPath: joinOrigin(this.ctx.originPath, path),
      stack: [...this.ctx.stack, sub.root],
    });
  }

  private runGenerators(ra: Accumulator): void {
    const f = this.fields;
    const global = readOptions(this.k.raw['generatorOptions'], this.k.file, 'generatorOptions');
    const specs = [
      ...generatorSpecs('ConfigMap', f.mapList('configMapGenerator')),
      ...generatorSpecs('Secret', f.mapList('secretGenerator')),
    ];
    const configuredIn = joinOrigin(this.ctx.originPath, basename(this.k.file));
    for (const s of specs) {
      const r = generate(s, this.ldr, this.k.file, global);
      r.origin = {
        configuredIn,
        configuredBy: { apiVersion: 'builtin', kind: `${s.kind}Generator` },
      };
      this.absorb(ra, r);
    }
    for (const chart of inflateHelmCharts(this.k, this.ldr, this.ctx.helm)) {
      for (const r of resourcesFromText(chart.text, chart.source)) {
        r.origin = {
          configuredIn,
          configuredBy: { apiVersion: 'builtin', kind: 'HelmChartInflationGenerator' },
        };
        this.absorb(ra, r);
      }
    }
    f.stringList('generators').forEach((p, i) =>
      this.runGeneratorConfig(ra, p, `generators[${i}]`, global),
    );
  }

  /** `generators:` entries: files (or kustomization directories) holding builtin generator configurations. */
  private runGeneratorConfig(
    ra: Accumulator,
    path: string,
    field: string,
    global: ReturnType<typeof readOptions>,
  ): void {
    if (!path.includes('\n') && isRemoteTarget(path))
      this.fail(field, `remote generator '${path}' is not supported`);
    let configs: Resource[];
    const inline = path.includes('\n');
    const sub = inline ? undefined : this.ldr.subDirectory(path, field);
    if (inline) configs = resourcesFromText(path, `${this.k.file} (${field})`);
    else if (sub !== undefined)
      configs = this.subTarget(sub, path, field, false).accumulate(emptyAccumulator()).resources;
    else configs = resourcesFromText(this.ldr.readFile(path, field), resolve(this.ldr.root, path));
    configs.forEach((c, j) => {
      const av = c.apiVersion;
      const kind = c.kind;
      if (av !== 'builtin' || (kind !== 'ConfigMapGenerator' && kind !== 'SecretGenerator')) {
        this.fail(
          field,
          `generator plugin ${av}/${kind} is not supported: only builtin ConfigMapGenerator and SecretGenerator configurations can run (exec and container plugins are refused)`,
        );
      }
      const entry = newMap();
      for (const [k, v] of Object.entries(c.obj))
        if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') entry[k] = v;
      if (scalarString(entry['name']) === '') entry['name'] = c.name;
      if (scalarString(entry['namespace']) === '' && c.namespace !== '')
        entry['namespace'] = c.namespace;
      const spec = generatorSpecs(kind === 'ConfigMapGenerator' ? 'ConfigMap' : 'Secret', [
        entry,
      ])[0];
      if (!spec) return;
      const r = generate({ ...spec, index: j }, this.ldr, this.k.file, global);
      const by: { apiVersion: string; kind: string; name?: string; namespace?: string } = {
        apiVersion: av,
        kind,
      };
      if (c.name !== '') by.name = c.name;
      if (c.namespace !== '') by.namespace = c.namespace;
      r.origin = {
        configuredIn: joinOrigin(this.ctx.originPath, inline ? basename(this.k.file) : path),
        configuredBy: by,
      };
      this.absorb(ra, r);
    });
  }

  private absorb(ra: Accumulator, res: Resource): void {
    const id = res.curId();
    const matches = ra.resources.filter((r) => r.allIds().some((o) => idEquals(o, id)));
    if (matches.length === 0) {
      if (res.behavior === 'merge' || res.behavior === 'replace') {
        throw new KustomizeError(
          `${this.k.file}: id ${idString(id)} does not exist; cannot merge or replace`,
          {
            file: this.k.file,
          },
        );
      }
      appendResource(ra, res);
      return;
    }
    if (matches.length > 1) {
      throw new KustomizeError(
        `${this.k.file}: found multiple objects that could accept merge of ${idString(id)}`,
        {
          file: this.k.file,
        },
      );
    }
    const old = matches[0] as Resource;
    if (res.behavior !== 'merge' && res.behavior !== 'replace') {
      throw new KustomizeError(
        `${this.k.file}: id ${idString(id)} exists; behavior must be merge or replace`,
        {
          file: this.k.file,
        },
      );
    }
    const labels = cloneMerge(old.labels(), res.labels());
    const annotations = cloneMerge(old.annotations(), res.annotations());
    setMeta(res, 'labels', labels);
    setMeta(res, 'annotations', annotations);
    res.name = old.name;
    res.namespace = old.namespace;
    if (res.behavior === 'merge') {
      for (const field of ['data', 'binaryData']) {
        const o = old.obj[field];
        const n = res.obj[field];
        const merged: YamlMap = newMap();
        if (isYamlMap(o)) Object.assign(merged, o);
        if (isYamlMap(n)) Object.assign(merged, n);
        if (Object.keys(merged).length > 0) res.obj[field] = merged;
        else delete res.obj[field];
      }
    }
    res.prevIds = [...old.prevIds];
    res.prefixes = [...old.prefixes];
    res.suffixes = [...old.suffixes];
    res.refVarNames = [...old.refVarNames];
    if (res.behavior === 'merge' && old.origin !== undefined) res.origin = old.origin;
    // A hash suffix survives only when both the existing object and the merging generator want one.
    res.needsHash = res.needsHash && old.needsHash;
    ra.resources[ra.resources.indexOf(old)] = res;
  }

  /** Notes, on every resource, that a builtin transformer of this kustomization ran (transformerAnnotations). */
  private record(
    ra: Accumulator,
    kind: string,
    by?: { apiVersion: string; kind: string; name?: string; namespace?: string },
    configuredIn?: string,
  ): void {
    if (!this.ctx.recordTransformers) return;
    const o: Origin = {
      configuredIn: configuredIn ?? joinOrigin(this.ctx.originPath, basename(this.k.file)),
      configuredBy: by ?? { apiVersion: 'builtin', kind },
    };
    // As kustomize's AddTransformerAnnotation: a resource without an origin (a JSON patch may
    // have removed it) takes the transformer as its origin.
    for (const r of ra.resources) {
      if (r.origin === undefined) r.origin = o;
      else r.transformations.push(o);
    }
  }

  private runTransformers(ra: Accumulator): void {
    const f = this.fields;
    const cfg = ra.config;
    // 1. patchesStrategicMerge
    const psm = f.list('patchesStrategicMerge');
    if (psm.length > 0) {
      const patches: Resource[] = [];
      psm.forEach((p, i) =>
        patches.push(...this.patcher.loadSmPatches(p, `patchesStrategicMerge[${i}]`)),
      );
      for (const p of patches)
        this.patcher.applySmPatchById(ra.resources, p, 'patchesStrategicMerge', true);
      this.record(ra, 'PatchStrategicMergeTransformer');
    }
    // 2. patches
    f.mapList('patches').forEach((p, i) => {
      this.patcher.applyPatchEntry(ra.resources, p, `patches[${i}]`);
      this.record(ra, 'PatchTransformer');
    });
    // 3. namespace
    if (f.string('namespace') !== '') {
      namespaceTransform(ra.resources, f.string('namespace'), cfg.namespace);
      this.record(ra, 'NamespaceTransformer');
    }
    // 4-5. prefix and suffix: always run (an empty affix is still remembered, which name-reference
    // tie-breaking relies on) but only recorded in transformer annotations when set.
    prefixSuffixTransform(ra.resources, f.string('namePrefix'), cfg.namePrefix, 'prefix');
    if (f.string('namePrefix') !== '') this.record(ra, 'PrefixTransformer');
    prefixSuffixTransform(ra.resources, f.string('nameSuffix'), cfg.nameSuffix, 'suffix');
    if (f.string('nameSuffix') !== '') this.record(ra, 'SuffixTransformer');
    // 6. labels, then commonLabels
    f.mapList('labels').forEach((l, i) => {
      const field = `labels[${i}]`;
      const pairs = this.stringMapField(l['pairs'], `${field}.pairs`);
      let specs: FieldSpec[] = this.fieldSpecs(l['fields'], `${field}.fields`);
      if (l['includeSelectors'] === true) specs = mergeFieldSpecs(specs, cfg.commonLabels);
      else {
        specs = mergeFieldSpecs(specs, [{ gvk: {}, path: 'metadata/labels', create: true }]);
        if (l['includeTemplates'] === true) specs = mergeFieldSpecs(specs, cfg.templateLabels);
      }
      mapEntriesTransform(ra.resources, pairs, specs, 'labels');
      this.record(ra, 'LabelTransformer');
    });
    const commonLabels = f.stringMap('commonLabels');
    if (Object.keys(commonLabels).length > 0) {
      mapEntriesTransform(ra.resources, commonLabels, cfg.commonLabels, 'commonLabels');
      this.record(ra, 'LabelTransformer');
    }
    // 7. annotations
    const commonAnnotations = f.stringMap('commonAnnotations');
    if (Object.keys(commonAnnotations).length > 0) {
      mapEntriesTransform(
        ra.resources,
        commonAnnotations,
        cfg.commonAnnotations,
        'commonAnnotations',
      );
      this.record(ra, 'AnnotationsTransformer');
    }
    // 8. patchesJson6902
    f.mapList('patchesJson6902').forEach((p, i) => {
      this.patcher.applyJson6902Entry(ra.resources, p, `patchesJson6902[${i}]`);
      this.record(ra, 'PatchJson6902Transformer');
    });
    // 9. replicas
    f.mapList('replicas').forEach((r, i) => {
      const field = `replicas[${i}]`;
      const name = scalarString(r['name']);
      const count = r['count'];
      if (typeof count !== 'number' || !Number.isInteger(count))
        this.fail(`${field}.count`, 'expected an integer');
      replicasTransform(ra.resources, name, count, cfg.replicas, this.k.file);
      this.record(ra, 'ReplicaCountTransformer');
    });
    // 10. images
    const images = [...f.mapList('images'), ...f.mapList('imageTags')];
    images.forEach((im, i) => {
      const field = `images[${i}]`;
      const str = (k: string): string => {
        const v = im[k];
        if (v === undefined || v === null) return '';
        if (typeof v !== 'string') {
          // kustomize decodes these as Go strings: `newTag: 1.10` is an error there, not "1.1".
          this.fail(
            `${field}.${k}`,
            `invalid Kustomization: cannot unmarshal ${typeof v === 'object' ? 'object' : typeof v} into a string (quote the value)`,
          );
        }
        return v;
      };
      imagesTransform(
        ra.resources,
        {
          name: str('name'),
          newName: str('newName'),
          newTag: str('newTag'),
          tagSuffix: str('tagSuffix'),
          digest: str('digest'),
        },
        cfg.images,
      );
      this.record(ra, 'ImageTagTransformer');
    });
    // 11. replacements
    const reps = f.list('replacements');
    if (reps.length > 0) {
      try {
        applyReplacements(ra.resources, reps, this.ldr, this.k.file);
      } catch (err) {
        if (err instanceof KustomizeError) throw err;
        this.fail('replacements', (err as Error).message);
      }
      this.record(ra, 'ReplacementTransformer');
    }
    // User transformer configurations.
    f.stringList('transformers').forEach((p, i) =>
      this.runTransformerConfig(ra, p, `transformers[${i}]`),
    );
    if (f.list('validators').length > 0)
      this.fail('validators', 'validator plugins are not supported');
  }

  private stringMapField(v: YamlValue | undefined, field: string): Record<string, string> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    if (v === undefined || v === null) return out;
    if (!isYamlMap(v)) this.fail(field, 'expected a map of strings');
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== 'string') this.fail(`${field}.${k}`, 'expected a string value');
      out[k] = x;
    }
    return out;
  }

  private fieldSpecs(v: YamlValue | undefined, field: string): FieldSpec[] {
    try {
      return fieldSpecsFrom(v, field);
    } catch (err) {
      this.fail(field, (err as Error).message);
    }
  }

  private runTransformerConfig(ra: Accumulator, path: string, field: string): void {
    if (path.includes('\n')) {
      // Legacy: the entry may be the configuration itself rather than a path.
      for (const r of resourcesFromText(path, `${this.k.file} (${field})`))
        this.runBuiltinConfig(ra, r.obj, field);
      return;
    }
    if (isRemoteTarget(path)) this.fail(field, `remote transformer '${path}' is not supported`);
    const sub = this.ldr.subDirectory(path, field);
    if (sub !== undefined) {
      // A directory of transformer configurations: build it and use each object as a configuration.
      const child = this.subTarget(sub, path, field, false);
      const built = child.accumulate(emptyAccumulator());
      for (const r of built.resources) this.runBuiltinConfig(ra, r.obj, field);
      return;
    }
    const text = this.ldr.readFile(path, field);
    for (const r of resourcesFromText(text, resolve(this.ldr.root, path))) {
      this.runBuiltinConfig(ra, r.obj, field, joinOrigin(this.ctx.originPath, path));
    }
  }

  private runBuiltinConfig(
    ra: Accumulator,
    c: YamlMap,
    field: string,
    configuredIn?: string,
  ): void {
    this.runBuiltinConfigInner(ra, c, field);
    const meta = isYamlMap(c['metadata']) ? c['metadata'] : newMap();
    const by: { apiVersion: string; kind: string; name?: string; namespace?: string } = {
      apiVersion: scalarString(c['apiVersion']),
      kind: scalarString(c['kind']),
    };
    if (scalarString(meta['name']) !== '') by.name = scalarString(meta['name']);
    if (scalarString(meta['namespace']) !== '') by.namespace = scalarString(meta['namespace']);
    this.record(ra, by.kind, by, configuredIn);
  }

  private runBuiltinConfigInner(ra: Accumulator, c: YamlMap, field: string): void {
    const kind = scalarString(c['kind']);
    const av = scalarString(c['apiVersion']);
    if (av !== 'builtin') {
      this.fail(
        field,
        `transformer plugin ${av}/${kind} is not supported: only builtin transformer configurations can run (exec and container plugins are refused)`,
      );
    }
    const specs = (k: string): FieldSpec[] => this.fieldSpecs(c[k], `${field}.${k}`);
    switch (kind) {
      case 'PrefixSuffixTransformer':
      case 'PrefixTransformer':
      case 'SuffixTransformer': {
        const fs = specs('fieldSpecs');
        const prefix = scalarString(c['prefix']);
        const suffix = scalarString(c['suffix']);
        if (kind !== 'SuffixTransformer') prefixSuffixTransform(ra.resources, prefix, fs, 'prefix');
        if (kind !== 'PrefixTransformer') prefixSuffixTransform(ra.resources, suffix, fs, 'suffix');
        return;
      }
      case 'LabelTransformer':
        mapEntriesTransform(
          ra.resources,
          this.stringMapField(c['labels'], `${field}.labels`),
          specs('fieldSpecs'),
          'labels',
        );
        return;
      case 'AnnotationsTransformer':
        mapEntriesTransform(
          ra.resources,
          this.stringMapField(c['annotations'], `${field}.annotations`),
          specs('fieldSpecs'),
          'annotations',
        );
        return;
      case 'NamespaceTransformer': {
        const meta = isYamlMap(c['metadata']) ? c['metadata'] : newMap();
        namespaceTransform(ra.resources, scalarString(meta['namespace']), specs('fieldSpecs'));
        return;
      }
      case 'ImageTagTransformer': {
        const it = isYamlMap(c['imageTag']) ? c['imageTag'] : newMap();
        imagesTransform(
          ra.resources,
          {
            name: scalarString(it['name']),
            newName: scalarString(it['newName']),
            newTag: scalarString(it['newTag']),
            tagSuffix: scalarString(it['tagSuffix']),
            digest: scalarString(it['digest']),
          },
          specs('fieldSpecs'),
        );
        return;
      }
      case 'PatchTransformer':
        this.patcher.applyPatchEntry(ra.resources, c, field);
        return;
      case 'PatchJson6902Transformer':
        this.patcher.applyJson6902Entry(
          ra.resources,
          cloneMerge(c, { patch: c['jsonOp'] ?? c['patch'] ?? null }),
          field,
        );
        return;
      case 'PatchStrategicMergeTransformer': {
        const paths = Array.isArray(c['paths']) ? c['paths'] : [];
        const patches: Resource[] = [];
        paths.forEach((p, i) =>
          patches.push(...this.patcher.loadSmPatches(p, `${field}.paths[${i}]`)),
        );
        if (typeof c['patches'] === 'string')
          patches.push(...resourcesFromText(c['patches'], `${this.k.file} (${field})`));
        for (const p of patches) this.patcher.applySmPatchById(ra.resources, p, field, true);
        return;
      }
      case 'ReplicaCountTransformer': {
        const rep = isYamlMap(c['replica']) ? c['replica'] : newMap();
        const count = rep['count'];
        replicasTransform(
          ra.resources,
          scalarString(rep['name']),
          typeof count === 'number' ? count : 0,
          specs('fieldSpecs'),
          this.k.file,
        );
        return;
      }
      case 'ReplacementTransformer':
        applyReplacements(
          ra.resources,
          Array.isArray(c['replacements']) ? c['replacements'] : [],
          this.ldr,
          this.k.file,
        );
        return;
      default:
        this.fail(field, `builtin transformer '${kind}' is not supported`);
    }
  }
}

/** Joins origin paths as Go's filepath.Join does (cleaned, relative). */
function joinOrigin(base: string, p: string): string {
  return posix.normalize(posix.join(base === '' ? '.' : base, p));
}

/** A new map with the entries of `maps` (later ones win), without a prototype. */
function cloneMerge(...maps: ReadonlyArray<Readonly<Record<string, YamlValue>>>): YamlMap {
  const out = newMap();
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = v;
  return out;
}

function setMeta(r: Resource, field: 'labels' | 'annotations', m: Record<string, YamlValue>): void {
  const meta = isYamlMap(r.obj['metadata']) ? r.obj['metadata'] : newMap();
  r.obj['metadata'] = meta;
  if (Object.keys(m).length === 0) {
    delete meta[field];
    return;
  }
  const out = newMap();
  for (const [k, v] of Object.entries(m)) out[k] = v;
  meta[field] = out;
}

/**
 * Whether Flux's generator lists a file: every .yaml/.yml file is listed, and, as Flux's
 * `failed to decode Kubernetes YAML` check does, one that is not valid YAML or holds a document
 * without apiVersion and kind fails the build — skipping it would silently drop (and then prune)
 * what it used to define.
 */
function isManifestFile(fs: ReadFs, path: string): boolean {
  // Flux compares the extension case-sensitively (".yaml"/".yml").
  if (!/\.ya?ml$/.test(path)) return false;
  let docs: YamlValue[];
  try {
    docs = parseYamlDocuments(fs.readFile(path).toString('utf8'));
  } catch (err) {
    throw new KustomizeError(
      `failed to decode Kubernetes YAML from ${path}: ${err instanceof Error ? err.message : String(err)}`,
      {
        file: path,
      },
    );
  }
  for (const d of docs) {
    if (d === null) continue;
    if (!isYamlMap(d) || typeof d['apiVersion'] !== 'string' || typeof d['kind'] !== 'string') {
      throw new KustomizeError(
        `failed to decode Kubernetes YAML from ${path}: missing Resource metadata`,
        {
          file: path,
        },
      );
    }
  }
  return true;
}

/** Flux's generated kustomization: manifests under the root, sub-directories with a kustomization as bases. */
function autogenerate(fs: ReadFs, root: string): Kustomization {
  const resources: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdir(dir).sort()) {
      const p = join(dir, name);
      const kind = fs.kind(p);
      if (kind === 'dir') {
        if (KUSTOMIZATION_FILE_NAMES.some((n) => fs.kind(join(p, n)) !== undefined)) {
          resources.push(relative(root, p));
        } else walk(p);
      } else if (kind === 'file' && isManifestFile(fs, p)) resources.push(relative(root, p));
    }
  };
  walk(root);
  const raw = newMap();
  raw['resources'] = resources;
  return { file: join(root, 'kustomization.yaml'), raw, kind: 'Kustomization' };
}

/** Builds the kustomization in `dir` exactly as `kubectl kustomize dir` (kustomize v5.5.0) would. */
export function buildKustomization(dir: string, options: BuildOptions = {}): BuildResult {
  const restrictor = options.loadRestrictor ?? LoadRestrictor.RootOnly;
  const fs = options.fs ?? diskFs;
  let root: string;
  try {
    root = fs.realpath(dir);
    if (fs.kind(root) !== 'dir') throw new Error('not a directory');
  } catch {
    throw new KustomizeError(
      `must build at directory: not a valid directory: '${dir}' does not exist or is not a directory`,
      {
        file: dir,
      },
    );
  }
  const sandbox = options.sandboxRoot === undefined ? undefined : fs.realpath(options.sandboxRoot);
  const ldr = new FileLoader(root, restrictor, sandbox, fs);
  ldr.checkSandbox(root, dir, 'directory');
  let k = loadKustomization(ldr);
  if (k === undefined) {
    if (!options.fluxAutogenerate) {
      throw new KustomizeError(
        `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${root}'`,
        { file: root },
      );
    }
    k = autogenerate(fs, root);
  }
  // A Component built on its own is built like a Kustomization, as kustomize does; only its use
  // as a resource (or a Kustomization's use as a component) is an error.
  const buildMetadata = new Fields(k).stringList('buildMetadata');
  const target = new Target(ldr, k, {
    originPath: '',
    recordTransformers: buildMetadata.includes('transformerAnnotations'),
    recordOrigins: buildMetadata.includes('originAnnotations'),
    patchSchema: { current: undefined },
    restrictor,
    sandbox,
    stack: [root],
    helm: options.helm,
  });
  const ra = target.accumulate(emptyAccumulator());
  try {
    // Hash suffixes, then name references, then vars — only once, at the top.
    for (const r of ra.resources) {
      if (!r.needsHash) continue;
      const h = resourceHash(r.obj);
      r.storePreviousId();
      r.name = `${r.name}-${h}`;
    }
    fixNameReferences(ra.resources, ra.config.nameReference);
    resolveVars(ra.resources, ra.vars, ra.config.varReference);
  } catch (err) {
    if (err instanceof FieldSpecError)
      throw new KustomizeError(`${k.file}: ${err.message}`, { file: k.file });
    throw err;
  }
  let out = ra.resources.filter(
    (r) => r.annotations()['config.kubernetes.io/local-config'] !== 'true',
  );
  out = applySortOptions(out, k);
  if (buildMetadata.includes('managedByLabel')) {
    // The kustomize v5.5.0 release names itself so (kubectl's embedded copy says "(devel)").
    for (const r of out) {
      const meta = isYamlMap(r.obj['metadata']) ? r.obj['metadata'] : newMap();
      r.obj['metadata'] = meta;
      const labels = isYamlMap(meta['labels']) ? meta['labels'] : newMap();
      labels['app.kubernetes.io/managed-by'] = 'kustomize-v5.5.0';
      meta['labels'] = labels;
    }
  }
  for (const r of out) {
    const ann = r.annotations();
    if (buildMetadata.includes('originAnnotations') && r.origin !== undefined) {
      ann['config.kubernetes.io/origin'] = originText(r.origin);
    }
    if (r.transformations.length > 0)
      ann['alpha.config.kubernetes.io/transformations'] = transformationsText(r.transformations);
    // Removing the build annotations rewrites all annotations as strings (a node's text).
    for (const [key, v] of Object.entries(ann))
      if (typeof v !== 'string') ann[key] = scalarSource(ann, key) ?? annotationText(v);
    // An empty annotations map kept through the build goes here.
    r.setAnnotations(ann);
  }
  const objects = out.map((r) => r.obj);
  let yaml: string;
  try {
    yaml = objects.map((o) => emitYaml(o)).join('---\n');
  } catch (err) {
    if (err instanceof YamlEmitError)
      throw new KustomizeError(`${k.file}: ${err.message}`, { file: k.file });
    throw err;
  }
  return { objects, yaml };
}

function applySortOptions(resources: Resource[], k: Kustomization): Resource[] {
  const so = k.raw['sortOptions'];
  if (isYamlMap(so)) {
    const order = so['order'];
    if (order === 'fifo') return resources;
    if (order !== undefined && order !== 'legacy') {
      throw new KustomizeError(
        `${k.file}: sortOptions.order: unknown order '${scalarString(order)}'`,
        {
          file: k.file,
          field: 'sortOptions.order',
        },
      );
    }
    const lso = so['legacySortOptions'];
    if (isYamlMap(lso)) {
      const list = (v: YamlValue | undefined): string[] =>
        Array.isArray(v) ? v.map((x) => scalarString(x)) : [];
      legacySort(resources, list(lso['orderFirst']), list(lso['orderLast']));
      return resources;
    }
  }
  legacySort(resources);
  return resources;
}

export type { ResId };
