// Parses Go/metav1 durations (`1m30s`, `500ms`, `1h`) as Flux's `interval` and `timeout` use them.
import { FlotillaError } from '../../core/index.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds of a Go duration string; throws naming the field when it is not one. */
export function parseDuration(value: string, field: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    matched = re.lastIndex;
  }
  if (value === '' || matched !== value.length) {
    throw new FlotillaError(
      `invalid duration '${value}' in ${field}: expected e.g. '1m30s', '10m', '500ms'`,
      {
        reason: 'InvalidSpec',
        field,
      },
    );
  }
  return total;
}
