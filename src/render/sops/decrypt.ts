// Decrypting a SOPS file: read it with the store of its format, recover the data key from its
// age/PGP recipients, decrypt the values, check the MAC, and write the plaintext in the output
// format (what Flux's SopsDecryptWithFormat does).
import { ErrorCategory, FlotillaError, errorMessage } from '../../core/index.js';
import { CipherError, decryptValue } from './cipher.js';
import { DataKeyError, recoverDataKey } from './data-key.js';
import { TreeDecryptError, decryptTree } from './decrypt-tree.js';
import type { SopsFormat } from './format.js';
import type { SopsKeyring } from './keyring.js';
import { MetadataLayout, extractMetadata, type SopsMetadata } from './metadata.js';
import { emitDotenv, loadDotenv } from './stores/dotenv.js';
import { emitIni, loadIni } from './stores/ini.js';
import { emitBinary, emitJson, loadJson } from './stores/json.js';
import { emitYamlTree, loadYaml } from './stores/yaml.js';
import { Comment, stringBytes, type Branch, type Scalar } from './tree.js';

/** What went wrong, for callers that react differently (and for tests). */
export const SopsFailure = {
  /** The file cannot be read as the format (or has no usable metadata). */
  Malformed: 'Malformed',
  /** No key of the keyring can recover the data key. */
  NoKey: 'NoKey',
  /** A value does not decrypt: the file was changed or corrupted. */
  Corrupt: 'Corrupt',
  /** The MAC does not match the decrypted content: the file was tampered with. */
  MacMismatch: 'MacMismatch',
} as const;
export type SopsFailure = (typeof SopsFailure)[keyof typeof SopsFailure];

/** A decryption failure. Messages never contain decrypted values. */
export class SopsError extends FlotillaError {
  constructor(
    message: string,
    readonly failure: SopsFailure,
    readonly detail: readonly string[] = [],
    cause?: unknown,
  ) {
    super(detail.length > 0 ? `${message}: ${detail.join('; ')}` : message, {
      reason: 'DecryptionFailed',
      category: ErrorCategory.Terminal,
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'SopsError';
  }
}

export interface SopsDecryptOptions {
  readonly keyring: SopsKeyring;
  /** Check the MAC against the decrypted content. @default true */
  readonly verifyMac?: boolean;
  /** Data key parts already unwrapped (shared by the files of one build). */
  readonly cache?: Map<string, Uint8Array>;
  /** Receives each decrypted value as text, so callers can keep it out of messages. */
  readonly onPlaintext?: (text: string) => void;
}

interface Store {
  readonly load: (data: Uint8Array) => Branch[];
  readonly emit: (branches: readonly Branch[]) => Buffer;
  readonly layout: MetadataLayout;
}

const STORES: Readonly<Record<SopsFormat, Store>> = {
  yaml: { load: loadYaml, emit: emitYamlTree, layout: MetadataLayout.Nested },
  json: { load: loadJson, emit: emitJson, layout: MetadataLayout.Nested },
  binary: { load: loadJson, emit: emitBinary, layout: MetadataLayout.Nested },
  dotenv: { load: loadDotenv, emit: emitDotenv, layout: MetadataLayout.Flattened },
  ini: { load: loadIni, emit: emitIni, layout: MetadataLayout.FlattenedBelowTop },
};

const FORMAT_NAMES: Readonly<Record<SopsFormat, string>> = {
  binary: 'binary',
  dotenv: 'dotenv',
  ini: 'INI',
  json: 'JSON',
  yaml: 'YAML',
};

function plaintextText(v: Scalar): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return stringBytes(v).toString('utf8');
  if (v === null) return undefined;
  if (typeof v === 'object') return v.text;
  return String(v);
}

/** Reads an encrypted file into its tree and metadata (no key needed). */
export function loadEncrypted(
  data: Uint8Array,
  format: SopsFormat,
): { branches: Branch[]; metadata: SopsMetadata } {
  const store = STORES[format];
  try {
    const branches = store.load(data);
    const metadata = extractMetadata(branches, store.layout);
    return { branches, metadata };
  } catch (err) {
    throw new SopsError(
      `failed to load encrypted ${FORMAT_NAMES[format]} data: ${errorMessage(err)}`,
      SopsFailure.Malformed,
      [],
      err,
    );
  }
}

/** Decrypts a SOPS file and returns its plaintext in the output format. */
export async function decryptSops(
  data: Uint8Array,
  input: SopsFormat,
  output: SopsFormat,
  options: SopsDecryptOptions,
): Promise<Buffer> {
  const { branches, metadata } = loadEncrypted(data, input);
  let key: Uint8Array;
  try {
    key = await recoverDataKey(metadata, options.keyring, options.cache);
  } catch (err) {
    if (err instanceof DataKeyError)
      throw new SopsError(err.message, SopsFailure.NoKey, err.detail);
    throw err;
  }
  const onPlaintext = options.onPlaintext;
  let mac: string;
  try {
    mac = decryptTree(branches, metadata, key, (v) => {
      const text = plaintextText(v);
      if (text !== undefined) onPlaintext?.(text);
    });
  } catch (err) {
    if (err instanceof TreeDecryptError) {
      throw new SopsError(
        `error decrypting sops tree at '${err.path}': ${err.message} (the file was changed after it was encrypted, or is corrupt)`,
        SopsFailure.Corrupt,
      );
    }
    throw err;
  }
  if (options.verifyMac ?? true) verifyMac(metadata, key, mac);
  try {
    return STORES[output].emit(branches);
  } catch (err) {
    throw new SopsError(
      `failed to emit encrypted ${FORMAT_NAMES[input]} file as decrypted ${FORMAT_NAMES[output]}: ${errorMessage(err)}`,
      SopsFailure.Malformed,
      [],
      err,
    );
  }
}

function verifyMac(metadata: SopsMetadata, key: Uint8Array, computed: string): void {
  let original: unknown;
  try {
    original = metadata.mac === '' ? '' : decryptValue(metadata.mac, key, metadata.lastModified);
  } catch (err) {
    const why = err instanceof CipherError ? err.message : errorMessage(err);
    throw new SopsError(
      `failed to verify sops data integrity: the MAC cannot be decrypted (${why}); the file was tampered with`,
      SopsFailure.MacMismatch,
    );
  }
  if (original instanceof Comment || original !== computed) {
    throw new SopsError(
      original === ''
        ? 'failed to verify sops data integrity: the file has no MAC'
        : 'failed to verify sops data integrity: MAC mismatch, the file was modified after it was encrypted (edit it with `sops edit`, or encrypt it again)',
      SopsFailure.MacMismatch,
    );
  }
}
