// Content digests in the `<algorithm>:<hex>` form Flux and OCI use.
import { createHash, type Hash } from 'node:crypto';
import { FlotillaError } from '../../core/index.js';

/** Algorithms accepted in digests; sha256 is the canonical one Flux writes. */
export const DigestAlgorithm = {
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
} as const;
export type DigestAlgorithm = (typeof DigestAlgorithm)[keyof typeof DigestAlgorithm];

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ParsedDigest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
}

/** Parses `sha256:<hex>`; throws a FlotillaError naming `field` when it is not a valid digest. */
export function parseDigest(value: string, field = 'digest'): ParsedDigest {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(value);
  const algorithm = m?.[1] as DigestAlgorithm | undefined;
  const hex = m?.[2];
  if (
    algorithm === undefined ||
    hex === undefined ||
    !(algorithm in HEX_LENGTH) ||
    HEX_LENGTH[algorithm] !== hex.length
  ) {
    throw new FlotillaError(
      `invalid digest '${value}': expected '<algorithm>:<hex>' with algorithm sha256, sha384 or sha512`,
      { reason: 'InvalidDigest', field },
    );
  }
  return { algorithm, hex };
}

/** A running hash that formats itself as a digest. */
export function createDigester(algorithm: DigestAlgorithm = DigestAlgorithm.SHA256): {
  readonly hash: Hash;
  digest(): string;
} {
  const hash = createHash(algorithm);
  return { hash, digest: () => `${algorithm}:${hash.digest('hex')}` };
}

/** sha256 digest of a buffer or string. */
export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
