// What the Bucket reconciler needs from an object storage: Flux's BucketProvider interface.

/** One object storage client, bound to a Bucket's endpoint and credentials. */
export interface BucketClient {
  /** False when the bucket does not exist; throws for any other failure (e.g. auth). */
  bucketExists(bucketName: string, signal?: AbortSignal): Promise<boolean>;
  /** Calls `visit` for every object under `prefix` (all pages). */
  visitObjects(
    bucketName: string,
    prefix: string,
    visit: (key: string, etag: string) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Downloads one object to `localPath` (parents created) and returns its etag. */
  getObject(
    bucketName: string,
    key: string,
    localPath: string,
    signal?: AbortSignal,
  ): Promise<string>;
  /** True when `err` says the object does not exist. */
  isObjectNotFound(err: unknown): boolean;
  close(): void;
}

/** An error reported by the storage service, with its error code when it sent one. */
export class BucketServiceError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(message: string, code: string, statusCode: number) {
    super(message);
    this.name = 'BucketServiceError';
    this.code = code;
    this.statusCode = statusCode;
  }
}
