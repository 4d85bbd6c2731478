// `replacements`: copy a field of one object into fields of selected objects (with delimiter/index/create options).
import { cloneValue, isYamlMap, parseYamlDocuments, resolveV3Value } from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { findFields, getFieldValue } from './field-path.js';
import { KustomizeError } from './loader.js';
import type { FileLoader } from './loader.js';
import { effectiveNamespace, gvkIsSelected, parseApiVersion, scalarString } from './resource.js';
import type { Gvk, ResId, Resource } from './resource.js';
import { parseLabelSelector } from './selector.js';

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
  const av = scalarString(m['apiVersion']);
  if (av !== '') Object.assign(gvk, parseApiVersion(av));
  for (const k of ['group', 'version', 'kind'] as const) {
    const v = scalarString(m[k]);
    if (v !== '') gvk[k] = v;
  }
  return { gvk, name: scalarString(m['name']), namespace: scalarString(m['namespace']) };
}

function isSelectedBy(id: ResId, s: IdSelector): boolean {
  if (s.name !== '' && s.name !== id.name) return false;
  if (
    s.namespace !== '' &&
    effectiveNamespace(id) !== effectiveNamespace({ ...id, namespace: s.namespace })
  )
    return false;
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

function textOf(v: YamlValue): string {
  return scalarString(v);
}

function fail(file: string, msg: string): never {
  throw new KustomizeError(`${file}: replacements: ${msg}`, { file, field: 'replacements' });
}

function loadEntries(list: readonly YamlValue[], ldr: FileLoader, file: string): YamlMap[] {
  const out: YamlMap[] = [];
  list.forEach((e, i) => {
    if (!isYamlMap(e)) fail(file, `entry ${i} must be a map`);
    if (typeof e['path'] === 'string') {
      const docs = parseYamlDocuments(ldr.readFile(e['path'], `replacements[${i}].path`));
      for (const d of docs) {
        if (d === null) continue;
        const items = Array.isArray(d) ? d : [d];
        for (const it of items) {
          if (!isYamlMap(it)) fail(file, `${e['path']}: each replacement must be a map`);
          out.push(it);
        }
      }
    } else out.push(e);
  });
  return out;
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
    if (!isYamlMap(src) || !Array.isArray(targets))
      fail(file, 'replacements must specify a source and at least one target');
    const sel = idSelector(src);
    const matches = resources.filter((res) => res.allIds().some((id) => isSelectedBy(id, sel)));
    if (matches.length > 1) fail(file, `multiple matches for selector ${describe(sel)}`);
    const source = matches[0];
    if (!source) fail(file, `nothing selected by ${describe(sel)}`);
    const fp = scalarString(src['fieldPath']) || 'metadata.name';
    let value = getFieldValue(source.obj, fp);
    if (
      value === undefined ||
      value === null ||
      (isYamlMap(value) && Object.keys(value).length === 0)
    ) {
      fail(file, `fieldPath \`${fp}\` is missing for replacement source ${describe(sel)}`);
    }
    const so = options(src['options']);
    if (so.delimiter !== '') {
      if (typeof value === 'object')
        fail(file, 'delimiter option can only be used with scalar nodes');
      const parts = textOf(value).split(so.delimiter);
      if (so.index >= parts.length || so.index < 0) {
        fail(file, `options.index ${so.index} is out of bounds for value ${textOf(value)}`);
      }
      value = parts[so.index] ?? '';
    }
    for (const t of targets) {
      if (!isYamlMap(t) || !isYamlMap(t['select']))
        fail(file, 'target must specify resources to select');
      applyTarget(resources, value, t, file);
    }
  }
}

function describe(s: IdSelector): string {
  const g = [s.gvk.kind, s.gvk.version, s.gvk.group].filter((x) => x).join('.');
  return `${g || '~K'}/${s.name || '~N'}.${s.namespace || '~X'}`;
}

function applyTarget(resources: Resource[], value: YamlValue, t: YamlMap, file: string): void {
  const select = t['select'] as YamlMap;
  const sel = idSelector(select);
  const rejects = (Array.isArray(t['reject']) ? t['reject'] : []).filter(isYamlMap).map(idSelector);
  const labelReqs =
    typeof select['labelSelector'] === 'string' ? parseLabelSelector(select['labelSelector']) : [];
  const annReqs =
    typeof select['annotationSelector'] === 'string'
      ? parseLabelSelector(select['annotationSelector'])
      : [];
  const paths = Array.isArray(t['fieldPaths'])
    ? t['fieldPaths'].map((x) => scalarString(x))
    : ['metadata.name'];
  const opts = options(t['options']);
  for (const res of resources) {
    const ids = res.allIds();
    const labels = strings(res.labels());
    const anns = strings(res.annotations());
    if (!labelReqs.every((q) => q(labels)) || !annReqs.every((q) => q(anns))) continue;
    if (!ids.some((id) => isSelectedBy(id, sel))) continue;
    const rejected = rejects.some((rj) => {
      const empty =
        rj.name === '' && rj.namespace === '' && !rj.gvk.group && !rj.gvk.version && !rj.gvk.kind;
      return !empty && ids.some((id) => isSelectedBy(id, rj));
    });
    if (rejected) continue;
    for (const fp of paths) {
      const kind =
        value !== null && typeof value === 'object'
          ? Array.isArray(value)
            ? 'seq'
            : 'map'
          : 'scalar';
      const fields = findFields(res.obj, fp, opts.create ? kind : undefined);
      if (fields.length === 0) {
        fail(
          file,
          opts.create
            ? `unable to find or create field "${fp}" in replacement target`
            : `unable to find field "${fp}" in replacement target`,
        );
      }
      for (const f of fields) {
        const before = f.get();
        setField(before, (v) => f.set(v), f.created, value, opts, file);
        // A scalar kustomize shares between several label/annotation fields changes in all of them.
        const holder = f.holder;
        if (holder === undefined || typeof before !== 'string') continue;
        const after = f.get();
        for (const group of res.entryAliases) {
          if (!group.some(([m, k]) => m === holder[0] && k === holder[1])) continue;
          for (const [m, k] of group) if (m[k] === before) m[k] = after;
        }
      }
    }
  }
}

function strings(m: YamlMap): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(m)) out[k] = scalarString(v);
  return out;
}

function setField(
  cur: YamlValue,
  set: (v: YamlValue) => void,
  created: boolean,
  value: YamlValue,
  o: Options,
  file: string,
): void {
  let v = cloneValue(value);
  if (o.delimiter !== '') {
    if (cur !== null && typeof cur === 'object')
      fail(file, 'delimiter option can only be used with scalar nodes');
    const parts = textOf(cur).split(o.delimiter);
    const s = textOf(v);
    if (o.index < 0) parts.unshift(s);
    else if (o.index >= parts.length) parts.push(s);
    else parts[o.index] = s;
    v = parts.join(o.delimiter);
  }
  const curIsScalar = cur === null || typeof cur !== 'object';
  if (!curIsScalar || (v !== null && typeof v === 'object')) {
    set(v);
    return;
  }
  // Scalars keep the target's type; only the text is copied (created fields resolve from the text).
  const text = textOf(v);
  if (created || cur === '') {
    set(created ? resolveV3Value(text) : typeof v === 'string' ? text : v);
    return;
  }
  if (typeof cur === 'string') set(text);
  else if (typeof cur === 'number' || typeof cur === 'bigint') {
    const r = resolveV3Value(text);
    if (typeof r !== 'number' && typeof r !== 'bigint')
      fail(file, `cannot decode !!int \`${text}\``);
    set(r);
  } else if (typeof cur === 'boolean') {
    const r = resolveV3Value(text);
    if (typeof r !== 'boolean') fail(file, `cannot decode !!bool \`${text}\``);
    set(r);
  } else set(typeof v === 'string' ? text : v);
}
