// metav1.MicroTime: RFC 3339 with microsecond precision, as Leases and events.k8s.io Events use.

/** Formats a date as metav1.MicroTime ("2026-01-01T00:00:00.123000Z"). */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
