// Kustomization sub-reconciler: fetches the source artifact, checks spec.path, and renders the
// manifests with Flux's build (decrypting with the keys of spec.decryption) — or reuses the last
// build when the artifact, the spec, the substitution values and the keys are all unchanged (no
// fetch, no kustomize build).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { KubeObject } from '../../kube/index.js';
import { ConditionType, Reason, errorMessage, type ReadFs } from '../../core/index.js';
import { buildFluxKustomization } from '../../render/index.js';
import { failure } from '../runtime/reconcile-error.js';
import { asReasoned } from './reasons.js';
import { loadDecryptionKeys } from './decryption.js';
import { loadSubstituteFrom } from './variables.js';
import {
  cacheKey,
  timeoutOf,
  type BuildInput,
  type KustomizationContext,
  type KustomizationWork,
} from './work.js';

/** Renders the manifests of the source's artifact (or takes them from the cache). */
export async function reconcileBuild(
  ctx: KustomizationContext,
  work: KustomizationWork,
): Promise<void> {
  const ks = ctx.obj;
  const artifact = work.artifact;
  if (!artifact) throw new Error('internal error: no source artifact resolved');
  const substituteFrom = await loadSubstituteFrom(ctx.deps.client, ks);
  const keys = await loadDecryptionKeys(ctx.deps.client, ks);
  work.buildKey = createHash('sha256')
    .update(JSON.stringify([artifact.digest, ks.spec, substituteFrom, keys?.digest ?? null]))
    .digest('hex');
  work.rendered = ctx.deps.cache.build(cacheKey(ks), work.buildKey);
  if (work.rendered) return;
  let held;
  try {
    // One download and unpacking per digest, shared by every Kustomization of the revision.
    held = await ctx.deps.artifacts.hold(artifact.url, artifact.digest, {
      timeoutMs: timeoutOf(ctx),
    });
  } catch (err) {
    throw failure(Reason.ArtifactFailed, `failed to fetch artifact: ${errorMessage(err)}`, err);
  }
  ctx.defer(() => held.release());
  const root = held.root;
  const path = buildPath(held.fs, root, ks.spec.path, artifact.revision);
  ctx.conditions.markTrue(
    ConditionType.Reconciling,
    Reason.Progressing,
    `Building manifests for revision ${artifact.revision}`,
  );
  try {
    const decryption = keys ? await keys.decryptor() : undefined;
    work.rendered = await ctx.deps.build({
      fs: held.fs,
      root,
      dir: path,
      kustomization: ks,
      substituteFrom,
      ...(decryption ? { decryption } : {}),
    });
  } catch (err) {
    throw asReasoned(err, Reason.BuildFailed);
  }
}

/** The directory of spec.path, which must be a directory inside the artifact. */
function buildPath(fs: ReadFs, root: string, path: string | undefined, revision: string): string {
  const dir = posix.resolve(root, path ?? './');
  if (dir !== root && !dir.startsWith(root + '/')) {
    throw failure(Reason.InvalidPath, `spec.path '${path ?? ''}' points outside the source`);
  }
  if (fs.kind(dir) !== 'dir') {
    throw failure(
      Reason.InvalidPath,
      `kustomization path not found: '${path ?? './'}' in revision ${revision}`,
    );
  }
  return dir;
}

/** The Flux build of a Kustomization, as the reconciler's build phase. */
export function fluxBuild(input: BuildInput): Promise<KubeObject[]> {
  const spec = input.kustomization.spec;
  return buildFluxKustomization({
    fs: input.fs,
    root: input.root,
    dir: input.dir,
    overlay: {
      ...(spec.targetNamespace ? { targetNamespace: spec.targetNamespace } : {}),
      ...(spec.namePrefix ? { namePrefix: spec.namePrefix } : {}),
      ...(spec.nameSuffix ? { nameSuffix: spec.nameSuffix } : {}),
      ...(spec.components ? { components: spec.components } : {}),
      ...(spec.patches
        ? {
            patches: spec.patches.map((p) => ({
              patch: p.patch,
              ...(p.target ? { target: { ...p.target } } : {}),
            })),
          }
        : {}),
      ...(spec.images ? { images: spec.images } : {}),
    },
    postBuild: spec.postBuild !== undefined,
    substituteFrom: input.substituteFrom,
    ...(spec.postBuild?.substitute ? { substitute: spec.postBuild.substitute } : {}),
    ...(input.decryption ? { decryption: input.decryption } : {}),
  }) as Promise<KubeObject[]>;
}
