// The project's Prometheus metrics registry (prom-client); servers expose it on /metrics.
import { Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Creates a registry with Node's default process metrics under the `flotilla_` prefix. */
export function createMetricsRegistry(options: { readonly defaults?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'flotilla_' });
  return registry;
}

/** Renders a registry in the Prometheus text format, with the content type to send it under. */
export async function renderMetrics(
  registry: Registry,
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
