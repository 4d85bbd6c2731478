// HelmRelease sub-reconciler: the chart — a HelmChart generated from spec.chart (named
// `<namespace>-<name>` in the source's namespace, as Flux does) or the one spec.chartRef names —
// must be Ready; its artifact is downloaded (digest checked) and loaded.
import { createHash } from 'node:crypto';
import { errorMessage, findCondition } from '../../core/index.js';
import { PatchType, type KubeObject } from '../../kube/index.js';
import { archiveFiles, loadFiles } from '../../render/index.js';
import { HELMCHART_API_VERSION, HELMCHART_KIND, type HelmChart } from '../helmchart/types.js';
import { failure, stalling, waiting } from '../runtime/reconcile-error.js';
import { ReleaseReason } from './conditions.js';
import type { HelmReleaseContext, HelmReleaseWork } from './work.js';
import type { HelmRelease } from './types.js';

/** The HelmChart a HelmRelease uses: `namespace/name`. */
export function helmChartOf(hr: HelmRelease): { namespace: string; name: string } | undefined {
  const { chart, chartRef } = hr.spec;
  if (chart) {
    return {
      namespace: chart.spec.sourceRef.namespace ?? hr.metadata.namespace,
      name: `${hr.metadata.namespace}-${hr.metadata.name}`,
    };
  }
  if (chartRef?.kind === 'HelmChart')
    return { namespace: chartRef.namespace ?? hr.metadata.namespace, name: chartRef.name };
  return undefined;
}

/** The HelmChart object generated from spec.chart. */
export function chartTemplateObject(hr: HelmRelease): KubeObject | undefined {
  const tpl = hr.spec.chart;
  const ref = helmChartOf(hr);
  if (!tpl || !ref) return undefined;
  return {
    apiVersion: HELMCHART_API_VERSION,
    kind: HELMCHART_KIND,
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: {
        ...tpl.metadata?.labels,
        'helm.toolkit.fluxcd.io/name': hr.metadata.name,
        'helm.toolkit.fluxcd.io/namespace': hr.metadata.namespace,
      },
      ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
    },
    spec: {
      chart: tpl.spec.chart,
      version: tpl.spec.version ?? '*',
      sourceRef: { kind: tpl.spec.sourceRef.kind, name: tpl.spec.sourceRef.name },
      interval: tpl.spec.interval ?? hr.spec.interval,
      reconcileStrategy: tpl.spec.reconcileStrategy ?? 'ChartVersion',
      ...(tpl.spec.valuesFiles ? { valuesFiles: [...tpl.spec.valuesFiles] } : {}),
      ...(tpl.spec.ignoreMissingValuesFiles ? { ignoreMissingValuesFiles: true } : {}),
    },
  };
}

export async function reconcileReleaseChart(
  ctx: HelmReleaseContext,
  work: HelmReleaseWork,
): Promise<void> {
  const hr = ctx.obj;
  const ref = helmChartOf(hr);
  if (!ref) {
    const kind = hr.spec.chartRef?.kind ?? '(none)';
    throw stalling(
      'InvalidChartReference',
      hr.spec.chartRef
        ? `chartRef kind '${kind}' is not supported by Flotilla yet`
        : 'one of spec.chart or spec.chartRef is required',
    );
  }
  const template = chartTemplateObject(hr);
  if (template) {
    ctx.fence();
    await ctx.deps.client.patch(
      { ...ref, apiVersion: HELMCHART_API_VERSION, kind: HELMCHART_KIND },
      PatchType.Apply,
      template,
      { fieldManager: 'flotilla', force: true },
    );
  }
  ctx.status.helmChart = `${ref.namespace}/${ref.name}`;
  const chart = await ctx.deps.client.getOrUndefined<KubeObject & HelmChart>({
    apiVersion: HELMCHART_API_VERSION,
    kind: HELMCHART_KIND,
    ...ref,
  });
  const ready = findCondition(chart?.status?.conditions, 'Ready');
  const artifact = chart?.status?.artifact;
  const wait = ctx.deps.requeueDependencyMs ?? 30_000;
  if (!chart)
    throw waiting('SourceNotReady', `HelmChart '${ref.namespace}/${ref.name}' not found`, wait);
  if (
    !artifact ||
    (chart.metadata.generation !== chart.status?.observedGeneration && ready?.status !== 'True') ||
    (ready?.status === 'False' && !artifact)
  ) {
    throw waiting(
      'SourceNotReady',
      `HelmChart '${ref.namespace}/${ref.name}' is not ready: ${ready?.message ?? 'no artifact'}`,
      wait,
    );
  }
  let tgz: Buffer;
  try {
    tgz = await ctx.deps.fetchChart(artifact);
    work.files = archiveFiles(tgz);
    work.chart = loadFiles(work.files);
  } catch (err) {
    throw failure(
      ReleaseReason.ArtifactFailed,
      `failed to load chart from HelmChart '${ref.namespace}/${ref.name}': ${errorMessage(err)}`,
      err,
    );
  }
  work.chartRevision = artifact.revision;
  work.chartDigest = `sha256:${createHash('sha256').update(tgz).digest('hex')}`;
  ctx.status.lastAttemptedRevision = artifact.revision;
  ctx.status.lastAttemptedRevisionDigest = artifact.digest;
}
