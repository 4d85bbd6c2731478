// Downloads from a Helm repository over HTTP(S) as Helm's HTTP getter does: basic auth, a CA and
// a client certificate for TLS, a size limit and a timeout; errors name the URL, never a secret.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ErrorCategory, FlotillaError, errorMessage } from '../../core/index.js';

/** Credentials and TLS settings for one repository (from its Secrets). */
export interface HelmClientOptions {
  readonly username?: string;
  readonly password?: string;
  /** PEM CA bundle (certSecretRef `ca.crt`). */
  readonly ca?: Buffer;
  /** PEM client certificate and key (certSecretRef `tls.crt`, `tls.key`). */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** @default 60000 */
  readonly timeoutMs?: number;
  /** Refuse bodies larger than this. @default 100 MiB */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_MAX = 100 * 1024 * 1024;

/** GETs `url` and returns the body; non-2xx answers fail with Helm's wording. */
export async function httpGetBytes(url: string, options: HelmClientOptions = {}): Promise<Buffer> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FlotillaError(`unsupported URL scheme '${parsed.protocol}' in '${url}'`, {
      reason: 'URLInvalid',
    });
  }
  const res = await send(parsed, options);
  const max = options.maxBytes ?? DEFAULT_MAX;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.destroy();
      throw new FlotillaError(`response from '${redact(parsed)}' exceeds ${max} bytes`, {
        reason: 'FetchFailed',
      });
    }
    chunks.push(chunk);
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    throw new FlotillaError(
      `failed to fetch ${redact(parsed)} : ${status} ${res.statusMessage ?? ''}`.trimEnd(),
      {
        reason: status === 401 || status === 403 ? 'AuthenticationFailed' : 'FetchFailed',
        category: status >= 500 ? ErrorCategory.Transient : ErrorCategory.RetryLater,
      },
    );
  }
  return Buffer.concat(chunks);
}

function send(url: URL, options: HelmClientOptions): Promise<IncomingMessage> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const headers: Record<string, string> = { 'user-agent': 'Helm/3.21.4' };
  if (options.username !== undefined || options.password !== undefined) {
    const token = Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString(
      'base64',
    );
    headers['authorization'] = `Basic ${token}`;
  }
  return new Promise((resolve, reject) => {
    const tls =
      url.protocol === 'https:'
        ? {
            ...(options.ca ? { ca: options.ca } : {}),
            ...(options.cert ? { cert: options.cert } : {}),
            ...(options.key ? { key: options.key } : {}),
          }
        : {};
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: 'GET',
        headers,
        timeout: timeoutMs,
        ...tls,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', (err) =>
      reject(
        new FlotillaError(`failed to fetch ${redact(url)} : ${errorMessage(err)}`, {
          reason: 'FetchFailed',
          category: ErrorCategory.Transient,
          cause: err,
        }),
      ),
    );
    req.end();
  });
}

/** The URL without user info, for messages. */
function redact(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
