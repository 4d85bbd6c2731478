// Memory of objects proven in sync: same desired object, same live resourceVersion → no dry-run.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/index.js';
import { formatObjectId, objMetadataOf, type ObjMetadata } from './object-id.js';

/**
 * A digest of the desired object. Plain JSON.stringify (no key sorting): the same renderer
 * produces keys in the same order every time, and a reordering only costs one dry-run.
 */
export function desiredHash(obj: KubeObject): string {
  return createHash('sha1').update(JSON.stringify(obj)).digest('base64url');
}

interface Entry {
  readonly hash: string;
  readonly resourceVersion: string;
  readonly at: number;
}

/**
 * After a dry-run showed an object unchanged, or after applying it, the engine remembers the
 * desired object's hash and the live resourceVersion. While both stay the same (nobody edited
 * the object, Git did not change it) a dry-run would say the same again, so the next reconcile
 * skips it. Entries expire after `ttlMs` so that server-side changes that do not touch the
 * object (new defaults from a CRD upgrade, a new mutating webhook) are still picked up.
 */
export class VerifiedCache {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly ttlMs: number) {}

  /** True if `desired` was proven in sync with exactly this live object version. */
  isVerified(
    desired: KubeObject,
    live: KubeObject | undefined,
    hash = desiredHash(desired),
  ): boolean {
    const rv = live?.metadata.resourceVersion;
    if (!rv) return false;
    const e = this.entries.get(formatObjectId(objMetadataOf(desired)));
    return (
      e !== undefined &&
      e.hash === hash &&
      e.resourceVersion === rv &&
      Date.now() - e.at < this.ttlMs
    );
  }

  remember(
    desired: KubeObject,
    resourceVersion: string | undefined,
    hash = desiredHash(desired),
  ): void {
    const id = formatObjectId(objMetadataOf(desired));
    if (!resourceVersion) {
      this.entries.delete(id);
      return;
    }
    this.entries.set(id, { hash, resourceVersion, at: Date.now() });
  }

  forget(desired: KubeObject | ObjMetadata): void {
    this.entries.delete(formatObjectId('metadata' in desired ? objMetadataOf(desired) : desired));
  }

  get size(): number {
    return this.entries.size;
  }
}
