// The sources apps read (Flux GitRepository and Bucket), as Tower caches them: URL, ref, latest
// revision and credentials reference; nothing else of the object is kept.
import type { KubeObject } from '../../kube/index.js';
import type { SourceRef } from '../api/types.js';

export const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const SOURCE_KINDS = ['GitRepository', 'Bucket'] as const;

interface SourceSpec {
  url?: string;
  bucketName?: string;
  endpoint?: string;
  ref?: { branch?: string; tag?: string; semver?: string; name?: string; commit?: string };
  secretRef?: { name?: string };
  suspend?: boolean;
}

/** Keeps what Tower uses of a source object. */
export function slimSource(obj: KubeObject): KubeObject {
  const spec = (obj['spec'] as SourceSpec | undefined) ?? {};
  const status = obj['status'] as { artifact?: { revision?: string } } | undefined;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: {
      name: obj.metadata.name ?? '',
      namespace: obj.metadata.namespace ?? 'default',
      ...(obj.metadata.resourceVersion === undefined
        ? {}
        : { resourceVersion: obj.metadata.resourceVersion }),
    },
    spec: {
      ...(spec.url === undefined ? {} : { url: spec.url }),
      ...(spec.bucketName === undefined ? {} : { bucketName: spec.bucketName }),
      ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
      ...(spec.ref === undefined ? {} : { ref: spec.ref }),
      ...(spec.secretRef?.name ? { secretRef: { name: spec.secretRef.name } } : {}),
    },
    status: { artifact: { revision: status?.artifact?.revision ?? '' } },
  };
}

/** The branch a GitRepository tracks (Flux's default is `master`), undefined for tags and commits. */
export function branchOf(obj: KubeObject): string | undefined {
  const ref = ((obj['spec'] as SourceSpec | undefined) ?? {}).ref;
  if (!ref) return 'master';
  if (ref.branch) return ref.branch;
  if (ref.name?.startsWith('refs/heads/')) return ref.name.slice('refs/heads/'.length);
  if (ref.tag || ref.semver || ref.commit || ref.name) return undefined;
  return 'master';
}

export function secretNameOf(obj: KubeObject): string | undefined {
  return ((obj['spec'] as SourceSpec | undefined) ?? {}).secretRef?.name;
}

/** The SourceRef of a cached source object. */
export function sourceRefOf(obj: KubeObject): SourceRef {
  const spec = (obj['spec'] as SourceSpec | undefined) ?? {};
  const revision = (obj['status'] as { artifact?: { revision?: string } } | undefined)?.artifact
    ?.revision;
  const ref = spec.ref;
  const refText = ref
    ? (ref.branch ?? ref.tag ?? ref.semver ?? ref.name ?? ref.commit ?? '')
    : obj.kind === 'GitRepository'
      ? 'master'
      : '';
  const url =
    spec.url ?? (spec.bucketName ? `${spec.endpoint ?? ''}/${spec.bucketName}` : undefined);
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name ?? '',
    ...(url === undefined ? {} : { url }),
    ...(refText ? { ref: refText } : {}),
    ...(revision ? { revision } : {}),
  };
}

/** The commit id of a Flux revision (`main@sha1:abc…`, `sha1:abc…` or a bare id). */
export function commitOf(revision: string): string | undefined {
  const m = /(?:^|[@:])([0-9a-f]{40}|[0-9a-f]{64})$/.exec(revision);
  return m?.[1];
}
