// The conditions a HelmRepository owns, and how they decide Ready (Flux's helmRepositoryReadyCondition).
import { ConditionType as C } from '../../core/index.js';
import type { KindConditions } from '../runtime/kind.js';

export const helmRepositoryConditions: KindConditions = {
  summary: [C.StorageOperationFailed, C.FetchFailed, C.ArtifactOutdated, C.ArtifactInStorage],
  negative: [C.StorageOperationFailed, C.FetchFailed, C.ArtifactOutdated],
  failures: [C.FetchFailed, C.StorageOperationFailed],
};

/** Reasons of Flux's source-controller for Helm sources. */
export const HelmReason = {
  URLInvalid: 'URLInvalid',
  AuthenticationFailed: 'AuthenticationFailed',
  IndexationFailed: 'IndexationFailed',
  InvalidProviderConfiguration: 'InvalidProviderConfiguration',
  ChartPullError: 'ChartPullError',
  ChartPullSucceeded: 'ChartPullSucceeded',
  ChartPackageError: 'ChartPackageError',
  ChartPackageSucceeded: 'ChartPackageSucceeded',
  InvalidChartReference: 'InvalidChartReference',
  SourceUnavailable: 'SourceUnavailable',
} as const;
