// Keys for JWS signing and verification: PEM certificates and public keys, JWKs and JWK sets (node:crypto).
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  X509Certificate,
  constants,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { opaBase64UrlDecode } from './go-base64.js';
import { pemDecode } from './pem.js';
import { lookupTable } from '../lookup-table.js';

/** A key usable for a JWS algorithm: an asymmetric key object or an HMAC secret. */
export type JwsKey = KeyObject | Buffer;

export interface VerificationKey {
  readonly key: JwsKey;
  /** The key's "alg" (JWK only), "" when unknown. */
  readonly alg: string;
  readonly kid: string;
}

/** The algorithms OPA's JWT built-ins know. */
export const JWS_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'HS256',
  'HS384',
  'HS512',
  'EdDSA',
]);

/** Imports one JWK; symmetric ("oct") keys become their secret bytes. */
export function importJwk(jwk: Record<string, unknown>, asPrivate: boolean): JwsKey {
  if (jwk['kty'] === 'oct') {
    if (typeof jwk['k'] !== 'string') throw new Error('invalid oct key: missing "k"');
    return opaBase64UrlDecode(jwk['k']);
  }
  const key = jwk as JsonWebKey;
  if (asPrivate) return createPrivateKey({ key, format: 'jwk' });
  return createPublicKey({ key, format: 'jwk' });
}

/** The keys of a JWK or JWK set text. */
export function parseJwkSet(text: string, asPrivate: boolean): VerificationKey[] {
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('expected a JSON object');
  }
  const obj = parsed as Record<string, unknown>;
  const list = Array.isArray(obj['keys']) ? (obj['keys'] as unknown[]) : [obj];
  return list.map((k) => {
    if (k === null || typeof k !== 'object') throw new Error('key must be a JSON object');
    const jwk = k as Record<string, unknown>;
    return {
      key: importJwk(jwk, asPrivate),
      alg: typeof jwk['alg'] === 'string' ? jwk['alg'] : '',
      kid: typeof jwk['kid'] === 'string' ? jwk['kid'] : '',
    };
  });
}

/** OPA's getKeysFromCertOrJWK: one PEM certificate or public key, else a JWK (set). */
export function keysFromCertOrJwk(certificate: string): VerificationKey[] {
  const pem = pemDecode(certificate);
  if (pem !== undefined) {
    if (pem.rest.length > 0) throw new Error('extra data after a PEM certificate block');
    if (pem.block.type === 'CERTIFICATE') {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(pem.block.bytes);
      } catch (e) {
        throw new Error(
          `failed to parse a PEM certificate: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      return [{ key: cert.publicKey, alg: '', kid: '' }];
    }
    if (pem.block.type === 'PUBLIC KEY') {
      try {
        return [
          {
            key: createPublicKey({ key: pem.block.bytes, format: 'der', type: 'spki' }),
            alg: '',
            kid: '',
          },
        ];
      } catch (e) {
        throw new Error(
          `failed to parse a PEM public key: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    throw new Error('failed to extract a Key from the PEM certificate');
  }
  let keys: VerificationKey[];
  try {
    keys = parseJwkSet(certificate, false);
  } catch (e) {
    throw new Error(
      `failed to parse a JWK key (set): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  // Keys with an algorithm OPA does not know are skipped.
  return keys.filter((k) => k.alg === '' || JWS_ALGORITHMS.has(k.alg));
}

const HASHES: Readonly<Record<string, string>> = lookupTable({
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
});
const CURVES: Readonly<Record<string, string>> = lookupTable({
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
});
const CURVE_BYTES: Readonly<Record<string, number>> = lookupTable({
  ES256: 32,
  ES384: 48,
  ES512: 66,
});

function isKeyObject(k: JwsKey): k is KeyObject {
  return !Buffer.isBuffer(k);
}

function hmac(alg: string, secret: Buffer, data: Buffer): Buffer {
  return createHmac(HASHES[alg.slice(2)]!, secret).update(data).digest();
}

/** Verifies a JWS signature with alg; throws for a key of the wrong kind, returns false for a bad signature. */
export function jwsVerify(key: JwsKey, alg: string, data: Buffer, signature: Buffer): boolean {
  const family = alg.slice(0, 2);
  if (alg === 'EdDSA') {
    if (!isKeyObject(key) || key.asymmetricKeyType !== 'ed25519')
      throw new Error('incorrect public key type');
    return cryptoVerify(null, data, key, signature);
  }
  const hash = HASHES[alg.slice(2)];
  if (hash === undefined) throw new Error(`unsupported algorithm ${alg}`);
  switch (family) {
    case 'HS': {
      if (isKeyObject(key)) throw new Error('incorrect key type');
      const mac = hmac(alg, key, data);
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    case 'RS':
    case 'PS': {
      if (!isKeyObject(key) || key.asymmetricKeyType !== 'rsa')
        throw new Error('incorrect public key type');
      const padding =
        family === 'RS' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_PSS_PADDING;
      return cryptoVerify(
        hash,
        data,
        { key, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
        signature,
      );
    }
    case 'ES': {
      if (!isKeyObject(key) || key.asymmetricKeyType !== 'ec')
        throw new Error('incorrect public key type');
      if (key.asymmetricKeyDetails?.namedCurve !== CURVES[alg]) throw new Error('incorrect curve');
      if (signature.length !== 2 * CURVE_BYTES[alg]!) return false;
      return cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    default:
      throw new Error(`unsupported algorithm ${alg}`);
  }
}

/** Signs data with alg (jwsbb.Sign). */
export function jwsSign(key: JwsKey, alg: string, data: Buffer): Buffer {
  if (alg === 'EdDSA') {
    if (!isKeyObject(key) || key.asymmetricKeyType !== 'ed25519')
      throw new Error('invalid key type for EdDSA');
    return cryptoSign(null, data, key);
  }
  const family = alg.slice(0, 2);
  const hash = HASHES[alg.slice(2)]!;
  if (family === 'HS') {
    if (isKeyObject(key)) throw new Error(`invalid key type for ${alg}: expected an oct key`);
    return hmac(alg, key, data);
  }
  if (!isKeyObject(key) || key.type !== 'private')
    throw new Error(`invalid key type for ${alg}: expected a private key`);
  if (family === 'RS' || family === 'PS') {
    if (key.asymmetricKeyType !== 'rsa')
      throw new Error(`invalid key type for ${alg}: expected an RSA key`);
    const padding = family === 'RS' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_PSS_PADDING;
    return cryptoSign(hash, data, { key, padding, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  }
  if (key.asymmetricKeyType !== 'ec')
    throw new Error(`invalid key type for ${alg}: expected an EC key`);
  return cryptoSign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
}
