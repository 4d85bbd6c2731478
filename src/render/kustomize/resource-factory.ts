// kustomize's resource factory: YAML text to resources (documents parsed as kustomize reads them, empty
// ones dropped, `*List` kinds inlined, annotations stringified).
import { isYamlMap, parseYamlDocuments, YamlParseError } from '../yaml/index.js';
import type { YamlValue } from '../yaml/index.js';
import { KustomizeError } from './loader.js';
import { Resource, scalarString } from './resource.js';

/** kustomize's resource factory: parse documents, drop empty ones, inline `*List` kinds (items go to the end). */
export function resourcesFromText(text: string, source: string): Resource[] {
  let docs: YamlValue[];
  try {
    docs = parseYamlDocuments(text, false, true);
  } catch (err) {
    if (err instanceof YamlParseError)
      throw new KustomizeError(`${source}: invalid YAML: ${err.message}`, { file: source });
    throw err;
  }
  const queue: YamlValue[] = docs.filter(
    (d) => d !== null && !(isYamlMap(d) && Object.keys(d).length === 0),
  );
  const out: Resource[] = [];
  while (queue.length > 0) {
    const d = queue.shift() as YamlValue;
    if (!isYamlMap(d))
      throw new KustomizeError(`${source}: a resource document must be a YAML map`, {
        file: source,
      });
    const kind = scalarString(d['kind']);
    if (kind.endsWith('List') && 'items' in d) {
      const items = d['items'];
      if (items === null || items === undefined) continue;
      if (!Array.isArray(items))
        throw new KustomizeError(`${source}: items field in ${kind} is not a sequence`, {
          file: source,
        });
      queue.push(...items.filter((i) => i !== null));
      continue;
    }
    if (kind === '')
      throw new KustomizeError(`${source}: missing Resource metadata: a resource needs 'kind'`, {
        file: source,
        field: 'kind',
      });
    const r = new Resource(d, source);
    if (r.name === '') {
      throw new KustomizeError(`${source}: missing metadata.name in ${kind} object`, {
        file: source,
        field: 'metadata.name',
      });
    }
    // kustomize's reader rewrites annotations (read as their source text; a map or list value
    // reads as ""); an empty map disappears.
    const ann = r.annotations();
    for (const [k, v] of Object.entries(ann)) if (typeof v !== 'string') ann[k] = '';
    r.setAnnotations(ann);
    out.push(r);
  }
  return out;
}
