// Polling for tests: wait until a probe gives a value (or holds), failing with a message that
// says what was awaited, the probe's last error and, optionally, the state of things.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../core/index.js';

export interface UntilOptions {
  /** @default 10_000 */
  readonly timeoutMs?: number;
  /** Pause between probes. @default 50 */
  readonly intervalMs?: number;
  /** Extra text for the timeout error, e.g. the objects' status. */
  readonly state?: () => string | Promise<string>;
}

/**
 * Calls `probe` until it returns something other than undefined, false or null, and returns
 * that. A probe that throws is tried again; on timeout the error names `what` and the last error.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: UntilOptions = {},
): Promise<T> {
  const end = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      const state = options.state ? await Promise.resolve(options.state()).catch(String) : '';
      const cause = last === undefined ? '' : `: ${errorMessage(last)}`;
      throw new Error(`timed out waiting for ${what}${cause}${state ? `; state: ${state}` : ''}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
