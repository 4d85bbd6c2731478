// Azure Blob Storage as a Bucket provider, through @azure/storage-blob.
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as AzureStorageBlob from '@azure/storage-blob';
import type { BlobServiceClient } from '@azure/storage-blob';
import { lazyRequire } from '../../core/index.js';
import { BucketServiceError, type BucketClient } from './provider.js';

/**
 * @azure/storage-blob costs about 26 MB of memory and start-up time: it is loaded when the first
 * Azure Bucket client is made, not when the source layer is imported.
 */
const azure = lazyRequire<typeof AzureStorageBlob>('@azure/storage-blob');

/** How to authenticate to the storage account. */
export type AzureAuth =
  | { readonly kind: 'accountKey'; readonly accountName: string; readonly accountKey: string }
  | { readonly kind: 'sas'; readonly sasToken: string }
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | { readonly kind: 'anonymous' };

export interface AzureClientOptions {
  /** The account's blob endpoint, e.g. `https://<account>.blob.core.windows.net`. */
  readonly endpoint: string;
  readonly auth: AzureAuth;
}

/**
 * Flux takes the account name from the endpoint's first subdomain. Flotilla also accepts the
 * path-style endpoints of emulators (`http://127.0.0.1:10000/<account>`), where the account is
 * the first path segment.
 */
export function accountNameFromEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`failed to extract account name from endpoint: '${endpoint}' is not a URL`);
  }
  const host = url.hostname;
  const isIp = /^[0-9.]+$/.test(host) || host.includes(':') || host === 'localhost';
  if (isIp) {
    const first = url.pathname.split('/').find((s) => s !== '');
    if (first) return first;
  } else {
    const parts = host.split('.');
    if (parts.length > 2 && parts[0]) return parts[0];
  }
  throw new Error(
    `failed to extract account name from endpoint: expected '${host}' to be a subdomain`,
  );
}

/** Merges a SAS token into the endpoint's query, keeping the endpoint's own parameters. */
function withSas(endpoint: string, sas: string): string {
  const url = new URL(endpoint);
  const token = new URLSearchParams(sas.replace(/^\?/, ''));
  for (const [k, v] of url.searchParams) if (!token.has(k)) token.append(k, v);
  url.search = token.toString();
  return url.toString();
}

function wrap(err: unknown): unknown {
  if (err instanceof azure().RestError) {
    const code = err.code ?? `HTTP${err.statusCode ?? 0}`;
    const first = (err.message.split('\n')[0] ?? '').trim();
    return new BucketServiceError(
      `${code}: ${first} (HTTP ${err.statusCode ?? 0})`,
      code,
      err.statusCode ?? 0,
    );
  }
  return err;
}

/**
 * Hex of the ETag's bytes, as Flux's Azure provider writes listing ETags into the index. Quotes
 * are dropped first so that the ETag of a download (a quoted header) matches the listing's.
 */
function hexEtag(etag: string | undefined): string {
  return Buffer.from((etag ?? '').replace(/^"+|"+$/g, ''), 'utf8').toString('hex');
}

export class AzureBlobClient implements BucketClient {
  readonly #service: BlobServiceClient;

  constructor(options: AzureClientOptions) {
    const { auth, endpoint } = options;
    const retryOptions = { maxTries: 2 };
    switch (auth.kind) {
      case 'accountKey':
        this.#service = new (azure().BlobServiceClient)(
          endpoint,
          new (azure().StorageSharedKeyCredential)(auth.accountName, auth.accountKey),
          { retryOptions },
        );
        break;
      case 'sas':
        this.#service = new (azure().BlobServiceClient)(
          withSas(endpoint, auth.sasToken),
          new (azure().AnonymousCredential)(),
          {
            retryOptions,
          },
        );
        break;
      case 'connectionString':
        this.#service = azure().BlobServiceClient.fromConnectionString(auth.connectionString, {
          retryOptions,
        });
        break;
      case 'anonymous':
        this.#service = new (azure().BlobServiceClient)(
          endpoint,
          new (azure().AnonymousCredential)(),
          {
            retryOptions,
          },
        );
        break;
    }
  }

  async bucketExists(bucketName: string, signal?: AbortSignal): Promise<boolean> {
    const pages = this.#service
      .getContainerClient(bucketName)
      .listBlobsFlat(signal ? { abortSignal: signal } : {})
      .byPage({ maxPageSize: 1 });
    try {
      await pages.next();
      return true;
    } catch (err) {
      if (err instanceof azure().RestError && err.code === 'ContainerNotFound') return false;
      if (err instanceof azure().RestError && err.code === 'AuthenticationFailed') {
        const e = wrap(err) as Error;
        throw new BucketServiceError(
          `the specified bucket name may be incorrect, nonexistent, or the caller might lack sufficient permissions to access it: ${e.message}`,
          'AuthenticationFailed',
          err.statusCode ?? 403,
        );
      }
      throw wrap(err);
    }
  }

  async visitObjects(
    bucketName: string,
    prefix: string,
    visit: (key: string, etag: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const container = this.#service.getContainerClient(bucketName);
    try {
      const iter = container
        .listBlobsFlat({
          ...(prefix === '' ? {} : { prefix }),
          ...(signal ? { abortSignal: signal } : {}),
        })
        .byPage({ maxPageSize: 5000 });
      for await (const page of iter) {
        for (const blob of page.segment.blobItems) visit(blob.name, hexEtag(blob.properties.etag));
      }
    } catch (err) {
      throw wrap(err);
    }
  }

  async getObject(
    bucketName: string,
    key: string,
    localPath: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const blob = this.#service.getContainerClient(bucketName).getBlobClient(key);
    await mkdir(dirname(localPath), { recursive: true });
    try {
      const res = await blob.downloadToFile(
        localPath,
        0,
        undefined,
        signal ? { abortSignal: signal } : {},
      );
      return hexEtag(res.etag);
    } catch (err) {
      await rm(localPath, { force: true });
      throw wrap(err);
    }
  }

  isObjectNotFound(err: unknown): boolean {
    return (
      err instanceof BucketServiceError && (err.code === 'BlobNotFound' || err.statusCode === 404)
    );
  }

  close(): void {
    // The SDK's HTTP pipeline holds no resources that need closing.
  }
}
