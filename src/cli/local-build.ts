// Builds a Kustomization from a local directory the way the controller would (the same Flux
// build, substitution included), for `flotilla build ks` and `flotilla diff ks`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { diskFs } from '../core/index.js';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { KubeClient, KubeObject } from '../kube/index.js';
import { fluxBuild, loadSubstituteFrom, type Kustomization } from '../controller/index.js';
import { CliError } from './errors.js';
import { FluxKinds } from './kube.js';

export interface LocalBuildInput {
  readonly name: string;
  readonly namespace: string;
  /** The local directory that corresponds to the Kustomization's spec.path. */
  readonly path: string;
  /** Read the Kustomization from this file instead of the cluster. */
  readonly kustomizationFile?: string;
  /** Do not contact the cluster: substituteFrom is skipped. */
  readonly dryRun?: boolean;
}

/** The Kustomization object, from a file or from the cluster. */
export async function loadKustomization(
  client: KubeClient | undefined,
  input: LocalBuildInput,
): Promise<Kustomization> {
  if (input.kustomizationFile) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(input.kustomizationFile, 'utf8'));
    } catch (err) {
      throw new CliError(
        `${input.kustomizationFile}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const ks = doc as Kustomization | null;
    if (ks?.kind !== 'Kustomization' || !ks.spec) {
      throw new CliError(
        `${input.kustomizationFile}: not a Flux Kustomization (kind: Kustomization with a spec)`,
      );
    }
    return ks;
  }
  if (!client)
    throw new CliError(
      '--dry-run needs --kustomization-file: the Kustomization cannot be read from the cluster',
    );
  const ks = await client.getOrUndefined<Kustomization>({
    ...FluxKinds.kustomization,
    namespace: input.namespace,
    name: input.name,
  });
  if (!ks) throw new CliError(`Kustomization '${input.namespace}/${input.name}' not found`);
  return ks;
}

/** The top of the git working copy holding `dir`, or `dir` itself outside git. */
function sourceRoot(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return dir;
  }
}

/** Renders the objects the controller would apply for this Kustomization and directory. */
export async function buildLocally(
  client: KubeClient | undefined,
  ks: Kustomization,
  path: string,
): Promise<KubeObject[]> {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new CliError(`--path: '${path}' is not a directory`);
  const root = sourceRoot(dir);
  // The build writes nothing: Flux's overlay of the kustomization file is read from memory.
  const substituteFrom = client ? await loadSubstituteFrom(client, ks) : [];
  return fluxBuild({
    fs: diskFs,
    root,
    dir,
    kustomization: ks,
    substituteFrom,
    // No keys here: encrypted Secret values are masked, as `flux build` does.
    decryption: 'mask',
  });
}
