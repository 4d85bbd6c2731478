// The controller's own HTTP endpoints: /healthz (alive), /readyz (caches synced, leader or
// standby) and /metrics (Prometheus), as Flux controllers serve them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, Registry } from '../../core/index.js';
import {
  answerMalformedUrl,
  decodePath,
  guardRequests,
  guardServer,
  parseRequestUrl,
  renderMetrics,
  silentLogger,
} from '../../core/index.js';

export interface HealthServerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  readonly metrics: Registry;
  /** Whether the controller is ready to serve (informers synced). */
  readonly ready: () => boolean;
  /** Where errors of the server itself go. @default silentLogger() */
  readonly logger?: Logger;
}

export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const logger = options.logger ?? silentLogger();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = parseRequestUrl(req.url);
    const path = url === undefined ? undefined : decodePath(url.pathname);
    if (path === undefined) {
      answerMalformedUrl(res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const ok = options.ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'not ready');
    } else if (path === '/metrics') {
      renderMetrics(options.metrics).then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };
  const server: Server = createServer(guardRequests(handle, { logger, server: 'health' }));
  guardServer(server, { logger, server: 'health' });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
