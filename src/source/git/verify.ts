// Verifies commit and tag signatures (OpenPGP via openpgp, SSH via sshsig) against trusted keys.
import type * as OpenPgp from 'openpgp';
import type { PublicKey } from 'openpgp';
import { lazyRequire } from '../../core/index.js';
import type { SecretData } from './auth.js';
import type { ParsedObject } from './objects.js';
import { parseSshPublicKeys, verifySshSignature, type SshPublicKey } from './ssh-signature.js';

/** Keys a verification Secret trusts: `*.asc` OpenPGP public keys, `*.sshpub` SSH public keys. */
export interface TrustedKeys {
  readonly pgp: readonly PublicKey[];
  readonly ssh: readonly SshPublicKey[];
}

/**
 * openpgp is large (about 18 MB of heap): it is loaded only when an OpenPGP key is read. Through
 * require, not import(): the shipped CLI runs its bundle from a V8 code cache, where a dynamic
 * import() has no loader and fails.
 */
const loadOpenpgp = lazyRequire<typeof OpenPgp>('openpgp');

function text(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
}

/**
 * Reads trusted keys from Secret data. Keys ending in `.asc` are OpenPGP, `.sshpub` SSH
 * (authorized_keys lines); other keys are recognised by content, as Flux reads every value
 * as a key ring. Throws naming the Secret key that cannot be parsed.
 */
export async function loadTrustedKeys(data: SecretData): Promise<TrustedKeys> {
  const pgp: PublicKey[] = [];
  const ssh: SshPublicKey[] = [];
  for (const [name, value] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) {
    const body = text(value);
    const isPgp =
      name.endsWith('.asc') ||
      (!name.endsWith('.sshpub') && body.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----'));
    const isSsh = name.endsWith('.sshpub') || (!isPgp && /^\s*(ssh-|ecdsa-sha2-|sk-)/m.test(body));
    try {
      if (isPgp) {
        const openpgp = loadOpenpgp();
        const keys = await openpgp.readKeys({ armoredKeys: body });
        pgp.push(...keys.map((k) => k.toPublic()));
      } else if (isSsh) {
        ssh.push(...parseSshPublicKeys(body));
      }
    } catch (e) {
      throw new Error(`cannot read key '${name}': ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
  }
  return { pgp, ssh };
}

/**
 * Verifies the signature of a parsed commit or tag and returns the id of the key that made it
 * (OpenPGP primary key id in upper-case hex, as Flux prints it; `SHA256:...` for SSH keys).
 * Throws when the object is unsigned, signed by an unknown key, or the signature is invalid.
 */
export async function verifyObjectSignature(obj: ParsedObject, keys: TrustedKeys): Promise<string> {
  const sig = obj.signature;
  if (sig === undefined) throw new Error('object is not signed');
  if (sig.includes('-----BEGIN SSH SIGNATURE-----')) {
    if (keys.ssh.length === 0)
      throw new Error('SSH signature found but no SSH public keys (*.sshpub) are trusted');
    return verifySshSignature(sig, obj.payload, keys.ssh).key.fingerprint;
  }
  if (!sig.includes('-----BEGIN PGP SIGNATURE-----'))
    throw new Error('unsupported signature format');
  if (keys.pgp.length === 0)
    throw new Error('OpenPGP signature found but no OpenPGP public keys (*.asc) are trusted');
  const openpgp = loadOpenpgp();
  const signature = await openpgp.readSignature({ armoredSignature: sig });
  const message = await openpgp.createMessage({ binary: new Uint8Array(obj.payload) });
  const result = await openpgp.verify({
    message,
    signature,
    verificationKeys: [...keys.pgp],
    format: 'binary',
  });
  const first = result.signatures[0];
  if (!first) throw new Error('no signature packets');
  const signer = keys.pgp.find((k) => k.getKeys(first.keyID).length > 0);
  if (!signer)
    throw new Error(
      `unable to find a trusted key for signature by key id ${first.keyID.toHex().toUpperCase()}`,
    );
  try {
    await first.verified;
  } catch (e) {
    throw new Error(`invalid OpenPGP signature: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  return signer.getKeyID().toHex().toUpperCase();
}
