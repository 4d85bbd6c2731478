// `replacements`: copy a field of one object into fields of selected objects, as kustomize's
// replacement filter does (kyaml path lookup and matching, delimiter/index/create options, rejects).
import {
  cloneValue,
  isUntaggedPlain,
  markUntagged,
  isYamlMap,
  parseYamlDocuments,
  recordScalarSource,
  resolveV3Value,
} from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { FieldPathError, lookupField, matchFields, splitFieldPath } from './field-path.js';
import type { CreateKind, Found } from './field-path.js';
import { KustomizeError } from './loader.js';
import { validateMetadata } from './resource-factory.js';
import type { FileLoader } from './loader.js';
import { effectiveNamespace, gvkIsSelected, scalarString } from './resource.js';
import type { Gvk, ResId, Resource } from './resource.js';
import { parseLabelSelector } from './selector.js';

/** A ResId used as a selector (kustomize's types.ResId: group, version, kind, name, namespace). */
interface IdSelector {
  readonly gvk: Partial<Gvk>;
  readonly name: string;
  readonly namespace: string;
}

interface Options {
  readonly delimiter: string;
  readonly index: number;
  readonly create: boolean;
}

function idSelector(m: YamlMap): IdSelector {
  const gvk: { group?: string; version?: string; kind?: string } = {};
  for (const k of ['group', 'version', 'kind'] as const) {
    const v = scalarString(m[k]);
    if (v !== '') gvk[k] = v;
  }
  return { gvk, name: scalarString(m['name']), namespace: scalarString(m['namespace']) };
}

function isEmptySelector(s: IdSelector): boolean {
  return s.name === '' && s.namespace === '' && !s.gvk.group && !s.gvk.version && !s.gvk.kind;
}

/**
 * ResId.IsSelectedBy. A selector read from YAML is never "cluster-scoped", so its namespace compares
 * as `default` when empty and as itself otherwise.
 */
function isSelectedBy(id: ResId, s: IdSelector): boolean {
  if (s.name !== '' && s.name !== id.name) return false;
  if (s.namespace !== '') {
    const selectorNs = s.namespace === 'default' ? 'default' : s.namespace;
    if (selectorNs !== effectiveNamespace(id)) return false;
  }
  return gvkIsSelected(id.gvk, s.gvk);
}

function options(v: YamlValue | undefined): Options {
  if (!isYamlMap(v)) return { delimiter: '', index: 0, create: false };
  const idx = v['index'];
  return {
    delimiter: scalarString(v['delimiter']),
    index: typeof idx === 'number' ? idx : 0,
    create: v['create'] === true,
  };
}

function fail(file: string, msg: string): never {
  throw new KustomizeError(`${file}: replacements: ${msg}`, { file, field: 'replacements' });
}

/** Entries inline or from `path:` files (a file holds one replacement or a list of them). */
function loadEntries(list: readonly YamlValue[], ldr: FileLoader, file: string): YamlMap[] {
  const out: YamlMap[] = [];
  list.forEach((e, i) => {
    if (!isYamlMap(e)) fail(file, `entry ${i} must be a map`);
    if (typeof e['path'] !== 'string' || e['path'] === '') {
      out.push(e);
      return;
    }
    if (e['source'] !== undefined || e['targets'] !== undefined)
      fail(file, 'cannot specify both path and inline replacement');
    const d = parseYamlDocuments(ldr.readFile(e['path'], `replacements[${i}].path`), true)[0];
    const items = Array.isArray(d) ? d : isYamlMap(d) ? [d] : undefined;
    if (items === undefined)
      fail(file, `unsupported replacement type encountered within replacement path ${e['path']}`);
    for (const it of items) {
      if (!isYamlMap(it)) fail(file, `${e['path']}: each replacement must be a map`);
      out.push(it);
    }
  });
  return out;
}

function describe(s: IdSelector): string {
  const g = [s.gvk.kind, s.gvk.version, s.gvk.group].filter((x) => x).join('.');
  return `${g || '~K'}/${s.name || '~N'}.${s.namespace || '~X'}`;
}

function pathError(file: string, err: unknown, what: string): never {
  if (err instanceof FieldPathError) fail(file, `${what}: ${err.message}`);
  throw err;
}

/** The source value: the field at the source's fieldPath, a part of it with a delimiter. */
function sourceValue(resources: readonly Resource[], src: YamlMap, file: string): Found {
  const sel = idSelector(src);
  const matches = resources.filter((res) => res.allIds().some((id) => isSelectedBy(id, sel)));
  if (matches.length > 1) fail(file, `multiple matches for selector ${describe(sel)}`);
  const source = matches[0];
  if (!source) fail(file, `nothing selected by ${describe(sel)}`);
  const fp = scalarString(src['fieldPath']) || 'metadata.name';
  let found: Found | undefined;
  try {
    found = lookupField(source.obj, splitFieldPath(fp));
  } catch (err) {
    pathError(file, err, 'error looking up replacement source');
  }
  const value = found?.value;
  if (
    value === undefined ||
    value === null ||
    (typeof value === 'object' && Object.keys(value).length === 0)
  )
    fail(file, `fieldPath \`${fp}\` is missing for replacement source ${describe(sel)}`);
  const text = found?.text ?? '';
  const so = options(src['options']);
  if (so.delimiter === '') return { value, text };
  if (typeof value === 'object') fail(file, 'delimiter option can only be used with scalar nodes');
  const parts = text.split(so.delimiter);
  if (so.index >= parts.length || so.index < 0)
    fail(file, `options.index ${so.index} is out of bounds for value ${text}`);
  // The part keeps the source node's type (a string stays a string).
  const part = parts[so.index] ?? '';
  return { value: typeof value === 'string' ? part : resolveV3Value(part), text: part };
}

/** Applies the replacements, in order, to the resources. */
export function applyReplacements(
  resources: Resource[],
  list: readonly YamlValue[],
  ldr: FileLoader,
  file: string,
): void {
  for (const r of loadEntries(list, ldr, file)) {
    const src = r['source'];
    const targets = r['targets'];
    if (!isYamlMap(src) || !Array.isArray(targets) || targets.length === 0)
      fail(file, 'replacements must specify a source and at least one target');
    const value = sourceValue(resources, src, file);
    for (const t of targets) {
      if (!isYamlMap(t) || !isYamlMap(t['select']))
        fail(file, 'target must specify resources to select');
      applyTarget(resources, value, t, file);
    }
    for (const res of resources) validateMetadata(res.obj, file, 'replacements');
  }
}

function strings(m: YamlMap): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(m)) out[k] = scalarString(v);
  return out;
}

/** matchesAnnoAndLabelSelector: the selector's label and annotation selectors hold for the resource. */
function matchesSelectors(res: Resource, sel: YamlMap): boolean {
  const ls = sel['labelSelector'];
  const as = sel['annotationSelector'];
  if (typeof ls === 'string' && ls !== '') {
    const labels = strings(res.labels());
    if (!parseLabelSelector(ls).every((q) => q(labels))) return false;
  }
  if (typeof as === 'string' && as !== '') {
    const anns = strings(res.annotations());
    if (!parseLabelSelector(as).every((q) => q(anns))) return false;
  }
  return true;
}

function applyTarget(resources: Resource[], value: Found, t: YamlMap, file: string): void {
  const select = t['select'] as YamlMap;
  const sel = idSelector(select);
  const rejects = (Array.isArray(t['reject']) ? t['reject'] : []).filter(isYamlMap);
  const rejectIds = rejects.map(idSelector).filter((s) => !isEmptySelector(s));
  const rejectBySelectors = rejects.filter(
    (r) => scalarString(r['labelSelector']) !== '' || scalarString(r['annotationSelector']) !== '',
  );
  const paths =
    Array.isArray(t['fieldPaths']) && t['fieldPaths'].length > 0
      ? t['fieldPaths'].map((x) => scalarString(x))
      : ['metadata.name'];
  const opts = options(t['options']);
  for (const res of resources) {
    if (!matchesSelectors(res, select)) continue;
    if (rejectBySelectors.some((r) => matchesSelectors(res, r))) continue;
    const ids = res.allIds();
    if (!ids.some((id) => isSelectedBy(id, sel))) continue;
    if (rejectIds.some((rj) => ids.some((id) => isSelectedBy(id, rj)))) continue;
    for (const fp of paths) copyToTarget(res, value, fp, opts, file);
  }
}

function createKindOf(v: YamlValue): CreateKind {
  if (Array.isArray(v)) return 'seq';
  if (isYamlMap(v)) return 'map';
  return 'scalar';
}

function copyToTarget(res: Resource, value: Found, fp: string, opts: Options, file: string): void {
  const create = opts.create ? createKindOf(value.value) : undefined;
  const what = opts.create
    ? `unable to find or create field "${fp}" in replacement target`
    : `unable to find field "${fp}" in replacement target`;
  let fields;
  try {
    fields = matchFields(res.obj, splitFieldPath(fp), create);
  } catch (err) {
    pathError(file, err, what);
  }
  if (fields.length === 0) fail(file, what);
  for (const f of fields) {
    const before = f.get();
    const set = (v: YamlValue, text: string): void => {
      f.set(v);
      if (f.at !== undefined) recordScalarSource(f.at[0], f.at[1], v, text);
    };
    const untagged = f.at !== undefined && isUntaggedPlain(f.at[0], f.at[1]);
    setFieldValue(before, f.text, set, f.created, untagged, value, opts, file);
    // The scalar node the walk created has no tag: later replacements set it by text too.
    const after = f.get();
    if (f.created && f.at !== undefined && (after === null || typeof after !== 'object'))
      markUntagged(f.at[0], f.at[1]);
    // A scalar kustomize shares between several label/annotation fields changes in all of them.
    const holder = f.holder;
    if (holder !== undefined && typeof before === 'string')
      res.setSharedEntry(holder[0], holder[1], before, f.get());
  }
}

/**
 * setFieldValue: a scalar target keeps its type and takes only the value's text (so an int stays an
 * int, and text that is not a number fails as kustomize's output step does); a field the walk
 * created takes the type its text reads as; anything else is replaced by a copy of the value.
 */
function setFieldValue(
  cur: YamlValue,
  curText: string,
  set: (v: YamlValue, text: string) => void,
  created: boolean,
  untagged: boolean,
  source: Found,
  o: Options,
  file: string,
): void {
  let value = cloneValue(source.value);
  let text = source.text;
  if (o.delimiter !== '') {
    if (cur !== null && typeof cur === 'object')
      fail(file, 'delimiter option can only be used with scalar nodes');
    const parts = curText.split(o.delimiter);
    if (o.index < 0) parts.unshift(text);
    else if (o.index >= parts.length) parts.push(text);
    else parts[o.index] = text;
    text = parts.join(o.delimiter);
    value = typeof value === 'string' || typeof value === 'object' ? text : resolveV3Value(text);
  }
  if (cur !== null && typeof cur === 'object') {
    set(value, text);
    return;
  }
  if (created || untagged) {
    set(resolveV3Value(text), text);
    return;
  }
  if (typeof cur === 'string') set(text, text);
  else if (typeof cur === 'number' || typeof cur === 'bigint') {
    const r = resolveV3Value(text);
    if (typeof r !== 'number' && typeof r !== 'bigint')
      fail(file, `cannot decode !!int \`${text}\``);
    set(r, text);
  } else if (typeof cur === 'boolean') {
    const r = resolveV3Value(text);
    if (typeof r !== 'boolean') fail(file, `cannot decode !!bool \`${text}\``);
    set(r, text);
  } else {
    // A null target keeps its null tag: only text that reads as null fits it.
    if (resolveV3Value(text) !== null) fail(file, `cannot decode \`${text}\` as a !!null`);
    set(null, text);
  }
}
