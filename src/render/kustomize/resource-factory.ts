// kustomize's resource factory: YAML text to resources, in the steps kustomize takes (kyaml's
// reader unwraps a lone List; empty documents are dropped and the rest must have kind and name;
// `*List` kinds are inlined, their items re-read through JSON and queued at the end), with
// annotations rewritten as strings.
import {
  goJsonNumber,
  hasDocumentSeparator,
  isYamlMap,
  parseYamlDocuments,
  YamlParseError,
} from '../yaml/index.js';
import type { YamlMap, YamlValue } from '../yaml/index.js';
import { KustomizeError } from './loader.js';
import { Resource, scalarString } from './resource.js';

function kindOf(d: YamlMap): string {
  return scalarString(d['kind']);
}

/** kyaml's ByteReader: every non-empty document, a lone List (or ResourceList) unwrapped into its items. */
function readNodes(text: string, source: string): YamlValue[] {
  let docs: YamlValue[];
  try {
    docs = parseYamlDocuments(text, false, true);
  } catch (err) {
    if (err instanceof YamlParseError)
      throw new KustomizeError(`${source}: invalid YAML: ${err.message}`, { file: source });
    throw err;
  }
  // The reader unwraps a List only when the text has no document separator.
  const single = !hasDocumentSeparator(text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text);
  const nodes: YamlValue[] = [];
  for (const d of docs) {
    if (d === null) continue;
    const unwrap =
      isYamlMap(d) &&
      single &&
      (kindOf(d) === 'List' || kindOf(d) === 'ResourceList') &&
      ('items' in d || 'functionConfig' in d) &&
      (d['items'] === undefined || d['items'] === null || Array.isArray(d['items']));
    if (unwrap) {
      const items = d['items'];
      if (Array.isArray(items)) nodes.push(...items);
    } else nodes.push(d);
  }
  return nodes;
}

/**
 * kyaml's GetValidatedMetadata, which kustomize applies to every object it reads and to the
 * results of JSON patches and replacements: a kind, and a name unless a `*List`.
 */
export function validateMetadata(n: YamlMap, source: string, field?: string): void {
  const where = field === undefined ? source : `${source}: ${field}`;
  const kind = kindOf(n);
  if (kind === '')
    throw new KustomizeError(`${where}: missing Resource metadata: a resource needs 'kind'`, {
      file: source,
      field: field ?? 'kind',
    });
  const meta = n['metadata'];
  const name = isYamlMap(meta) ? scalarString(meta['name']) : '';
  if (name === '' && !kind.endsWith('List'))
    throw new KustomizeError(`${where}: missing metadata.name in ${kind} object`, {
      file: source,
      field: field ?? 'metadata.name',
    });
}

/** The factory's dropBadNodes: empty ones go; the others need a kind, and a name unless a `*List`. */
function validated(nodes: readonly YamlValue[], source: string): YamlMap[] {
  const out: YamlMap[] = [];
  for (const n of nodes) {
    if (n === null) continue;
    if (typeof n === 'object' && Object.keys(n).length === 0) continue;
    if (!isYamlMap(n))
      throw new KustomizeError(`${source}: a resource document must be a YAML map`, {
        file: source,
      });
    validateMetadata(n, source);
    out.push(n);
  }
  return out;
}

/** An annotation value after kustomize's JSON step (a `*List` item): numbers as encoding/json writes them. */
function jsonAnnotationText(v: YamlValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return goJsonNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return '';
}

/** kustomize's resource factory: the resources a YAML text holds, in kustomize's order. */
export function resourcesFromText(text: string, source: string): Resource[] {
  const queue: Array<{ readonly node: YamlMap; readonly viaJson: boolean }> = validated(
    readNodes(text, source),
    source,
  ).map((node) => ({ node, viaJson: false }));
  const out: Resource[] = [];
  while (queue.length > 0) {
    const { node: d, viaJson } = queue.shift() as (typeof queue)[number];
    const kind = kindOf(d);
    if (kind.endsWith('List') && 'items' in d) {
      const items = d['items'];
      if (items === null || items === undefined) continue;
      if (!Array.isArray(items))
        throw new KustomizeError(`${source}: expected array in ${kind}/items`, { file: source });
      for (const item of validated(items, source)) queue.push({ node: item, viaJson: true });
      continue;
    }
    const r = new Resource(d, source);
    // kustomize's reader rewrites annotations as strings (their source text, or their JSON text
    // for items of a `*List`; a map or list reads as ""). An empty map stays until the output (a
    // JSON patch can add to it); any other value that is not a map goes.
    const ann = r.annotations();
    for (const [k, v] of Object.entries(ann))
      if (typeof v !== 'string') ann[k] = viaJson ? jsonAnnotationText(v) : '';
    if (
      Object.keys(ann).length > 0 ||
      !isYamlMap(r.obj['metadata']) ||
      !isYamlMap(r.obj['metadata']['annotations'])
    )
      r.setAnnotations(ann);
    out.push(r);
  }
  return out;
}
