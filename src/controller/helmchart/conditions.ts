// The conditions a HelmChart owns, and how they decide Ready (Flux's helmChartReadyCondition).
import { ConditionType as C } from '../../core/index.js';
import type { KindConditions } from '../runtime/kind.js';

export const BUILD_FAILED = 'BuildFailed';

export const helmChartConditions: KindConditions = {
  summary: [
    C.StorageOperationFailed,
    C.FetchFailed,
    BUILD_FAILED,
    C.ArtifactOutdated,
    C.ArtifactInStorage,
  ],
  negative: [C.StorageOperationFailed, C.FetchFailed, BUILD_FAILED, C.ArtifactOutdated],
  failures: [C.FetchFailed, BUILD_FAILED, C.StorageOperationFailed],
};
