// Kustomization sub-reconciler: resolves the sourceRef to the source object and its current artifact.
import type { KubeClient, KubeObject } from '../../kube/index.js';
import { isNotFound } from '../../kube/index.js';
import {
  ConditionType,
  ErrorCategory,
  EventAnnotation,
  FlotillaError,
  Reason,
  formatDuration,
} from '../../core/index.js';
import type { StepResult } from '../runtime/kind.js';
import type { CrossNamespaceSourceReference } from './types.js';
import { timeoutOf, type KustomizationContext, type KustomizationWork } from './work.js';

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

/** How soon to look again for an artifact this controller is about to store (after a takeover). */
const ARTIFACT_PENDING_REQUEUE_MS = 1000;

/**
 * Sub-reconciler: the source's current artifact. After a leader takeover a source's status can
 * still name the previous leader's storage until this controller has stored the artifact
 * itself; then the reconcile waits a moment instead of failing on an address that is gone.
 */
export async function reconcileSource(
  ctx: KustomizationContext,
  work: KustomizationWork,
): Promise<StepResult> {
  const ks = ctx.obj;
  const { artifact } = await resolveSource(
    ctx.deps.client,
    ks.spec.sourceRef,
    ks.metadata.namespace ?? 'default',
  );
  const url = ctx.deps.artifactUrl ? await ctx.deps.artifactUrl(artifact) : artifact.url;
  if (url === undefined) {
    return {
      requeueAfterMs: ARTIFACT_PENDING_REQUEUE_MS,
      message: `artifact of ${describeSourceRef(ks.spec.sourceRef, ks.metadata.namespace ?? 'default')} not yet in this controller's storage`,
    };
  }
  work.artifact = { ...artifact, url };
  ctx.status.lastAttemptedRevision = artifact.revision;
  ctx.annotateEvents({ [EventAnnotation.KustomizeRevision]: artifact.revision });
  ctx.conditions.markTrue(
    ConditionType.Reconciling,
    Reason.Progressing,
    `Fetching manifests for revision ${artifact.revision} with a timeout of ${formatDuration(timeoutOf(ctx))}`,
  );
  ctx.conditions.markUnknown(ConditionType.Ready, Reason.Progressing, 'Reconciliation in progress');
  await ctx.patch();
  return undefined;
}
