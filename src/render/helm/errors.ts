// The error Helm rendering raises: the message is what `helm template` prints after "Error: ".
import { FlotillaError } from '../../core/index.js';

/**
 * Why a render failed. Every reason is Terminal: the same chart and values fail the same way, so
 * a controller waits for a change of input rather than retrying.
 */
export type HelmErrorReason =
  /** The chart path does not exist. */
  | 'ChartNotFound'
  /** The folder or archive is not a loadable chart (no Chart.yaml, bad archive, bad YAML...). */
  | 'ChartLoadFailed'
  /** Chart.yaml loads but fails Helm's metadata validation. */
  | 'ChartInvalid'
  /** A library chart (or an unknown type) asked to render as a release. */
  | 'ChartNotInstallable'
  /** A dependency of Chart.yaml is missing from charts/. */
  | 'DependencyMissing'
  /** A kube version that does not parse. */
  | 'InvalidKubeVersion'
  /** The chart's kubeVersion constraint excludes the cluster's version. */
  | 'KubeVersionIncompatible'
  /** A release name Helm refuses (DNS-1123 subdomain, at most 53 characters). */
  | 'InvalidReleaseName'
  /** A values file could not be read. */
  | 'ValuesReadFailed'
  /** Values that do not parse, do not coalesce, or fail values.schema.json. */
  | 'ValuesInvalid'
  /** A template does not parse. */
  | 'TemplateParseError'
  /** A template failed while executing (including `fail` and `required`). */
  | 'TemplateExecError'
  /** A rendered document is not YAML Helm can read the head of. */
  | 'ManifestInvalid'
  /** --show-only named a template that rendered nothing. */
  | 'TemplateNotFound'
  /** Anything else Helm reports while rendering. */
  | 'HelmRenderFailed';

export class HelmError extends FlotillaError {
  declare readonly reason: HelmErrorReason;
  /**
   * Raised while rendering a release's manifests: `helm template` then adds "Use --debug flag to
   * render out invalid YAML" to the message it prints.
   */
  renderPhase = false;

  constructor(message: string, reason: HelmErrorReason = 'HelmRenderFailed', file?: string) {
    super(message, { reason, ...(file !== undefined ? { file } : {}) });
    this.name = 'HelmError';
  }
}
