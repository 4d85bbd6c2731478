// The conditions a Bucket owns, and how they decide Ready (Flux's bucketReadyCondition).
import { ConditionType as C } from '../../core/index.js';
import type { KindConditions } from '../runtime/kind.js';

export const bucketConditions: KindConditions = {
  summary: [C.StorageOperationFailed, C.FetchFailed, C.ArtifactOutdated, C.ArtifactInStorage],
  negative: [C.StorageOperationFailed, C.FetchFailed, C.ArtifactOutdated],
  failures: [C.FetchFailed, C.StorageOperationFailed],
};
