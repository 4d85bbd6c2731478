// A release's manifests as objects to apply: parsed, put into the release namespace when
// namespaced, and marked as Helm marks what it installs (the managed-by label and the
// release-name/-namespace annotations), so that helm itself adopts and upgrades them.
import { parseAllDocuments } from 'yaml';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.js';

export async function manifestObjects(
  manifest: string,
  client: KubeClient,
  release: { readonly name: string; readonly namespace: string },
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as KubeObject | null;
    if (!obj || typeof obj !== 'object' || !obj.kind) continue;
    const [group, version] = obj.apiVersion.includes('/')
      ? obj.apiVersion.split('/')
      : ['', obj.apiVersion];
    const resource = await client.discovery
      .tryResourceFor({ group: group ?? '', version: version ?? '', kind: obj.kind })
      .catch(() => undefined);
    const metadata = { ...obj.metadata };
    if (resource?.namespaced !== false) metadata.namespace ||= release.namespace;
    else delete metadata.namespace;
    metadata.labels = { ...metadata.labels, 'app.kubernetes.io/managed-by': 'Helm' };
    metadata.annotations = {
      ...metadata.annotations,
      'meta.helm.sh/release-name': release.name,
      'meta.helm.sh/release-namespace': release.namespace,
    };
    out.push({ ...obj, metadata });
  }
  return out;
}

export function refsOf(objects: readonly KubeObject[]): ObjectRef[] {
  return objects.map((o) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name ?? '',
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  }));
}

export const refKey = (r: ObjectRef): string =>
  `${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
