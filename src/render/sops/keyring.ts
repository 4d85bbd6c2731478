// The private keys a decryption may use, read from the entries of a decryption Secret as Flux's
// kustomize-controller reads them: `*.agekey` age identities, `*.asc` OpenPGP private keys, and the
// cloud KMS / Vault credentials Flotilla does not support (remembered so errors can name them).
import type * as Age from 'age-encryption';
import type * as OpenPgp from 'openpgp';
import type { PrivateKey } from 'openpgp';
import { ErrorCategory, FlotillaError, errorMessage, lazyRequire } from '../../core/index.js';

/**
 * age-encryption and openpgp are ES modules / large packages loaded on first use, through
 * require (the shipped CLI runs from a V8 code cache, where a dynamic import() cannot work).
 */
export const loadAge = lazyRequire<typeof Age>('age-encryption');
export const loadOpenpgp = lazyRequire<typeof OpenPgp>('openpgp');

/** One entry of a decryption Secret (or a key file given to the controller). */
export interface SopsKeyEntry {
  /** Where the entry comes from, for messages: `Secret 'flux-system/sops-keys'`. */
  readonly source: string;
  /** The entry's key (`identity.agekey`) or file name. */
  readonly name: string;
  readonly data: Uint8Array;
}

export interface AgeIdentity {
  readonly identity: string;
  /** Its public key (`age1…`), to say which recipients the keyring can decrypt. */
  readonly recipient: string;
  readonly from: string;
}

export interface PgpKey {
  readonly key: PrivateKey;
  /** Primary key fingerprint, upper-case hex (what SOPS records as `fp`). */
  readonly fingerprint: string;
  /** Whether the secret key material is usable without a passphrase. */
  readonly usable: boolean;
  readonly from: string;
}

/** Credentials for key services Flotilla cannot reach (cloud KMS, Vault). */
export interface UnsupportedCredential {
  readonly what: string;
  readonly from: string;
}

export interface SopsKeyring {
  readonly age: readonly AgeIdentity[];
  readonly pgp: readonly PgpKey[];
  readonly unsupported: readonly UnsupportedCredential[];
}

export const emptyKeyring: SopsKeyring = { age: [], pgp: [], unsupported: [] };

/** Secret entries naming credentials of key services, as Flux names them. */
const CREDENTIAL_ENTRIES: Readonly<Record<string, string>> = {
  'sops.vault-token': 'a HashiCorp Vault token',
  'sops.aws-kms': 'AWS KMS credentials',
  'sops.azure-kv': 'Azure Key Vault credentials',
  'sops.gcp-kms': 'GCP KMS credentials',
};

function extension(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

function importError(entry: SopsKeyEntry, why: string, cause?: unknown): FlotillaError {
  return new FlotillaError(`failed to import '${entry.name}' data from ${entry.source}: ${why}`, {
    reason: 'DecryptionFailed',
    category: ErrorCategory.Terminal,
    object: entry.source,
    field: entry.name,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** age identities, one a line; empty lines and `#` comments skipped (sops' parseIdentities). */
async function ageIdentities(entry: SopsKeyEntry): Promise<AgeIdentity[]> {
  const out: AgeIdentity[] = [];
  const lines = Buffer.from(entry.data).toString('utf8').split('\n');
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('AGE-PLUGIN-'))
      throw importError(
        entry,
        'age plugin identities are not supported (they run a plugin program)',
      );
    if (!line.startsWith('AGE-SECRET-KEY-1') && !line.startsWith('AGE-SECRET-KEY-PQ-1'))
      throw importError(entry, 'failed to parse and add to age identities: unknown identity type');
    let recipient: string;
    try {
      recipient = await loadAge().identityToRecipient(line);
    } catch {
      // No cause: the parser's message may quote the identity.
      throw importError(entry, 'failed to parse and add to age identities: malformed identity');
    }
    out.push({ identity: line, recipient, from: `${entry.name} in ${entry.source}` });
  }
  return out;
}

/** OpenPGP keys from one or more armored blocks; public-only blocks are skipped, as gpg imports them. */
async function pgpKeys(entry: SopsKeyEntry): Promise<PgpKey[]> {
  const text = Buffer.from(entry.data).toString('utf8');
  const blocks = text
    .split(/(?=-----BEGIN PGP (?:PRIVATE|PUBLIC) KEY BLOCK-----)/)
    .filter((b) => b.includes('-----BEGIN PGP'));
  if (blocks.length === 0) throw importError(entry, 'no armored OpenPGP key found');
  const openpgp = loadOpenpgp();
  const out: PgpKey[] = [];
  for (const block of blocks) {
    if (block.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) continue;
    let keys: PrivateKey[];
    try {
      keys = await openpgp.readPrivateKeys({ armoredKeys: block });
    } catch (err) {
      throw importError(entry, `cannot read the OpenPGP private key: ${errorMessage(err)}`, err);
    }
    for (const key of keys) {
      out.push({
        key,
        fingerprint: key.getFingerprint().toUpperCase(),
        usable: key.isDecrypted(),
        from: `${entry.name} in ${entry.source}`,
      });
    }
  }
  return out;
}

/**
 * Reads a decryption Secret's entries into a keyring: `*.agekey` and `*.asc` by extension, the
 * credential entries by name; any other entry is ignored (Flux ignores them too). A malformed
 * key fails with an error naming the entry.
 */
export async function importSopsKeys(entries: readonly SopsKeyEntry[]): Promise<SopsKeyring> {
  const age: AgeIdentity[] = [];
  const pgp: PgpKey[] = [];
  const unsupported: UnsupportedCredential[] = [];
  for (const entry of entries) {
    const credential = CREDENTIAL_ENTRIES[entry.name];
    if (credential !== undefined) {
      unsupported.push({ what: credential, from: `${entry.name} in ${entry.source}` });
      continue;
    }
    switch (extension(entry.name)) {
      case '.agekey':
        age.push(...(await ageIdentities(entry)));
        break;
      case '.asc':
        pgp.push(...(await pgpKeys(entry)));
        break;
      default:
        break;
    }
  }
  return { age, pgp, unsupported };
}

/** Two keyrings as one (a Kustomization's keys, then the controller's defaults). */
export function mergeKeyrings(...rings: readonly SopsKeyring[]): SopsKeyring {
  return {
    age: rings.flatMap((r) => r.age),
    pgp: rings.flatMap((r) => r.pgp),
    unsupported: rings.flatMap((r) => r.unsupported),
  };
}
