// `helm template`: load the chart, process dependencies, coalesce and validate values, render, and
// print the manifests (CRDs, kind-ordered objects, hooks) exactly as helm template writes them.
import { mkdirSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goBytes, goString, newGoMap } from '../gotemplate/index.js';
import type { GoMap } from '../gotemplate/index.js';
import {
  capabilitiesValue,
  DEFAULT_API_VERSIONS,
  DEFAULT_HELM_VERSION,
  DEFAULT_KUBE_VERSION,
} from './capabilities.js';
import type { Capabilities, KubeVersion } from './capabilities.js';
import type { Chart } from './chart.js';
import { checkDependencies, isCompatibleRange, processDependencies } from './dependencies.js';
import { renderChart } from './engine.js';
import type { LookupFunc } from './funcs.js';
import { HelmError } from './errors.js';
import { goPathMatch } from './glob.js';
import { loadChart } from './loader.js';
import { sortManifests, splitManifests, trimSpace, type Hook } from './manifests.js';
import { validateValuesSchemas } from './schema.js';
import { asValues, coalesceChartValues } from './values.js';
import type { Warn } from './values.js';

export interface TemplateOptions {
  /** @default "release-name" */
  readonly releaseName?: string;
  /** @default "default" */
  readonly namespace?: string;
  /** User values, already merged from -f and --set flags (see mergeValueOptions). */
  readonly values?: GoMap;
  /** @default DEFAULT_KUBE_VERSION (what Helm v3.21.4 assumes) */
  readonly kubeVersion?: KubeVersion;
  /** Extra API versions for .Capabilities.APIVersions (--api-versions). */
  readonly apiVersions?: readonly string[];
  /** Replaces the default API versions entirely (a controller passing a cluster's discovery). */
  readonly baseApiVersions?: readonly string[];
  /** --include-crds */
  readonly includeCrds?: boolean;
  /** --skip-tests: leave out test hooks. */
  readonly skipTests?: boolean;
  /** --no-hooks */
  readonly disableHooks?: boolean;
  /** --is-upgrade: .Release.IsUpgrade instead of .Release.IsInstall. */
  readonly isUpgrade?: boolean;
  /** .Release.Revision (a controller's release version). @default 1 */
  readonly revision?: number;
  /** --skip-schema-validation */
  readonly skipSchemaValidation?: boolean;
  /** --show-only templates (filepath.Match patterns relative to the chart's parent). */
  readonly showOnly?: readonly string[];
  /** --output-dir: write each template's documents into files under this folder instead. */
  readonly outputDir?: string;
  /** --release-name: put --output-dir files under a folder named after the release. */
  readonly useReleaseName?: boolean;
  /** Answers `lookup` (a controller's live cluster); offline it returns empty maps. */
  readonly lookup?: LookupFunc;
  /** Warnings Helm would log (coalescing, deprecated charts, unknown hooks). */
  readonly warn?: Warn;
  /** Called for each file written under outputDir (Helm prints "wrote PATH"). */
  readonly onWrite?: (path: string) => void;
}

export interface TemplateResult {
  /** What `helm template` prints on stdout. */
  readonly output: string;
}

const RELEASE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateReleaseName(name: string): void {
  if (name === '') throw new HelmError(`release name "": no name provided`, 'InvalidReleaseName');
  if (name.length > 53 || !RELEASE_NAME_RE.test(name)) {
    throw new HelmError(
      `release name ${JSON.stringify(name)}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53`,
      'InvalidReleaseName',
    );
  }
}

function capabilities(opts: TemplateOptions): Capabilities {
  return {
    kubeVersion: opts.kubeVersion ?? DEFAULT_KUBE_VERSION,
    apiVersions: [...(opts.baseApiVersions ?? DEFAULT_API_VERSIONS), ...(opts.apiVersions ?? [])],
    helmVersion: DEFAULT_HELM_VERSION,
  };
}

/** The top-level values templates render with (chartutil.ToRenderValues). */
function renderValues(
  chart: Chart,
  vals: GoMap,
  opts: TemplateOptions,
  caps: Capabilities,
  warn: Warn,
): GoMap {
  const top = asValues(newGoMap());
  const release = newGoMap();
  const isUpgrade = opts.isUpgrade ?? false;
  release['Name'] = opts.releaseName ?? 'release-name';
  release['Namespace'] = opts.namespace ?? 'default';
  release['IsUpgrade'] = isUpgrade;
  release['IsInstall'] = !isUpgrade;
  release['Revision'] = opts.revision ?? 1;
  release['Service'] = 'Helm';
  top['Capabilities'] = capabilitiesValue(caps);
  top['Release'] = release;
  const coalesced = coalesceChartValues(chart, vals, false, warn);
  if (!(opts.skipSchemaValidation ?? false)) {
    const err = validateValuesSchemas(chart, coalesced);
    if (err !== undefined) {
      throw new HelmError(
        `values don't meet the specifications of the schema(s) in the following chart(s):\n${err}`,
        'ValuesInvalid',
      );
    }
  }
  top['Values'] = asValues(coalesced);
  return top;
}

/** Renders a loaded chart as `helm template` does; the chart is changed (dependencies processed). */
export function templateChart(chart: Chart, opts: TemplateOptions = {}): TemplateResult {
  const { files, releaseName, warn } = renderTemplates(chart, opts);
  try {
    return { output: assemble(chart, files, { ...opts, releaseName }, warn) };
  } catch (e) {
    if (e instanceof HelmError) e.renderPhase = true;
    throw e;
  }
}

/** What an install or upgrade stores and applies (action.renderResources). */
export interface ReleaseRender {
  /** release.Manifest: `---\n# Source: NAME\nCONTENT\n` per object, in install order. */
  readonly manifest: string;
  readonly hooks: readonly Hook[];
  /** The top chart's NOTES.txt, rendered. */
  readonly notes: string;
  /** The files under crds/ of the chart and its dependencies. */
  readonly crds: readonly { readonly filename: string; readonly data: Buffer }[];
}

/** Renders a chart for a release, as helm install/upgrade does (hooks and manifests apart). */
export function renderRelease(chart: Chart, opts: TemplateOptions = {}): ReleaseRender {
  const { files, warn } = renderTemplates(chart, opts);
  let notes = '';
  for (const k of [...files.keys()]) {
    if (!k.endsWith('NOTES.txt')) continue;
    if (k === `${chart.name()}/templates/NOTES.txt`) notes = files.get(k) ?? '';
    files.delete(k);
  }
  const sorted = sortManifests(files, warn);
  let manifest = '';
  for (const m of sorted.manifests) manifest += `---\n# Source: ${m.name}\n${m.content}\n`;
  const hooks = opts.skipTests
    ? sorted.hooks.filter((h) => !h.events.includes('test'))
    : sorted.hooks;
  return {
    manifest,
    hooks,
    notes,
    crds: chart.crdObjects().map((c) => ({ filename: c.filename, data: c.file.data })),
  };
}

/** Checks the chart, coalesces and validates values and runs the templates. */
function renderTemplates(
  chart: Chart,
  opts: TemplateOptions,
): { files: Map<string, string>; releaseName: string; warn: Warn } {
  const warn: Warn = opts.warn ?? (() => undefined);
  const type = chart.metadata.type;
  if (type !== '' && type !== 'application')
    throw new HelmError(`${type} charts are not installable`, 'ChartNotInstallable');
  if (chart.metadata.deprecated) warn('WARNING: This chart is deprecated');
  checkDependencies(chart);
  const releaseName = opts.releaseName ?? 'release-name';
  validateReleaseName(releaseName);
  const vals = opts.values ?? newGoMap();
  processDependencies(chart, vals, warn);
  const caps = capabilities(opts);
  const top = renderValues(chart, vals, { ...opts, releaseName }, caps, warn);
  try {
    if (
      chart.metadata.kubeVersion !== '' &&
      !isCompatibleRange(chart.metadata.kubeVersion, caps.kubeVersion.version)
    ) {
      throw new HelmError(
        `chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${caps.kubeVersion.version}`,
        'KubeVersionIncompatible',
      );
    }
    const files = renderChart(chart, top, opts.lookup ? { lookup: opts.lookup } : {});
    return { files, releaseName, warn };
  } catch (e) {
    if (e instanceof HelmError) e.renderPhase = true;
    throw e;
  }
}

/** Loads the chart at `path` (folder or .tgz) and renders it. */
export function helmTemplate(path: string, opts: TemplateOptions = {}): TemplateResult {
  return templateChart(loadChart(path), opts);
}

function assemble(
  chart: Chart,
  rendered: Map<string, string>,
  opts: TemplateOptions & { releaseName: string },
  warn: Warn,
): string {
  for (const k of [...rendered.keys()]) if (k.endsWith('NOTES.txt')) rendered.delete(k);
  const sorted = sortManifests(rendered, warn);
  const outputDir = opts.outputDir;
  const written = new Set<string>();
  const write = (dir: string, name: string, data: string): void => {
    const file = join(dir, ...name.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    const text = `---\n# Source: ${name}\n${data}\n`;
    if (written.has(file)) appendFileSync(file, goBytes(text));
    else writeFileSync(file, goBytes(text));
    written.add(file);
    opts.onWrite?.(`${dir}/${name}`);
  };
  let manifest = '';
  if (opts.includeCrds) {
    for (const crd of chart.crdObjects()) {
      if (outputDir === undefined)
        manifest += `---\n# Source: ${crd.filename}\n${goString(crd.file.data)}\n`;
      else write(outputDir, crd.filename, goString(crd.file.data));
    }
  }
  for (const m of sorted.manifests) {
    if (outputDir === undefined) manifest += `---\n# Source: ${m.name}\n${m.content}\n`;
    else
      write(opts.useReleaseName ? join(outputDir, opts.releaseName) : outputDir, m.name, m.content);
  }
  let out = trimSpace(manifest) + '\n';
  if (!(opts.disableHooks ?? false)) {
    for (const h of sorted.hooks) {
      if (opts.skipTests && h.events.includes('test')) continue;
      if (outputDir === undefined) out += `---\n# Source: ${h.path}\n${h.manifest}\n`;
      else {
        // Helm appends a hook to a file that already exists, even one left by an earlier run.
        const dir = opts.useReleaseName ? join(outputDir, opts.releaseName) : outputDir;
        const file = join(dir, ...h.path.split('/'));
        if (existsSync(file)) written.add(file);
        write(dir, h.path, h.manifest);
      }
    }
  }
  if (opts.showOnly !== undefined && opts.showOnly.length > 0) return showOnly(out, opts.showOnly);
  return out;
}

function showOnly(all: string, patterns: readonly string[]): string {
  const docs = splitManifests(all);
  let out = '';
  for (const f of patterns) {
    let missing = true;
    for (const manifest of docs) {
      const m = /# Source: [^/]+\/(.+)/.exec(manifest);
      if (!m) continue;
      let matched = false;
      try {
        matched = goPathMatch(f, m[1] as string);
      } catch {
        matched = false;
      }
      if (!matched) continue;
      out += `---\n${manifest}\n`;
      missing = false;
    }
    if (missing) throw new HelmError(`could not find template ${f} in chart`, 'TemplateNotFound');
  }
  return out;
}
