// The HTTP side of the differential test: one request to one server (the local cluster or a
// real kube-apiserver), answered as status, parsed body, warnings, or watch events.
import { Agent, request } from 'node:https';

/** A server under test: where it is, the CA to trust and an admin (system:masters) token. */
export interface Endpoint {
  readonly name: string;
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  /** How long to wait for what controllers add to a new namespace. @default 10000 */
  readonly settleMs?: number;
}

export interface Answer {
  readonly status: number;
  /** Parsed JSON, or the text when it is not JSON. */
  readonly body: unknown;
  readonly warnings: readonly string[];
  readonly contentType: string;
}

export interface SendOptions {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: string;
  /** Read a watch stream until this many events (or its end). */
  readonly watchEvents?: number;
}

const USER_AGENT = 'flotilla-diff/v1.0.0 (linux/amd64)';
const WATCH_LIMIT_MS = 15_000;

/** Warning headers (`299 - "text"`) as their texts. */
function warningsOf(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  const list = Array.isArray(h) ? h : [h];
  return list.map((w) => {
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(w);
    return m ? (JSON.parse(`"${m[1] ?? ''}"`) as string) : w;
  });
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class DiffClient {
  private readonly agent: Agent;

  constructor(readonly endpoint: Endpoint) {
    this.agent = new Agent({ ca: endpoint.caPem, keepAlive: true, maxSockets: 8 });
  }

  close(): void {
    this.agent.destroy();
  }

  send(o: SendOptions): Promise<Answer> {
    const headers: Record<string, string | readonly string[]> = {
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      Authorization: `Bearer ${this.endpoint.token}`,
      ...o.headers,
    };
    if (o.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(o.body));
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(o.path, this.endpoint.url),
        { method: o.method, headers: headers as Record<string, string>, agent: this.agent },
        (res) => {
          const warnings = warningsOf(res.headers.warning);
          const contentType = res.headers['content-type'] ?? '';
          if (o.watchEvents !== undefined && res.statusCode === 200) {
            readEvents(res, o.watchEvents, () => req.destroy()).then(
              (events) => resolve({ status: 200, body: events, warnings, contentType }),
              reject,
            );
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: parse(Buffer.concat(chunks).toString('utf8')),
              warnings,
              contentType,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err) => {
        // a watch we ended ourselves
        if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
      });
      req.end(o.body);
    });
  }
}

/** Watch events (parsed lines) until `max` of them, the end of the stream, or a time limit. */
function readEvents(
  res: NodeJS.ReadableStream,
  max: number,
  abort: () => void,
): Promise<unknown[]> {
  return new Promise((resolve) => {
    const events: unknown[] = [];
    let buf = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      abort();
      resolve(events);
    };
    const timer = setTimeout(finish, WATCH_LIMIT_MS);
    res.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === '') continue;
        events.push(parse(line));
        if (events.length >= max) return finish();
      }
    });
    res.on('end', () => {
      if (buf.trim() !== '') events.push(parse(buf.trim()));
      finish();
    });
    res.on('error', finish);
    res.on('close', finish);
  });
}
