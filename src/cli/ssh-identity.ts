// An SSH identity for Git over SSH, as flux's sourcesecret makes one: the private key from
// --private-key-file (PEM or OpenSSH format) or a new key pair (--ssh-key-algorithm ecdsa, rsa or
// ed25519), its public key in authorized_keys form (the deploy key), and the server's host key
// scanned into known_hosts.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scanHostKey } from '../source/index.js';
import { CliError } from './errors.js';

export interface SshKeyOptions {
  readonly privateKeyFile?: string;
  /** @default 'ecdsa' */
  readonly keyAlgorithm?: string;
  /** @default 2048 */
  readonly rsaBits?: number;
  /** @default 'p384' */
  readonly ecdsaCurve?: string;
  readonly password?: string;
}

export interface SshIdentity {
  readonly privateKey: string;
  /** `type base64\n`, as Go's ssh.MarshalAuthorizedKey writes it. */
  readonly publicKey: string;
  readonly knownHosts: string;
}

function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An SSH mpint: big-endian, with a zero byte before a set high bit. */
function mpint(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return sshString((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

const CURVES: Record<string, { ssh: string; id: string }> = {
  'P-256': { ssh: 'ecdsa-sha2-nistp256', id: 'nistp256' },
  'P-384': { ssh: 'ecdsa-sha2-nistp384', id: 'nistp384' },
  'P-521': { ssh: 'ecdsa-sha2-nistp521', id: 'nistp521' },
};

/** The public key as an authorized_keys line. */
function authorizedKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const b = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');
  let blob: Buffer;
  let type: string;
  if (jwk.kty === 'RSA') {
    type = 'ssh-rsa';
    blob = Buffer.concat([sshString(type), mpint(b(jwk.e)), mpint(b(jwk.n))]);
  } else if (jwk.kty === 'EC' && jwk.crv && CURVES[jwk.crv]) {
    const c = CURVES[jwk.crv] as { ssh: string; id: string };
    type = c.ssh;
    const point = Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)]);
    blob = Buffer.concat([sshString(type), sshString(c.id), sshString(point)]);
  } else if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    type = 'ssh-ed25519';
    blob = Buffer.concat([sshString(type), sshString(b(jwk.x))]);
  } else {
    throw new CliError(`unsupported SSH key type ${jwk.kty ?? '?'} ${jwk.crv ?? ''}`);
  }
  return `${type} ${blob.toString('base64')}\n`;
}

/** The public key blob of an OpenSSH-format private key (readable without its passphrase). */
function openSshPublicKey(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END) OPENSSH PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const data = Buffer.from(body, 'base64');
  const magic = 'openssh-key-v1\0';
  if (data.subarray(0, magic.length).toString('latin1') !== magic)
    throw new CliError('ssh: not an OpenSSH private key');
  let pos = magic.length;
  const str = () => {
    const len = data.readUInt32BE(pos);
    const out = data.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
    return out;
  };
  str(); // cipher name
  str(); // kdf name
  str(); // kdf options
  const count = data.readUInt32BE(pos);
  pos += 4;
  if (count !== 1) throw new CliError('ssh: multi-key files are not supported');
  const blob = str();
  const typeLen = blob.readUInt32BE(0);
  const type = blob.subarray(4, 4 + typeLen).toString();
  return `${type} ${blob.toString('base64')}\n`;
}

function loadKeyPair(
  path: string,
  password: string | undefined,
): { privateKey: string; publicKey: string } {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(
      `failed to open private key file: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (pem.includes('BEGIN OPENSSH PRIVATE KEY'))
    return { privateKey: pem, publicKey: openSshPublicKey(pem) };
  try {
    const key = createPrivateKey({ key: pem, ...(password ? { passphrase: password } : {}) });
    return { privateKey: pem, publicKey: authorizedKey(createPublicKey(key)) };
  } catch (err) {
    throw new CliError(`ssh: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function generateKeyPair(o: SshKeyOptions): { privateKey: string; publicKey: string } {
  const algorithm = o.keyAlgorithm ?? 'ecdsa';
  if (algorithm === 'rsa') {
    const bits = o.rsaBits ?? 2048;
    if (bits < 1024 || bits % 8 !== 0)
      throw new CliError(`RSA key bit size must be a multiple of 8 and at least 1024, got ${bits}`);
    const pair = generateKeyPairSync('rsa', { modulusLength: bits });
    return {
      privateKey: pair.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
      publicKey: authorizedKey(pair.publicKey),
    };
  }
  if (algorithm === 'ecdsa') {
    const curve = { p256: 'P-256', p384: 'P-384', p521: 'P-521' }[o.ecdsaCurve ?? 'p384'];
    if (!curve)
      throw new CliError(
        `unsupported curve '${o.ecdsaCurve ?? ''}', must be one of: p256, p384, p521`,
      );
    const pair = generateKeyPairSync('ec', { namedCurve: curve });
    return {
      privateKey: pair.privateKey.export({ format: 'pem', type: 'sec1' }).toString(),
      publicKey: authorizedKey(pair.publicKey),
    };
  }
  if (algorithm === 'ed25519') {
    const pair = generateKeyPairSync('ed25519');
    return {
      privateKey: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicKey: authorizedKey(pair.publicKey),
    };
  }
  throw new CliError(
    `unsupported public key algorithm '${algorithm}', must be one of: rsa, ecdsa, ed25519`,
  );
}

/** The identity for an ssh:// URL: the key pair and the scanned host key. */
export async function sshIdentity(url: string, o: SshKeyOptions): Promise<SshIdentity> {
  const u = new URL(url);
  const pair = o.privateKeyFile ? loadKeyPair(o.privateKeyFile, o.password) : generateKeyPair(o);
  const knownHosts = await scanHostKey(u.hostname, u.port ? Number(u.port) : 22).catch(
    (err: unknown) => {
      throw new CliError(err instanceof Error ? err.message : String(err));
    },
  );
  return { ...pair, knownHosts };
}
