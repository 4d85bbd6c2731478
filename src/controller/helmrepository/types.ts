// The HelmRepository object (source.toolkit.fluxcd.io/v1) as Flotilla reads and writes it.
import type { Artifact } from '../../source/index.js';
import type { SourceStatus } from '../sources/artifact-storage.js';

export const HELMREPOSITORY_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const HELMREPOSITORY_KIND = 'HelmRepository';

export interface HelmRepositorySpec {
  readonly url: string;
  readonly secretRef?: { readonly name: string };
  readonly certSecretRef?: { readonly name: string };
  /** Send the credentials to chart URLs on other hosts than the repository's. */
  readonly passCredentials?: boolean;
  /** Plain HTTP to an OCI registry (type oci). */
  readonly insecure?: boolean;
  readonly interval: string;
  /** @default '60s' */
  readonly timeout?: string;
  readonly suspend?: boolean;
  /** @default 'default' */
  readonly type?: 'default' | 'oci';
  /** @default 'generic' */
  readonly provider?: string;
  readonly accessFrom?: unknown;
}

export interface HelmRepositoryStatus extends SourceStatus {
  readonly artifact?: Artifact;
  readonly url?: string;
}

export interface HelmRepository {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly generation?: number;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
  readonly spec: HelmRepositorySpec;
  readonly status?: HelmRepositoryStatus;
}
