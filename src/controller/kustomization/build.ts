// Kustomization sub-reconciler: fetches the source artifact, checks spec.path, and renders the
// manifests with Flux's build — or reuses the last build when the artifact, the spec and the
// substitution values are all unchanged (no fetch, no kustomize build).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { KubeObject } from '../../kube/index.js';
import { ConditionType, Reason, errorMessage } from '../../core/index.js';
import { buildFluxKustomization } from '../../render/index.js';
import { fetchArtifact } from '../../source/index.js';
import { failure } from '../runtime/reconcile-error.js';
import { asReasoned } from './reasons.js';
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
  work.buildKey = createHash('sha256')
    .update(JSON.stringify([artifact.digest, ks.spec, substituteFrom]))
    .digest('hex');
  work.rendered = ctx.deps.cache.build(cacheKey(ks), work.buildKey);
  if (work.rendered) return;
  await mkdir(ctx.deps.workDir, { recursive: true });
  const dir = await mkdtemp(
    join(ctx.deps.workDir, `${ks.metadata.namespace ?? 'default'}-${ks.metadata.name}-`),
  );
  ctx.defer(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'source');
  try {
    await fetchArtifact(artifact.url, artifact.digest, root, { timeoutMs: timeoutOf(ctx) });
  } catch (err) {
    throw failure(Reason.ArtifactFailed, `failed to fetch artifact: ${errorMessage(err)}`, err);
  }
  const path = await buildPath(root, ks.spec.path, artifact.revision);
  ctx.conditions.markTrue(
    ConditionType.Reconciling,
    Reason.Progressing,
    `Building manifests for revision ${artifact.revision}`,
  );
  try {
    work.rendered = await ctx.deps.build({ root, dir: path, kustomization: ks, substituteFrom });
  } catch (err) {
    throw asReasoned(err, Reason.BuildFailed);
  }
}

/** The directory of spec.path, which must be a directory inside the artifact. */
async function buildPath(
  root: string,
  path: string | undefined,
  revision: string,
): Promise<string> {
  const dir = resolve(root, path ?? './');
  if (dir !== root && !dir.startsWith(root + sep)) {
    throw failure(Reason.InvalidPath, `spec.path '${path ?? ''}' points outside the source`);
  }
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
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
  return Promise.resolve(
    buildFluxKustomization({
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
    }) as KubeObject[],
  );
}
