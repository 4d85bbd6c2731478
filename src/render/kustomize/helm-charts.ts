// kustomize's helmCharts (HelmChartInflationGenerator, kustomize v5.5.0): each chart under
// chartHome rendered as `helm template` would render it for `kustomize build --enable-helm`, by
// Flotilla's own Helm engine instead of a helm process. Charts are never pulled: a chart that is
// not under chartHome is an error, as it is for kustomize without a repo.
import { realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import {
  HelmError,
  marshalYaml,
  mergeValueOptions,
  parseKubeVersion,
  renderNameTemplate,
  helmTemplate,
} from '../helm/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { isYamlMap, newMap, parseYaml, YamlParseError } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import type { Kustomization } from './kustomization.js';
import { KustomizeError } from './loader.js';
import type { FileLoader } from './loader.js';
import { strategicMerge } from './strategic-merge.js';

/** `kustomize build` flags for Helm (--enable-helm, --helm-kube-version, --helm-api-versions). */
export interface HelmBuildOptions {
  /** --enable-helm: without it a kustomization with helmCharts fails, as with kustomize. */
  readonly enabled: boolean;
  /** --helm-kube-version: replaces every chart's kubeVersion. */
  readonly kubeVersion?: string;
  /** --helm-api-versions: replace every chart's apiVersions. */
  readonly apiVersions?: readonly string[];
}

/** One chart's configuration: HelmGlobals and HelmChart as kustomize reads them. */
interface ChartConfig {
  chartHome: string;
  configHome: string;
  name: string;
  version: string;
  repo: string;
  releaseName: string;
  namespace: string;
  additionalValuesFiles: string[];
  valuesFile: string;
  valuesInline: YamlMap | undefined;
  valuesMerge: string;
  includeCRDs: boolean;
  skipHooks: boolean;
  apiVersions: string[];
  kubeVersion: string;
  nameTemplate: string;
  skipTests: boolean;
  debug: boolean;
}

const STRING_FIELDS = [
  'name',
  'version',
  'repo',
  'releaseName',
  'namespace',
  'valuesFile',
  'valuesMerge',
  'kubeVersion',
  'nameTemplate',
] as const;
const BOOL_FIELDS = ['includeCRDs', 'skipHooks', 'skipTests', 'debug'] as const;
const LEGAL_MERGE = ['merge', 'override', 'replace'];

function fail(k: Kustomization, field: string, msg: string): never {
  throw new KustomizeError(`${k.file}: ${field}: ${msg}`, { file: k.file, field });
}

function readConfig(
  k: Kustomization,
  globals: YamlMap,
  chart: YamlMap,
  field: string,
): ChartConfig {
  const str = (m: YamlMap, key: string, where: string): string => {
    const v = m[key];
    if (v === undefined || v === null) return '';
    if (typeof v === 'object') fail(k, `${where}.${key}`, 'must be a string');
    return String(v);
  };
  const strings = (m: YamlMap, key: string): string[] => {
    const v = m[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail(k, `${field}.${key}`, 'must be a list of strings');
    return v.map((x) => {
      if (x === null) return '';
      if (typeof x === 'object') fail(k, `${field}.${key}`, 'must be a list of strings');
      return String(x);
    });
  };
  const c: ChartConfig = {
    chartHome: str(globals, 'chartHome', 'helmGlobals'),
    configHome: str(globals, 'configHome', 'helmGlobals'),
    name: '',
    version: '',
    repo: '',
    releaseName: '',
    namespace: '',
    additionalValuesFiles: strings(chart, 'additionalValuesFiles'),
    valuesFile: '',
    valuesInline: undefined,
    valuesMerge: '',
    includeCRDs: false,
    skipHooks: false,
    apiVersions: strings(chart, 'apiVersions'),
    kubeVersion: '',
    nameTemplate: '',
    skipTests: false,
    debug: false,
  };
  for (const f of STRING_FIELDS) c[f] = str(chart, f, field);
  for (const f of BOOL_FIELDS) {
    const v = chart[f];
    if (v !== undefined && v !== null && typeof v !== 'boolean')
      fail(k, `${field}.${f}`, 'must be true or false');
    c[f] = v === true;
  }
  const inline = chart['valuesInline'];
  if (inline !== undefined && inline !== null) {
    if (!isYamlMap(inline)) fail(k, `${field}.valuesInline`, 'must be a map');
    c.valuesInline = inline;
  }
  return c;
}

/** The charts of a kustomization: helmCharts, then the deprecated helmChartInflationGenerator. */
function chartConfigs(k: Kustomization): { config: ChartConfig; field: string }[] {
  const raw = k.raw;
  let globals: YamlMap = isYamlMap(raw['helmGlobals']) ? raw['helmGlobals'] : newMap();
  const out: { config: ChartConfig; field: string }[] = [];
  const list = raw['helmCharts'];
  if (list !== undefined && list !== null && !Array.isArray(list))
    fail(k, 'helmCharts', 'must be a list');
  const legacy = raw['helmChartInflationGenerator'];
  if (legacy !== undefined && legacy !== null && !Array.isArray(legacy))
    fail(k, 'helmChartInflationGenerator', 'must be a list');
  // SplitHelmParameters: the last non-empty chartHome / helmHome of the old entries are the globals
  // when the kustomization has none.
  const old = (legacy ?? []).filter(isYamlMap);
  if (!isYamlMap(raw['helmGlobals'])) {
    const g = newMap();
    for (const o of old) {
      if (typeof o['chartHome'] === 'string' && o['chartHome'] !== '')
        g['chartHome'] = o['chartHome'];
      if (typeof o['helmHome'] === 'string' && o['helmHome'] !== '')
        g['configHome'] = o['helmHome'];
    }
    globals = g;
  }
  (list ?? []).forEach((c, i) => {
    if (!isYamlMap(c)) fail(k, `helmCharts[${i}]`, 'must be a map');
    out.push({ config: readConfig(k, globals, c, `helmCharts[${i}]`), field: `helmCharts[${i}]` });
  });
  old.forEach((o, i) => {
    const c = newMap();
    const rename: Record<string, string> = {
      chartName: 'name',
      chartVersion: 'version',
      chartRepoUrl: 'repo',
      values: 'valuesFile',
      valuesLocal: 'valuesInline',
      valuesMerge: 'valuesMerge',
      releaseName: 'releaseName',
    };
    for (const [from, to] of Object.entries(rename)) if (o[from] !== undefined) c[to] = o[from];
    const field = `helmChartInflationGenerator[${i}]`;
    out.push({ config: readConfig(k, globals, c, field), field });
  });
  return out;
}

/** The configuration as kustomize prints it in its errors (sigs.k8s.io/yaml of the struct, empty fields left out). */
function configYaml(c: ChartConfig): string {
  const m = Object.create(null) as GoMap;
  for (const [key, v] of Object.entries(c)) {
    if (v === '' || v === false || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    m[key] = toGo(v as YamlValue);
  }
  return marshalYaml(m);
}

function toGo(v: YamlValue): GoValue {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toGo);
  if (isYamlMap(v)) {
    const m = Object.create(null) as GoMap;
    for (const [key, x] of Object.entries(v)) m[key] = toGo(x);
    return m;
  }
  return v;
}

/**
 * The objects `helm template` prints for each chart of the kustomization, as YAML text per chart
 * (kustomize then reads them as resources), with the field each came from.
 */
export function inflateHelmCharts(
  k: Kustomization,
  ldr: FileLoader,
  opts: HelmBuildOptions | undefined,
): { text: string; field: string; source: string }[] {
  const charts = chartConfigs(k);
  const out: { text: string; field: string; source: string }[] = [];
  for (const { config: c, field } of charts) {
    const given = configYaml(c);
    const trouble = (msg: string): never =>
      fail(
        k,
        field,
        `trouble configuring builtin HelmChartInflationGenerator with config: \`\n${given}\`: ${msg}`,
      );
    if (!(opts?.enabled ?? false)) trouble('must specify --enable-helm');
    // Config: the command line's versions win; then validateArgs.
    if (opts?.kubeVersion !== undefined && opts.kubeVersion !== '')
      c.kubeVersion = opts.kubeVersion;
    if (opts?.apiVersions !== undefined && opts.apiVersions.length > 0)
      c.apiVersions = [...opts.apiVersions];
    if (c.name === '') trouble('chart name cannot be empty');
    if (c.chartHome === '') c.chartHome = 'charts';
    let chartHome = isAbsolute(c.chartHome) ? c.chartHome : join(ldr.root, c.chartHome);
    if (c.version !== '' && c.repo !== '') chartHome = join(chartHome, `${c.name}-${c.version}`);
    if (c.valuesFile === '') c.valuesFile = join(chartHome, c.name, 'values.yaml');
    const additional = c.additionalValuesFiles.map((f, i) => {
      try {
        ldr.readBytes(f, `${field}.additionalValuesFiles[${i}]`);
      } catch (e) {
        trouble(`could not load additionalValuesFile: ${(e as Error).message}`);
      }
      return join(ldr.root, f);
    });
    if (c.valuesMerge === '') c.valuesMerge = 'override';
    else if (!LEGAL_MERGE.includes(c.valuesMerge))
      trouble(`valuesMerge must be one of [${LEGAL_MERGE.join(' ')}]`);

    // Generate: the chart must be there (pulling is not supported).
    const chartDir = join(chartHome, c.name);
    let isDir = false;
    try {
      isDir = statSync(chartDir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) {
      if (c.repo === '') fail(k, field, `no repo specified for pull, no chart found at ''`);
      fail(
        k,
        field,
        `chart ${c.name} is not in ${chartHome}: pulling charts from ${c.repo} is not supported; put the chart there (helm pull --untar --untardir ${chartHome})`,
      );
    }
    if (ldr.sandbox !== undefined) ldr.checkSandbox(realpathSync(chartDir), chartDir, field);
    const valuesText = ldr.readBytes(c.valuesFile, `${field}.valuesFile`);
    const VIRTUAL = `${c.name}-kustomize-values.yaml`;
    let valuesBytes: Buffer;
    if (c.valuesInline !== undefined && Object.keys(c.valuesInline).length > 0) {
      let merged: YamlMap = c.valuesInline;
      if (c.valuesMerge !== 'replace') {
        // kyaml reads the values file (YAML 1.2) and merges it with the inline values (merge2).
        let fileValues: YamlValue;
        try {
          fileValues = parseYaml(valuesText.toString('utf8'));
        } catch (e) {
          if (e instanceof YamlParseError)
            fail(k, field, `could not parse values file into rnode: ${e.message}`);
          throw e;
        }
        const fileMap = isYamlMap(fileValues) ? fileValues : newMap();
        const result =
          c.valuesMerge === 'override'
            ? strategicMerge(structuredClone(fileMap), structuredClone(c.valuesInline))
            : strategicMerge(structuredClone(c.valuesInline), structuredClone(fileMap));
        merged = result ?? newMap();
      }
      valuesBytes = Buffer.from(marshalYaml(toGo(merged)), 'utf8');
    } else valuesBytes = valuesText;

    // `helm template` with the arguments kustomize passes.
    let releaseName = c.releaseName;
    try {
      if (c.nameTemplate !== '') releaseName = renderNameTemplate(c.nameTemplate);
      else if (releaseName === '') {
        // --generate-name: the chart folder's name and the time, as Helm makes it.
        let base = basename(chartDir);
        const dot = base.indexOf('.');
        if (dot >= 0) base = base.slice(0, dot);
        releaseName = `${base}-${Math.floor(Date.now() / 1000)}`;
      }
      const values = mergeValueOptions({
        valueFiles: [VIRTUAL, ...additional],
        readFile: (p) =>
          p === VIRTUAL ? valuesBytes : ldr.readBytes(p, `${field}.additionalValuesFiles`),
      });
      const result = helmTemplate(chartDir, {
        releaseName,
        namespace: c.namespace === '' ? 'default' : c.namespace,
        values,
        ...(c.kubeVersion !== '' ? { kubeVersion: parseKubeVersion(c.kubeVersion) } : {}),
        extraApiVersions: c.apiVersions,
        includeCrds: c.includeCRDs,
        skipTests: c.skipTests,
        disableHooks: c.skipHooks,
      });
      out.push({ text: result.output, field, source: chartDir });
    } catch (e) {
      if (!(e instanceof HelmError) && !(e instanceof Error && e.name === 'TemplateParseError'))
        throw e;
      const hint =
        e instanceof HelmError && e.renderPhase
          ? '\n\nUse --debug flag to render out invalid YAML'
          : '';
      fail(k, field, `helm template ${releaseName} ${chartDir}: ${e.message}${hint}`);
    }
  }
  return out;
}
