// The artifact HTTP server: serves stored artifacts by path, like Flux source-controller's file server.
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  answerMalformedUrl,
  decodePath,
  guardRequests,
  guardServer,
  listen,
  parseRequestUrl,
  silentLogger,
  type Logger,
} from '../../core/index.js';
import type { ArtifactStore } from './store.js';

export interface ArtifactServerOptions {
  readonly store: ArtifactStore;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /**
   * Point the store's artifact URLs at this server once it listens.
   * @default true
   */
  readonly advertise?: boolean;
  readonly logger?: Logger;
}

export interface ArtifactServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function contentType(path: string): string {
  if (path.endsWith('.tar.gz') || path.endsWith('.tgz') || path.endsWith('.gz')) {
    return 'application/gzip';
  }
  if (path.endsWith('.tar')) return 'application/x-tar';
  return 'application/octet-stream';
}

/** Starts the server: `GET /<kind>/<namespace>/<name>/<file>` and `GET /healthz`. */
export async function startArtifactServer(options: ArtifactServerOptions): Promise<ArtifactServer> {
  const { store } = options;
  const logger = options.logger ?? silentLogger();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : `${body}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(405, 'method not allowed');
      return;
    }
    const url = parseRequestUrl(req.url);
    const path = url === undefined ? undefined : decodePath(url.pathname);
    if (path === undefined) {
      answerMalformedUrl(res);
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      send(200, 'ok');
      return;
    }
    // Every segment must be a plain name: no empty, '.', '..' or backslash segments.
    const segments = path.replace(/^\/+/, '').split('/');
    if (
      segments.length < 2 ||
      segments.some(
        (s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.startsWith('.'),
      )
    ) {
      send(404, 'not found');
      return;
    }
    let abs: string;
    try {
      abs = store.localPath(segments.join('/'));
    } catch {
      send(404, 'not found');
      return;
    }
    let st = await lstat(abs).catch(() => undefined);
    if (st?.isSymbolicLink()) {
      // Only the `latest.tar.gz` kind of link: a plain file name in the same directory.
      const target = await readlink(abs).catch(() => '');
      if (target === '' || target.includes('/') || target.startsWith('.')) {
        send(404, 'not found');
        return;
      }
      abs = join(dirname(abs), target);
      st = await lstat(abs).catch(() => undefined);
    }
    if (!st?.isFile()) {
      send(404, 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentType(abs),
      'Content-Length': String(st.size),
      'Last-Modified': st.mtime.toUTCString(),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(abs);
    stream.on('error', (err) => {
      logger.warn({ err, path }, 'artifact read failed');
      res.destroy(err);
    });
    stream.pipe(res);
  };

  const server = createServer(guardRequests(handle, { logger, server: 'artifact' }));
  guardServer(server, { logger, server: 'artifact' });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (options.advertise ?? true) store.setHostname(hostPort);
  logger.info({ address: hostPort }, 'artifact server listening');
  return {
    url: `http://${hostPort}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
