// A Git smart-HTTP server: `git http-backend` (the CGI program that ships with git) behind a
// node HTTP server on 127.0.0.1, with optional basic or bearer auth. `flotilla up` serves its
// fleet repository with it, and tests use it as a real Git server.
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  answerMalformedUrl,
  decodePath,
  FlotillaError,
  guardRequests,
  guardServer,
  parseRequestUrl,
  silentLogger,
  type Logger,
} from '../../core/index.js';

/** Paths with an empty, '.' or '..' segment, which git http-backend refuses as aliases. */
const ALIASED = /\/\/|\/\.\.?(\/|$)/;

/** Where Debian's (and most distributions') git installs http-backend. */
export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitHttpServerOptions {
  /** Directory holding the repositories (bare, or working copies' `.git`). */
  readonly root: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly bearerToken?: string;
  /** Allow pushes over HTTP (receive-pack). @default false */
  readonly allowPush?: boolean;
  /** @default GIT_HTTP_BACKEND */
  readonly backend?: string;
  /** Serve HTTPS with this key pair (PEM); with `clientCa`, require a client certificate it signed. */
  readonly tls?: { readonly key: string; readonly cert: string; readonly clientCa?: string };
  /** Where errors of requests and of the server go. @default silentLogger() */
  readonly logger?: Logger;
}

export interface GitHttpServer {
  /** Base URL; a repository `fleet.git` under root is at `${url}/fleet.git`. */
  readonly url: string;
  /** Requests served so far (to count round trips). */
  readonly requests: () => number;
  close(): Promise<void>;
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const backend = options.backend ?? GIT_HTTP_BACKEND;
  if (
    !(await access(backend).then(
      () => true,
      () => false,
    ))
  ) {
    throw new FlotillaError(`git http-backend not found at ${backend}. Is git installed?`, {
      reason: 'GitNotInstalled',
    });
  }
  const basic = options.basicAuth
    ? `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`
    : undefined;
  const bearer = options.bearerToken !== undefined ? `Bearer ${options.bearerToken}` : undefined;
  const logger = options.logger ?? silentLogger();
  let count = 0;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    count++;
    const auth = req.headers.authorization ?? '';
    if ((basic || bearer) && auth !== basic && auth !== bearer) {
      res
        .writeHead(401, { 'WWW-Authenticate': basic ? 'Basic realm="git"' : 'Bearer' })
        .end('unauthorized');
      return;
    }
    const u = parseRequestUrl(req.url);
    const pathInfo = u === undefined ? undefined : decodePath(u.pathname);
    // http-backend answers 500 to paths it calls aliased (empty, '.' or '..' segments)
    if (u === undefined || pathInfo === undefined || ALIASED.test(pathInfo)) {
      answerMalformedUrl(res);
      return;
    }
    const cgi = spawn(backend, [], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        // http-backend would allow pushes for any authenticated user; decide explicitly.
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: options.allowPush ? 'true' : 'false',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: pathInfo,
        QUERY_STRING: u.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        REMOTE_USER: options.basicAuth?.username ?? 'anonymous',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    // a client gone mid-request ends the CGI program's input; nothing else to do
    req.on('error', () => cgi.stdin.destroy());
    cgi.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const sep = head.indexOf('\r\n\r\n');
      if (sep < 0) return;
      headersDone = true;
      // an event callback: the request guard cannot see what it throws
      try {
        const { status, headers } = cgiHeaders(head.subarray(0, sep).toString());
        res.writeHead(status, headers);
        res.write(head.subarray(sep + 4));
      } catch (err) {
        logger.error({ err, url: req.url }, 'git http-backend answered with bad headers');
        cgi.kill();
        if (!res.headersSent) res.writeHead(502);
        res.end();
      }
    });
    cgi.on('error', (err) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
    cgi.on('close', () => {
      if (!headersDone && !res.headersSent) res.writeHead(502);
      res.end();
    });
    cgi.stderr.resume();
  };
  const handler = guardRequests(handle, { logger, server: 'git' });
  const tls = options.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ...(tls.clientCa
            ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }
            : {}),
        },
        handler,
      )
    : createServer(handler);
  guardServer(server, { logger, server: 'git' });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The status and headers of a CGI response head (`Status: 404 Not Found` and header lines). */
function cgiHeaders(head: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
    else headers[k] = v;
  }
  return { status, headers };
}
