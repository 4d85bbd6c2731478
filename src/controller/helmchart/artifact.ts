// HelmChart sub-reconciler: stores the built chart as `<name>-<version>.tgz` (revision: the
// version) unless the stored artifact is current, and records what it was built from.
import { Readable } from 'node:stream';
import { ConditionType } from '../../core/index.js';
import { notifyArtifact, storeArtifact } from '../sources/artifact-storage.js';
import { helmChartConditions } from './conditions.js';
import type { HelmChartContext, HelmChartWork } from './work.js';

/** Stores a new package; ArtifactInStorage (and so Ready) says what was built. */
export async function reconcileHelmChartArtifact(
  ctx: HelmChartContext,
  work: HelmChartWork,
): Promise<void> {
  const { spec } = ctx.obj;
  const name = work.name ?? spec.chart;
  const version = work.version ?? '';
  const fileName = `${name}-${version}.tgz`;
  const { store } = ctx.deps;
  let artifact = ctx.status.artifact;
  if (work.packaged || work.tree) {
    const { packaged, tree } = work;
    artifact = await storeArtifact(ctx, (owner) =>
      packaged
        ? store.writeStream(owner, Readable.from([packaged]), { revision: version, fileName })
        : store.archive(owner, tree ?? '', { revision: version, fileName, matcher: null }),
    );
    ctx.status.artifact = artifact;
    ctx.artifactChanged = true;
    ctx.conditions.delete(ConditionType.StorageOperationFailed);
  }
  if (!artifact) return;
  ctx.status.url = artifact.url;
  ctx.status.observedChartName = spec.chart;
  ctx.status.observedSourceArtifactRevision = work.sourceRevision;
  ctx.status.observedValuesFiles =
    spec.valuesFiles && spec.valuesFiles.length > 0 ? [...spec.valuesFiles] : undefined;
  const action = work.action ?? (spec.sourceRef.kind === 'HelmRepository' ? 'pulled' : 'packaged');
  const valuesFiles = spec.valuesFiles ?? [];
  const summary =
    `${action} '${name}' chart with version '${artifact.revision}'` +
    (valuesFiles.length > 0 ? ` and merged values files [${valuesFiles.join(' ')}]` : '');
  ctx.conditions.delete(ConditionType.ArtifactOutdated);
  ctx.conditions.markTrue(
    ConditionType.ArtifactInStorage,
    action === 'pulled' ? 'ChartPullSucceeded' : 'ChartPackageSucceeded',
    summary,
  );
  notifyArtifact(ctx, helmChartConditions.failures ?? [], artifact, summary);
}
