// Rendering a chart as a release, as Helm's action.Install/Upgrade do before they talk to a cluster:
// dependencies processed, values coalesced and validated, templates executed, and the result split
// into CRDs, manifests in install order, hooks and notes. `helm template` and the controllers share it.
import { newGoMap } from '../gotemplate/index.js';
import type { GoMap } from '../gotemplate/index.js';
import {
  capabilitiesValue,
  DEFAULT_API_VERSIONS,
  DEFAULT_HELM_VERSION,
  DEFAULT_KUBE_VERSION,
  parseKubeVersion,
} from './capabilities.js';
import type { Capabilities, KubeVersion } from './capabilities.js';
import { fileText } from './chart.js';
import type { Chart } from './chart.js';
import { checkDependencies, isCompatibleRange, processDependencies } from './dependencies.js';
import { renderChart } from './engine.js';
import { HelmError } from './errors.js';
import type { LookupFunc } from './funcs.js';
import { loadArchive, loadChart } from './loader.js';
import { sortManifests } from './manifests.js';
import type { Hook, Manifest } from './manifests.js';
import { validateValuesSchemas } from './schema.js';
import { asValues, coalesceChartValues } from './values.js';
import type { Warn } from './values.js';

/** What a release is rendered as: `.Release`, `.Capabilities` and how values are checked. */
export interface RenderOptions {
  /** .Release.Name; checked as Helm checks it. @default "release-name" */
  readonly releaseName?: string;
  /** .Release.Namespace. @default "default" */
  readonly namespace?: string;
  /** .Release.Revision: 1 for an install, the previous revision + 1 for an upgrade. @default 1 */
  readonly revision?: number;
  /** .Release.IsUpgrade (an upgrade); .Release.IsInstall is its negation, as in Helm. @default false */
  readonly isUpgrade?: boolean;
  /** User-supplied values (see mergeValueOptions, parseValues); coalesced over the chart's. */
  readonly values?: GoMap;
  /** .Capabilities.KubeVersion, e.g. "v1.36.0" or a parsed one. @default DEFAULT_KUBE_VERSION */
  readonly kubeVersion?: string | KubeVersion;
  /** .Capabilities.APIVersions: a cluster's discovery ("apps/v1", "apps/v1/Deployment"...). @default DEFAULT_API_VERSIONS */
  readonly apiVersions?: readonly string[];
  /** Appended to apiVersions (`helm template --api-versions`). */
  readonly extraApiVersions?: readonly string[];
  /** Put the chart's crds/ files at the top of `manifest` (`--include-crds`). @default false */
  readonly includeCrds?: boolean;
  /** Do not validate values against values.schema.json. @default false */
  readonly skipSchemaValidation?: boolean;
  /** Notes of subcharts too (`--render-subchart-notes`). @default false */
  readonly subNotes?: boolean;
  /** Answers `lookup` (a controller's live cluster); without it lookup returns an empty map. */
  readonly lookup?: LookupFunc;
  /** Warnings Helm logs (coalescing, deprecated charts, unknown hooks). */
  readonly warn?: Warn;
}

/** A chart file under crds/ (chart.CRD): installed before the release, never templated. */
export interface CrdFile {
  /** The file's path in the chart tree, e.g. "mychart/charts/sub/crds/crd.yaml". */
  readonly filename: string;
  readonly content: string;
}

/** A rendered release: what action.Install puts in release.Release. */
export interface RenderedRelease {
  readonly releaseName: string;
  readonly namespace: string;
  readonly revision: number;
  /** The chart after dependency processing (disabled subcharts removed, aliases applied). */
  readonly chart: Chart;
  /** The coalesced values the templates saw as .Values. */
  readonly values: GoMap;
  /** The crds/ files of the chart and its enabled subcharts, parents first. */
  readonly crds: readonly CrdFile[];
  /** The documents that are not hooks, in Helm's install order (kind, then template path). */
  readonly manifests: readonly Manifest[];
  /** release.Manifest: every manifest as "---\n# Source: PATH\nYAML\n" (CRDs first with includeCrds). */
  readonly manifest: string;
  /** Hooks in kind order; Helm runs each event's hooks by weight, then name. */
  readonly hooks: readonly Hook[];
  /** templates/NOTES.txt rendered (subcharts' too with subNotes), "" when there is none. */
  readonly notes: string;
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

function capabilities(opts: RenderOptions): Capabilities {
  const kv = opts.kubeVersion;
  return {
    kubeVersion:
      kv === undefined ? DEFAULT_KUBE_VERSION : typeof kv === 'string' ? parseKubeVersion(kv) : kv,
    apiVersions: [...(opts.apiVersions ?? DEFAULT_API_VERSIONS), ...(opts.extraApiVersions ?? [])],
    helmVersion: DEFAULT_HELM_VERSION,
  };
}

/** The top-level values templates render with (chartutil.ToRenderValuesWithSchemaValidation). */
function renderValues(
  chart: Chart,
  vals: GoMap,
  release: { readonly name: string; readonly namespace: string; readonly revision: number },
  opts: RenderOptions,
  caps: Capabilities,
): GoMap {
  const top = asValues(newGoMap());
  const r = newGoMap();
  const isUpgrade = opts.isUpgrade ?? false;
  r['Name'] = release.name;
  r['Namespace'] = release.namespace;
  r['IsUpgrade'] = isUpgrade;
  r['IsInstall'] = !isUpgrade;
  r['Revision'] = release.revision;
  r['Service'] = 'Helm';
  top['Capabilities'] = capabilitiesValue(caps);
  top['Release'] = r;
  const coalesced = coalesceChartValues(chart, vals, false, opts.warn ?? (() => undefined));
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

/** The chart to render: loaded from a folder or .tgz path, read from .tgz bytes, or cloned. */
function chartOf(chart: Chart | string | Uint8Array): Chart {
  if (typeof chart === 'string') return loadChart(chart);
  if (chart instanceof Uint8Array) return loadArchive(Buffer.from(chart));
  return chart.clone();
}

/**
 * Renders `chart` (a folder or .tgz path, .tgz bytes, or a loaded Chart, which is left unchanged)
 * as a release. Throws HelmError (see HelmErrorReason) with the message Helm prints.
 */
export function renderRelease(
  chart: Chart | string | Uint8Array,
  opts: RenderOptions = {},
): RenderedRelease {
  const c = chartOf(chart);
  const warn: Warn = opts.warn ?? (() => undefined);
  const type = c.metadata.type;
  if (type !== '' && type !== 'application')
    throw new HelmError(`${type} charts are not installable`, 'ChartNotInstallable');
  if (c.metadata.deprecated) warn('WARNING: This chart is deprecated');
  checkDependencies(c);
  const release = {
    name: opts.releaseName ?? 'release-name',
    namespace: opts.namespace ?? 'default',
    revision: opts.revision ?? 1,
  };
  validateReleaseName(release.name);
  const vals = opts.values ?? newGoMap();
  processDependencies(c, vals, warn);
  const caps = capabilities(opts);
  const top = renderValues(c, vals, release, opts, caps);
  try {
    if (
      c.metadata.kubeVersion !== '' &&
      !isCompatibleRange(c.metadata.kubeVersion, caps.kubeVersion.version)
    ) {
      throw new HelmError(
        `chart requires kubeVersion: ${c.metadata.kubeVersion} which is incompatible with Kubernetes ${caps.kubeVersion.version}`,
        'KubeVersionIncompatible',
      );
    }
    const files = renderChart(c, top, opts.lookup ? { lookup: opts.lookup } : {});
    const notes = takeNotes(files, c.name(), opts.subNotes ?? false);
    const sorted = sortManifests(files, warn);
    const crds = c
      .crdObjects()
      .map((x) => ({ filename: x.filename, content: fileText(x.file.data) }));
    let manifest = '';
    if (opts.includeCrds) for (const x of crds) manifest += source(x.filename, x.content);
    for (const m of sorted.manifests) manifest += source(m.name, m.content);
    return {
      releaseName: release.name,
      namespace: release.namespace,
      revision: release.revision,
      chart: c,
      values: top['Values'] as GoMap,
      crds,
      manifests: sorted.manifests,
      manifest,
      hooks: sorted.hooks,
      notes,
    };
  } catch (e) {
    if (e instanceof HelmError) e.renderPhase = true;
    throw e;
  }
}

/** One document as Helm writes it into a release manifest or `helm template`'s output. */
export function source(path: string, content: string): string {
  return `---\n# Source: ${path}\n${content}\n`;
}

/**
 * Removes every NOTES.txt from the rendered files and returns the top chart's; with subNotes, the
 * subcharts' follow it in path order (Helm joins them in Go's random map order).
 */
function takeNotes(files: Map<string, string>, chartName: string, subNotes: boolean): string {
  const top = `${chartName}/templates/NOTES.txt`;
  const parts: string[] = [];
  const keys = [...files.keys()].filter((k) => k.endsWith('NOTES.txt')).sort();
  for (const k of [top, ...keys.filter((x) => x !== top)]) {
    const text = files.get(k);
    if (text === undefined) continue;
    if (subNotes || k === top) parts.push(text);
    files.delete(k);
  }
  return parts.join('\n');
}
