// bucket: Flux's Bucket source (S3-compatible, AWS and Azure Blob) reconciled into artifacts.
// Names are exported explicitly (Bucket-prefixed where generic) to stay clear of the git exports.
export {
  BUCKET_API_VERSION,
  BUCKET_KIND,
  BucketProvider,
  type Bucket,
  type BucketMetadata,
  type BucketSpec,
  type BucketStatus,
  type Condition as BucketCondition,
  type SecretData as BucketSecretData,
  type SourceEvent as BucketEvent,
} from './types.js';
export {
  reconcileBucket,
  type BucketReconcileDeps,
  type BucketReconcileResult,
} from './reconcile.js';
export {
  BucketReason,
  createBucketClient,
  type ClientInputs as BucketClientInputs,
} from './client-factory.js';
export { BucketServiceError, type BucketClient } from './provider.js';
export { S3Client, type S3ClientOptions, type S3Credentials } from './s3-client.js';
export {
  AzureBlobClient,
  accountNameFromEndpoint,
  type AzureAuth,
  type AzureClientOptions,
} from './azure-client.js';
export { ObjectIndex } from './object-index.js';
export { fetchEtagIndex, fetchIndexFiles } from './fetch-objects.js';
