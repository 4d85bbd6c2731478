// Flux's build of a Kustomization's path: the overlay from the Kustomization spec, SOPS decryption
// of the files kustomize reads, a kustomize build confined to the source artifact, decryption of
// the encrypted objects (or their refusal without spec.decryption, or masking for a keyless local
// build), then postBuild variable substitution.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FlotillaError } from '../../core/index.js';
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
  /** The directory to build (spec.path inside root). It is modified in place (the overlay). */
  readonly dir: string;
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
  const overlay = input.overlay ?? {};
  writeOverlay(input.root, input.dir, overlay);
  const decryptor = typeof input.decryption === 'object' ? input.decryption : undefined;
  if (decryptor) await decryptSources(input.root, input.dir, decryptor);
  let objects: KubeObject[];
  try {
    const result = buildKustomization(input.dir, {
      loadRestrictor: LoadRestrictor.None,
      sandboxRoot: input.root,
      fluxAutogenerate: true,
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

/** Writes the Flux overlay into the directory's kustomization (generating one if needed). */
function writeOverlay(root: string, dir: string, overlay: FluxOverlay): void {
  const empty = Object.values(overlay).every(
    (v) => v === undefined || (Array.isArray(v) && v.length === 0) || v === '',
  );
  if (empty) return;
  const existing = KUSTOMIZATION_FILES.map((f) => join(dir, f)).find(
    (p) => existsSync(p) && statSync(p).isFile(),
  );
  let kustomization: YamlMap;
  let file: string;
  if (existing) {
    file = existing;
    const parsed = parseYaml(readFileSync(existing, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FlotillaError(
        `${relative(root, existing)}: not a kustomization (expected a YAML map)`,
        {
          reason: 'BuildFailed',
          file: relative(root, existing),
        },
      );
    }
    kustomization = parsed;
  } else {
    file = join(dir, 'kustomization.yaml');
    kustomization = { resources: scanResources(dir) };
  }
  const next = applyFluxOverlay(kustomization, overlay);
  writeFileSync(file, emitYaml(next as YamlMap));
}

/**
 * The resources Flux lists for a directory without a kustomization: every .yaml/.yml file, and
 * each subdirectory that has a kustomization as a whole (not descended into).
 */
function scanResources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (KUSTOMIZATION_FILES.some((f) => existsSync(join(p, f))))
          out.push(`./${relative(dir, p)}`);
        else walk(p);
      } else if (/\.ya?ml$/.test(name)) {
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
