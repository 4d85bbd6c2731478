// Which Kubernetes objects a commit added, modified or removed: the YAML documents of each changed
// file before and after, matched by kind, namespace and name. Objects without a namespace take
// the `namespace` of the kustomization.yaml beside them, as kustomize would set it.
import { parseYamlDocuments } from '../../../render/index.js';
import type { ChangeType, ObjectChange } from '../../api/types.js';

/** One changed file of a commit with its text before and after ('' where it did not exist). */
export interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
  /** The namespace kustomize gives objects of this file's folder, '' when none. */
  readonly namespaceBefore: string;
  readonly namespaceAfter: string;
}

interface ObjectDoc {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The document as JSON, to compare versions. */
  readonly text: string;
}

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/** Files that can hold Kubernetes objects. */
export function isManifestPath(path: string): boolean {
  return /\.(ya?ml|json)$/i.test(path) || KUSTOMIZATION_FILE.test(path);
}

function docsOf(text: string, path: string, defaultNamespace: string): ObjectDoc[] {
  if (text === '') return [];
  let docs: unknown[];
  try {
    docs = path.toLowerCase().endsWith('.json') ? [JSON.parse(text)] : parseYamlDocuments(text);
  } catch {
    // Not YAML Tower can read (a Helm template, a broken file): no objects to report.
    return [];
  }
  return docs.flatMap((d): ObjectDoc[] => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return [];
    const o = d as Record<string, unknown>;
    // kustomization.yaml files usually leave out apiVersion and kind.
    const kind =
      typeof o['kind'] === 'string'
        ? o['kind']
        : KUSTOMIZATION_FILE.test(path)
          ? 'Kustomization'
          : '';
    const meta = (o['metadata'] ?? {}) as Record<string, unknown>;
    if (kind === '') return [];
    // kustomization.yaml files have no name: they are named by their folder.
    const name =
      typeof meta['name'] === 'string'
        ? meta['name']
        : kind === 'Kustomization'
          ? path.slice(0, path.lastIndexOf('/') + 1) || './'
          : '';
    // The namespace a kustomization.yaml sets is for what it builds, not for the file itself.
    const namespace =
      typeof meta['namespace'] === 'string'
        ? meta['namespace']
        : KUSTOMIZATION_FILE.test(path)
          ? ''
          : defaultNamespace;
    return [{ kind, namespace, name, text: JSON.stringify(d) }];
  });
}

/** The objects one commit changed, file by file. */
export function objectChanges(files: readonly FileChange[]): ObjectChange[] {
  const out: ObjectChange[] = [];
  for (const f of files) {
    const before = docsOf(f.before, f.path, f.namespaceBefore);
    const after = docsOf(f.after, f.path, f.namespaceAfter);
    const key = (d: ObjectDoc) => `${d.kind}\u0000${d.namespace}\u0000${d.name}`;
    const old = new Map(before.map((d) => [key(d), d]));
    const seen = new Set<string>();
    const push = (d: ObjectDoc, change: ChangeType) =>
      out.push({ kind: d.kind, namespace: d.namespace, name: d.name, change, path: f.path });
    for (const d of after) {
      const k = key(d);
      seen.add(k);
      const prev = old.get(k);
      if (!prev) push(d, 'added');
      else if (prev.text !== d.text) push(d, 'modified');
    }
    for (const [k, d] of old) if (!seen.has(k)) push(d, 'removed');
  }
  return out;
}

/** The `namespace:` field of a kustomization.yaml text, '' when none. */
export function kustomizationNamespace(text: string): string {
  try {
    const doc = parseYamlDocuments(text)[0];
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return '';
    const ns = (doc as Record<string, unknown>)['namespace'];
    return typeof ns === 'string' ? ns : '';
  } catch {
    return '';
  }
}
