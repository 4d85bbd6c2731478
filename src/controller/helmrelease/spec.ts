// HelmRelease sub-reconciler: stalls on what Flotilla does not implement yet, saying so, rather
// than ignoring it.
import { stalling } from '../runtime/reconcile-error.js';
import type { HelmReleaseContext } from './work.js';

export function checkHelmReleaseSpec(ctx: HelmReleaseContext): Promise<void> {
  const { spec } = ctx.obj;
  const unsupported: [string, boolean][] = [
    ['spec.postRenderers', (spec.postRenderers?.length ?? 0) > 0],
    ['spec.driftDetection.ignore', (spec.driftDetection?.ignore?.length ?? 0) > 0],
    ['spec.chartRef.kind OCIRepository', spec.chartRef?.kind === 'OCIRepository'],
  ];
  for (const [field, present] of unsupported) {
    if (present)
      throw stalling('UnsupportedConfiguration', `${field} is not supported by Flotilla yet`);
  }
  if (!spec.chart && !spec.chartRef)
    throw stalling('InvalidChartReference', 'one of spec.chart or spec.chartRef is required');
  return Promise.resolve();
}
