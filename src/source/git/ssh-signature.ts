// Verifies OpenSSH signatures (PROTOCOL.sshsig, as `git -c gpg.format=ssh` writes) with node:crypto.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** A trusted SSH public key from an authorized_keys-style line. */
export interface SshPublicKey {
  readonly type: string;
  /** The wire-format key blob (what `ssh-keygen -lf` fingerprints). */
  readonly blob: Buffer;
  readonly comment: string;
  /** `SHA256:<base64>` as ssh-keygen prints it. */
  readonly fingerprint: string;
}

class Reader {
  private off = 0;
  constructor(private readonly buf: Buffer) {}
  bytes(n: number): Buffer {
    if (this.off + n > this.buf.length) throw new Error('truncated SSH data');
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  uint32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.uint32());
  }
  done(): boolean {
    return this.off === this.buf.length;
  }
}

function sshString(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}

function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Parses authorized_keys-style lines (`type base64 [comment]`); options prefixes are skipped. */
export function parseSshPublicKeys(text: string): SshPublicKey[] {
  const keys: SshPublicKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m =
      /(?:^|\s)((?:ssh-(?:ed25519|rsa)|ecdsa-sha2-nistp(?:256|384|521)|sk-[a-z0-9@.-]+))\s+([A-Za-z0-9+/=]+)(?:\s+(.*))?$/.exec(
        line,
      );
    if (!m?.[1] || !m[2]) throw new Error(`not an SSH public key: '${line.slice(0, 40)}'`);
    const blob = Buffer.from(m[2], 'base64');
    const inner = new Reader(blob).string().toString();
    if (inner !== m[1]) throw new Error(`SSH public key type mismatch: '${m[1]}' vs '${inner}'`);
    keys.push({ type: m[1], blob, comment: m[3] ?? '', fingerprint: fingerprint(blob) });
  }
  return keys;
}

function b64url(b: Buffer): string {
  return b.toString('base64url');
}

function stripMpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

const CURVES: Record<string, { crv: string; size: number; hash: string }> = {
  nistp256: { crv: 'P-256', size: 32, hash: 'sha256' },
  nistp384: { crv: 'P-384', size: 48, hash: 'sha384' },
  nistp521: { crv: 'P-521', size: 66, hash: 'sha512' },
};

/** Builds a node KeyObject from an SSH wire-format public key blob. */
function keyObjectOf(blob: Buffer): { type: string; key: KeyObject; curve?: string } {
  const r = new Reader(blob);
  const type = r.string().toString();
  if (type === 'ssh-ed25519') {
    return {
      type,
      key: createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: b64url(r.string()) },
        format: 'jwk',
      }),
    };
  }
  if (type === 'ssh-rsa') {
    const e = stripMpint(r.string());
    const n = stripMpint(r.string());
    return {
      type,
      key: createPublicKey({ key: { kty: 'RSA', e: b64url(e), n: b64url(n) }, format: 'jwk' }),
    };
  }
  const ec = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  if (ec?.[1]) {
    const curve = CURVES[ec[1]];
    r.string();
    const q = r.string();
    if (!curve || q[0] !== 4 || q.length !== 1 + 2 * curve.size)
      throw new Error(`unsupported ECDSA key ${type}`);
    const x = q.subarray(1, 1 + curve.size);
    const y = q.subarray(1 + curve.size);
    return {
      type,
      curve: ec[1],
      key: createPublicKey({
        key: { kty: 'EC', crv: curve.crv, x: b64url(x), y: b64url(y) },
        format: 'jwk',
      }),
    };
  }
  throw new Error(`unsupported SSH key type '${type}'`);
}

function leftPad(b: Buffer, size: number): Buffer {
  const s = stripMpint(b);
  if (s.length > size) throw new Error('ECDSA signature component too long');
  return Buffer.concat([Buffer.alloc(size - s.length), s]);
}

/** The result of a successful verification: which trusted key signed. */
export interface SshVerified {
  readonly key: SshPublicKey;
}

/**
 * Verifies an armored SSH signature over `message` in namespace `git` against trusted keys.
 * Throws with a reason when the signature is malformed, by an untrusted key, or invalid.
 */
export function verifySshSignature(
  armored: string,
  message: Buffer,
  trusted: readonly SshPublicKey[],
  namespace = 'git',
): SshVerified {
  const m = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(armored);
  if (!m?.[1]) throw new Error('not an SSH signature');
  const blob = Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  const r = new Reader(blob);
  if (r.bytes(6).toString() !== 'SSHSIG') throw new Error('bad SSH signature preamble');
  const version = r.uint32();
  if (version !== 1) throw new Error(`unsupported SSH signature version ${version}`);
  const publicKey = Buffer.from(r.string());
  const ns = r.string().toString();
  const reserved = r.string();
  const hashAlg = r.string().toString();
  const sig = r.string();
  if (ns !== namespace) throw new Error(`SSH signature namespace '${ns}' is not '${namespace}'`);
  if (hashAlg !== 'sha256' && hashAlg !== 'sha512')
    throw new Error(`unsupported SSH signature hash '${hashAlg}'`);
  const key = trusted.find((k) => k.blob.equals(publicKey));
  if (!key) throw new Error(`signed by untrusted key ${fingerprint(publicKey)}`);
  const signed = Buffer.concat([
    Buffer.from('SSHSIG'),
    sshString(ns),
    sshString(reserved),
    sshString(hashAlg),
    sshString(createHash(hashAlg).update(message).digest()),
  ]);
  const sr = new Reader(sig);
  const sigType = sr.string().toString();
  const sigBlob = sr.string();
  const { type, key: keyObject, curve } = keyObjectOf(publicKey);
  let ok: boolean;
  if (type === 'ssh-ed25519') {
    if (sigType !== 'ssh-ed25519')
      throw new Error(`signature type '${sigType}' does not match key type '${type}'`);
    ok = verify(null, signed, keyObject, sigBlob);
  } else if (type === 'ssh-rsa') {
    const hash =
      sigType === 'rsa-sha2-512' ? 'sha512' : sigType === 'rsa-sha2-256' ? 'sha256' : undefined;
    // SHA-1 RSA signatures (`ssh-rsa`) are refused, as OpenSSH refuses them for sshsig.
    if (!hash) throw new Error(`unsupported RSA signature type '${sigType}'`);
    ok = verify(hash, signed, keyObject, sigBlob);
  } else {
    const c = CURVES[curve ?? ''];
    if (!c || sigType !== type)
      throw new Error(`signature type '${sigType}' does not match key type '${type}'`);
    const er = new Reader(sigBlob);
    const rs = Buffer.concat([leftPad(er.string(), c.size), leftPad(er.string(), c.size)]);
    ok = verify(c.hash, signed, { key: keyObject, dsaEncoding: 'ieee-p1363' }, rs);
  }
  if (!ok) throw new Error(`invalid signature by key ${key.fingerprint}`);
  return { key };
}
