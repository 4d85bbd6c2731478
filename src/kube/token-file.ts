// A bearer token kept in a file (tokenFile, service-account token), re-read when the file changes.
import { readFileSync, statSync } from 'node:fs';
import { FlotillaError } from '../core/index.js';

export interface TokenFileOptions {
  /** How often the file is checked for a change (size and mtime). @default 1000 */
  readonly recheckMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Projected service-account tokens are rotated by replacing the file, so the token is read
 * again when the file's mtime or size changes (checked at most every `recheckMs`), and
 * always after `invalidate()`. A failed re-read keeps the last good token, as client-go does.
 */
export class TokenFile {
  private token: string | undefined;
  private stamp = '';
  private checkedAt = -Infinity;
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(
    readonly path: string,
    options: TokenFileOptions = {},
  ) {
    this.recheckMs = options.recheckMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  get(): string {
    const now = this.now();
    if (this.token !== undefined && now - this.checkedAt < this.recheckMs) return this.token;
    this.checkedAt = now;
    try {
      const st = statSync(this.path);
      const stamp = `${st.size}:${st.mtimeMs}`;
      if (this.token === undefined || stamp !== this.stamp) {
        const token = readFileSync(this.path, 'utf8').trim();
        if (!token) throw new Error('the file is empty');
        this.token = token;
        this.stamp = stamp;
      }
    } catch (err) {
      if (this.token !== undefined) return this.token;
      throw new FlotillaError(`cannot read token file ${this.path}: ${(err as Error).message}`, {
        reason: 'AuthenticationFailed',
        category: 'RetryLater',
        file: this.path,
        cause: err,
      });
    }
    return this.token;
  }

  /** Forces a re-read on the next `get()` (after a 401). */
  invalidate(): void {
    this.checkedAt = -Infinity;
    this.stamp = '';
  }
}
