// A small S3 client (ListObjectsV2 with pagination, GetObject) signed with AWS SigV4 via `aws4`.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import aws4 from 'aws4';
import { BucketServiceError, type BucketClient } from './provider.js';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ClientOptions {
  /** `host[:port]` (Flux's form) or a full `http(s)://` URL. */
  readonly endpoint: string;
  /** Use plain HTTP for a `host[:port]` endpoint. @default false */
  readonly insecure?: boolean;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Unsigned (anonymous) requests when absent. */
  readonly credentials?: S3Credentials | undefined;
  /** TLS material from `certSecretRef` (PEM). */
  readonly tls?:
    { readonly ca?: string; readonly cert?: string; readonly key?: string } | undefined;
  /**
   * Address buckets as `<bucket>.<host>` instead of `<host>/<bucket>`. Defaults to virtual-host
   * style for AWS endpoints only, like minio-go's automatic lookup.
   */
  readonly virtualHostStyle?: boolean;
  /** Keys per ListObjectsV2 page (`max-keys`); the service's default (1000) when absent. */
  readonly pageSize?: number;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    return XML_ENTITIES[ent] ?? whole;
  });
}

function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXml(m[1]);
}

/** S3 returns ETags quoted; minio-go (and so Flux) strips the quotes. */
function trimEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"+|"+$/g, '');
}

/** RFC 3986 encoding of each key segment, as SigV4 canonical URIs need. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

/** An S3-compatible client with no SDK: requests built by hand and signed with `aws4`. */
export class S3Client implements BucketClient {
  readonly #base: URL;
  readonly #region: string;
  readonly #credentials: S3Credentials | undefined;
  readonly #virtualHost: boolean;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #pageSize: string;

  constructor(options: S3ClientOptions) {
    const raw = options.endpoint.includes('://')
      ? options.endpoint
      : `${options.insecure === true ? 'http' : 'https'}://${options.endpoint}`;
    this.#base = new URL(raw);
    this.#region =
      options.region !== undefined && options.region !== '' ? options.region : 'us-east-1';
    this.#credentials = options.credentials;
    this.#pageSize = options.pageSize === undefined ? '' : String(options.pageSize);
    this.#virtualHost =
      options.virtualHostStyle ?? /(^|\.)amazonaws\.com(\.cn)?$/.test(this.#base.hostname);
    this.#agent =
      this.#base.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, ...(options.tls ?? {}) })
        : new HttpAgent({ keepAlive: true });
  }

  #target(
    bucket: string,
    key?: string,
    query?: Record<string, string>,
  ): { host: string; path: string } {
    const qs = query
      ? Object.entries(query)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
          .join('&')
      : '';
    const basePath = this.#base.pathname.replace(/\/+$/, '');
    const keyPart = key === undefined ? '' : encodeKey(key);
    let host = this.#base.host;
    let path: string;
    if (this.#virtualHost) {
      host = `${bucket}.${host}`;
      path = `${basePath}/${keyPart}`;
    } else {
      path = `${basePath}/${encodeURIComponent(bucket)}${key === undefined ? '' : `/${keyPart}`}`;
    }
    return { host, path: qs === '' ? path : `${path}?${qs}` };
  }

  async #send(
    bucket: string,
    key: string | undefined,
    query: Record<string, string> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage> {
    const { host, path } = this.#target(bucket, key, query);
    const opts: aws4.Request & { headers: Record<string, string> } = {
      host,
      path,
      method: 'GET',
      service: 's3',
      region: this.#region,
      headers: {},
    };
    if (this.#credentials) aws4.sign(opts, this.#credentials);
    const send = this.#base.protocol === 'https:' ? httpsRequest : httpRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(
        {
          protocol: this.#base.protocol,
          hostname: this.#virtualHost ? host.replace(/:\d+$/, '') : this.#base.hostname,
          port: this.#base.port,
          path,
          method: 'GET',
          headers: opts.headers,
          agent: this.#agent,
          ...(signal ? { signal } : {}),
        },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    if ((res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const code = xmlValue(body, 'Code') ?? `HTTP${res.statusCode ?? 0}`;
      const message = xmlValue(body, 'Message') ?? res.statusMessage ?? 'request failed';
      throw new BucketServiceError(
        `${code}: ${message} (HTTP ${res.statusCode ?? 0})`,
        code,
        res.statusCode ?? 0,
      );
    }
    return res;
  }

  async #text(res: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async bucketExists(bucketName: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await this.#send(
        bucketName,
        undefined,
        { 'list-type': '2', 'max-keys': '1' },
        signal,
      );
      res.resume();
      return true;
    } catch (err) {
      if (err instanceof BucketServiceError && err.code === 'NoSuchBucket') return false;
      throw err;
    }
  }

  async visitObjects(
    bucketName: string,
    prefix: string,
    visit: (key: string, etag: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    let token = '';
    for (;;) {
      const res = await this.#send(
        bucketName,
        undefined,
        { 'list-type': '2', prefix, 'max-keys': this.#pageSize, 'continuation-token': token },
        signal,
      );
      const xml = await this.#text(res);
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const block = m[1] ?? '';
        const key = xmlValue(block, 'Key');
        if (key !== undefined) visit(key, trimEtag(xmlValue(block, 'ETag')));
      }
      const truncated = xmlValue(xml, 'IsTruncated') === 'true';
      const next = xmlValue(xml, 'NextContinuationToken') ?? '';
      if (!truncated || next === '') return;
      token = next;
    }
  }

  async getObject(
    bucketName: string,
    key: string,
    localPath: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const res = await this.#send(bucketName, key, undefined, signal);
    await mkdir(dirname(localPath), { recursive: true });
    try {
      await pipeline(res, createWriteStream(localPath, { mode: 0o600 }));
    } catch (err) {
      await rm(localPath, { force: true });
      throw err;
    }
    return trimEtag(res.headers.etag);
  }

  isObjectNotFound(err: unknown): boolean {
    return (
      err instanceof BucketServiceError && (err.code === 'NoSuchKey' || err.statusCode === 404)
    );
  }

  close(): void {
    this.#agent.destroy();
  }
}
