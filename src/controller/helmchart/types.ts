// The HelmChart object (source.toolkit.fluxcd.io/v1) as Flotilla reads and writes it.
import type { SourceStatus } from '../sources/artifact-storage.js';

export const HELMCHART_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const HELMCHART_KIND = 'HelmChart';

export interface HelmChartSourceRef {
  readonly apiVersion?: string;
  /** HelmRepository, GitRepository or Bucket. */
  readonly kind: string;
  readonly name: string;
}

export interface HelmChartSpec {
  /** A chart name (HelmRepository) or a path in the source (GitRepository, Bucket). */
  readonly chart: string;
  /** A version or a semver range (HelmRepository); ignored for Git and Bucket sources. @default '*' */
  readonly version?: string;
  readonly sourceRef: HelmChartSourceRef;
  readonly interval: string;
  /** @default 'ChartVersion' */
  readonly reconcileStrategy?: 'ChartVersion' | 'Revision';
  readonly valuesFiles?: readonly string[];
  readonly ignoreMissingValuesFiles?: boolean;
  readonly suspend?: boolean;
  readonly verify?: unknown;
}

export interface HelmChartStatus extends SourceStatus {
  readonly observedSourceArtifactRevision?: string;
  readonly observedChartName?: string;
  readonly observedValuesFiles?: readonly string[];
}

export interface HelmChart {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generation?: number;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly labels?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly spec: HelmChartSpec;
  readonly status?: HelmChartStatus;
}
