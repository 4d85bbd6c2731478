// One HTTP(S) request with the request target sent exactly as given (no URL normalisation), for
// tests that probe servers with malformed URLs, odd methods and hostile bodies.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawRequest {
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** CA to trust for an https:// base. */
  readonly ca?: string;
  /** Sends only this many bytes of the body, then resets the connection (a client gone mid-body). */
  readonly abortAfterBytes?: number;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * Sends `target` (path and query, sent byte for byte) to the server at `base`
 * (`http://127.0.0.1:PORT` or `https://…`). Resolves with status 0 when the request was aborted on
 * purpose or the server closed the connection without an answer.
 */
export function rawRequest(
  base: string,
  target: string,
  options: RawRequest = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? Buffer.from(options.body)
        : options.body;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: target,
        headers: {
          ...(body === undefined ? {} : { 'Content-Length': String(body.length) }),
          ...options.headers,
        },
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        agent: false,
        timeout: options.timeoutMs ?? 10000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', () => resolve({ status: 0, headers: {}, text: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${target} within the timeout`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || options.abortAfterBytes !== undefined)
        resolve({ status: 0, headers: {}, text: '' });
      else reject(err);
    });
    if (body === undefined) {
      req.end();
      return;
    }
    if (options.abortAfterBytes !== undefined) {
      req.write(body.subarray(0, options.abortAfterBytes), () => {
        setTimeout(() => req.destroy(), 20);
      });
      return;
    }
    req.end(body);
  });
}

/** Request targets that are not valid URLs or cannot be percent-decoded. */
export const MALFORMED_TARGETS: readonly string[] = [
  '/%E0%A4%A',
  '/%',
  '/%zz',
  '/%C0%AF',
  '/%ED%A0%80',
  '/a/%E0%A4%A/b?x=%',
  '//:99999/',
  '//[/',
  '/api/v1/namespaces/%E0%A4%A/configmaps',
  '/api/v1/namespaces/default/configmaps/%FF',
  '/apis/%/v1/things',
  '/a%00b',
];
