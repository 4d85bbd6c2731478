// bucket: the Bucket kind's types and its storage clients (S3-compatible, AWS, Azure Blob); the reconciler is controller/bucket.
// Names are exported explicitly (Bucket-prefixed where generic) to stay clear of the git exports.
export {
  BUCKET_API_VERSION,
  BUCKET_KIND,
  BucketProvider,
  type Bucket,
  type BucketMetadata,
  type BucketSpec,
  type BucketStatus,
  type SecretData as BucketSecretData,
} from './types.js';
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
