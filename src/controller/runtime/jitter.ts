// Interval jitter, as Flux's `--interval-jitter-percentage`: spreads periodic reconciles so a
// fleet of objects with the same interval does not hit the API server at the same moment.

/**
 * Returns `ms` moved by a random amount of at most ±`percent`% (Flux's default is 5).
 * Percentages outside (0, 100) leave the duration unchanged, as Flux's jitter.Percent does.
 */
export function jitter(ms: number, percent = 5, random: () => number = Math.random): number {
  if (percent <= 0 || percent >= 100) return ms;
  const p = percent / 100;
  return Math.round(ms + ms * p * (random() * 2 - 1));
}
