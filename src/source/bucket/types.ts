// The Bucket kind (source.toolkit.fluxcd.io/v1) as Flotilla reads and writes it.
import type { Condition } from '../../core/index.js';
import type { Artifact } from '../artifact/index.js';

export const BUCKET_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const BUCKET_KIND = 'Bucket';

/** `spec.provider` values of the CRD. */
export const BucketProvider = {
  Generic: 'generic',
  AWS: 'aws',
  GCP: 'gcp',
  Azure: 'azure',
} as const;
export type BucketProvider = (typeof BucketProvider)[keyof typeof BucketProvider];

export interface LocalObjectReference {
  readonly name: string;
}

export interface BucketSpec {
  /** @default 'generic' */
  readonly provider?: BucketProvider;
  readonly bucketName: string;
  /** `host[:port]` for S3-compatible providers; a URL for Azure. */
  readonly endpoint: string;
  readonly region?: string;
  readonly prefix?: string;
  /** Plain HTTP instead of HTTPS. */
  readonly insecure?: boolean;
  readonly secretRef?: LocalObjectReference;
  readonly certSecretRef?: LocalObjectReference;
  readonly proxySecretRef?: LocalObjectReference;
  readonly sts?: Readonly<Record<string, unknown>>;
  readonly serviceAccountName?: string;
  /** Go duration, e.g. `5m`. */
  readonly interval: string;
  /** Go duration. @default '60s' */
  readonly timeout?: string;
  readonly ignore?: string;
  readonly suspend?: boolean;
}

export interface BucketStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly url?: string;
  readonly artifact?: Artifact;
  readonly observedIgnore?: string;
  readonly lastHandledReconcileAt?: string;
}

export interface BucketMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly generation?: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly deletionTimestamp?: string;
}

export interface Bucket {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: BucketMetadata;
  readonly spec: BucketSpec;
  readonly status?: BucketStatus;
}

/** Decoded `data` of a Secret (values as text). */
export type SecretData = Readonly<Record<string, string>>;
