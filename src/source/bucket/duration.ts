// Go duration strings (`1m30s`, `500ms`) as Flux's CRDs use them for interval and timeout.
import { FlotillaError } from '../../core/index.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses the CRD's duration pattern `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$` into milliseconds. */
export function parseDuration(value: string, field: string, object?: string): number {
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (value === '' || consumed !== value.length) {
    throw new FlotillaError(
      `invalid duration '${value}' in ${field}: expected e.g. '30s', '5m', '1h30m'`,
      {
        reason: 'InvalidSpec',
        field,
        ...(object === undefined ? {} : { object }),
      },
    );
  }
  return Math.round(total);
}
