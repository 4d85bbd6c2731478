// SOPS decryption in a Flux build, as kustomize-controller's decryptor does it: before the build,
// the files kustomize's secretGenerator (files, envs) and patches read are decrypted in place, and
// encrypted resource files are checked against their MAC; after the build, encrypted objects and
// encrypted Secret data fields are decrypted. Every plaintext is remembered so that messages can
// be redacted. Without keys (`flotilla build`), encrypted Secret values are masked instead.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FlotillaError, errorMessage, hasOwnKey, type ReadFs } from '../../core/index.js';
import {
  SopsError,
  SopsFailure,
  SopsFormat,
  decryptSops,
  formatForPath,
  hasSopsMarker,
  detectSopsFormat,
  type SopsKeyring,
} from '../sops/index.js';
import { parseYaml } from '../yaml/index.js';
import type { KubeObject } from '../postbuild/index.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** kustomize-controller's limit on an encrypted file (maxEncryptedFileSize). */
const MAX_ENCRYPTED_FILE_SIZE = 5 << 20;
/** What `flux build` writes in place of an encrypted Secret value. */
export const SOPS_MASK = '**SOPS**';

/** The decryption state of one build: the keys, the unwrapped data keys, the plaintexts seen. */
export class FluxDecryptor {
  readonly #cache = new Map<string, Uint8Array>();
  readonly #plaintexts = new Set<string>();

  constructor(
    readonly keyring: SopsKeyring,
    /** Where the keys come from, for messages: `Secret 'flux-system/sops-keys'`. */
    readonly keySource: string,
  ) {}

  async decrypt(
    data: Uint8Array,
    input: SopsFormat,
    output: SopsFormat,
    verifyMac: boolean,
  ): Promise<Buffer> {
    return decryptSops(data, input, output, {
      keyring: this.keyring,
      cache: this.#cache,
      verifyMac,
      onPlaintext: (text) => this.remember(text),
    });
  }

  private remember(text: string): void {
    if (text === '') return;
    this.#plaintexts.add(text);
    for (const line of text.split('\n')) if (line.trim().length >= 4) this.#plaintexts.add(line);
  }

  /** A message with every plaintext this build decrypted replaced by `***`. */
  redact(message: string): string {
    let out = message;
    const texts = [...this.#plaintexts].sort((a, b) => b.length - a.length);
    for (const t of texts) {
      if (t.length >= 4) out = out.split(t).join('***');
      else out = out.replace(new RegExp(`(?<![\\w])${escapeRegExp(t)}(?![\\w])`, 'g'), '***');
    }
    return out;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function decryptionError(message: string, file?: string, cause?: unknown): FlotillaError {
  return new FlotillaError(message, {
    reason: 'DecryptionFailed',
    ...(file ? { file } : {}),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The absolute path of a reference inside root, or undefined when it leaves root. */
function inside(root: string, base: string, ref: string): string | undefined {
  const abs = isAbsolute(ref) ? join(root, ref) : resolve(base, ref);
  return abs === root || abs.startsWith(root + sep) ? abs : undefined;
}

interface KustomizationRefs {
  readonly resources: string[];
  readonly files: { path: string; format: SopsFormat }[];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** What a kustomization file makes kustomize read that may be encrypted, and where to recurse. */
function kustomizationRefs(doc: unknown): KustomizationRefs {
  const refs: KustomizationRefs = { resources: [], files: [] };
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return refs;
  const k = doc as Record<string, unknown>;
  refs.resources.push(...strings(k['resources']), ...strings(k['components']));
  const generators = Array.isArray(k['secretGenerator']) ? (k['secretGenerator'] as unknown[]) : [];
  for (const gen of generators) {
    if (gen === null || typeof gen !== 'object') continue;
    const g = gen as Record<string, unknown>;
    for (const src of strings(g['files'])) {
      const eq = src.indexOf('=');
      const key = eq < 0 ? src : src.slice(0, eq);
      refs.files.push({ path: eq < 0 ? src : src.slice(eq + 1), format: formatForPath(key) });
    }
    const envs = [...strings(g['envs']), ...(typeof g['env'] === 'string' ? [g['env']] : [])];
    for (const env of envs) {
      const f = formatForPath(env);
      refs.files.push({ path: env, format: f === SopsFormat.Binary ? SopsFormat.Dotenv : f });
    }
  }
  const patches = Array.isArray(k['patches']) ? (k['patches'] as unknown[]) : [];
  for (const p of patches) {
    if (p !== null && typeof p === 'object' && typeof (p as { path?: unknown }).path === 'string')
      refs.files.push({
        path: (p as { path: string }).path,
        format: formatForPath((p as { path: string }).path),
      });
  }
  return refs;
}

function kustomizationIn(fs: ReadFs, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    if (fs.kind(join(dir, name)) === 'file') return join(dir, name);
  }
  return undefined;
}

/** A regular file's bytes, within the size limit; undefined when it does not exist. */
function readLimited(fs: ReadFs, root: string, path: string): Buffer | undefined {
  const kind = fs.kind(path);
  if (kind === undefined) return undefined;
  if (kind !== 'file')
    throw decryptionError(
      `cannot decrypt '${relative(root, path)}': not a regular file`,
      relative(root, path),
    );
  const data = fs.readFile(path);
  if (data.length > MAX_ENCRYPTED_FILE_SIZE)
    throw decryptionError(
      `cannot decrypt '${relative(root, path)}': its size (${data.length} bytes) exceeds the limit (${MAX_ENCRYPTED_FILE_SIZE})`,
      relative(root, path),
    );
  return data;
}

function fileError(root: string, path: string, err: unknown): FlotillaError {
  const rel = relative(root, path);
  return decryptionError(
    `failed to decrypt '${rel}': ${errorMessage(err)}`,
    rel,
    err instanceof SopsError ? err : undefined,
  );
}

/**
 * Decrypts the SOPS-encrypted files that the kustomizations under `dir` give to secretGenerator
 * (files, envs) and patches, recursing through resources and components inside `root`, and
 * returns them by path (the build reads them in place of the encrypted ones: nothing is written);
 * and checks the MAC of every encrypted resource file, which kustomize will read as is.
 */
export async function decryptSources(
  fs: ReadFs,
  root: string,
  dir: string,
  decryptor: FluxDecryptor,
): Promise<Map<string, Buffer>> {
  const visitedDirs = new Set<string>();
  const decrypted = new Map<string, Buffer>();
  const visit = async (d: string): Promise<void> => {
    if (visitedDirs.has(d)) return;
    visitedDirs.add(d);
    if (fs.kind(d) !== 'dir') return;
    const file = kustomizationIn(fs, d);
    if (!file) {
      // Flux generates a kustomization of every manifest here: check those files.
      if (d === dir) await visitGenerated(d);
      return;
    }
    let doc: unknown;
    try {
      doc = parseYaml(fs.readFile(file).toString('utf8'));
    } catch {
      return; // kustomize reports the malformed kustomization itself
    }
    const refs = kustomizationRefs(doc);
    for (const ref of refs.files) {
      const path = inside(root, d, ref.path);
      if (!path || decrypted.has(path)) continue;
      const data = readLimited(fs, root, path);
      if (!data || !hasSopsMarker(data, ref.format)) continue;
      let out: Buffer;
      try {
        out = await decryptor.decrypt(data, ref.format, ref.format, true);
      } catch (err) {
        throw fileError(root, path, err);
      }
      decrypted.set(fs.realpath(path), out);
    }
    for (const res of refs.resources) {
      const path = inside(root, d, res);
      if (!path) continue;
      const kind = fs.kind(path);
      if (kind === 'dir') await visit(path);
      else if (kind === 'file') await verifyResourceFile(fs, root, path, decryptor);
    }
  };
  /** A directory without a kustomization, walked as Flux's generated one lists it. */
  const visitGenerated = async (d: string): Promise<void> => {
    for (const name of fs.readdir(d).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const p = join(d, name);
      const kind = fs.kind(p);
      if (kind === 'dir') {
        if (kustomizationIn(fs, p)) await visit(p);
        else await visitGenerated(p);
      } else if (kind === 'file' && /\.ya?ml$/.test(name)) {
        await verifyResourceFile(fs, root, p, decryptor);
      }
    }
  };
  await visit(dir);
  return decrypted;
}

/** Checks an encrypted resource file's MAC (and that the keys open it), before kustomize reads it. */
async function verifyResourceFile(
  fs: ReadFs,
  root: string,
  path: string,
  decryptor: FluxDecryptor,
): Promise<void> {
  const format = formatForPath(path);
  if (format !== SopsFormat.Yaml && format !== SopsFormat.Json) return;
  const data = readLimited(fs, root, path);
  if (!data || !hasSopsMarker(data, format)) return;
  try {
    await decryptor.decrypt(data, format, format, true);
  } catch (err) {
    // A file SOPS cannot read as one encrypted document set (an encrypted object concatenated
    // with plain ones) is left to the decryption of its objects after the build.
    if (err instanceof SopsError && err.failure === SopsFailure.Malformed) return;
    throw fileError(root, path, err);
  }
}

function isSopsObject(obj: KubeObject): boolean {
  const sops = obj['sops'];
  if (sops === null || typeof sops !== 'object' || Array.isArray(sops)) return false;
  const mac = (sops as Record<string, unknown>)['mac'];
  return mac !== undefined && mac !== null && mac !== '';
}

/** Whether an object carries SOPS metadata (is encrypted as a whole). */
export function isSopsEncrypted(obj: KubeObject): boolean {
  const sops = obj['sops'];
  return (
    sops !== null &&
    typeof sops === 'object' &&
    ('mac' in sops || 'version' in sops || 'lastmodified' in sops)
  );
}

function describe(obj: KubeObject): string {
  const meta = obj['metadata'] as { name?: string; namespace?: string } | undefined;
  return `'${meta?.namespace ?? ''}/${meta?.name ?? ''}' ${String(obj['kind'])}`;
}

function dataMap(obj: KubeObject): Record<string, unknown> | undefined {
  const data = obj['data'];
  return data !== null && typeof data === 'object' && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}

/**
 * Decrypts the built objects (DecryptResource): an object with SOPS metadata as a whole (its MAC
 * was checked on the file; kustomize may have changed unencrypted fields since), and each Secret
 * data field that holds an encrypted file, written back in the format its key names.
 */
export async function decryptObjects(
  objects: readonly KubeObject[],
  decryptor: FluxDecryptor,
): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const obj of objects) {
    if (isSopsObject(obj)) {
      let plain: Buffer;
      try {
        plain = await decryptor.decrypt(
          Buffer.from(JSON.stringify(obj)),
          SopsFormat.Json,
          SopsFormat.Json,
          false,
        );
      } catch (err) {
        throw decryptionError(
          `failed to decrypt and format ${describe(obj)} data: ${errorMessage(err)}`,
        );
      }
      out.push(JSON.parse(plain.toString('utf8')) as KubeObject);
      continue;
    }
    const data = obj['kind'] === 'Secret' ? dataMap(obj) : undefined;
    if (data) {
      const next: Record<string, unknown> = { ...data };
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== 'string') continue;
        const bytes = Buffer.from(value, 'base64');
        if (bytes.toString('base64') !== value.replace(/\s/g, '')) continue;
        const input = detectSopsFormat(bytes);
        if (input === undefined) continue;
        try {
          const plain = await decryptor.decrypt(bytes, input, formatForPath(key), true);
          next[key] = plain.toString('base64');
        } catch (err) {
          throw decryptionError(
            `failed to decrypt and format ${describe(obj)} field '${key}': ${errorMessage(err)}`,
          );
        }
      }
      out.push({ ...obj, data: next });
      continue;
    }
    out.push(obj);
  }
  return out;
}

/**
 * What `flux build` shows for encrypted Secrets when no key is at hand: the SOPS metadata dropped
 * and every value masked; a Secret data field holding an encrypted file is masked too.
 */
export function maskSopsSecrets(objects: readonly KubeObject[]): KubeObject[] {
  const masked = Buffer.from(SOPS_MASK).toString('base64');
  return objects.map((obj) => {
    if (obj['kind'] !== 'Secret') return obj;
    const whole = isSopsEncrypted(obj);
    const data = dataMap(obj);
    const next: KubeObject = { ...obj };
    if (data) {
      const d: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(data)) {
        const encrypted =
          whole ||
          (typeof v === 'string' && detectSopsFormat(Buffer.from(v, 'base64')) !== undefined);
        d[k] = encrypted ? masked : v;
      }
      next['data'] = d;
    }
    if (whole) {
      delete next['sops'];
      const sd = next['stringData'];
      if (sd !== null && typeof sd === 'object' && !Array.isArray(sd)) {
        next['stringData'] = Object.fromEntries(Object.keys(sd).map((k) => [k, SOPS_MASK]));
      }
    }
    return next;
  });
}

/** Whether any object still carries SOPS metadata (no decryption configured). */
export function findEncrypted(objects: readonly KubeObject[]): KubeObject | undefined {
  return objects.find((o) => hasOwnKey(o, 'sops') && isSopsEncrypted(o));
}
