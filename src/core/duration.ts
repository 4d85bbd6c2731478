// Go's duration strings ("1m30s", "10m", "500ms", "1h"), as Kubernetes and Flux APIs write them.
import { FlotillaError } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

// µ (U+00B5) and μ (U+03BC) written as escapes: the bundled CLI stays ASCII, which Node reads
// faster at start-up (bin/flotilla.js).
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;

/**
 * Parses a Go duration string into milliseconds, as `time.ParseDuration` does (one or more
 * decimal numbers each with a unit; "0" alone is allowed), except that a sign is refused: the
 * APIs that use durations (intervals, timeouts) allow none. Throws a FlotillaError naming the
 * field (and object, when given) when the string is not a duration.
 */
export function parseDuration(text: string, field = 'duration', object?: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') throw invalid(text, field, object);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== start) throw invalid(text, field, object);
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  }
  if (!Number.isFinite(total)) throw invalid(text, field, object);
  return total;
}

/** Formats milliseconds the way Go's `Duration.String()` does ("1m30s", "500ms", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${trim(rest)}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = rest / 1000;
    out = (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + `${trim(s)}s`;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}

function invalid(text: string, field: string, object: string | undefined): FlotillaError {
  return new FlotillaError(
    `${field}: invalid duration "${text}" (expected e.g. "30s", "5m", "1h30m")`,
    {
      reason: 'InvalidDuration',
      field,
      ...(object === undefined ? {} : { object }),
    },
  );
}
