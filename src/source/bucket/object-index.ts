// The key → etag index of a bucket, and its digest: the Bucket revision, as Flux computes it.
import { createHash } from 'node:crypto';

/**
 * Flux's `index.Digester`: the revision is the sha256 of `<key> <etag>\n` lines for all keys
 * in sorted (byte) order, written as `sha256:<hex>`.
 */
export class ObjectIndex {
  readonly #entries = new Map<string, string>();

  add(key: string, etag: string): void {
    this.#entries.set(key, etag);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get(key: string): string | undefined {
    return this.#entries.get(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Keys in Go's `sort.Strings` order (byte-wise). */
  keys(): string[] {
    return [...this.#entries.keys()]
      .map((k) => ({ k, b: Buffer.from(k) }))
      .sort((x, y) => Buffer.compare(x.b, y.b))
      .map(({ k }) => k);
  }

  /** The index as Flux writes it: one `<key> <etag>` line per key. */
  toString(): string {
    return this.keys()
      .map((k) => `${k} ${this.#entries.get(k) ?? ''}\n`)
      .join('');
  }

  /** `sha256:<hex>` of the index: the Bucket artifact revision. */
  digest(): string {
    return `sha256:${createHash('sha256').update(this.toString()).digest('hex')}`;
  }
}
