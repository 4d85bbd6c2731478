// The conditions a HelmRelease owns and how they decide Ready (Flux's helm-controller summary:
// Remediated (negative), then TestSuccess, then Released), and helm-controller's reasons.
import type { KindConditions } from '../runtime/kind.js';

export const ReleaseCondition = {
  Released: 'Released',
  TestSuccess: 'TestSuccess',
  Remediated: 'Remediated',
} as const;

export const helmReleaseConditions: KindConditions = {
  summary: [ReleaseCondition.Remediated, ReleaseCondition.TestSuccess, ReleaseCondition.Released],
  negative: [ReleaseCondition.Remediated],
  failures: [ReleaseCondition.Released],
};

export const ReleaseReason = {
  InstallSucceeded: 'InstallSucceeded',
  InstallFailed: 'InstallFailed',
  UpgradeSucceeded: 'UpgradeSucceeded',
  UpgradeFailed: 'UpgradeFailed',
  TestSucceeded: 'TestSucceeded',
  TestFailed: 'TestFailed',
  RollbackSucceeded: 'RollbackSucceeded',
  RollbackFailed: 'RollbackFailed',
  UninstallSucceeded: 'UninstallSucceeded',
  UninstallFailed: 'UninstallFailed',
  ArtifactFailed: 'ArtifactFailed',
  InitFailed: 'InitFailed',
  GetLastReleaseFailed: 'GetLastReleaseFailed',
  DependencyNotReady: 'DependencyNotReady',
  DriftDetected: 'DriftDetected',
  HelmChartCreated: 'HelmChartCreated',
} as const;
