// Request handling that no request can end: every Flotilla HTTP server (the local API server, the
// Git server, the artifact server, the controller's health server) wraps its handler here, so a
// malformed URL is a 400 and an error escaping a handler is logged and answered 500, never an
// uncaught exception that stops the process with every other server and controller in it.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as NetServer } from 'node:net';
import type { Logger } from './logging.js';

/** A request handler, synchronous or asynchronous. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GuardOptions {
  /** Where escaped errors are logged. */
  readonly logger: Logger;
  /** Names the server in log lines. */
  readonly server: string;
  /**
   * Answers an error that escaped the handler, headers not sent yet (a server's own error
   * format, such as a metav1.Status). @default a plain-text 500
   */
  readonly answer?: (res: ServerResponse, err: unknown) => void;
}

function plainText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A plain-text 400 for a request target that cannot be parsed or decoded. */
export function answerMalformedUrl(res: ServerResponse): void {
  plainText(res, 400, 'Bad Request: malformed URL\n');
}

/**
 * The request listener for `handler`: a synchronous throw or a rejected promise is logged and
 * answered 500 (or the connection is closed when the answer already started).
 */
export function guardRequests(
  handler: RequestHandler,
  options: GuardOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = options.answer ?? ((res) => plainText(res, 500, 'Internal Server Error\n'));
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    options.logger.error(
      { err, server: options.server, method: req.method, url: req.url },
      'request handler failed',
    );
    if (res.headersSent) {
      res.destroy();
      return;
    }
    try {
      answer(res, err);
    } catch {
      res.destroy();
    }
  };
  return (req, res) => {
    try {
      const done = handler(req, res);
      if (done !== undefined) done.catch((err: unknown) => fail(req, res, err));
    } catch (err) {
      fail(req, res, err);
    }
  };
}

/**
 * Keeps a listening server alive through errors that have no request to answer: an 'error' event
 * (EMFILE while accepting, say) without a listener would be an uncaught exception.
 */
export function guardServer(
  server: Server,
  options: Pick<GuardOptions, 'logger' | 'server'>,
): void {
  server.on('error', (err) =>
    options.logger.error({ err, server: options.server }, 'server error'),
  );
}

/** A request target as a URL, or undefined when it cannot be parsed (`//:99999/`, ...). */
export function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/**
 * A percent-decoded path, or undefined for a malformed escape or invalid UTF-8 (`%E0%A4%A`), or a
 * NUL byte (`%00`), which no file, process or object name can hold.
 */
export function decodePath(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return decoded.includes('\0') ? undefined : decoded;
}

/**
 * Starts listening and resolves with the port (the one chosen when `port` is 0); rejects when the
 * address cannot be bound (EADDRINUSE) instead of emitting an unhandled 'error'.
 */
export async function listen(server: NetServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return typeof addr === 'object' && addr !== null ? addr.port : 0;
}
