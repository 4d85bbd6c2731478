// Helm's rendering engine (pkg/engine): one template set for the chart and all its subcharts,
// parsed deepest-first so parents' defines win, each template executed with its chart's scope.
import { DeepRecursion, ExecError, TemplateParseError, newGoMap } from '../gotemplate/index.js';
import type { GoMap } from '../gotemplate/index.js';
import type { Chart } from './chart.js';
import { chartValue, fileText } from './chart.js';
import { HelmError } from './errors.js';
import { filesValue } from './files.js';
import { WARN_END, WARN_START, deepRecursionMessage, newHelmTemplateSet } from './funcs.js';
import type { LookupFunc } from './funcs.js';
import { asValues, istable, table } from './values.js';

export interface EngineOptions {
  /** missingkey=error instead of zero (helm lint --strict). @default false */
  readonly strict?: boolean;
  /** Answers `lookup`; without it lookup returns an empty map, as `helm template` does. */
  readonly lookup?: LookupFunc;
  /** Let getHostByName resolve names. @default false */
  readonly enableDNS?: boolean;
  /** helm lint: `required` and `fail` do not fail. @default false */
  readonly lintMode?: boolean;
}

interface Renderable {
  readonly tpl: string;
  readonly vals: GoMap;
  readonly basePath: string;
}

function isLibrary(c: Chart): boolean {
  return c.metadata.type.toLowerCase() === 'library';
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** recAllTpls: every template of the chart tree with the values it renders with. */
function allTemplates(c: Chart, templates: Map<string, Renderable>, vals: GoMap): GoMap {
  const subCharts = newGoMap();
  const next = asValues(newGoMap());
  next['Chart'] = chartValue(c);
  next['Files'] = filesValue(c.files);
  next['Release'] = vals['Release'];
  next['Capabilities'] = vals['Capabilities'];
  next['Values'] = asValues(newGoMap());
  next['Subcharts'] = subCharts;
  if (c.isRoot()) next['Values'] = vals['Values'];
  else {
    try {
      next['Values'] = asValues(table(vals, 'Values.' + c.name()));
    } catch {
      /* keeps the empty table */
    }
  }
  for (const child of c.dependencies())
    subCharts[child.name()] = allTemplates(child, templates, next);
  const parentId = c.fullPath();
  for (const t of c.templates) {
    if (isLibrary(c) && !base(t.name).startsWith('_')) continue;
    templates.set(`${parentId}/${t.name}`, {
      tpl: fileText(t.data),
      vals: next,
      basePath: `${parentId}/templates`,
    });
  }
  return next;
}

/** Deepest paths first; for equal depth, lexically greatest first (sort.Reverse(byPathLen)). */
function sortTemplates(names: string[]): string[] {
  const depth = (s: string): number => s.split('/').length - 1;
  return names.sort((a, b) => {
    const da = depth(a);
    const db = depth(b);
    if (da !== db) return db - da;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

function cleanupParseError(filename: string, err: Error): HelmError {
  const tokens = err.message.split(': ');
  if (tokens.length === 1)
    return new HelmError(
      `parse error in (${filename}): ${err.message}`,
      'TemplateParseError',
      filename,
    );
  return new HelmError(
    `parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`,
    'TemplateParseError',
    filename,
  );
}

const WARN_RE = new RegExp(`${WARN_START}([\\s\\S]*)${WARN_END}`);

function cleanupExecError(filename: string, err: Error): HelmError {
  if (!(err instanceof ExecError)) return new HelmError(err.message, 'TemplateExecError', filename);
  const msg = err.message;
  const first = msg.indexOf(': ');
  const second = first < 0 ? -1 : msg.indexOf(': ', first + 2);
  if (first < 0 || second < 0) {
    return new HelmError(`execution error in (${filename}): ${msg}`, 'TemplateExecError', filename);
  }
  const location = msg.slice(first + 2, second);
  const m = WARN_RE.exec(msg.slice(second + 2));
  if (m)
    return new HelmError(
      `execution error at (${location}): ${m[1]}`,
      'TemplateExecError',
      filename,
    );
  return new HelmError(msg, 'TemplateExecError', filename);
}

/** Renders every template of the chart tree; returns rendered text by template path. */
export function renderChart(
  chart: Chart,
  values: GoMap,
  opts: EngineOptions = {},
): Map<string, string> {
  const tpls = new Map<string, Renderable>();
  allTemplates(chart, tpls, values);
  const t = newHelmTemplateSet(opts);
  const keys = sortTemplates([...tpls.keys()]);
  for (const filename of keys) {
    try {
      t.parse(filename, (tpls.get(filename) as Renderable).tpl);
    } catch (e) {
      if (e instanceof TemplateParseError) throw cleanupParseError(filename, e);
      throw e;
    }
  }
  const rendered = new Map<string, string>();
  for (const filename of keys) {
    if (base(filename).startsWith('_')) continue;
    const r = tpls.get(filename) as Renderable;
    const tv = asValues(newGoMap());
    tv['Name'] = filename;
    tv['BasePath'] = r.basePath;
    r.vals['Template'] = tv;
    let out: string;
    try {
      out = t.execute(filename, r.vals);
    } catch (e) {
      if (e instanceof ExecError) throw cleanupExecError(filename, e);
      if (e instanceof DeepRecursion || (e instanceof RangeError && /call stack/.test(e.message))) {
        const msg = e instanceof DeepRecursion ? deepRecursionMessage(e) : undefined;
        if (msg !== undefined) throw cleanupExecError(filename, new ExecError(msg, filename));
        throw new HelmError(
          `execution error in (${filename}): template nesting too deep`,
          'TemplateExecError',
          filename,
        );
      }
      throw e;
    }
    rendered.set(filename, out.replaceAll('<no value>', ''));
  }
  return rendered;
}

export { istable };
