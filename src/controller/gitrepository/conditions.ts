// The conditions a GitRepository owns, and how they decide Ready (Flux's gitRepositoryReadyCondition).
import { ConditionType } from '../../core/index.js';
import type { KindConditions } from '../runtime/kind.js';

/** Condition types of a GitRepository beyond Ready, Reconciling and Stalled. */
export const GitRepositoryCondition = {
  ...ConditionType,
  /** Flotilla's own: the tracked branch was force-pushed. */
  HistoryRewritten: 'HistoryRewritten',
} as const;
export type GitRepositoryCondition =
  (typeof GitRepositoryCondition)[keyof typeof GitRepositoryCondition];

const C = GitRepositoryCondition;

export const gitRepositoryConditions: KindConditions = {
  summary: [
    C.StorageOperationFailed,
    C.FetchFailed,
    C.IncludeUnavailable,
    C.ArtifactOutdated,
    C.SourceVerified,
    C.ArtifactInStorage,
  ],
  negative: [C.StorageOperationFailed, C.FetchFailed, C.IncludeUnavailable, C.ArtifactOutdated],
  failures: [C.FetchFailed, C.IncludeUnavailable, C.StorageOperationFailed],
};
