// Keep-alive HTTP(S) transport to one API server: bounded sockets, request counting, streaming.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { ClusterConnection } from './kubeconfig.js';
import { errorFromResponse, KubeTransportError } from './errors.js';

export interface TransportOptions {
  /** Sockets kept open for ordinary requests; more requests queue. @default 32 */
  readonly maxSockets?: number;
  /** Per-request timeout for non-streaming requests, in ms. @default 60000 */
  readonly timeoutMs?: number;
  /** @default 'flotilla' */
  readonly userAgent?: string;
  /** Act as this user (Impersonate-User / Impersonate-Group headers), e.g. a service account. */
  readonly impersonate?: { readonly user: string; readonly groups?: readonly string[] };
  /** Told each `Warning` header's text (admission warnings, deprecations), as kubectl prints them. */
  readonly onWarning?: (warning: string) => void;
}

export interface TransportRequest {
  readonly method: string;
  /** Absolute API path, e.g. `/api/v1/namespaces`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: string;
  /** @default 'application/json' when a body is given */
  readonly contentType?: string;
  /** Object named in errors (`Kind/ns/name`). */
  readonly object?: string;
}

export interface TransportResponse {
  readonly status: number;
  readonly body: string;
}

/** Counts of requests sent, for tests and benchmarks (a no-op reconcile must make no writes). */
export interface RequestStats {
  total: number;
  /** Requests that change state: non-GET and not `dryRun`. */
  writes: number;
  dryRuns: number;
  byMethod: Record<string, number>;
}

/** Sends requests over a pool of keep-alive sockets; watches use their own pool. */
export class KubeTransport {
  readonly server: URL;
  readonly stats: RequestStats = { total: 0, writes: 0, dryRuns: 0, byMethod: {} };
  private readonly agent: http.Agent;
  private readonly streamAgent: http.Agent;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly impersonate: TransportOptions['impersonate'];
  private readonly onWarning: TransportOptions['onWarning'];

  constructor(
    readonly connection: ClusterConnection,
    options: TransportOptions = {},
  ) {
    this.server = new URL(connection.server);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.userAgent = options.userAgent ?? 'flotilla';
    this.impersonate = options.impersonate;
    this.onWarning = options.onWarning;
    const tls = connection.tls;
    const agentOptions: https.AgentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 32,
      maxFreeSockets: options.maxSockets ?? 32,
      scheduling: 'lifo',
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(tls.rejectUnauthorized === undefined
        ? {}
        : { rejectUnauthorized: tls.rejectUnauthorized }),
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    };
    const isHttps = this.server.protocol === 'https:';
    this.agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    // Watches hold a socket for minutes; keeping them apart stops them starving requests.
    const streamOptions = { ...agentOptions, maxSockets: Infinity, maxFreeSockets: 4 };
    this.streamAgent = isHttps ? new https.Agent(streamOptions) : new http.Agent(streamOptions);
  }

  /** Sends one request and reads the whole answer; non-2xx answers throw KubeApiError. */
  async request(req: TransportRequest): Promise<TransportResponse> {
    const first = await this.sendWithReuseRetry(req);
    let res = first;
    if (first.status === 401) {
      // Rotated credentials (exec plugin, token file): fetch new ones and try once more.
      this.connection.invalidate();
      res = await this.send(req, this.agent, this.timeoutMs);
    }
    if (res.status < 200 || res.status >= 300) {
      throw errorFromResponse({
        code: res.status,
        body: res.body,
        method: req.method,
        path: req.path,
        ...(req.object === undefined ? {} : { object: req.object }),
      });
    }
    return res;
  }

  /**
   * A kept-alive socket may have been closed by the server just as it is reused; the request
   * then fails with ECONNRESET/EPIPE before any answer. Requests other than POST are
   * idempotent (including server-side apply), so those are sent once more on a new socket.
   * The other idle sockets went idle at about the same time and are likely closed too, so
   * they are dropped first: otherwise the retry may be handed the next stale one.
   */
  private async sendWithReuseRetry(req: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.send(req, this.agent, this.timeoutMs);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (req.method === 'POST' || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
      for (const sockets of Object.values(this.agent.freeSockets)) {
        for (const socket of sockets ?? []) socket.destroy();
      }
      return this.send(req, this.agent, this.timeoutMs);
    }
  }

  /**
   * Opens a streaming request (watch): resolves with the response once headers arrive.
   * Non-2xx answers are read fully and thrown as KubeApiError.
   */
  async stream(req: TransportRequest, signal?: AbortSignal): Promise<IncomingMessage> {
    const headers = await this.headers(req);
    this.count(req);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const r = this.rawRequest(req, headers, this.streamAgent, signal);
      r.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(res);
          return;
        }
        readBody(res).then(
          (body) =>
            reject(errorFromResponse({ code: status, body, method: req.method, path: req.path })),
          reject,
        );
      });
      r.on('error', (err) => reject(transportError(req, err)));
      r.end();
    });
  }

  /** Closes idle sockets; in-flight requests finish. */
  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }

  private async headers(req: TransportRequest): Promise<http.OutgoingHttpHeaders> {
    const auth = await this.connection.authHeaders();
    const headers: http.OutgoingHttpHeaders = {
      ...auth,
      Accept: 'application/json',
      'User-Agent': this.userAgent,
    };
    if (this.impersonate) {
      headers['Impersonate-User'] = this.impersonate.user;
      // One header line per group: the API server reads each line as one group.
      if (this.impersonate.groups?.length)
        headers['Impersonate-Group'] = [...this.impersonate.groups];
    }
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(req.body));
    }
    return headers;
  }

  private count(req: TransportRequest): void {
    const s = this.stats;
    s.total++;
    s.byMethod[req.method] = (s.byMethod[req.method] ?? 0) + 1;
    const dry = req.query?.['dryRun'] !== undefined;
    if (dry) s.dryRuns++;
    else if (req.method !== 'GET' && req.method !== 'HEAD') s.writes++;
  }

  private async send(
    req: TransportRequest,
    agent: http.Agent,
    timeoutMs: number,
  ): Promise<TransportResponse> {
    const headers = await this.headers(req);
    this.count(req);
    return new Promise<TransportResponse>((resolve, reject) => {
      const r = this.rawRequest(req, headers, agent);
      r.setTimeout(timeoutMs, () => {
        r.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      r.on('response', (res) => {
        if (this.onWarning !== undefined) for (const w of warningsOf(res)) this.onWarning(w);
        readBody(res).then((body) => resolve({ status: res.statusCode ?? 0, body }), reject);
      });
      r.on('error', (err) => reject(transportError(req, err)));
      r.end(req.body);
    });
  }

  private rawRequest(
    req: TransportRequest,
    headers: http.OutgoingHttpHeaders,
    agent: http.Agent,
    signal?: AbortSignal,
  ): http.ClientRequest {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + req.path, this.server);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const mod = url.protocol === 'https:' ? https : http;
    return mod.request(url, {
      method: req.method,
      headers,
      agent,
      ...(signal === undefined ? {} : { signal }),
    });
  }
}

function transportError(req: TransportRequest, err: Error): KubeTransportError {
  return new KubeTransportError(`${req.method} ${req.path}: ${err.message}`, err);
}

/** The texts of RFC 7234 Warning headers (`299 - "text"`), unquoted as client-go does. */
export function warningsOf(res: IncomingMessage): string[] {
  const out: string[] = [];
  // rawHeaders: one entry per header line (headers.warning would join them with commas)
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    if (res.rawHeaders[i]?.toLowerCase() !== 'warning') continue;
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(res.rawHeaders[i + 1] ?? '');
    if (m?.[1] !== undefined) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
