// GitRepository sub-reconciler for spec.include: the artifacts of the included GitRepositories
// (waiting for them when they have none yet), and their contents copied into a checkout.
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, stat } from 'node:fs/promises';
import { join, normalize, relative, resolve as resolvePath, sep } from 'node:path';
import { errorMessage } from '../../core/index.js';
import { extractTarball, type Artifact, type ArtifactStore } from '../../source/index.js';
import { failedCondition, failure, waiting } from '../runtime/reconcile-error.js';
import { GitRepositoryCondition as C } from './conditions.js';
import type { GitRepositoryInclude } from './types.js';
import type { GitContext, GitWork } from './work.js';

/** How soon to retry an include whose artifact is not there yet (Flux's --requeue-dependency). */
const DEPENDENCY_REQUEUE_MS = 30_000;

/** Reads the included artifacts (their contents are copied after checkout) and notes changes. */
export async function reconcileIncludes(ctx: GitContext, work: GitWork): Promise<void> {
  const { spec, metadata } = ctx.obj;
  const unavailable = (reason: string, message: string) =>
    failedCondition(
      ctx.conditions,
      C.IncludeUnavailable,
      waiting(reason, message, DEPENDENCY_REQUEUE_MS),
    );
  for (const incl of spec.include ?? []) {
    let a: Artifact | undefined;
    try {
      a = await ctx.deps.getArtifact(metadata.namespace, incl.repository.name);
    } catch (e) {
      throw unavailable(
        'NotFound',
        `could not get resource for include '${incl.repository.name}': ${errorMessage(e)}`,
      );
    }
    if (!a)
      throw unavailable(
        'NoArtifact',
        `no artifact available for include '${incl.repository.name}'`,
      );
    work.includes.push(a);
  }
  ctx.conditions.delete(C.IncludeUnavailable);
  const previous = ctx.obj.status?.includedArtifacts;
  work.includesChanged =
    JSON.stringify(work.includes.map((a) => a.digest)) !==
    JSON.stringify((previous ?? []).map((a) => a.digest));
  if (work.includesChanged && (spec.include ?? []).length + (previous ?? []).length > 0) {
    const message = 'included artifacts differ from last observed includes';
    if (previous) ctx.conditions.markTrue(C.ArtifactOutdated, 'IncludeChange', message);
    ctx.progressing(`building artifact: ${message}`);
  }
  ctx.conditions.delete(C.ArtifactOutdated);
}

/** Copies each included artifact's fromPath to toPath in the checkout (Flux's CopyToPath). */
export async function copyIncludes(
  dir: string,
  specs: readonly GitRepositoryInclude[],
  artifacts: readonly Artifact[],
  work: string,
  store: ArtifactStore,
): Promise<void> {
  for (const [i, incl] of specs.entries()) {
    const artifact = artifacts[i];
    if (!artifact) continue;
    const name = incl.repository.name;
    const toRel = incl.toPath ?? name;
    let toPath: string;
    try {
      toPath = secureJoin(dir, toRel);
    } catch (e) {
      throw failure(
        'IllegalPath',
        `path calculation for include '${name}' failed: ${errorMessage(e)}`,
      );
    }
    try {
      const extracted = await mkdtemp(join(work, 'include-'));
      await extractTarball(createReadStream(store.localPath(artifact.path)), extracted, {
        label: `include '${name}'`,
      });
      const from = secureJoin(extracted, incl.fromPath ?? '');
      const st = await stat(from);
      await mkdir(toPath, { recursive: true });
      if (st.isDirectory()) await cp(from, toPath, { recursive: true, force: true });
      else await cp(from, join(toPath, relative(extracted, from).split(sep).pop() ?? 'file'));
    } catch (e) {
      throw failure(
        'CopyFailure',
        `failed to copy '${name}' include from ${incl.fromPath ?? ''} to ${toRel}: ${errorMessage(e)}`,
      );
    }
  }
}

/** Joins a relative path below root, refusing escapes (Flux's securejoin refuses them). */
function secureJoin(root: string, rel: string): string {
  const p = resolvePath(root, normalize(`/${rel}`).slice(1));
  if (p !== root && !p.startsWith(root + sep))
    throw new Error(`path '${rel}' escapes the artifact root`);
  return p;
}
