// The HelmRelease object (helm.toolkit.fluxcd.io/v2) as Flotilla reads and writes it.
import type { Condition } from '../../core/index.js';

export const HELMRELEASE_API_VERSION = 'helm.toolkit.fluxcd.io/v2';
export const HELMRELEASE_KIND = 'HelmRelease';

export interface CrossNamespaceRef {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface HelmChartTemplate {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly chart: string;
    readonly version?: string;
    readonly sourceRef: CrossNamespaceRef;
    readonly interval?: string;
    readonly reconcileStrategy?: string;
    readonly valuesFiles?: readonly string[];
    readonly ignoreMissingValuesFiles?: boolean;
  };
}

export interface ValuesReference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** @default 'values.yaml' */
  readonly valuesKey?: string;
  readonly targetPath?: string;
  readonly optional?: boolean;
}

export interface Remediation {
  readonly retries?: number;
  readonly ignoreTestFailures?: boolean;
  readonly remediateLastFailure?: boolean;
  /** Upgrade only. @default 'rollback' */
  readonly strategy?: 'rollback' | 'uninstall';
}

export interface HelmReleaseSpec {
  readonly chart?: HelmChartTemplate;
  readonly chartRef?: CrossNamespaceRef;
  readonly interval: string;
  readonly timeout?: string;
  readonly suspend?: boolean;
  readonly releaseName?: string;
  readonly targetNamespace?: string;
  readonly storageNamespace?: string;
  readonly serviceAccountName?: string;
  readonly kubeConfig?: { readonly secretRef: { readonly name: string; readonly key?: string } };
  readonly dependsOn?: readonly { readonly name: string; readonly namespace?: string }[];
  readonly maxHistory?: number;
  readonly persistentClient?: boolean;
  readonly driftDetection?: {
    readonly mode?: 'enabled' | 'warn' | 'disabled';
    readonly ignore?: readonly unknown[];
  };
  readonly install?: {
    readonly timeout?: string;
    readonly remediation?: Remediation;
    readonly createNamespace?: boolean;
    readonly disableWait?: boolean;
    readonly disableHooks?: boolean;
    readonly crds?: 'Skip' | 'Create' | 'CreateReplace';
    readonly replace?: boolean;
  };
  readonly upgrade?: {
    readonly timeout?: string;
    readonly remediation?: Remediation;
    readonly disableWait?: boolean;
    readonly disableHooks?: boolean;
    readonly force?: boolean;
    readonly cleanupOnFail?: boolean;
    readonly crds?: 'Skip' | 'Create' | 'CreateReplace';
  };
  readonly test?: {
    readonly enable?: boolean;
    readonly ignoreFailures?: boolean;
    readonly timeout?: string;
  };
  readonly rollback?: {
    readonly disableWait?: boolean;
    readonly disableHooks?: boolean;
    readonly timeout?: string;
  };
  readonly uninstall?: {
    readonly keepHistory?: boolean;
    readonly disableHooks?: boolean;
    readonly disableWait?: boolean;
    readonly timeout?: string;
  };
  readonly values?: Readonly<Record<string, unknown>>;
  readonly valuesFrom?: readonly ValuesReference[];
  readonly postRenderers?: readonly unknown[];
}

/** One release in status.history (Flux's Snapshot). */
export interface Snapshot {
  readonly apiVersion?: string;
  readonly digest: string;
  readonly name: string;
  readonly namespace: string;
  readonly version: number;
  readonly status: string;
  readonly chartName: string;
  readonly chartVersion: string;
  readonly appVersion?: string;
  readonly configDigest: string;
  readonly firstDeployed: string;
  readonly lastDeployed: string;
  readonly deleted?: string;
  readonly testHooks?: Readonly<
    Record<
      string,
      { readonly lastStarted?: string; readonly lastCompleted?: string; readonly phase?: string }
    >
  >;
}

export interface HelmReleaseStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly lastHandledReconcileAt?: string;
  readonly helmChart?: string;
  readonly storageNamespace?: string;
  readonly history?: readonly Snapshot[];
  readonly lastAttemptedGeneration?: number;
  readonly lastAttemptedRevision?: string;
  readonly lastAttemptedRevisionDigest?: string;
  readonly lastAttemptedConfigDigest?: string;
  readonly lastAttemptedValuesChecksum?: string;
  readonly lastAttemptedReleaseAction?: 'install' | 'upgrade';
  readonly failures?: number;
  readonly installFailures?: number;
  readonly upgradeFailures?: number;
}

export interface HelmRelease {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generation?: number;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly spec: HelmReleaseSpec;
  readonly status?: HelmReleaseStatus;
}

/** The release name: spec.releaseName, else `[targetNamespace-]name` (Flux's GetReleaseName). */
export function releaseNameOf(hr: HelmRelease): string {
  if (hr.spec.releaseName) return hr.spec.releaseName;
  return hr.spec.targetNamespace
    ? `${hr.spec.targetNamespace}-${hr.metadata.name}`
    : hr.metadata.name;
}

export const releaseNamespaceOf = (hr: HelmRelease): string =>
  hr.spec.targetNamespace ?? hr.metadata.namespace;
export const storageNamespaceOf = (hr: HelmRelease): string =>
  hr.spec.storageNamespace ?? hr.metadata.namespace;
