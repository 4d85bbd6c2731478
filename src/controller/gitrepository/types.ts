// The GitRepository object (source.toolkit.fluxcd.io/v1) as Flotilla reads and writes it.
import type { Condition } from '../../core/index.js';
import type { Artifact, GitRepositoryRef } from '../../source/index.js';

export const GITREPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const GITREPOSITORY_KIND = 'GitRepository';

export interface LocalObjectReference {
  readonly name: string;
}

export interface GitRepositoryInclude {
  readonly repository: LocalObjectReference;
  /** @default '' (the artifact root) */
  readonly fromPath?: string;
  /** @default the included GitRepository's name */
  readonly toPath?: string;
}

/** `spec.verify.mode`; `head` is Flux's backwards-compatible spelling of `HEAD`. */
export const GitVerificationMode = { HEAD: 'HEAD', Tag: 'Tag', TagAndHEAD: 'TagAndHEAD' } as const;
export type GitVerificationMode = (typeof GitVerificationMode)[keyof typeof GitVerificationMode];

export interface GitRepositorySpec {
  readonly url: string;
  readonly secretRef?: LocalObjectReference;
  readonly interval: string;
  /** @default '60s' */
  readonly timeout?: string;
  readonly ref?: GitRepositoryRef;
  readonly verify?: { readonly mode?: string; readonly secretRef: LocalObjectReference };
  readonly ignore?: string;
  readonly suspend?: boolean;
  readonly recurseSubmodules?: boolean;
  readonly include?: readonly GitRepositoryInclude[];
  readonly sparseCheckout?: readonly string[];
  readonly provider?: string;
  readonly proxySecretRef?: LocalObjectReference;
  readonly serviceAccountName?: string;
}

export interface GitRepositoryStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly artifact?: Artifact;
  readonly includedArtifacts?: readonly Artifact[];
  readonly observedIgnore?: string;
  readonly observedRecurseSubmodules?: boolean;
  readonly observedInclude?: readonly GitRepositoryInclude[];
  readonly observedSparseCheckout?: readonly string[];
  readonly sourceVerificationMode?: string;
  readonly lastHandledReconcileAt?: string;
}

export interface GitRepository {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generation?: number;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly spec: GitRepositorySpec;
  readonly status?: GitRepositoryStatus;
}
