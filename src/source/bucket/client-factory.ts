// Builds the storage client for a Bucket's provider from its spec and Secrets, with Flux's Secret keys.
import { FlotillaError } from '../../core/index.js';
import { AzureBlobClient, accountNameFromEndpoint, type AzureAuth } from './azure-client.js';
import type { BucketClient } from './provider.js';
import { S3Client, type S3Credentials } from './s3-client.js';
import { BucketProvider, type BucketSpec, type SecretData } from './types.js';

/** Failure reasons the reconciler turns into conditions (Flux's reasons). */
export const BucketReason = {
  AuthenticationFailed: 'AuthenticationFailed',
  BucketOperationFailed: 'BucketOperationFailed',
  ClientError: 'ClientError',
  /** Flotilla: a spec field Flotilla does not implement (stalls; retrying cannot help). */
  UnsupportedConfiguration: 'UnsupportedConfiguration',
  InvalidSpec: 'InvalidSpec',
} as const;
export type BucketReason = (typeof BucketReason)[keyof typeof BucketReason];

export interface ClientInputs {
  readonly spec: BucketSpec;
  /** `namespace/name` of the Bucket, for messages. */
  readonly object: string;
  /** Data of `spec.secretRef`, if any. */
  readonly secret?: SecretData | undefined;
  readonly secretName?: string | undefined;
  /** Data of `spec.certSecretRef`, if any. */
  readonly certSecret?: SecretData | undefined;
  /** Process environment, for the `aws` provider's credential fallback. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function authError(message: string, object: string, field = 'spec.secretRef'): FlotillaError {
  return new FlotillaError(message, { reason: BucketReason.AuthenticationFailed, object, field });
}

/** Flux's minio.ValidateSecret: a given Secret must hold `accesskey` and `secretkey`. */
function s3Credentials(inputs: ClientInputs): S3Credentials | undefined {
  const { secret, object } = inputs;
  if (secret) {
    if (secret.accesskey === undefined || secret.secretkey === undefined) {
      throw authError(
        `invalid '${inputs.secretName ?? ''}' secret data: required fields 'accesskey' and 'secretkey'`,
        object,
      );
    }
    if (secret.accesskey !== '' && secret.secretkey !== '') {
      return { accessKeyId: secret.accesskey, secretAccessKey: secret.secretkey };
    }
    return undefined;
  }
  if (inputs.spec.provider === BucketProvider.AWS) {
    // Flux uses the AWS SDK's default chain here; Flotilla supports its environment variables.
    const env = inputs.env ?? process.env;
    const id = env.AWS_ACCESS_KEY_ID;
    const key = env.AWS_SECRET_ACCESS_KEY;
    if (id && key) {
      return {
        accessKeyId: id,
        secretAccessKey: key,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    }
    throw authError(
      'AWS authentication failed: no spec.secretRef and no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment (Flotilla does not implement IRSA or instance profiles)',
      object,
    );
  }
  return undefined;
}

const AZURE_AAD_KEYS = [
  'clientId',
  'tenantId',
  'clientSecret',
  'clientCertificate',
  'authorityHost',
];

/** Flux's azure.ValidateSecret plus Flotilla's `connectionString` key. */
function azureAuth(inputs: ClientInputs): AzureAuth {
  const { secret, object, spec } = inputs;
  if (!secret) return { kind: 'anonymous' };
  if (secret.connectionString !== undefined && secret.connectionString !== '') {
    return { kind: 'connectionString', connectionString: secret.connectionString };
  }
  if (secret.accountKey !== undefined) {
    let accountName: string;
    try {
      accountName = accountNameFromEndpoint(spec.endpoint);
    } catch (err) {
      throw authError(
        `failed to create shared credential from '${inputs.secretName ?? ''}' Secret data: ${(err as Error).message}`,
        object,
        'spec.endpoint',
      );
    }
    return { kind: 'accountKey', accountName, accountKey: secret.accountKey };
  }
  if (secret.sasKey !== undefined) return { kind: 'sas', sasToken: secret.sasKey };
  if (AZURE_AAD_KEYS.some((k) => secret[k] !== undefined)) {
    throw authError(
      `'${inputs.secretName ?? ''}' Secret holds Azure AD credentials (clientId/tenantId/...), which Flotilla does not support: use 'accountKey', 'sasKey' or 'connectionString'`,
      object,
    );
  }
  throw authError(
    `invalid '${inputs.secretName ?? ''}' secret data: requires a 'accountKey', 'sasKey' or 'connectionString' field`,
    object,
  );
}

/** Creates the client for `spec.provider`, or throws a FlotillaError with the condition reason. */
export function createBucketClient(inputs: ClientInputs): BucketClient {
  const { spec, object } = inputs;
  const provider = spec.provider ?? BucketProvider.Generic;
  switch (provider) {
    case BucketProvider.Generic:
    case BucketProvider.AWS: {
      const credentials = s3Credentials(inputs);
      const cert = inputs.certSecret;
      const tls =
        cert === undefined
          ? undefined
          : {
              ...(cert['ca.crt'] ? { ca: cert['ca.crt'] } : {}),
              ...(cert['tls.crt'] ? { cert: cert['tls.crt'] } : {}),
              ...(cert['tls.key'] ? { key: cert['tls.key'] } : {}),
            };
      if (tls && Object.keys(tls).length === 0) {
        throw authError(
          'certificate secret does not contain any TLS configuration',
          object,
          'spec.certSecretRef',
        );
      }
      try {
        return new S3Client({
          endpoint: spec.endpoint,
          insecure: spec.insecure === true,
          ...(spec.region ? { region: spec.region } : {}),
          credentials,
          tls,
        });
      } catch (err) {
        throw new FlotillaError(`invalid endpoint '${spec.endpoint}': ${(err as Error).message}`, {
          reason: BucketReason.ClientError,
          object,
          field: 'spec.endpoint',
        });
      }
    }
    case BucketProvider.Azure: {
      const auth = azureAuth(inputs);
      try {
        return new AzureBlobClient({ endpoint: spec.endpoint, auth });
      } catch (err) {
        throw new FlotillaError(`cannot create Azure Blob client: ${(err as Error).message}`, {
          reason: BucketReason.ClientError,
          object,
          field: 'spec.endpoint',
        });
      }
    }
    case BucketProvider.GCP:
      throw new FlotillaError(
        "provider 'gcp' is not supported by Flotilla yet: use 'generic' with the GCS S3-compatible endpoint (storage.googleapis.com) and HMAC keys",
        { reason: BucketReason.UnsupportedConfiguration, object, field: 'spec.provider' },
      );
    default:
      throw new FlotillaError(`unknown provider '${String(provider)}'`, {
        reason: BucketReason.InvalidSpec,
        object,
        field: 'spec.provider',
      });
  }
}
