// One reconciliation of a Bucket: fetch, build the artifact, and compute status and events as Flux does.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCategory,
  FlotillaError,
  errorMessage,
  parseDuration,
  silentLogger,
  type Logger,
} from '../../core/index.js';
import type { Artifact, ArtifactOwner, ArtifactStore } from '../artifact/index.js';
import { BucketReason, createBucketClient } from './client-factory.js';
import { BUCKET_SUMMARY, ConditionReason, ConditionSet, ConditionType } from './conditions.js';
import { fetchEtagIndex, fetchIndexFiles } from './fetch-objects.js';
import type { BucketClient } from './provider.js';
import {
  BUCKET_KIND,
  type Bucket,
  type BucketStatus,
  type SecretData,
  type SourceEvent,
} from './types.js';

/** The annotation `flux reconcile` sets to ask for a reconciliation now. */
export const RECONCILE_REQUEST_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';
const EVENT_REVISION_KEY = 'source.toolkit.fluxcd.io/revision';
const EVENT_DIGEST_KEY = 'source.toolkit.fluxcd.io/digest';

export interface BucketReconcileDeps {
  readonly store: ArtifactStore;
  /** Reads a Secret's decoded data; undefined when it does not exist. */
  readonly getSecret: (namespace: string, name: string) => Promise<SecretData | undefined>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Where objects are downloaded before archiving. @default os.tmpdir() */
  readonly tmpDir?: string;
  /** Parallel object downloads. @default 16 */
  readonly fetchConcurrency?: number;
  /** Told about intermediate status (e.g. Reconciling "building artifact"), to patch it early. */
  readonly onProgress?: (status: BucketStatus) => void;
  /** Replaces the provider client (tests, or an injected client for unusual endpoints). */
  readonly createClient?: typeof createBucketClient;
  /** Environment for the `aws` provider's credential fallback. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface BucketReconcileResult {
  /** The complete new status to write. */
  readonly status: BucketStatus;
  /** Events to record on the object, in order. */
  readonly events: readonly SourceEvent[];
  /** When to reconcile again; undefined when stalled, suspended or deleted. */
  readonly requeueAfterMs: number | undefined;
  /** The failure, if the reconciliation failed (the caller retries with backoff unless Terminal). */
  readonly error: FlotillaError | undefined;
  /** True when a new artifact was stored. */
  readonly artifactChanged: boolean;
  /** True when the object was being deleted and its artifacts are gone (remove the finalizer). */
  readonly deleted: boolean;
}

/** Errors that retrying cannot fix until the spec changes: they stall the object (Flux's Stalling). */
function isStalling(err: FlotillaError): boolean {
  return (
    err.reason === BucketReason.UnsupportedConfiguration || err.reason === BucketReason.InvalidSpec
  );
}

function toFlotillaError(err: unknown, reason: string, object: string): FlotillaError {
  if (err instanceof FlotillaError) return err;
  return new FlotillaError(errorMessage(err), {
    reason,
    object,
    category: ErrorCategory.Transient,
    cause: err,
  });
}

/**
 * Reconciles one Bucket: garbage collects and verifies stored artifacts, lists the bucket,
 * and when the index digest (the revision) changed downloads the objects and stores a new
 * artifact. Returns the status as Flux's source-controller writes it, and the events.
 * Adding/removing the finalizer and patching status are the caller's job.
 */
export async function reconcileBucket(
  obj: Bucket,
  deps: BucketReconcileDeps,
): Promise<BucketReconcileResult> {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger ?? silentLogger();
  const { store } = deps;
  const { metadata, spec } = obj;
  const objectName = `${metadata.namespace}/${metadata.name}`;
  const owner: ArtifactOwner = {
    kind: BUCKET_KIND,
    namespace: metadata.namespace,
    name: metadata.name,
  };
  const generation = metadata.generation;
  const prev: BucketStatus = obj.status ?? {};
  const events: SourceEvent[] = [];

  if (metadata.deletionTimestamp !== undefined) {
    await store.removeAll(owner);
    const { artifact: _gone, url: _url, ...rest } = prev;
    return {
      status: rest,
      events,
      requeueAfterMs: undefined,
      error: undefined,
      artifactChanged: false,
      deleted: true,
    };
  }
  if (spec.suspend === true) {
    logger.info({ object: objectName }, 'reconciliation is suspended for this object');
    // Flux records the handled request even for a suspended object.
    const requested = metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
    return {
      status: requested === undefined ? prev : { ...prev, lastHandledReconcileAt: requested },
      events,
      requeueAfterMs: undefined,
      error: undefined,
      artifactChanged: false,
      deleted: false,
    };
  }

  const conds = new ConditionSet(prev.conditions, generation, now);
  let artifact: Artifact | undefined = prev.artifact;
  let url = prev.url;
  let observedIgnore = prev.observedIgnore;
  const hadFailure =
    conds.get(ConditionType.FetchFailed) !== undefined ||
    conds.get(ConditionType.StorageOperationFailed) !== undefined;
  const snapshot = (): BucketStatus => ({
    ...(prev.observedGeneration === undefined
      ? {}
      : { observedGeneration: prev.observedGeneration }),
    conditions: conds.list(),
    ...(url === undefined ? {} : { url }),
    ...(artifact === undefined ? {} : { artifact }),
    ...(observedIgnore === undefined ? {} : { observedIgnore }),
    ...(prev.lastHandledReconcileAt === undefined
      ? {}
      : { lastHandledReconcileAt: prev.lastHandledReconcileAt }),
  });
  const progressing = (message: string): void => {
    conds.markTrue(ConditionType.Reconciling, ConditionReason.Progressing, message);
    conds.set(ConditionType.Ready, 'Unknown', ConditionReason.Progressing, message);
  };

  progressing('reconciliation in progress');
  if (generation !== undefined && generation !== prev.observedGeneration) {
    progressing(
      `processing object: new generation ${prev.observedGeneration ?? 0} -> ${generation}`,
    );
  }
  deps.onProgress?.(snapshot());

  let error: FlotillaError | undefined;
  let artifactChanged = false;
  let fileCount = 0;
  let workDir: string | undefined;
  try {
    parseDuration(spec.interval, 'spec.interval', objectName);
    const timeoutMs = parseDuration(spec.timeout ?? '60s', 'spec.timeout', objectName);
    for (const [field, value] of [
      ['spec.bucketName', spec.bucketName],
      ['spec.endpoint', spec.endpoint],
    ] as const) {
      if (typeof value !== 'string' || value === '') {
        throw new FlotillaError(`${field} is required`, {
          reason: BucketReason.InvalidSpec,
          object: objectName,
          field,
        });
      }
    }
    for (const [field, present] of [
      ['spec.sts', spec.sts !== undefined],
      ['spec.proxySecretRef', spec.proxySecretRef !== undefined],
      [
        'spec.serviceAccountName',
        spec.serviceAccountName !== undefined && spec.serviceAccountName !== '',
      ],
    ] as const) {
      if (present) {
        throw new FlotillaError(`${field} is not supported by Flotilla`, {
          reason: BucketReason.UnsupportedConfiguration,
          object: objectName,
          field,
        });
      }
    }

    // reconcileStorage: garbage collection, then check the advertised artifact is still there.
    if (artifact) {
      try {
        const removed = await store.garbageCollect(owner, artifact);
        if (removed.length > 0)
          logger.debug(
            { object: objectName, removed },
            `garbage collected ${removed.length} artifacts`,
          );
      } catch (err) {
        logger.warn(
          { object: objectName, err: errorMessage(err) },
          'garbage collection of artifacts failed',
        );
      }
    }
    let missing = false;
    if (artifact) {
      if (!(await store.exists(artifact))) {
        missing = true;
      } else {
        try {
          await store.verify(artifact);
        } catch (err) {
          events.push({
            type: 'Warning',
            reason: 'ArtifactVerificationFailed',
            message: `failed to verify integrity of artifact: ${errorMessage(err)}`,
          });
          await store.remove(artifact);
          missing = true;
        }
      }
      if (missing) {
        artifact = undefined;
        url = undefined;
      }
    }
    if (!artifact) {
      progressing(missing ? 'building artifact: disappeared from storage' : 'building artifact');
      conds.delete(ConditionType.ArtifactInStorage);
      deps.onProgress?.(snapshot());
    } else {
      artifact = { ...artifact, url: store.urlFor(artifact.path) };
      if (url !== undefined) url = store.urlFor(store.latestPath(owner));
    }

    // reconcileSource: credentials, client, index, and the objects when the revision changed.
    let secret: SecretData | undefined;
    if (spec.secretRef) {
      secret = await deps
        .getSecret(metadata.namespace, spec.secretRef.name)
        .catch((err: unknown) => {
          throw new FlotillaError(
            `failed to get secret '${metadata.namespace}/${spec.secretRef?.name ?? ''}': ${errorMessage(err)}`,
            {
              reason: BucketReason.AuthenticationFailed,
              object: objectName,
              field: 'spec.secretRef',
              category: ErrorCategory.Transient,
            },
          );
        });
      if (!secret) {
        throw new FlotillaError(
          `failed to get secret '${metadata.namespace}/${spec.secretRef.name}': not found`,
          {
            reason: BucketReason.AuthenticationFailed,
            object: objectName,
            field: 'spec.secretRef',
            category: ErrorCategory.RetryLater,
          },
        );
      }
    }
    let certSecret: SecretData | undefined;
    if (spec.certSecretRef) {
      const certName = spec.certSecretRef.name;
      certSecret = await deps.getSecret(metadata.namespace, certName).catch((err: unknown) => {
        throw new FlotillaError(
          `failed to get secret '${metadata.namespace}/${certName}': ${errorMessage(err)}`,
          {
            reason: BucketReason.AuthenticationFailed,
            object: objectName,
            field: 'spec.certSecretRef',
            category: ErrorCategory.Transient,
          },
        );
      });
      if (!certSecret) {
        throw new FlotillaError(
          `failed to get secret '${metadata.namespace}/${spec.certSecretRef.name}': not found`,
          {
            reason: BucketReason.AuthenticationFailed,
            object: objectName,
            field: 'spec.certSecretRef',
            category: ErrorCategory.RetryLater,
          },
        );
      }
    }
    const client: BucketClient = (deps.createClient ?? createBucketClient)({
      spec,
      object: objectName,
      secret,
      secretName: spec.secretRef?.name,
      certSecret,
      ...(deps.env ? { env: deps.env } : {}),
    });
    workDir = await mkdtemp(
      join(deps.tmpDir ?? tmpdir(), `bucket-${metadata.namespace}-${metadata.name}-`),
    );
    const scratch = join(workDir, 'scratch');
    const tree = join(workDir, 'tree');
    const signal = AbortSignal.timeout(timeoutMs);
    let revision: string;
    try {
      const index = await fetchEtagIndex(client, {
        bucketName: spec.bucketName,
        prefix: spec.prefix ?? '',
        specIgnore: spec.ignore,
        tmpDir: scratch,
        object: objectName,
        signal,
      });
      const changed = artifact !== undefined && artifact.revision !== index.digest();
      if (!artifact || changed) {
        await fetchIndexFiles(client, index, {
          bucketName: spec.bucketName,
          dir: tree,
          object: objectName,
          signal,
          ...(deps.fetchConcurrency === undefined ? {} : { concurrency: deps.fetchConcurrency }),
          onVanished: (key) =>
            logger.info(
              { object: objectName, key },
              `indexed object '${key}' disappeared from '${spec.bucketName}' bucket`,
            ),
        });
        const message = `new upstream revision '${index.digest()}'`;
        if (artifact)
          conds.markTrue(ConditionType.ArtifactOutdated, ConditionReason.NewRevision, message);
        progressing(`building artifact: ${message}`);
        deps.onProgress?.(snapshot());
      }
      revision = index.digest();
      fileCount = index.size;
    } catch (err) {
      const e = toFlotillaError(err, BucketReason.BucketOperationFailed, objectName);
      conds.markTrue(ConditionType.FetchFailed, e.reason, e.message);
      throw e;
    } finally {
      client.close();
    }
    conds.delete(ConditionType.FetchFailed);

    // reconcileArtifact: store a new tarball unless the current artifact has this revision.
    if (!artifact || artifact.revision !== revision) {
      try {
        await mkdir(tree, { recursive: true });
        const stored = await store.archive(owner, tree, {
          revision,
          matcher: null,
          fileName: `${revision.replace(/^sha256:/, '')}.tar.gz`,
        });
        artifact = stored;
        observedIgnore = spec.ignore;
        url = await store.linkLatest(owner, stored).catch((err: unknown) => {
          logger.debug(
            { object: objectName, err: errorMessage(err) },
            'failed to update status URL symlink',
          );
          return url;
        });
        artifactChanged = true;
      } catch (err) {
        const e = toFlotillaError(err, ConditionReason.ArchiveOperationFailed, objectName);
        const wrapped = new FlotillaError(`unable to archive artifact to storage: ${e.message}`, {
          reason: ConditionReason.ArchiveOperationFailed,
          object: objectName,
          category: ErrorCategory.Transient,
          cause: err,
        });
        conds.markTrue(ConditionType.StorageOperationFailed, wrapped.reason, wrapped.message);
        throw wrapped;
      }
      conds.delete(ConditionType.StorageOperationFailed);
    } else {
      logger.debug(
        { object: objectName, revision },
        `artifact up-to-date with remote revision: '${revision}'`,
      );
    }
    conds.delete(ConditionType.ArtifactOutdated);
    conds.markTrue(
      ConditionType.ArtifactInStorage,
      ConditionReason.Succeeded,
      `stored artifact: revision '${artifact.revision}'`,
    );
  } catch (err) {
    error = toFlotillaError(err, BucketReason.BucketOperationFailed, objectName);
    // Every failure before the archive step is a fetch failure (Flux marks FetchFailed for
    // credentials, client and bucket errors alike); this also replaces a stale message.
    if (error.reason !== ConditionReason.ArchiveOperationFailed) {
      conds.markTrue(ConditionType.FetchFailed, error.reason, error.message);
    }
  } finally {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }

  // ComputeReconcileResult: Reconciling, Stalled and observedGeneration.
  let observedGeneration = prev.observedGeneration;
  let requeueAfterMs: number | undefined;
  if (!error) {
    conds.delete(ConditionType.Reconciling);
    conds.delete(ConditionType.Stalled);
    observedGeneration = generation;
    requeueAfterMs = parseDuration(spec.interval, 'spec.interval', objectName);
  } else {
    const reconciling = conds.get(ConditionType.Reconciling);
    if (reconciling)
      conds.markTrue(
        ConditionType.Reconciling,
        ConditionReason.ProgressingWithRetry,
        reconciling.message,
      );
    if (isStalling(error)) {
      conds.markTrue(ConditionType.Stalled, error.reason, error.message);
      observedGeneration = generation;
      requeueAfterMs = undefined;
    } else {
      conds.delete(ConditionType.Stalled);
    }
    events.push({ type: 'Warning', reason: error.reason, message: error.message });
    logger.error({ object: objectName, reason: error.reason }, error.message);
  }
  conds.summarizeReady(BUCKET_SUMMARY);

  if (!error && artifact) {
    const annotations = {
      [EVENT_REVISION_KEY]: artifact.revision,
      [EVENT_DIGEST_KEY]: artifact.digest,
    };
    const message = `stored artifact with ${fileCount} fetched files from '${spec.bucketName}' bucket`;
    if (artifactChanged) {
      events.push({ type: 'Normal', reason: 'NewArtifact', message, annotations });
      logger.info({ object: objectName, revision: artifact.revision }, message);
    } else if (hadFailure) {
      events.push({ type: 'Normal', reason: ConditionReason.Succeeded, message, annotations });
    }
  }

  const requestedAt = metadata.annotations?.[RECONCILE_REQUEST_ANNOTATION];
  const lastHandledReconcileAt = requestedAt ?? prev.lastHandledReconcileAt;
  const status: BucketStatus = {
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
    conditions: conds.list(),
    ...(url === undefined ? {} : { url }),
    ...(artifact === undefined ? {} : { artifact }),
    ...(observedIgnore === undefined ? {} : { observedIgnore }),
    ...(lastHandledReconcileAt === undefined ? {} : { lastHandledReconcileAt }),
  };
  return { status, events, requeueAfterMs, error, artifactChanged, deleted: false };
}
