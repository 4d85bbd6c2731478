// Chart dependencies as Helm processes them before rendering: aliases, condition and tags
// (disabled subcharts are dropped), import-values, and the check that every one is vendored.
import { sprintf, newGoMap } from '../gotemplate/index.js';
import type { GoMap, GoValue } from '../gotemplate/index.js';
import { checkConstraint, newConstraint, newVersion } from '../gotemplate/sprig/semver.js';
import type { Chart, Dependency } from './chart.js';
import { HelmError } from './errors.js';
import {
  coalesceChartValues,
  coalesceTablesFullKey,
  copyValues,
  istable,
  pathValue,
  table,
  NoValueError,
} from './values.js';
import type { Warn } from './values.js';

/** chartutil.IsCompatibleRange. */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return checkConstraint(newConstraint(constraint), newVersion(version));
  } catch {
    return false;
  }
}

/** action.CheckDependencies: every dependency of Chart.yaml must be in charts/. */
export function checkDependencies(ch: Chart): void {
  const reqs = ch.metadata.dependencies;
  if (reqs === null) return;
  const missing = reqs
    .filter((r): r is Dependency => r !== null)
    .filter((r) => !ch.dependencies().some((d) => d.name() === r.name))
    .map((r) => r.name);
  if (missing.length > 0) {
    throw new HelmError(
      'An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: ' +
        `found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
      'DependencyMissing',
    );
  }
}

function processDependencyConditions(
  reqs: Dependency[],
  cvals: GoMap,
  cpath: string,
  warn: Warn,
): void {
  for (const r of reqs) {
    for (const c of r.condition.trim().split(',')) {
      if (c.length === 0) continue;
      try {
        const vv = pathValue(cvals, cpath + c);
        if (typeof vv === 'boolean') {
          r.enabled = vv;
          break;
        }
        warn(`Warning: Condition path '${c}' for chart ${r.name} returned non-bool value`);
      } catch (e) {
        if (!(e instanceof NoValueError))
          warn(`Warning: PathValue returned error ${(e as Error).message}`);
      }
    }
  }
}

function processDependencyTags(reqs: Dependency[], cvals: GoMap, warn: Warn): void {
  let vt: GoMap;
  try {
    vt = table(cvals, 'tags');
  } catch {
    return;
  }
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      if (!Object.hasOwn(vt, k)) continue;
      const b = vt[k];
      if (typeof b === 'boolean') {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else warn(`Warning: Tag '${k}' for chart ${r.name} returned non-bool value`);
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function getAliasDependency(charts: Chart[], dep: Dependency): Chart | undefined {
  for (const c of charts) {
    if (c.name() !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const out = c.copy();
    if (dep.alias !== '') out.metadata.name = dep.alias;
    return out;
  }
  return undefined;
}

function processDependencyEnabled(c: Chart, v: GoMap, path: string, warn: Warn): void {
  if (c.metadata.dependencies === null) return;
  const reqs = c.metadata.dependencies.filter((r): r is Dependency => r !== null);
  const chartDependencies: Chart[] = [];
  for (const existing of c.dependencies()) {
    const matched = reqs.some(
      (req) =>
        existing.name() === req.name && isCompatibleRange(req.version, existing.metadata.version),
    );
    if (!matched) chartDependencies.push(existing);
  }
  for (const req of reqs) {
    const dep = getAliasDependency(c.dependencies(), req);
    if (dep !== undefined) chartDependencies.push(dep);
    if (req.alias !== '') req.name = req.alias;
  }
  c.setDependencies(chartDependencies);
  for (const r of reqs) r.enabled = true;
  const cvals = coalesceChartValues(c, v, false, warn);
  processDependencyTags(reqs, cvals, warn);
  processDependencyConditions(reqs, cvals, path, warn);
  const rm = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const cd = c.dependencies().filter((n) => !rm.has(n.metadata.name));
  const cdMetadata = reqs.filter((n) => !rm.has(n.name));
  for (const t of cd) processDependencyEnabled(t, cvals, path + t.metadata.name + '.', warn);
  c.metadata.dependencies = cdMetadata;
  c.setDependencies(cd);
}

function pathToMap(path: string, data: GoMap): GoMap {
  if (path === '.') return data;
  let cur: GoMap = data;
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) {
    const m = newGoMap();
    m[parts[i] as string] = cur;
    cur = m;
  }
  return cur;
}

function trimNilValues(vals: GoMap): GoMap {
  const copy = copyValues(vals);
  const trim = (m: GoMap): void => {
    for (const key of Object.keys(m)) {
      if (m[key] === null) delete m[key];
      else if (istable(m[key])) trim(m[key]);
    }
  };
  trim(copy);
  return copy;
}

function processImportValues(c: Chart, merge: boolean, warn: Warn): void {
  if (c.metadata.dependencies === null) return;
  const cvals = coalesceChartValues(c, null, merge, warn);
  let b: GoMap = newGoMap();
  const join = (dst: GoMap, src: GoMap): GoMap =>
    coalesceTablesFullKey(warn, dst, src, '', merge) ?? newGoMap();
  for (const r of c.metadata.dependencies) {
    if (r === null) continue;
    const outiv: GoValue[] = [];
    for (const riv of r.importValues) {
      if (istable(riv)) {
        const child = sprintf('%v', [riv['child'] ?? null]);
        const parent = sprintf('%v', [riv['parent'] ?? null]);
        const m = newGoMap();
        m['child'] = child;
        m['parent'] = parent;
        outiv.push(m);
        let vv: GoMap;
        try {
          vv = table(cvals, `${r.name}.${child}`);
        } catch (e) {
          warn(`Warning: ImportValues missing table from chart ${r.name}: ${(e as Error).message}`);
          continue;
        }
        b = join(b, pathToMap(parent, Object.keys(vv).length === 0 ? newGoMap() : vv));
      } else if (typeof riv === 'string') {
        const child = 'exports.' + riv;
        const m = newGoMap();
        m['child'] = child;
        m['parent'] = '.';
        outiv.push(m);
        let vm: GoMap;
        try {
          vm = table(cvals, `${r.name}.${child}`);
        } catch (e) {
          warn(`Warning: ImportValues missing table: ${(e as Error).message}`);
          continue;
        }
        b = join(b, Object.keys(vm).length === 0 ? newGoMap() : vm);
      }
    }
    r.importValues = outiv;
  }
  const base = merge ? copyValues(cvals) : trimNilValues(cvals);
  c.values = coalesceTablesFullKey(warn, base, b, '', merge) ?? newGoMap();
}

function processDependencyImportValues(c: Chart, merge: boolean, warn: Warn): void {
  for (const d of c.dependencies()) processDependencyImportValues(d, merge, warn);
  processImportValues(c, merge, warn);
}

/** ProcessDependenciesWithMerge: enable/disable subcharts by condition and tags, then import values. */
export function processDependencies(c: Chart, vals: GoMap, warn: Warn): void {
  processDependencyEnabled(c, vals, '', warn);
  processDependencyImportValues(c, true, warn);
}
