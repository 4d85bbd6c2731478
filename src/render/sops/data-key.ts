// Recovering a file's data key from its key groups (sops.Metadata.GetDataKeyWithKeyServices): in
// each group, age keys first, then PGP, until one decrypts its part; with several groups, Shamir
// parts from at least the threshold of groups combined. Failures say which recipients the file
// was encrypted for and which keys were available.
import { errorMessage } from '../../core/index.js';
import { loadAge, loadOpenpgp, type SopsKeyring } from './keyring.js';
import type { MasterKey, MasterKeyType, SopsMetadata } from './metadata.js';
import { combineShares } from './shamir.js';

/** No data key could be recovered; `detail` lists every key tried and why it failed. */
export class DataKeyError extends Error {
  constructor(
    message: string,
    readonly detail: readonly string[],
  ) {
    super(message);
    this.name = 'DataKeyError';
  }
}

const ORDER: Readonly<Partial<Record<MasterKeyType, number>>> = { age: 0, pgp: 1 };

const SERVICE_NAMES: Readonly<Record<MasterKeyType, string>> = {
  age: 'age',
  pgp: 'PGP',
  kms: 'AWS KMS',
  gcp_kms: 'GCP KMS',
  hckms: 'HuaweiCloud KMS',
  azure_kv: 'Azure Key Vault',
  hc_vault: 'HashiCorp Vault',
};

async function decryptAge(key: MasterKey, ring: SopsKeyring): Promise<Uint8Array> {
  if (ring.age.length === 0) throw new Error('no age identity (*.agekey) is available');
  const age = loadAge();
  const decrypter = new age.Decrypter();
  for (const id of ring.age) decrypter.addIdentity(id.identity);
  let file: Uint8Array;
  try {
    file = age.armor.decode(key.enc);
  } catch (err) {
    throw new Error(`the encrypted data key is not an armored age file: ${errorMessage(err)}`);
  }
  try {
    return await decrypter.decrypt(file);
  } catch (err) {
    const have = ring.age.map((i) => `${i.recipient} (${i.from})`).join(', ');
    if (/no identity matched/i.test(errorMessage(err)))
      throw new Error(`none of the age identities matches; they are for ${have}`);
    throw new Error(`age decryption failed: ${errorMessage(err)}`);
  }
}

async function decryptPgp(key: MasterKey, ring: SopsKeyring): Promise<Uint8Array> {
  if (ring.pgp.length === 0) throw new Error('no OpenPGP private key (*.asc) is available');
  const openpgp = loadOpenpgp();
  let message: Awaited<ReturnType<typeof openpgp.readMessage>>;
  try {
    message = await openpgp.readMessage({ armoredMessage: key.enc });
  } catch (err) {
    throw new Error(`the encrypted data key is not an armored PGP message: ${errorMessage(err)}`);
  }
  const wanted = new Set(message.getEncryptionKeyIDs().map((id) => id.toHex()));
  const matching = ring.pgp.filter((k) => k.key.getKeyIDs().some((id) => wanted.has(id.toHex())));
  const have = ring.pgp.map((k) => `${k.fingerprint} (${k.from})`).join(', ');
  if (matching.length === 0)
    throw new Error(`none of the OpenPGP private keys matches; they are ${have}`);
  const usable = matching.filter((k) => k.usable);
  if (usable.length === 0) {
    throw new Error(
      `the matching OpenPGP key ${matching.map((k) => k.fingerprint).join(', ')} is protected by a passphrase; decryption keys must have none`,
    );
  }
  try {
    const decrypted = (await openpgp.decrypt({
      message,
      decryptionKeys: usable.map((k) => k.key),
      format: 'binary',
    })) as unknown as { readonly data: Uint8Array };
    return decrypted.data;
  } catch (err) {
    throw new Error(`PGP decryption failed: ${errorMessage(err)}`);
  }
}

function unsupported(key: MasterKey, ring: SopsKeyring): never {
  const creds = ring.unsupported.map((c) => `${c.what} (${c.from})`);
  throw new Error(
    `${SERVICE_NAMES[key.type]} keys are not supported by Flotilla, which reaches no key management service${creds.length > 0 ? `; ${creds.join(', ')} cannot be used` : ''}`,
  );
}

function describe(key: MasterKey): string {
  return `${SERVICE_NAMES[key.type]} ${key.id}`;
}

/** Tries the keys of one group in sops' order until one yields its part. */
async function decryptGroup(
  group: readonly MasterKey[],
  ring: SopsKeyring,
  cache: Map<string, Uint8Array>,
): Promise<{ part?: Uint8Array; failures: string[] }> {
  const ordered = group
    .map((key, i) => ({ key, i }))
    .sort((a, b) => (ORDER[a.key.type] ?? 2) - (ORDER[b.key.type] ?? 2) || a.i - b.i)
    .map((x) => x.key);
  const failures: string[] = [];
  for (const key of ordered) {
    const cacheKey = `${key.type}\n${key.enc}`;
    const cached = cache.get(cacheKey);
    if (cached) return { part: cached, failures };
    try {
      const part =
        key.type === 'age'
          ? await decryptAge(key, ring)
          : key.type === 'pgp'
            ? await decryptPgp(key, ring)
            : unsupported(key, ring);
      cache.set(cacheKey, part);
      return { part, failures };
    } catch (err) {
      failures.push(`${describe(key)}: ${errorMessage(err)}`);
    }
  }
  return { failures };
}

/**
 * The data key of a file. `cache` keeps decrypted parts by their encrypted form, so the files of
 * one build that share a data key unwrap it once.
 */
export async function recoverDataKey(
  meta: SopsMetadata,
  ring: SopsKeyring,
  cache: Map<string, Uint8Array> = new Map(),
): Promise<Uint8Array> {
  const groups = meta.keyGroups;
  const parts: Uint8Array[] = [];
  const detail: string[] = [];
  const needed = groups.length > 1 ? meta.shamirThreshold : 1;
  for (const [i, group] of groups.entries()) {
    if (groups.length > 1 && needed > 0 && parts.length >= needed) break;
    const { part, failures } = await decryptGroup(group, ring, cache);
    if (part) parts.push(part);
    else detail.push(...failures.map((f) => (groups.length > 1 ? `key group ${i + 1}: ${f}` : f)));
  }
  const recipients = groups.flat().map(describe).join(', ');
  if (groups.length > 1) {
    if (parts.length < needed || parts.length < 2) {
      throw new DataKeyError(
        `cannot get the data key: ${parts.length} of the ${groups.length} key groups could be decrypted, ${Math.max(needed, 2)} are needed (the file is encrypted for ${recipients})`,
        detail,
      );
    }
    try {
      return combineShares(parts);
    } catch (err) {
      throw new DataKeyError(
        `cannot get the data key from the Shamir parts: ${errorMessage(err)}`,
        [],
      );
    }
  }
  const part = parts[0];
  if (!part)
    throw new DataKeyError(
      `cannot get the data key: no available key can decrypt it (the file is encrypted for ${recipients})`,
      detail,
    );
  return part;
}
