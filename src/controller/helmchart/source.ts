// HelmChart sub-reconciler: resolves spec.sourceRef and builds the chart from it, as Flux's chart
// builders do — from a HelmRepository (the index's best version for spec.version, downloaded with
// the repository's credentials) or from the chart folder of a GitRepository or Bucket artifact.
// A chart whose version equals the stored artifact's (and whose name and values files did not
// change) is not built again.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ConditionType, errorMessage } from '../../core/index.js';
import { archiveFiles, chartDirFiles, loadFiles, type ChartFile } from '../../render/index.js';
import {
  chartUrlOf,
  httpGetBytes,
  parseIndexFile,
  type Artifact,
  type HelmClientOptions,
} from '../../source/index.js';
import { helmClientOptions } from '../helmrepository/client-options.js';
import { HelmReason } from '../helmrepository/conditions.js';
import type { HelmRepository } from '../helmrepository/types.js';
import { ReconcileError, failedCondition, failure, stalling } from '../runtime/reconcile-error.js';
import { BUILD_FAILED } from './conditions.js';
import { mergeValuesFiles, versionWithMetadata, writePackageTree } from './package.js';
import type { HelmChartContext, HelmChartWork } from './work.js';
import { selectChartVersion } from './version.js';

const SOURCE_KINDS = ['HelmRepository', 'GitRepository', 'Bucket'];

/** Flux's BuildError reasons, with the words its messages start with. */
const BuildReason = {
  ChartReference: { reason: HelmReason.InvalidChartReference, words: 'chart reference error' },
  ChartPull: { reason: HelmReason.ChartPullError, words: 'chart pull error' },
  ValuesFiles: { reason: 'ValuesFilesError', words: 'values files merge error' },
  ChartPackage: { reason: HelmReason.ChartPackageError, words: 'chart package error' },
} as const;
type BuildReason = (typeof BuildReason)[keyof typeof BuildReason];

/** Resolves the source and builds the chart (or finds the stored one current). */
export async function reconcileHelmChartSource(
  ctx: HelmChartContext,
  work: HelmChartWork,
): Promise<void> {
  const { spec, metadata } = ctx.obj;
  const ref = spec.sourceRef;
  if (!SOURCE_KINDS.includes(ref.kind)) {
    throw fetchFailed(
      ctx,
      stalling(
        'InvalidChartReference',
        `unsupported source kind '${ref.kind}': must be one of ${SOURCE_KINDS.join(', ')}`,
      ),
    );
  }
  const source = await ctx.deps
    .getSource(ref.kind, metadata.namespace, ref.name)
    .catch((err: unknown) => {
      throw fetchFailed(
        ctx,
        failure('SourceUnavailable', `failed to get source: ${errorMessage(err)}`),
      );
    });
  if (!source) {
    throw fetchFailed(
      ctx,
      failure(
        'SourceUnavailable',
        `failed to get source: ${ref.kind} '${metadata.namespace}/${ref.name}' not found`,
      ),
    );
  }
  if (ref.kind === 'HelmRepository' && (source.spec?.type ?? 'default') === 'oci') {
    throw fetchFailed(
      ctx,
      stalling(
        'UnsupportedConfiguration',
        `charts from OCI HelmRepository '${ref.name}' are not supported by Flotilla yet`,
      ),
    );
  }
  const artifact = source.status?.artifact;
  if (!artifact) {
    throw fetchFailed(
      ctx,
      failure('NoSourceArtifact', `no artifact available for ${ref.kind} source '${ref.name}'`),
    );
  }
  work.sourceRevision = artifact.revision;
  if (ref.kind === 'HelmRepository')
    await buildFromRepository(ctx, work, source as unknown as HelmRepository, artifact);
  else await buildFromSourceArtifact(ctx, work, artifact);
  ctx.conditions.delete(ConditionType.FetchFailed);
  ctx.conditions.delete(BUILD_FAILED);
}

async function buildFromRepository(
  ctx: HelmChartContext,
  work: HelmChartWork,
  repo: HelmRepository,
  artifact: Artifact,
): Promise<void> {
  const { spec } = ctx.obj;
  const chartVersion = await step(ctx, BuildReason.ChartReference, async () => {
    const index = parseIndexFile(await ctx.deps.readArtifact(artifact), artifact.url);
    try {
      return selectChartVersion(index, spec.chart, spec.version ?? '*');
    } catch (err) {
      throw new Error(`failed to get chart version for remote reference: ${errorMessage(err)}`);
    }
  });
  work.name = chartVersion.name;
  work.version = chartVersion.version;
  if (isCurrent(ctx, chartVersion.version)) return;
  const tgz = await step(ctx, BuildReason.ChartPull, async () => {
    const url = chartUrlOf(repo.spec.url, chartVersion);
    const options = await helmClientOptions(repo, ctx.deps.getSecret);
    const sameHost = new URL(url).host === new URL(repo.spec.url).host;
    return httpGetBytes(url, {
      ...withoutCredentials(options, !sameHost && repo.spec.passCredentials !== true),
      timeoutMs: ctx.timeoutMs ?? 60_000,
      signal: ctx.signal,
    });
  });
  const valuesFiles = spec.valuesFiles ?? [];
  if (valuesFiles.length === 0) {
    work.packaged = tgz;
    work.action = 'pulled';
    return;
  }
  const files = await step(ctx, BuildReason.ChartPull, () => Promise.resolve(archiveFiles(tgz)));
  await packageTree(ctx, work, files, files, {});
}

async function buildFromSourceArtifact(
  ctx: HelmChartContext,
  work: HelmChartWork,
  artifact: Artifact,
): Promise<void> {
  const { spec } = ctx.obj;
  const dir = await tempDir(ctx, 'helmchart-');
  const root = join(dir, 'source');
  await ctx.deps.extractArtifact(artifact, root).catch((err: unknown) => {
    throw fetchFailed(
      ctx,
      failure('StorageOperationFailed', `failed to fetch artifact: ${errorMessage(err)}`),
    );
  });
  const chartPath = posix.normalize(spec.chart.replace(/^\.?\/+/, ''));
  if (chartPath.startsWith('..') || posix.isAbsolute(chartPath)) {
    throw fetchFailed(
      ctx,
      stalling('InvalidChartReference', `chart path '${spec.chart}' leaves the source artifact`),
    );
  }
  const files = await step(ctx, BuildReason.ChartReference, () =>
    Promise.resolve(chartDirFiles(join(root, chartPath))),
  );
  const chart = await step(ctx, BuildReason.ChartPackage, () => Promise.resolve(loadFiles(files)));
  let version = chart.metadata.version;
  if (spec.reconcileStrategy === 'Revision') {
    let rev = artifact.revision;
    if (spec.sourceRef.kind === 'GitRepository') rev = rev.replace(/^.*:/, '');
    else rev = rev.replace(/^sha256:/, '');
    version = versionWithMetadata(version, rev.slice(0, 12));
  }
  work.name = chart.metadata.name;
  work.version = version;
  if (isCurrent(ctx, version)) return;
  // Values files are plain files of the source, relative to its root; read before packaging.
  const valuesFiles = new Map<string, Buffer | undefined>();
  for (const path of ctx.obj.spec.valuesFiles ?? []) {
    const rel = posix.normalize(path.replace(/^\.?\/+/, ''));
    valuesFiles.set(
      path,
      rel.startsWith('..') ? undefined : await readFile(join(root, rel)).catch(() => undefined),
    );
  }
  const sourceFiles = (path: string): Buffer | undefined => valuesFiles.get(path);
  await packageTree(ctx, work, files, sourceFiles, {
    ...(version === chart.metadata.version ? {} : { version }),
  });
}

/** Writes the package tree with the merged values files; the artifact step archives it. */
async function packageTree(
  ctx: HelmChartContext,
  work: HelmChartWork,
  files: readonly ChartFile[],
  valuesSource: readonly ChartFile[] | ((path: string) => Buffer | undefined),
  changes: { readonly version?: string },
): Promise<void> {
  const { spec } = ctx.obj;
  const valuesFiles = spec.valuesFiles ?? [];
  const read =
    typeof valuesSource === 'function'
      ? valuesSource
      : (path: string) => valuesSource.find((f) => f.name === posix.normalize(path))?.data;
  const values =
    valuesFiles.length === 0
      ? undefined
      : await step(ctx, BuildReason.ValuesFiles, () =>
          Promise.resolve(
            mergeValuesFiles(valuesFiles, read, spec.ignoreMissingValuesFiles ?? false),
          ),
        );
  const dir = await tempDir(ctx, 'helmchart-package-');
  await step(ctx, BuildReason.ChartPackage, () =>
    writePackageTree(files, work.name ?? '', dir, {
      ...changes,
      ...(values ? { values } : {}),
    }),
  );
  work.tree = dir;
  work.action = 'packaged';
}

/** A fresh folder under the deps' tmpDir, removed after the reconcile. */
async function tempDir(ctx: HelmChartContext, prefix: string): Promise<string> {
  const parent = ctx.deps.tmpDir ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, prefix));
  ctx.defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Whether the stored artifact is this version built from the same name and values files. */
function isCurrent(ctx: HelmChartContext, version: string): boolean {
  const { spec, status } = ctx.obj;
  const current = ctx.status.artifact;
  return (
    current !== undefined &&
    current.revision === version &&
    status?.observedChartName === spec.chart &&
    JSON.stringify(status.observedValuesFiles ?? []) === JSON.stringify(spec.valuesFiles ?? [])
  );
}

/** Runs one phase of the build; its failure is Flux's BuildError with that reason. */
async function step<T>(
  ctx: HelmChartContext,
  reason: BuildReason,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ReconcileError) throw err;
    const e = failure(reason.reason, `${reason.words}: ${errorMessage(err)}`, err);
    const build = reason === BuildReason.ValuesFiles || reason === BuildReason.ChartPackage;
    ctx.conditions.delete(build ? ConditionType.FetchFailed : BUILD_FAILED);
    throw failedCondition(ctx.conditions, build ? BUILD_FAILED : ConditionType.FetchFailed, e);
  }
}

function fetchFailed(ctx: HelmChartContext, err: ReconcileError): ReconcileError {
  return failedCondition(ctx.conditions, ConditionType.FetchFailed, err);
}

function withoutCredentials(options: HelmClientOptions, drop: boolean): HelmClientOptions {
  if (!drop) return options;
  const { username: _u, password: _p, ...rest } = options;
  return rest;
}
