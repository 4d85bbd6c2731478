// Polling for tests: wait until a probe yields a value, and on time-out say what was awaited,
// the probe's last error and the state the test chooses to show (statuses, log tails).
import { setTimeout as sleep } from 'node:timers/promises';

export interface UntilOptions {
  /** @default 30_000 */
  readonly timeoutMs?: number;
  /** @default 50 */
  readonly intervalMs?: number;
  /** Text added to the time-out error: the state that explains why (read only on failure). */
  readonly state?: () => string | Promise<string>;
}

/**
 * Calls `probe` until it returns something other than `undefined`, `null` or `false`, and returns that.
 * A probe that throws is retried (its last error is reported on time-out).
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: UntilOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      const cause = last instanceof Error ? `; last error: ${last.message}` : '';
      let state = '';
      if (options.state) {
        try {
          state = `\n${await options.state()}`;
        } catch (err) {
          state = `\n(state unavailable: ${err instanceof Error ? err.message : String(err)})`;
        }
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${state}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
