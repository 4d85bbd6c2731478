// A minimal HTTPS JSON client trusting the local cluster's CA, for the local cluster's tests.
import { request, Agent } from 'node:https';
import type { LocalCluster } from '../localcluster/index.js';
import { until } from './until.js';

/** Parsed JSON as the tests read it: any path, values checked at run time by assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API responses are checked field by field by the tests
export type Json = any;

export interface TestResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly body: Json;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string | string[]>;
  /** Omit the bearer token. */
  readonly anonymous?: boolean;
}

export class TestClient {
  private readonly agent: Agent;

  constructor(private readonly cluster: Pick<LocalCluster, 'url' | 'caPem' | 'token'>) {
    this.agent = new Agent({ ca: cluster.caPem, keepAlive: true, maxSockets: 16 });
  }

  send(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const url = new URL(path, this.cluster.url);
    const payload =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    const headers: Record<string, string | string[]> = {
      Accept: 'application/json',
      ...(options.headers ?? {}),
    };
    if (!options.anonymous) headers.Authorization = `Bearer ${this.cluster.token}`;
    if (payload !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          const response: TestResponse = {
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body,
          };
          resolve(response);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Opens a watch and collects parsed events until `stop()`. */
  watch(
    path: string,
    headers: Record<string, string> = {},
  ): { events: { type: string; object: Json }[]; stop: () => void; ready: Promise<void> } {
    const url = new URL(path, this.cluster.url);
    const events: { type: string; object: Json }[] = [];
    let buf = '';
    let readyResolve: () => void = () => undefined;
    const ready = new Promise<void>((r) => (readyResolve = r));
    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          Authorization: `Bearer ${this.cluster.token}`,
          Accept: 'application/json',
          ...headers,
        },
        agent: this.agent,
      },
      (res) => {
        readyResolve();
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim() !== '') events.push(JSON.parse(line) as { type: string; object: Json });
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', () => undefined);
    req.end();
    return { events, stop: () => req.destroy(), ready };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Polls `check` until it returns a truthy value or the timeout passes (until() in the order these tests use). */
export function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  return until(what, async () => (await check()) || undefined, { timeoutMs, intervalMs: 20 });
}
