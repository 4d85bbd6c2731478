// Resolves a Kustomization's sourceRef to the source object and its current artifact.
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import { ErrorCategory, FlotillaError, Reason } from '../../core/index.js';
import type { CrossNamespaceSourceReference } from './types.js';

/** The artifact fields a consumer needs from a source's `status.artifact`. */
export interface SourceArtifact {
  readonly url: string;
  readonly revision: string;
  readonly digest: string;
}

const SOURCE_API_VERSIONS: Record<string, string> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  ExternalArtifact: 'source.toolkit.fluxcd.io/v1',
};

/** `Kind/namespace/name` of a source reference, resolved against the referrer's namespace. */
export function describeSourceRef(ref: CrossNamespaceSourceReference, namespace: string): string {
  return `${ref.kind}/${ref.namespace ?? namespace}/${ref.name}`;
}

/**
 * Gets the source object and its artifact. Throws a RetryLater FlotillaError with Flux's
 * wording when the source or its artifact is missing.
 */
export async function resolveSource(
  client: KubeClient,
  ref: CrossNamespaceSourceReference,
  namespace: string,
): Promise<{ source: KubeObject; artifact: SourceArtifact }> {
  const apiVersion = ref.apiVersion ?? SOURCE_API_VERSIONS[ref.kind];
  if (!apiVersion) {
    throw new FlotillaError(`source kind '${ref.kind}' is not supported`, {
      reason: Reason.ArtifactFailed,
      field: 'spec.sourceRef.kind',
    });
  }
  const name = describeSourceRef(ref, namespace);
  let source: KubeObject & { status?: { artifact?: Partial<SourceArtifact> } };
  try {
    source = await client.get({
      apiVersion,
      kind: ref.kind,
      namespace: ref.namespace ?? namespace,
      name: ref.name,
    });
  } catch (err) {
    if (isNotFound(err) || (err instanceof FlotillaError && err.reason === 'NoKindMatch')) {
      throw new FlotillaError(`Source '${name}' not found`, {
        reason: Reason.ArtifactFailed,
        category: ErrorCategory.RetryLater,
        object: name,
      });
    }
    throw err;
  }
  const a = source.status?.artifact;
  if (!a?.url || !a.revision || !a.digest) {
    throw new FlotillaError(`Source artifact not found in '${name}'`, {
      reason: Reason.ArtifactFailed,
      category: ErrorCategory.RetryLater,
      object: name,
    });
  }
  return { source, artifact: { url: a.url, revision: a.revision, digest: a.digest } };
}
