// `helm lint`'s checks of a chart (Chart.yaml, values, templates rendered in lint mode, rendered
// YAML), each problem reported as "[SEVERITY] file: cause" like Helm prints it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newGoMap } from '../gotemplate/index.js';
import type { GoMap } from '../gotemplate/index.js';
import { parseYamlDocuments } from '../yaml/index.js';
import type { YamlValue } from '../yaml/index.js';
import {
  capabilitiesValue,
  DEFAULT_API_VERSIONS,
  DEFAULT_HELM_VERSION,
  DEFAULT_KUBE_VERSION,
} from './capabilities.js';
import type { KubeVersion } from './capabilities.js';
import type { Chart } from './chart.js';
import { processDependencies } from './dependencies.js';
import { renderChart } from './engine.js';
import { HelmError } from './errors.js';
import { loadChart } from './loader.js';
import { validateValuesSchemas } from './schema.js';
import { asValues, coalesceChartValues } from './values.js';
import { readYamlMap } from './yaml.js';

export const Severity = { Info: 1, Warning: 2, Error: 3 } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
const SEV_NAMES = ['UNKNOWN', 'INFO', 'WARNING', 'ERROR'];

export interface LintMessage {
  readonly severity: Severity;
  /** The file the problem is in, relative to the chart (templates/ for render errors). */
  readonly path: string;
  /** The cause; render errors carry "(chart/templates/file.yaml:LINE)". */
  readonly message: string;
}

export interface LintOptions {
  readonly values?: GoMap;
  readonly namespace?: string;
  readonly kubeVersion?: KubeVersion;
  /** Warnings fail the lint too. */
  readonly strict?: boolean;
}

export interface LintResult {
  readonly messages: readonly LintMessage[];
  /** "==> Linting PATH" and one line per message, as helm lint prints them. */
  readonly text: string;
  readonly failed: boolean;
}

class Linter {
  readonly messages: LintMessage[] = [];
  run(severity: Severity, path: string, err: string | undefined): boolean {
    if (err !== undefined) this.messages.push({ severity, path, message: err });
    return err === undefined;
  }
}

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function nameErrors(kind: string, name: string): string[] {
  const k = kind.toLowerCase();
  if (k === 'certificatesigningrequest') return [];
  if (['role', 'clusterrole', 'rolebinding', 'clusterrolebinding'].includes(k)) {
    if (name === '.' || name === '..') return [`may not be '${name}'`];
    const bad = ['/', '%'].filter((c) => name.includes(c));
    return bad.map((c) => `may not contain '${c}'`);
  }
  if (k === 'service') {
    const errs: string[] = [];
    if (name.length > 63) errs.push('must be no more than 63 characters');
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) errs.push(DNS1035_MSG);
    return errs;
  }
  if (k === 'namespace') {
    const errs: string[] = [];
    if (name.length > 63) errs.push('must be no more than 63 characters');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) errs.push(LABEL_MSG);
    return errs;
  }
  const errs: string[] = [];
  if (name.length > 253) errs.push('must be no more than 253 characters');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name))
    errs.push(SUBDOMAIN_MSG);
  return errs;
}

function chartfileRules(l: Linter, dir: string): void {
  const file = 'Chart.yaml';
  const path = join(dir, file);
  if (existsSync(path) && statSync(path).isDirectory()) {
    l.run(Severity.Error, file, 'should be a file, not a directory');
    return;
  }
  let doc: YamlValue;
  try {
    doc = parseYamlDocuments(readFileSync(path, 'utf8'), true)[0] ?? null;
  } catch (e) {
    l.run(Severity.Error, file, `unable to parse YAML\n\t${(e as Error).message}`);
    return;
  }
  const md = (
    doc !== null && typeof doc === 'object' && !Array.isArray(doc) && typeof doc !== 'bigint'
      ? doc
      : {}
  ) as Record<string, YamlValue>;
  const str = (k: string): string => {
    const v = md[k];
    return typeof v === 'string' ||
      typeof v === 'number' ||
      typeof v === 'boolean' ||
      typeof v === 'bigint'
      ? String(v)
      : '';
  };
  const name = str('name');
  l.run(
    Severity.Error,
    file,
    name === ''
      ? 'name is required'
      : /[/\\]|^\.\.?$/.test(name)
        ? `chart name "${name}" is invalid`
        : undefined,
  );
  const api = str('apiVersion');
  l.run(
    Severity.Error,
    file,
    api === ''
      ? 'apiVersion is required. The value must be either "v1" or "v2"'
      : api !== 'v1' && api !== 'v2'
        ? `apiVersion '${api}' is not valid. The value must be either "v1" or "v2"`
        : undefined,
  );
  for (const key of ['version', 'appVersion']) {
    const v = md[key];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      l.run(
        Severity.Error,
        file,
        `${key} should be of type string but it's of type ${typeof v === 'boolean' ? 'bool' : 'float64'}`,
      );
    }
  }
  const version = str('version');
  l.run(
    Severity.Error,
    file,
    version === ''
      ? 'version is required'
      : !/^v?\d+(\.\d+)?(\.\d+)?([-+].*)?$/.test(version)
        ? `version '${version}' is not a valid SemVer`
        : undefined,
  );
  l.run(Severity.Info, file, str('icon') === '' ? 'icon is recommended' : undefined);
  const type = str('type');
  if (api === 'v1' && type !== '')
    l.run(
      Severity.Error,
      file,
      "chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'",
    );
  if (api === 'v1' && md['dependencies'] !== undefined) {
    l.run(
      Severity.Error,
      file,
      "dependencies are not valid in the Chart file with apiVersion 'v1'. They are valid in apiVersion 'v2'",
    );
  }
}

function renderRules(l: Linter, chart: Chart, opts: LintOptions, file: string): void {
  const values = opts.values ?? newGoMap();
  const fpath = 'templates/';
  try {
    processDependencies(chart, values, () => undefined);
  } catch {
    return;
  }
  const top = asValues(newGoMap());
  const release = newGoMap();
  release['Name'] = 'test-release';
  release['Namespace'] = opts.namespace ?? 'default';
  release['IsUpgrade'] = false;
  release['IsInstall'] = false;
  release['Revision'] = 0;
  release['Service'] = 'Helm';
  top['Release'] = release;
  top['Capabilities'] = capabilitiesValue({
    kubeVersion: opts.kubeVersion ?? DEFAULT_KUBE_VERSION,
    apiVersions: DEFAULT_API_VERSIONS,
    helmVersion: DEFAULT_HELM_VERSION,
  });
  const cvals = coalesceChartValues(chart, values, false, () => undefined);
  const schemaErr = validateValuesSchemas(chart, cvals);
  if (schemaErr !== undefined) {
    l.run(
      Severity.Error,
      fpath,
      `values don't meet the specifications of the schema(s) in the following chart(s):\n${schemaErr}`,
    );
    return;
  }
  top['Values'] = asValues(cvals);
  let rendered: Map<string, string>;
  try {
    rendered = renderChart(chart, top, { lintMode: true });
  } catch (e) {
    l.run(Severity.Error, fpath, (e as Error).message);
    return;
  }
  void file;
  for (const t of chart.templates) {
    const name = t.name;
    const ext = name.slice(name.lastIndexOf('.'));
    l.run(
      Severity.Error,
      name,
      ['.yaml', '.yml', '.tpl', '.txt'].includes(ext)
        ? undefined
        : `file extension '${ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt`,
    );
    const data = t.data.toString('utf8');
    l.run(
      Severity.Error,
      name,
      /\.Release\.Time/.test(data)
        ? '.Release.Time has been removed in v3, please replace with the `now` function in your templates'
        : undefined,
    );
    if (ext !== '.yaml') continue;
    const content = rendered.get(`${chart.name()}/${name}`) ?? '';
    if (content.trim() === '') continue;
    const first = content.split('\n').find((line) => line.trim() !== '');
    if (first !== undefined && (first.startsWith(' ') || first.startsWith('\t'))) {
      l.run(
        Severity.Warning,
        name,
        `document starts with an illegal indent: ${JSON.stringify(first)}, which may cause parsing problems`,
      );
    }
    let docs: YamlValue[];
    try {
      docs = parseYamlDocuments(content, true);
    } catch (e) {
      l.run(
        Severity.Error,
        name,
        `unable to parse YAML: error converting YAML to JSON: yaml: ${(e as Error).message}`,
      );
      return;
    }
    for (const doc of docs) {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || typeof doc === 'bigint')
        continue;
      const kind = typeof doc['kind'] === 'string' ? doc['kind'] : '';
      const md = doc['metadata'];
      const objName =
        md !== null &&
        typeof md === 'object' &&
        !Array.isArray(md) &&
        typeof md !== 'bigint' &&
        typeof md['name'] === 'string'
          ? md['name']
          : '';
      const errs = nameErrors(kind, objName);
      if (errs.length > 0) {
        const list = errs.map(
          (m) => `metadata.name: Invalid value: ${JSON.stringify(objName)}: ${m}`,
        );
        l.run(
          Severity.Warning,
          name,
          `object name does not conform to Kubernetes naming requirements: ${JSON.stringify(objName)}: ${list.length === 1 ? list[0] : '[' + list.join(', ') + ']'}`,
        );
      }
      if (
        ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'].includes(kind) &&
        !/matchLabels|matchExpressions/.test(content)
      ) {
        l.run(
          Severity.Error,
          name,
          `a ${kind} must contain matchLabels or matchExpressions, and ${JSON.stringify(objName)} does not`,
        );
      }
    }
  }
}

/** Lints the chart at `path` (a folder); `text` is what `helm lint` prints before its summary. */
export function lintChart(path: string, opts: LintOptions = {}): LintResult {
  const l = new Linter();
  chartfileRules(l, path);
  const valuesFile = join(path, 'values.yaml');
  if (existsSync(valuesFile)) {
    try {
      readYamlMap(readFileSync(valuesFile, 'utf8'));
    } catch (e) {
      l.run(Severity.Error, 'values.yaml', `unable to parse YAML: ${(e as Error).message}`);
    }
  }
  let chart: Chart | undefined;
  try {
    chart = loadChart(path);
  } catch (e) {
    l.run(Severity.Error, 'templates/', e instanceof HelmError ? e.message : String(e));
  }
  if (chart !== undefined) renderRules(l, chart, opts, path);
  const failing = (m: LintMessage): boolean =>
    m.severity === Severity.Error || (opts.strict === true && m.severity === Severity.Warning);
  let text = `==> Linting ${path}\n`;
  for (const m of l.messages) text += `[${SEV_NAMES[m.severity]}] ${m.path}: ${m.message}\n`;
  text += '\n';
  return { messages: l.messages, text, failed: l.messages.some(failing) };
}
