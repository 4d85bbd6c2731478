// The admin bearer token: the database keeps only its SHA-256, the token itself lives in the
// kubeconfig the cluster writes (0600). A restart reads it back from there; without that file
// (or with one holding another token) a new token is issued, and older copies stop working.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { generateToken } from './auth.js';
import type { ObjectStore } from './store.js';

const HASH_KEY = 'adminTokenSha256';
/** Where versions before the hash kept the token itself. */
const LEGACY_KEY = 'adminToken';

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Whether `token` is the one whose digest is `digest` (constant time). */
export function tokenMatches(token: string, digest: Buffer): boolean {
  const given = tokenDigest(token);
  return given.length === digest.length && timingSafeEqual(given, digest);
}

/** The token of the first user of a kubeconfig this cluster wrote, if it parses. */
function kubeconfigToken(kubeconfig: string | undefined): string | undefined {
  if (kubeconfig === undefined) return undefined;
  try {
    const doc = parseYaml(kubeconfig) as { users?: { user?: { token?: unknown } }[] } | null;
    const token = doc?.users?.[0]?.user?.token;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The admin token for this start, with its digest stored: the legacy clear token moved to a hash,
 * else the token of the existing kubeconfig if it matches the stored hash, else a new one.
 */
export function resolveAdminToken(
  store: ObjectStore,
  existingKubeconfig: string | undefined,
): { token: string; digest: Buffer } {
  const legacy = store.getMeta(LEGACY_KEY);
  if (legacy !== undefined) {
    const digest = tokenDigest(legacy);
    store.setMeta(HASH_KEY, digest.toString('hex'));
    store.deleteMetaSecurely(LEGACY_KEY);
    return { token: legacy, digest };
  }
  const stored = store.getMeta(HASH_KEY);
  const candidate = kubeconfigToken(existingKubeconfig);
  if (stored !== undefined && candidate !== undefined) {
    const digest = Buffer.from(stored, 'hex');
    if (tokenMatches(candidate, digest)) return { token: candidate, digest };
  }
  const token = generateToken();
  const digest = tokenDigest(token);
  store.setMeta(HASH_KEY, digest.toString('hex'));
  return { token, digest };
}
