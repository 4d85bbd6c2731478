// Flux's build of a Kustomization's path: the overlay from the Kustomization spec, SOPS decryption
// of the files kustomize reads, a kustomize build confined to the source artifact, decryption of
// the encrypted objects (or their refusal without spec.decryption, or masking for a keyless local
// build), then postBuild variable substitution. It writes nothing: the overlay and the decrypted
// files are read in place of the files they replace.
import { join, relative } from 'node:path';
import { FlotillaError, diskFs, overlayFs, type ReadFs } from '../../core/index.js';
import { buildKustomization, KustomizeError, LoadRestrictor } from '../kustomize/index.js';
import { emitYaml, parseYaml, type YamlMap } from '../yaml/index.js';
import { mergeVariables, substituteVariables, type KubeObject } from '../postbuild/index.js';
import { applyFluxOverlay, type FluxOverlay } from './overlay.js';
import {
  decryptObjects,
  decryptSources,
  findEncrypted,
  maskSopsSecrets,
  type FluxDecryptor,
} from './decrypt.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface FluxBuildInput {
  /** Root of the extracted source; nothing outside it may be read. */
  readonly root: string;
  /** The directory to build (spec.path inside root). Nothing is written: the overlay is read in place of its kustomization file. */
  readonly dir: string;
  /**
   * Where root's files are read from (an artifact held in memory, shared by every build of a
   * revision, which is why the build writes nothing).
   * @default the disk
   */
  readonly fs?: ReadFs;
  readonly overlay?: FluxOverlay;
  /** postBuild: substituteFrom maps in order, then the inline substitute map. */
  readonly substituteFrom?: readonly Readonly<Record<string, string>>[];
  readonly substitute?: Readonly<Record<string, string>>;
  /** Whether spec.postBuild is set at all (substitution runs only then). @default false */
  readonly postBuild?: boolean;
  /** Fail on unset variables without defaults. @default false */
  readonly strictSubstitution?: boolean;
  /**
   * SOPS: decrypt with these keys (spec.decryption), or `mask` encrypted Secret values (a local
   * build without keys). Without it, an encrypted object fails the build.
   */
  readonly decryption?: FluxDecryptor | 'mask';
}

/** Builds a Flux Kustomization's manifests into plain JSON-compatible objects. */
export async function buildFluxKustomization(input: FluxBuildInput): Promise<KubeObject[]> {
  const base = input.fs ?? diskFs;
  let fs = overlayFs(base, overlayFiles(base, input.root, input.dir, input.overlay ?? {}));
  const decryptor = typeof input.decryption === 'object' ? input.decryption : undefined;
  if (decryptor) fs = overlayFs(fs, await decryptSources(fs, input.root, input.dir, decryptor));
  let objects: KubeObject[];
  try {
    const result = buildKustomization(input.dir, {
      loadRestrictor: LoadRestrictor.None,
      sandboxRoot: input.root,
      fluxAutogenerate: true,
      fs,
    });
    objects = result.objects.map(toJson);
  } catch (err) {
    if (err instanceof KustomizeError) {
      const where = err.file ? relative(input.root, err.file) || '.' : undefined;
      const message = err.message.replaceAll(input.root + '/', '');
      // The build read decrypted files: its message may quote them.
      throw new FlotillaError(
        `kustomize build failed: ${decryptor ? decryptor.redact(message) : message}`,
        {
          reason: 'BuildFailed',
          ...(where ? { file: where } : {}),
          ...(err.field ? { field: err.field } : {}),
          ...(decryptor ? {} : { cause: err }),
        },
      );
    }
    throw err;
  }
  if (decryptor) objects = await decryptObjects(objects, decryptor);
  else if (input.decryption === 'mask') objects = maskSopsSecrets(objects);
  else {
    const obj = findEncrypted(objects);
    if (obj) {
      const meta = obj['metadata'] as { name?: string; namespace?: string } | undefined;
      throw new FlotillaError(
        `${String(obj['kind'])}/${meta?.namespace ? `${meta.namespace}/` : ''}${meta?.name ?? ''} is encrypted with SOPS but spec.decryption is not set (provider: sops and a secretRef to the keys), so nothing was applied`,
        { reason: 'DecryptionFailed', field: 'spec.decryption' },
      );
    }
  }
  if (input.postBuild) {
    const vars = mergeVariables(input.substituteFrom ?? [], input.substitute);
    objects = substituteVariables(objects, vars, { strict: input.strictSubstitution ?? false });
  }
  return objects;
}

/**
 * The directory's kustomization file with the Flux overlay applied (one generated from the
 * directory's manifests when it has none), keyed by its real path; empty without an overlay.
 */
function overlayFiles(
  fs: ReadFs,
  root: string,
  dir: string,
  overlay: FluxOverlay,
): Map<string, Buffer> {
  const empty = Object.values(overlay).every(
    (v) => v === undefined || (Array.isArray(v) && v.length === 0) || v === '',
  );
  if (empty) return new Map();
  const realDir = fs.realpath(dir);
  const realRoot = fs.realpath(root);
  const existing = KUSTOMIZATION_FILES.map((f) => join(realDir, f)).find(
    (p) => fs.kind(p) === 'file',
  );
  let kustomization: YamlMap;
  let file: string;
  if (existing) {
    file = existing;
    const parsed = parseYaml(fs.readFile(existing).toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FlotillaError(
        `${relative(realRoot, existing)}: not a kustomization (expected a YAML map)`,
        {
          reason: 'BuildFailed',
          file: relative(realRoot, existing),
        },
      );
    }
    kustomization = parsed;
  } else {
    file = join(realDir, 'kustomization.yaml');
    kustomization = { resources: scanResources(fs, realDir) };
  }
  const next = applyFluxOverlay(kustomization, overlay);
  return new Map([[file, Buffer.from(emitYaml(next as YamlMap))]]);
}

/**
 * The resources Flux lists for a directory without a kustomization: every .yaml/.yml file, and
 * each subdirectory that has a kustomization as a whole (not descended into).
 */
function scanResources(fs: ReadFs, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of fs.readdir(d).sort()) {
      const p = join(d, name);
      const kind = fs.kind(p);
      if (kind === 'dir') {
        if (KUSTOMIZATION_FILES.some((f) => fs.kind(join(p, f)) !== undefined))
          out.push(`./${relative(dir, p)}`);
        else walk(p);
      } else if (kind === 'file' && /\.ya?ml$/.test(name)) {
        out.push(`./${relative(dir, p)}`);
      }
    }
  };
  walk(dir);
  return out;
}

function toJson(value: YamlMap): KubeObject {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
  ) as KubeObject;
}
