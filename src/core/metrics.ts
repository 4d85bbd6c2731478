// The project's Prometheus metrics registry (prom-client); servers expose it on /metrics.
// prom-client (large) is loaded when a registry or metric is first created, not when core is
// imported: the metric classes exported here are lazy stand-ins for prom-client's own.
import type * as PromClient from 'prom-client';
import { lazyClass, lazyRequire } from './lazy-require.js';

export type Counter<T extends string = string> = PromClient.Counter<T>;
export type Gauge<T extends string = string> = PromClient.Gauge<T>;
export type Histogram<T extends string = string> = PromClient.Histogram<T>;
export type Registry<C extends PromClient.RegistryContentType = PromClient.PrometheusContentType> =
  PromClient.Registry<C>;

const loadPromClient = lazyRequire<typeof PromClient>('prom-client');

export const Counter = lazyClass(() => loadPromClient().Counter);
export const Gauge = lazyClass(() => loadPromClient().Gauge);
export const Histogram = lazyClass(() => loadPromClient().Histogram);
export const Registry = lazyClass(() => loadPromClient().Registry);

/** Creates a registry with Node's default process metrics under the `flotilla_` prefix. */
export function createMetricsRegistry(options: { readonly defaults?: boolean } = {}): Registry {
  const prom = loadPromClient();
  const registry = new prom.Registry();
  if (options.defaults ?? true)
    prom.collectDefaultMetrics({ register: registry, prefix: 'flotilla_' });
  return registry;
}

/** Renders a registry in the Prometheus text format, with the content type to send it under. */
export async function renderMetrics(
  registry: Registry,
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
